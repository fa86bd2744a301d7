//! Where the browser is sent next, written as GoTrue writes it.
//!
//! Three shapes, each from `supabase/auth`:
//!
//! - a PKCE success sets `code` in the redirect URL's query and keeps the
//!   rest of it (`prepPKCERedirectURL`);
//! - an implicit success appends `#access_token=…` to the URL as given
//!   (`AccessTokenResponse.AsRedirectURL`);
//! - a failure sets `error`, `error_code` and `error_description` in the
//!   query (OAuth callback, or PKCE links) and in the fragment
//!   (`redirectErrors`, `prepErrorRedirectURL`).
//!
//! Redirect URLs may be custom schemes such as `axolop://auth/callback?state=x`,
//! so nothing here assumes HTTP: the URL is split at its first `#` and `?`.

use crate::error::AuthError;
use crate::query::Query;

/// A refusal as the browser receives it in a redirect URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RedirectError {
    /// The OAuth 2 `error`, when there is one for the refusal.
    error: Option<&'static str>,
    /// GoTrue's `error_code`; refusals passed on from a provider have none.
    error_code: Option<&'static str>,
    description: String,
}

impl RedirectError {
    /// A refusal sent back from the OAuth callback: GoTrue names refusals of
    /// sign-up, banned users and unverified provider emails `access_denied`,
    /// the rest after their status.
    pub(crate) fn from_callback(refusal: &AuthError) -> RedirectError {
        let error = match refusal {
            AuthError::SignupDisabled => "access_denied",
            other => oauth_error_for(other.status()).unwrap_or("server_error"),
        };
        RedirectError {
            error: Some(error),
            error_code: Some(refusal.code()),
            description: refusal.to_string(),
        }
    }

    /// A refusal sent back from an email link: `error` only for the statuses
    /// GoTrue has an OAuth name for.
    pub(crate) fn from_link(refusal: &AuthError) -> RedirectError {
        RedirectError {
            error: oauth_error_for(refusal.status()),
            error_code: Some(refusal.code()),
            description: refusal.to_string(),
        }
    }

    /// What a provider sent to the callback, passed on as it came: GoTrue
    /// adds no `error_code` to it.
    pub(crate) fn from_provider(error: &'static str, description: &str) -> RedirectError {
        RedirectError {
            error: Some(error),
            error_code: None,
            description: description.to_owned(),
        }
    }

    /// `url` with this refusal in its query (when `in_query`) and as its
    /// whole fragment. The query keeps the URL's other parameters.
    pub(crate) fn apply(&self, url: &str, in_query: bool) -> String {
        let parts = Parts::of(url);
        let mut fragment = Query::default();
        self.set_into(&mut fragment);
        let query = if in_query {
            let mut query = Query::parse(parts.query.unwrap_or_default());
            self.set_into(&mut query);
            Some(query.encode())
        } else {
            parts.query.map(str::to_owned)
        };
        parts.join(query.as_deref(), Some(&fragment.encode()))
    }

    /// `url` with this refusal in its query only, its fragment kept
    /// (a callback with a bad `state`, sent to the site URL).
    pub(crate) fn apply_to_query(&self, url: &str) -> String {
        let parts = Parts::of(url);
        let mut query = Query::parse(parts.query.unwrap_or_default());
        self.set_into(&mut query);
        parts.join(Some(&query.encode()), parts.fragment)
    }

    fn set_into(&self, query: &mut Query) {
        if let Some(error) = self.error {
            query.set("error", error);
        }
        if let Some(code) = self.error_code {
            query.set("error_code", code);
        }
        query.set("error_description", &self.description);
    }
}

/// `url` with `code` set in its query, the rest of the URL unchanged.
pub(crate) fn with_code(url: &str, code: &str) -> String {
    let parts = Parts::of(url);
    let mut query = Query::parse(parts.query.unwrap_or_default());
    query.set("code", code);
    parts.join(Some(&query.encode()), parts.fragment)
}

/// `url` followed by `#` and `params`, as GoTrue hands out implicit-flow
/// sessions: the URL is not parsed, so a fragment it had is not replaced.
pub(crate) fn with_fragment(url: &str, params: &Query) -> String {
    format!("{url}#{}", params.encode())
}

/// The OAuth 2 error name GoTrue gives a status (`oauthErrorMap`).
fn oauth_error_for(status: u16) -> Option<&'static str> {
    match status {
        400 => Some("invalid_request"),
        401 => Some("unauthorized_client"),
        403 => Some("access_denied"),
        500 => Some("server_error"),
        503 => Some("temporarily_unavailable"),
        _ => None,
    }
}

/// A URL split at its first `#`, then at its first `?`.
struct Parts<'a> {
    base: &'a str,
    query: Option<&'a str>,
    fragment: Option<&'a str>,
}

impl<'a> Parts<'a> {
    fn of(url: &'a str) -> Parts<'a> {
        let (rest, fragment) = match url.split_once('#') {
            Some((rest, fragment)) => (rest, Some(fragment)),
            None => (url, None),
        };
        let (base, query) = match rest.split_once('?') {
            Some((base, query)) => (base, Some(query)),
            None => (rest, None),
        };
        Parts {
            base,
            query,
            fragment,
        }
    }

    fn join(&self, query: Option<&str>, fragment: Option<&str>) -> String {
        let mut url = self.base.to_owned();
        if let Some(query) = query.filter(|query| !query.is_empty()) {
            url.push('?');
            url.push_str(query);
        }
        if let Some(fragment) = fragment.filter(|fragment| !fragment.is_empty()) {
            url.push('#');
            url.push_str(fragment);
        }
        url
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_joins_the_query_of_a_custom_scheme_url() {
        assert_eq!(
            with_code("axolop://auth/callback?state=xyz", "c-1"),
            "axolop://auth/callback?code=c-1&state=xyz"
        );
        assert_eq!(
            with_code("http://127.0.0.1:3000/welcome#top", "c-2"),
            "http://127.0.0.1:3000/welcome?code=c-2#top"
        );
    }

    #[test]
    fn a_callback_refusal_goes_in_query_and_fragment() {
        let refusal = RedirectError::from_callback(&AuthError::SignupDisabled);

        assert_eq!(
            refusal.apply("axolop://cb?state=s", true),
            "axolop://cb?error=access_denied&error_code=signup_disabled\
             &error_description=Signups+not+allowed+for+this+instance&state=s\
             #error=access_denied&error_code=signup_disabled\
             &error_description=Signups+not+allowed+for+this+instance"
        );
    }

    #[test]
    fn an_implicit_link_refusal_leaves_the_query_alone() {
        let refusal = RedirectError::from_link(&AuthError::EmailLinkInvalid);

        let url = refusal.apply("http://app.test/in?x=1", false);

        assert!(
            url.starts_with("http://app.test/in?x=1#error=access_denied&error_code=otp_expired")
        );
    }
}
