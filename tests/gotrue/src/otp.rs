//! One-time tokens: the six-digit code and the link token of each email.
//!
//! As in GoTrue, each email carries a random six-digit code, and its link
//! carries the token hash `hex(SHA-224(email + code))`, prefixed `pkce_`
//! when the email belongs to a PKCE flow. A user holds at most one token per
//! [`TokenKind`] (a new email replaces the previous one of its kind), and
//! using any token clears every token of that user, as GoTrue's `Confirm`
//! and `Recover` do. A token works until `sent + lifetime`; the lifetime
//! is read when the token is used, so a test can shorten it after the fact.
//!
//! Time comes in as an argument; nothing here reads the clock.

use std::collections::HashMap;
use std::time::{Duration, SystemTime};

use sha2::{Digest, Sha224};

use crate::user::UserId;

/// What GoTrue prefixes the link token of a PKCE flow with.
pub(crate) const PKCE_PREFIX: &str = "pkce_";

/// Which of a user's token slots an email uses (GoTrue's user columns).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum TokenKind {
    /// `confirmation_token`: the sign-up confirmation of a new user.
    Confirmation,
    /// `recovery_token`: magic links and password recovery.
    Recovery,
}

/// A token just issued: what the email carries.
#[derive(Debug)]
pub(crate) struct IssuedToken {
    /// The six digits a person can type.
    pub(crate) code: String,
    /// The token of the email's link.
    pub(crate) link_token: String,
}

#[derive(Debug)]
struct Token {
    /// `pkce_` and/or the hex hash, as stored and as put in the link.
    link_token: String,
    sent_at: SystemTime,
}

/// Every live token, by user and kind.
#[derive(Debug, Default)]
pub(crate) struct OneTimeTokens {
    tokens: HashMap<(UserId, TokenKind), Token>,
}

impl OneTimeTokens {
    /// Issues a token of `kind` for `user`, whose address is `email`,
    /// replacing the previous one of that kind.
    pub(crate) fn issue(
        &mut self,
        user: &UserId,
        email: &str,
        kind: TokenKind,
        pkce: bool,
        now: SystemTime,
        rng: &mut fastrand::Rng,
    ) -> IssuedToken {
        let code = format!("{:06}", rng.u32(0..1_000_000));
        let hash = token_hash(email, &code);
        let link_token = if pkce {
            format!("{PKCE_PREFIX}{hash}")
        } else {
            hash
        };
        self.tokens.insert(
            (user.clone(), kind),
            Token {
                link_token: link_token.clone(),
                sent_at: now,
            },
        );
        IssuedToken { code, link_token }
    }

    /// Whose live token of one of `kinds` is exactly `link_token`, and of
    /// which kind; `None` if unknown, used or expired at `now`.
    pub(crate) fn find_link(
        &self,
        link_token: &str,
        kinds: &[TokenKind],
        now: SystemTime,
        lifetime: Duration,
    ) -> Option<(UserId, TokenKind)> {
        self.tokens
            .iter()
            .find(|((_, kind), token)| kinds.contains(kind) && token.link_token == link_token)
            .filter(|(_, token)| now < token.sent_at + lifetime)
            .map(|((user, kind), _)| (user.clone(), *kind))
    }

    /// The first of `kinds` whose live token of `user` (address `email`) was
    /// made from `code`, if any, checking them in order.
    pub(crate) fn match_code(
        &self,
        user: &UserId,
        email: &str,
        code: &str,
        kinds: &[TokenKind],
        now: SystemTime,
        lifetime: Duration,
    ) -> Option<TokenKind> {
        let hash = token_hash(email, code);
        kinds.iter().copied().find(|kind| {
            self.tokens
                .get(&(user.clone(), *kind))
                .filter(|token| now < token.sent_at + lifetime)
                .is_some_and(|token| {
                    token.link_token == hash
                        || token.link_token.strip_prefix(PKCE_PREFIX) == Some(&hash)
                })
        })
    }

    /// Forgets every token of `user`: one was used, or the password changed.
    pub(crate) fn clear(&mut self, user: &UserId) {
        self.tokens.retain(|(owner, _), _| owner != user);
    }
}

/// GoTrue's token hash: hex SHA-224 of the address and the code.
fn token_hash(email: &str, code: &str) -> String {
    Sha224::digest(format!("{email}{code}").as_bytes())
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use std::time::UNIX_EPOCH;

    use super::*;

    const HOUR: Duration = Duration::from_secs(3600);
    const ADA: &str = "ada@example.com";

    fn t(seconds: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(1_700_000_000 + seconds)
    }

    #[test]
    fn a_pkce_link_token_is_the_prefixed_hash_of_address_and_code() {
        let (mut tokens, mut rng) = (OneTimeTokens::default(), fastrand::Rng::with_seed(1));
        let ada = UserId::for_tests("ada");

        let issued = tokens.issue(&ada, ADA, TokenKind::Recovery, true, t(0), &mut rng);

        assert_eq!(issued.code.len(), 6);
        assert!(issued.code.bytes().all(|b| b.is_ascii_digit()));
        let hash = issued.link_token.strip_prefix(PKCE_PREFIX).unwrap();
        assert_eq!(hash, token_hash(ADA, &issued.code));
        assert_eq!(hash.len(), 56);
    }

    #[test]
    fn the_code_and_the_link_are_one_token_that_expires() {
        let (mut tokens, mut rng) = (OneTimeTokens::default(), fastrand::Rng::with_seed(2));
        let ada = UserId::for_tests("ada");
        let issued = tokens.issue(&ada, ADA, TokenKind::Recovery, true, t(0), &mut rng);
        let kinds = [TokenKind::Recovery];

        assert_eq!(
            tokens.match_code(&ada, ADA, &issued.code, &kinds, t(1), HOUR),
            Some(TokenKind::Recovery)
        );
        assert!(tokens
            .find_link(&issued.link_token, &kinds, t(3599), HOUR)
            .is_some());
        assert!(tokens
            .find_link(&issued.link_token, &kinds, t(3600), HOUR)
            .is_none());
        assert_eq!(
            tokens.match_code(&ada, ADA, "000000x", &kinds, t(1), HOUR),
            None
        );

        tokens.clear(&ada);
        assert_eq!(
            tokens.match_code(&ada, ADA, &issued.code, &kinds, t(1), HOUR),
            None
        );
    }

    #[test]
    fn a_new_email_replaces_the_previous_token_of_its_kind_only() {
        let (mut tokens, mut rng) = (OneTimeTokens::default(), fastrand::Rng::with_seed(3));
        let ada = UserId::for_tests("ada");
        let signup = tokens.issue(&ada, ADA, TokenKind::Confirmation, false, t(0), &mut rng);
        let first = tokens.issue(&ada, ADA, TokenKind::Recovery, false, t(0), &mut rng);
        let second = tokens.issue(&ada, ADA, TokenKind::Recovery, false, t(1), &mut rng);
        let both = [TokenKind::Confirmation, TokenKind::Recovery];

        assert!(tokens
            .find_link(&first.link_token, &both, t(2), HOUR)
            .is_none());
        assert!(tokens
            .find_link(&second.link_token, &both, t(2), HOUR)
            .is_some());
        assert_eq!(
            tokens.find_link(&signup.link_token, &both, t(2), HOUR),
            Some((ada, TokenKind::Confirmation))
        );
    }
}
