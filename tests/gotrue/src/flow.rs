//! PKCE flow states: the code challenge a sign-in started with, and the auth
//! code that finishes it.
//!
//! As in GoTrue (`models.FlowState`), a flow is recorded when the client
//! starts a sign-in with a `code_challenge` (`/authorize`, `/otp`,
//! `/recover`), learns its user when the provider or email link is
//! done, and is exchanged at most once for a session with the verifier.
//! Invariants:
//!
//! - An auth code is exchanged once: a successful exchange marks its flow
//!   used, and a used flow is not found again. A refused exchange (expired,
//!   wrong verifier) leaves it as it was.
//! - A flow expires a lifetime after it was created, except a magic-link
//!   flow, which counts from when its code was issued (the link was
//!   followed), as GoTrue's `IsExpired` does. The lifetime is read at
//!   exchange time, so a test can shorten it after the fact.
//!
//! Time comes in as an argument; nothing here reads the clock.

use std::time::{Duration, SystemTime};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use sha2::{Digest, Sha256};

use crate::error::AuthError;
use crate::user::UserId;

/// RFC 7636's bounds on a code challenge, which GoTrue enforces.
const CHALLENGE_LENGTHS: std::ops::RangeInclusive<usize> = 43..=128;

/// How a code challenge was derived from its verifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChallengeMethod {
    /// `base64url-no-pad(SHA-256(verifier))`; GoTrue's `s256`.
    S256,
    /// The verifier itself.
    Plain,
}

/// How the user of a flow signed in, as GoTrue names it (`authentication_method`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthMethod {
    /// An external OAuth provider.
    OAuth,
    /// A magic link.
    MagicLink,
    /// The confirmation link of a new email user.
    EmailSignup,
    /// A password-recovery link.
    Recovery,
}

impl AuthMethod {
    /// GoTrue's name for it.
    pub fn as_str(self) -> &'static str {
        match self {
            AuthMethod::OAuth => "oauth",
            AuthMethod::MagicLink => "magiclink",
            AuthMethod::EmailSignup => "email/signup",
            AuthMethod::Recovery => "recovery",
        }
    }
}

/// A code challenge as a client sent it, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CodeChallenge {
    challenge: String,
    method: ChallengeMethod,
}

impl CodeChallenge {
    /// The challenge of a request's `code_challenge` and
    /// `code_challenge_method`, or `None` when both are absent (an implicit
    /// flow). Refusals and their order are GoTrue's `validatePKCEParams`; an
    /// unknown method is a 500, as GoTrue's unwrapped parse error becomes.
    pub(crate) fn from_params(
        challenge: Option<&str>,
        method: Option<&str>,
    ) -> Result<Option<CodeChallenge>, AuthError> {
        let (challenge, method) = match (challenge, method) {
            (None, None) => return Ok(None),
            (Some(challenge), Some(method)) => (challenge, method),
            _ => {
                return Err(AuthError::ValidationFailed {
                    reason: "PKCE flow requires code_challenge_method and code_challenge",
                })
            }
        };
        if !CHALLENGE_LENGTHS.contains(&challenge.len()) {
            return Err(AuthError::ValidationFailed {
                reason: "code challenge has to be between 43 and 128 characters",
            });
        }
        let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '~' | '-');
        if !challenge.chars().all(allowed) {
            return Err(AuthError::ValidationFailed {
                reason: "code challenge can only contain alphanumeric characters, hyphens, periods, underscores and tildes",
            });
        }
        let method = match method.to_ascii_lowercase().as_str() {
            "s256" => ChallengeMethod::S256,
            "plain" => ChallengeMethod::Plain,
            _ => return Err(AuthError::UnexpectedFailure),
        };
        Ok(Some(CodeChallenge {
            challenge: challenge.to_owned(),
            method,
        }))
    }

    /// Whether `verifier` is the one this challenge was made from.
    fn admits(&self, verifier: &str) -> bool {
        match self.method {
            ChallengeMethod::S256 => {
                URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes())) == self.challenge
            }
            ChallengeMethod::Plain => verifier == self.challenge,
        }
    }
}

