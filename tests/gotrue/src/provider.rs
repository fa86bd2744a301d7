//! External OAuth providers: which are enabled, and the fake provider that
//! stands in for all of them.
//!
//! GoTrue sends the browser from `/authorize` to the provider's consent page
//! with a `state`, and the provider sends it back to GoTrue's callback. Here
//! the provider is a page on this same server (`/fake-provider/<name>/authorize`)
//! that signs in the account the test chose for that provider, or refuses as
//! a person declining consent would, and plays GoTrue's callback at once.
//! Each `state` this server hands out is good for one visit of that page.

use std::collections::{BTreeSet, HashMap, HashSet};

use crate::error::AuthError;
use crate::flow::FlowId;

/// Every OAuth provider GoTrue's `/settings` lists, in its order.
pub(crate) const KNOWN: [&str; 22] = [
    "apple",
    "azure",
    "bitbucket",
    "discord",
    "facebook",
    "figma",
    "fly",
    "github",
    "gitlab",
    "google",
    "keycloak",
    "kakao",
    "linkedin",
    "linkedin_oidc",
    "notion",
    "spotify",
    "slack",
    "slack_oidc",
    "workos",
    "twitch",
    "twitter",
    "zoom",
];

/// The providers enabled until a test says otherwise.
const ENABLED_BY_DEFAULT: [&str; 3] = ["azure", "github", "google"];

/// The account a provider signs in when the test chose none for it.
pub const DEFAULT_PROVIDER_ACCOUNT: &str = "oauth.user@example.com";

/// What the fake provider says when it refuses: a person declined consent.
/// GitHub words it this way; GoTrue passes it on unchanged.
pub(crate) const CONSENT_DENIED: &str = "The user has denied your application access.";

/// A sign-in sent to the provider and not yet back.
#[derive(Debug)]
pub(crate) struct Attempt {
    pub(crate) provider: &'static str,
    /// Where the browser goes when the sign-in ends.
    pub(crate) redirect_to: String,
    /// The PKCE flow, unless the client asked for the implicit flow.
    pub(crate) flow: Option<FlowId>,
}

/// Provider settings and the sign-ins under way.
#[derive(Debug)]
pub(crate) struct OAuthProviders {
    enabled: BTreeSet<&'static str>,
    accounts: HashMap<&'static str, String>,
    refusing: HashSet<&'static str>,
    attempts: HashMap<String, Attempt>,
}

impl Default for OAuthProviders {
    fn default() -> OAuthProviders {
        OAuthProviders {
            enabled: ENABLED_BY_DEFAULT.into_iter().collect(),
            accounts: HashMap::new(),
            refusing: HashSet::new(),
            attempts: HashMap::new(),
        }
    }
}

impl OAuthProviders {
    /// The enabled provider called `name` (any case), or GoTrue's refusal.
    pub(crate) fn check(&self, name: &str) -> Result<&'static str, AuthError> {
        let name = name.to_lowercase();
        let known = known(&name).ok_or(AuthError::UnknownProvider {
            provider: name.clone(),
        })?;
        if self.enabled.contains(known) {
            Ok(known)
        } else {
            Err(AuthError::ProviderDisabled { provider: name })
        }
    }

    /// Whether `name` is enabled, for `/settings`.
    pub(crate) fn is_enabled(&self, name: &str) -> bool {
        self.enabled.contains(name)
    }

    /// Enables or disables `name`.
    ///
    /// # Panics
    ///
    /// If GoTrue knows no provider called `name`: the test has a typo.
    pub(crate) fn set_enabled(&mut self, name: &str, enabled: bool) {
        let known = expect_known(name);
        if enabled {
            self.enabled.insert(known);
        } else {
            self.enabled.remove(known);
        }
    }

    /// Makes `provider` sign in `email` from now on.
    pub(crate) fn set_account(&mut self, provider: &str, email: &str) {
        self.accounts
            .insert(expect_known(provider), email.to_lowercase());
    }

    /// The address `provider` signs in.
    pub(crate) fn account(&self, provider: &str) -> &str {
        self.accounts
            .get(provider)
            .map_or(DEFAULT_PROVIDER_ACCOUNT, String::as_str)
    }

    /// Makes `provider` refuse every sign-in from now on, or stop refusing.
    pub(crate) fn set_refusing(&mut self, provider: &str, refusing: bool) {
        let known = expect_known(provider);
        if refusing {
            self.refusing.insert(known);
        } else {
            self.refusing.remove(known);
        }
    }

    /// Whether `provider` refuses sign-ins.
    pub(crate) fn refuses(&self, provider: &str) -> bool {
        self.refusing.contains(provider)
    }

    /// Records a sign-in sent to its provider and returns its `state`.
    pub(crate) fn begin(&mut self, attempt: Attempt, rng: &mut fastrand::Rng) -> String {
        let state: String = (0..32).map(|_| rng.alphanumeric()).collect();
        self.attempts.insert(state.clone(), attempt);
        state
    }

    /// The sign-in of `state`, which cannot be taken again.
    pub(crate) fn take(&mut self, state: &str) -> Option<Attempt> {
        self.attempts.remove(state)
    }
}

fn known(name: &str) -> Option<&'static str> {
    KNOWN.into_iter().find(|known| *known == name)
}

fn expect_known(name: &str) -> &'static str {
    known(name).unwrap_or_else(|| panic!("GoTrue has no OAuth provider called {name:?}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn google_azure_and_github_are_enabled_by_default() {
        let providers = OAuthProviders::default();

        assert_eq!(providers.check("Google"), Ok("google"));
        assert_eq!(providers.check("azure"), Ok("azure"));
        assert_eq!(
            providers.check("apple"),
            Err(AuthError::ProviderDisabled {
                provider: "apple".to_owned()
            })
        );
        assert_eq!(
            providers.check("myspace").unwrap_err().to_string(),
            "Unsupported provider: Provider myspace could not be found"
        );
    }

    #[test]
    fn a_state_is_good_for_one_visit() {
        let mut providers = OAuthProviders::default();
        let mut rng = fastrand::Rng::with_seed(1);
        let attempt = Attempt {
            provider: "google",
            redirect_to: "axolop://cb".to_owned(),
            flow: None,
        };

        let state = providers.begin(attempt, &mut rng);

        assert_eq!(providers.take(&state).unwrap().provider, "google");
        assert!(providers.take(&state).is_none());
    }
}
