//! The link a browser sign-in comes back to the app by:
//! `axolop://auth/callback?state=…&code=…` (or `…&error=…`), handed over by
//! the operating system as a launch argument.
//!
//! Only this exact shape is accepted: the scheme, the host, the path, and
//! the query parameters GoTrue and the app put there, each at most once and
//! of bounded length. Anything else a second launch brings is refused
//! without being looked at further.

use std::collections::BTreeMap;

use url::Url;

/// The scheme the operating system hands to this app.
pub const SCHEME: &str = "axolop";
/// Where a browser sign-in comes back to, before the app's `state` is added.
pub const CALLBACK: &str = "axolop://auth/callback";
/// The longest callback link accepted, in bytes.
const MAX_LEN: usize = 4096;
/// The longest single parameter value accepted, in bytes.
const MAX_VALUE: usize = 1024;

/// What a callback says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Callback {
    /// The sign-in went through: exchange `code` (with the flow's verifier).
    Code {
        /// The flow it answers.
        state: String,
        /// The authorization code, usable once.
        code: String,
    },
    /// The provider or the auth server refused; the user is told why.
    Refused {
        /// The flow it answers.
        state: String,
        /// The error's text, for the user.
        description: String,
    },
}

impl Callback {
    /// The flow the callback answers.
    pub fn state(&self) -> &str {
        match self {
            Callback::Code { state, .. } | Callback::Refused { state, .. } => state,
        }
    }
}

/// Why a link is not a callback of this app.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NotACallback {
    /// Not a URL, or not `axolop://auth/callback`.
    #[error("the link is not a sign-in link of this app")]
    Foreign,
    /// The right address, with parameters that are missing, repeated,
    /// unknown or too long.
    #[error("the sign-in link is damaged: {0}")]
    Malformed(String),
}

/// The callback link for the flow named `state` (what the browser is sent
/// back to).
pub fn redirect_for(state: &str) -> String {
    format!("{CALLBACK}?state={state}")
}

/// Reads `link` as a callback of this app.
pub fn parse(link: &str) -> Result<Callback, NotACallback> {
    if link.len() > MAX_LEN {
        return Err(NotACallback::Foreign);
    }
    let url = Url::parse(link).map_err(|_| NotACallback::Foreign)?;
    let is_callback = url.scheme() == SCHEME
        && url.host_str() == Some("auth")
        && url.path() == "/callback"
        && url.port().is_none()
        && url.username().is_empty()
        && url.password().is_none();
    if !is_callback {
        return Err(NotACallback::Foreign);
    }
    let malformed = |why: &str| NotACallback::Malformed(why.to_owned());
    let mut params = BTreeMap::new();
    for (name, value) in url.query_pairs() {
        if !matches!(
            name.as_ref(),
            "state" | "code" | "error" | "error_code" | "error_description"
        ) {
            return Err(malformed("it carries a parameter no sign-in sends"));
        }
        if value.len() > MAX_VALUE {
            return Err(malformed("a parameter is too long"));
        }
        if params
            .insert(name.into_owned(), value.into_owned())
            .is_some()
        {
            return Err(malformed("a parameter is repeated"));
        }
    }
    // GoTrue may put an error in the fragment instead of the query.
    if let Some(fragment) = url.fragment().filter(|f| !f.is_empty()) {
        for (name, value) in url::form_urlencoded::parse(fragment.as_bytes()) {
            if name.starts_with("error") && value.len() <= MAX_VALUE {
                params
                    .entry(name.into_owned())
                    .or_insert(value.into_owned());
            }
        }
    }
    let state = params
        .remove("state")
        .filter(|state| !state.is_empty())
        .ok_or_else(|| malformed("it names no sign-in (no state)"))?;
    if let Some(error) = params.remove("error") {
        let description = params
            .remove("error_description")
            .filter(|text| !text.trim().is_empty())
            .unwrap_or(error);
        return Ok(Callback::Refused { state, description });
    }
    let code = params
        .remove("code")
        .filter(|code| !code.is_empty())
        .ok_or_else(|| malformed("it carries no code"))?;
    Ok(Callback::Code { state, code })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_callback_with_state_and_code_is_read() {
        assert_eq!(
            parse("axolop://auth/callback?state=s1&code=c1").unwrap(),
            Callback::Code {
                state: "s1".into(),
                code: "c1".into()
            }
        );
        assert_eq!(redirect_for("s1"), "axolop://auth/callback?state=s1");
    }

    #[test]
    fn an_error_from_the_provider_is_read_with_its_description() {
        let refused = parse(
            "axolop://auth/callback?state=s1&error=access_denied&error_code=provider_refused&error_description=The+user+said+no",
        )
        .unwrap();
        assert_eq!(
            refused,
            Callback::Refused {
                state: "s1".into(),
                description: "The user said no".into()
            }
        );
        let in_fragment =
            parse("axolop://auth/callback?state=s1#error=server_error&error_description=Boom")
                .unwrap();
        assert!(
            matches!(in_fragment, Callback::Refused { description, .. } if description == "Boom")
        );
    }

    #[test]
    fn anything_else_a_launch_brings_is_refused() {
        for foreign in [
            "",
            "--help",
            "/home/ada/contacts.csv",
            "https://example.com/auth/callback?state=s&code=c",
            "axolop://evil/callback?state=s&code=c",
            "axolop://auth/other?state=s&code=c",
            "axolop://auth:8080/callback?state=s&code=c",
            "axolop://user@auth/callback?state=s&code=c",
        ] {
            assert_eq!(parse(foreign), Err(NotACallback::Foreign), "{foreign}");
        }
        let long = format!("axolop://auth/callback?state=s&code={}", "c".repeat(5000));
        assert_eq!(parse(&long), Err(NotACallback::Foreign));
        for malformed in [
            "axolop://auth/callback?code=c",
            "axolop://auth/callback?state=&code=c",
            "axolop://auth/callback?state=s",
            "axolop://auth/callback?state=s&state=t&code=c",
            "axolop://auth/callback?state=s&code=c&next=https://evil",
        ] {
            assert!(
                matches!(parse(malformed), Err(NotACallback::Malformed(_))),
                "{malformed}"
            );
        }
    }
}