/// One flow as a test reads it back.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct FlowState {
    /// The OAuth provider, or `magiclink`, `email` or `recovery` for email flows.
    pub provider: String,
    /// How the user signs in.
    pub method: AuthMethod,
    /// The `code_challenge` as sent.
    pub code_challenge: String,
    /// How the challenge was derived.
    pub code_challenge_method: ChallengeMethod,
    /// The user signing in, once known.
    pub user: Option<UserId>,
    /// When the sign-in started.
    pub created_at: SystemTime,
    /// When the auth code was handed to the client, if it was.
    pub auth_code_issued_at: Option<SystemTime>,
    /// Whether the auth code was exchanged for a session.
    pub exchanged: bool,
}

/// Which flow, for the sign-in that started it to finish it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct FlowId(usize);

/// What a successful exchange yields.
#[derive(Debug)]
pub(crate) struct Exchange {
    pub(crate) user: UserId,
    /// The provider's access token, for OAuth flows.
    pub(crate) provider_token: Option<String>,
}

#[derive(Debug)]
struct Flow {
    state: FlowState,
    challenge: CodeChallenge,
    auth_code: String,
    provider_token: Option<String>,
}

impl Flow {
    fn is_expired(&self, now: SystemTime, lifetime: Duration) -> bool {
        let start = match (self.state.method, self.state.auth_code_issued_at) {
            (AuthMethod::MagicLink, Some(issued)) => issued,
            _ => self.state.created_at,
        };
        now >= start + lifetime
    }
}

/// Every flow ever started, in order.
#[derive(Debug, Default)]
pub(crate) struct FlowStates {
    flows: Vec<Flow>,
}

impl FlowStates {
    /// Records a flow started at `now`; its auth code is random and not yet handed out.
    pub(crate) fn start(
        &mut self,
        provider: &str,
        method: AuthMethod,
        challenge: CodeChallenge,
        user: Option<UserId>,
        now: SystemTime,
    ) -> FlowId {
        self.flows.push(Flow {
            state: FlowState {
                provider: provider.to_owned(),
                method,
                code_challenge: challenge.challenge.clone(),
                code_challenge_method: challenge.method,
                user,
                created_at: now,
                auth_code_issued_at: None,
                exchanged: false,
            },
            challenge,
            // GoTrue's auth codes are UUIDs too.
            auth_code: uuid::Uuid::new_v4().to_string(),
            provider_token: None,
        });
        FlowId(self.flows.len() - 1)
    }

    /// The provider signed `user` in: the flow learns its user and hands out its code.
    pub(crate) fn finish_oauth(
        &mut self,
        id: FlowId,
        user: UserId,
        provider_token: String,
        now: SystemTime,
    ) -> String {
        let flow = &mut self.flows[id.0];
        flow.state.user = Some(user);
        flow.state.auth_code_issued_at = Some(now);
        flow.provider_token = Some(provider_token);
        flow.auth_code.clone()
    }

    /// The auth code of `user`'s newest unexchanged flow of `method`, now
    /// handed out, as GoTrue's `issueAuthCode` does when an email link is followed.
    pub(crate) fn issue_code(
        &mut self,
        user: &UserId,
        method: AuthMethod,
        now: SystemTime,
    ) -> Result<String, AuthError> {
        let flow = self
            .flows
            .iter_mut()
            .rev()
            .filter(|flow| !flow.state.exchanged && flow.state.method == method)
            .find(|flow| flow.state.user.as_ref() == Some(user))
            .ok_or(AuthError::NoFlowStateForUser)?;
        flow.state.auth_code_issued_at = Some(now);
        Ok(flow.auth_code.clone())
    }

    /// Exchanges `auth_code` proven by `verifier`; checks in GoTrue's order:
    /// known and finished, then unexpired, then the verifier.
    pub(crate) fn exchange(
        &mut self,
        auth_code: &str,
        verifier: &str,
        now: SystemTime,
        lifetime: Duration,
    ) -> Result<Exchange, AuthError> {
        let flow = self
            .flows
            .iter_mut()
            .find(|flow| !flow.state.exchanged && flow.auth_code == auth_code)
            .ok_or(AuthError::FlowStateNotFound)?;
        let user = flow
            .state
            .user
            .clone()
            .ok_or(AuthError::FlowStateNotFound)?;
        if flow.is_expired(now, lifetime) {
            return Err(AuthError::FlowStateExpired);
        }
        if !flow.challenge.admits(verifier) {
            return Err(AuthError::BadCodeVerifier);
        }
        flow.state.exchanged = true;
        Ok(Exchange {
            user,
            provider_token: flow.provider_token.clone(),
        })
    }

