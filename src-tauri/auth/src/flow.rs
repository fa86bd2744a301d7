//! Browser sign-ins in flight. At most one waits at a time (a new one
//! replaces it); its PKCE verifier and its `state` live here, in this
//! process's memory only, never in a window or a file.
//!
//! A callback is accepted once: the flow it names is taken out when it is
//! accepted, so a second callback for it finds nothing. A callback naming
//! another flow leaves the waiting one as it was.

use std::time::{Duration, Instant};

use crate::callback::Callback;
use crate::error::AuthError;
use crate::pkce::{new_state, Pkce};

/// How long a provider sign-in may take in the browser.
pub const PROVIDER_LIFETIME: Duration = Duration::from_secs(10 * 60);
/// How long an emailed link may take to be followed (GoTrue's links last
/// an hour).
pub const EMAIL_LIFETIME: Duration = Duration::from_secs(60 * 60);

/// What a flow signs in with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FlowKind {
    /// An external provider (`google`, `azure`, `github`, …).
    Provider(String),
    /// A sign-in link sent by email.
    MagicLink,
    /// A password-reset link sent by email: the user chooses a new
    /// password once signed in.
    Recovery,
}

impl FlowKind {
    fn lifetime(&self) -> Duration {
        match self {
            FlowKind::Provider(_) => PROVIDER_LIFETIME,
            FlowKind::MagicLink | FlowKind::Recovery => EMAIL_LIFETIME,
        }
    }
}

/// One browser sign-in in flight.
#[derive(Debug)]
pub struct Flow {
    /// What it signs in with.
    pub kind: FlowKind,
    state: String,
    pkce: Pkce,
    started: Instant,
}

impl Flow {
    /// The value the callback must carry back.
    pub fn state(&self) -> &str {
        &self.state
    }

    /// The verifier and challenge.
    pub fn pkce(&self) -> &Pkce {
        &self.pkce
    }
}

/// Why a callback was not accepted. Each leaves the waiting flow (if any)
/// as it was, except [`Refusal::Expired`], which ends it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// No sign-in waits (none was started, or it was used or cancelled).
    #[error(
        "no sign-in is waiting for this link (it was used already, cancelled, or not started here)"
    )]
    NoneWaiting,
    /// The link names another sign-in than the one waiting.
    #[error(
        "this sign-in link is not from the sign-in that is waiting (start again from the app)"
    )]
    WrongState,
    /// The waiting sign-in took too long.
    #[error("the sign-in took too long; start again")]
    Expired,
}

/// The flow waiting, if any; managed by the session driver.
#[derive(Debug, Default)]
pub struct Flows {
    waiting: Option<Flow>,
}

impl Flows {
    /// Starts a flow of `kind`, replacing any that waits.
    pub fn start(&mut self, kind: FlowKind, now: Instant) -> Result<&Flow, AuthError> {
        let flow = Flow {
            kind,
            state: new_state()?,
            pkce: Pkce::new()?,
            started: now,
        };
        Ok(self.waiting.insert(flow))
    }

    /// What the waiting flow signs in with, if one waits.
    pub fn waiting(&self) -> Option<&FlowKind> {
        self.waiting.as_ref().map(|flow| &flow.kind)
    }

    /// Drops the waiting flow (the user cancelled); whether one waited.
    pub fn cancel(&mut self) -> bool {
        self.waiting.take().is_some()
    }

    /// Takes the flow `callback` answers, once.
    pub fn accept(&mut self, callback: &Callback, now: Instant) -> Result<Flow, Refusal> {
        let flow = self.waiting.as_ref().ok_or(Refusal::NoneWaiting)?;
        if !constant_time_eq(flow.state.as_bytes(), callback.state().as_bytes()) {
            return Err(Refusal::WrongState);
        }
        let flow = self.waiting.take().ok_or(Refusal::NoneWaiting)?;
        if now.saturating_duration_since(flow.started) > flow.kind.lifetime() {
            return Err(Refusal::Expired);
        }
        Ok(flow)
    }
}

/// Compares without stopping at the first difference: how long a wrong
/// `state` takes to refuse says nothing of the right one.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(state: &str) -> Callback {
        Callback::Code {
            state: state.into(),
            code: "c".into(),
        }
    }

    #[test]
    fn a_callback_is_accepted_once_and_only_for_the_waiting_flow() {
        let mut flows = Flows::default();
        let now = Instant::now();
        assert_eq!(
            flows.accept(&code("x"), now).unwrap_err(),
            Refusal::NoneWaiting
        );
        let state = flows
            .start(FlowKind::Provider("google".into()), now)
            .unwrap()
            .state()
            .to_owned();
        assert_eq!(
            flows.accept(&code("other"), now).unwrap_err(),
            Refusal::WrongState
        );
        assert!(
            flows.waiting().is_some(),
            "a wrong link leaves the flow waiting"
        );
        let flow = flows.accept(&code(&state), now).unwrap();
        assert_eq!(flow.kind, FlowKind::Provider("google".into()));
        assert_eq!(
            flows.accept(&code(&state), now).unwrap_err(),
            Refusal::NoneWaiting
        );
    }

    #[test]
    fn a_new_flow_replaces_the_waiting_one_and_a_slow_one_expires() {
        let mut flows = Flows::default();
        let now = Instant::now();
        let first = flows
            .start(FlowKind::MagicLink, now)
            .unwrap()
            .state()
            .to_owned();
        let second = flows
            .start(FlowKind::Recovery, now)
            .unwrap()
            .state()
            .to_owned();
        assert_ne!(first, second);
        assert_eq!(
            flows.accept(&code(&first), now).unwrap_err(),
            Refusal::WrongState
        );
        let late = now + EMAIL_LIFETIME + Duration::from_secs(1);
        assert_eq!(
            flows.accept(&code(&second), late).unwrap_err(),
            Refusal::Expired
        );
        assert_eq!(flows.waiting(), None, "an expired flow is over");
        flows
            .start(FlowKind::Provider("github".into()), now)
            .unwrap();
        assert!(flows.cancel());
        assert!(!flows.cancel());
    }
}
