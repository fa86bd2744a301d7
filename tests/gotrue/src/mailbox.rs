//! The emails the server sent, kept for the test to read instead of an SMTP server.
//!
//! An email is what GoTrue's default templates carry: a link to
//! `/auth/v1/verify` and the same token as a six-digit code. Links are
//! written as GoTrue's mailer writes them:
//! `<external url>/auth/v1/verify?token=<token>&type=<type>&redirect_to=<url>`,
//! where `redirect_to` is escaped only if it contains `&`, `=` or `#`.

use std::time::SystemTime;

use crate::query;

/// Why an email was sent; its link's `type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmailKind {
    /// A new user's confirmation (`type=signup`), which `/otp` sends instead
    /// of a magic link to an address with no confirmed user.
    Confirmation,
    /// A sign-in link for a confirmed user (`type=magiclink`).
    MagicLink,
    /// A password-recovery link (`type=recovery`).
    Recovery,
}

impl EmailKind {
    /// The link's `type` parameter.
    pub fn link_type(self) -> &'static str {
        match self {
            EmailKind::Confirmation => "signup",
            EmailKind::MagicLink => "magiclink",
            EmailKind::Recovery => "recovery",
        }
    }
}

/// One email as sent.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Email {
    /// The address it went to.
    pub to: String,
    /// Why it was sent.
    pub kind: EmailKind,
    /// The link to follow.
    pub link: String,
    /// The six-digit code to type instead.
    pub code: String,
    /// When it was sent.
    pub sent_at: SystemTime,
}

/// Every email sent, oldest first.
#[derive(Debug, Default)]
pub(crate) struct Mailbox {
    sent: Vec<Email>,
}

impl Mailbox {
    /// Sends `email`.
    pub(crate) fn send(&mut self, email: Email) {
        self.sent.push(email);
    }

    /// Every email sent, oldest first.
    pub(crate) fn all(&self) -> &[Email] {
        &self.sent
    }
}

/// The link of an email of `kind` whose token is `link_token`, leading back to `redirect_to`.
pub(crate) fn verify_link(
    external_url: &str,
    kind: EmailKind,
    link_token: &str,
    redirect_to: &str,
) -> String {
    format!(
        "{external_url}/auth/v1/verify?token={}&type={}&redirect_to={}",
        query::escape(link_token),
        kind.link_type(),
        link_redirect(redirect_to),
    )
}

/// `redirect_to` as GoTrue's mailer puts it in a link (`encodeRedirectURL`):
/// escaped if it has characters that would break the link's query, else as is.
fn link_redirect(redirect_to: &str) -> String {
    if redirect_to.contains(['&', '=', '#']) {
        query::escape(redirect_to)
    } else {
        redirect_to.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_escape_a_redirect_with_a_query_and_keep_a_plain_one() {
        let link =
            |redirect_to| verify_link("http://h", EmailKind::MagicLink, "pkce_ab", redirect_to);

        assert_eq!(
            link("axolop://auth/callback?state=xyz"),
            "http://h/auth/v1/verify?token=pkce_ab&type=magiclink\
             &redirect_to=axolop%3A%2F%2Fauth%2Fcallback%3Fstate%3Dxyz"
        );
        assert_eq!(
            link("http://127.0.0.1:3000"),
            "http://h/auth/v1/verify?token=pkce_ab&type=magiclink&redirect_to=http://127.0.0.1:3000"
        );
    }
}