    /// Every flow, oldest first.
    pub(crate) fn snapshot(&self) -> Vec<FlowState> {
        self.flows.iter().map(|flow| flow.state.clone()).collect()
    }
}

#[cfg(test)]
mod tests {
    use std::time::UNIX_EPOCH;

    use super::*;

    const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    // RFC 7636, appendix B.
    const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
    const FIVE_MINUTES: Duration = Duration::from_secs(300);

    fn t(seconds: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(1_700_000_000 + seconds)
    }

    fn s256() -> CodeChallenge {
        CodeChallenge::from_params(Some(CHALLENGE), Some("S256"))
            .unwrap()
            .unwrap()
    }

    fn oauth_flow(flows: &mut FlowStates) -> String {
        let id = flows.start("google", AuthMethod::OAuth, s256(), None, t(0));
        flows.finish_oauth(id, UserId::for_tests("ada"), "pt".to_owned(), t(10))
    }

    #[test]
    fn the_rfc_verifier_exchanges_its_code_once() {
        let mut flows = FlowStates::default();
        let code = oauth_flow(&mut flows);

        let first = flows
            .exchange(&code, VERIFIER, t(20), FIVE_MINUTES)
            .unwrap();
        let second = flows.exchange(&code, VERIFIER, t(21), FIVE_MINUTES);

        assert_eq!(first.user, UserId::for_tests("ada"));
        assert_eq!(first.provider_token.as_deref(), Some("pt"));
        assert_eq!(second.unwrap_err(), AuthError::FlowStateNotFound);
    }

    #[test]
    fn a_wrong_verifier_is_refused_and_leaves_the_code_usable() {
        let mut flows = FlowStates::default();
        let code = oauth_flow(&mut flows);

        let wrong = flows.exchange(&code, "not-the-verifier", t(20), FIVE_MINUTES);

        assert_eq!(wrong.unwrap_err(), AuthError::BadCodeVerifier);
        assert!(flows.exchange(&code, VERIFIER, t(21), FIVE_MINUTES).is_ok());
    }

    #[test]
    fn an_oauth_flow_expires_from_its_start_and_a_magic_link_from_its_click() {
        let mut flows = FlowStates::default();
        let code = oauth_flow(&mut flows);
        assert_eq!(
            flows
                .exchange(&code, VERIFIER, t(300), FIVE_MINUTES)
                .unwrap_err(),
            AuthError::FlowStateExpired
        );

        let ada = UserId::for_tests("ada");
        flows.start(
            "magiclink",
            AuthMethod::MagicLink,
            s256(),
            Some(ada.clone()),
            t(0),
        );
        let link_code = flows
            .issue_code(&ada, AuthMethod::MagicLink, t(600))
            .unwrap();
        assert!(flows
            .exchange(&link_code, VERIFIER, t(899), FIVE_MINUTES)
            .is_ok());
    }

    #[test]
    fn a_flow_without_a_user_is_not_found() {
        let mut flows = FlowStates::default();
        flows.start("google", AuthMethod::OAuth, s256(), None, t(0));
        let code = flows.flows[0].auth_code.clone();

        let exchange = flows.exchange(&code, VERIFIER, t(1), FIVE_MINUTES);

        assert_eq!(exchange.unwrap_err(), AuthError::FlowStateNotFound);
    }

    #[test]
    fn challenges_are_checked_as_gotrue_checks_them() {
        let refused = |challenge: Option<&str>, method: Option<&str>| {
            CodeChallenge::from_params(challenge, method).unwrap_err()
        };

        assert!(CodeChallenge::from_params(None, None).unwrap().is_none());
        assert!(matches!(
            refused(Some(CHALLENGE), None),
            AuthError::ValidationFailed { .. }
        ));
        assert!(matches!(
            refused(Some("short"), Some("s256")),
            AuthError::ValidationFailed { .. }
        ));
        let spaced = format!("{CHALLENGE} x");
        assert!(matches!(
            refused(Some(&spaced), Some("s256")),
            AuthError::ValidationFailed { .. }
        ));
        assert_eq!(
            refused(Some(CHALLENGE), Some("md5")),
            AuthError::UnexpectedFailure
        );
        let plain = CodeChallenge::from_params(Some(VERIFIER), Some("plain"))
            .unwrap()
            .unwrap();
        assert!(plain.admits(VERIFIER));
    }
}
