//! Everything the server knows, and the one lock around it.
//!
//! The test's [`crate::GoTrue`] handle and every connection share one
//! [`Shared`]. It is a `parking_lot` mutex, not a Tokio one: nothing
//! asynchronous happens while it is held (a delay fault is taken under the
//! lock and waited out after releasing it), the critical sections are a few
//! map lookups, and the test's thread locks it without a runtime. One lock for
//! all of it is what makes a refresh atomic: two racing presentations of the
//! same token are ordered, and exactly one of them rotates it.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use parking_lot::Mutex;

use crate::endpoint::Endpoint;
use crate::error::{AuthError, ErrorShape};
use crate::fault::{Fault, FaultQueue};
use crate::stats::{CallCounts, Stats};
use crate::tokens::Sessions;
use crate::user::Directory;

/// The anon key every request must carry in its `apikey` header.
pub const ANON_KEY: &str = "axolop-gotrue-test-anon-key";

/// Access-token lifetime until a test sets another, as GoTrue's default.
const DEFAULT_EXPIRES_IN: Duration = Duration::from_secs(3600);

/// The state shared by the handle and the connections.
pub(crate) type Shared = Arc<Mutex<State>>;

/// The server's whole state.
#[derive(Debug)]
pub(crate) struct State {
    pub(crate) users: Directory,
    pub(crate) sessions: Sessions,
    pub(crate) faults: FaultQueue,
    calls: CallCounts,
    /// Lifetime of access tokens issued from now on; whole seconds, at least one.
    pub(crate) expires_in: Duration,
    pub(crate) error_shape: ErrorShape,
    /// Source of tokens.
    pub(crate) rng: fastrand::Rng,
}

impl State {
    /// A server with no users, sessions or faults.
    pub(crate) fn shared() -> Shared {
        Arc::new(Mutex::new(State {
            users: Directory::default(),
            sessions: Sessions::default(),
            faults: FaultQueue::default(),
            calls: CallCounts::default(),
            expires_in: DEFAULT_EXPIRES_IN,
            error_shape: ErrorShape::default(),
            rng: fastrand::Rng::new(),
        }))
    }

    /// Lets a call of `endpoint` in: counts it, checks its API key, and hands
    /// out the fault queued for it, if any.
    pub(crate) fn admit(
        &mut self,
        endpoint: Endpoint,
        api_key: Option<&str>,
    ) -> Result<Option<Fault>, AuthError> {
        self.calls.record(endpoint);
        check_api_key(api_key)?;
        Ok(self.faults.take(endpoint))
    }

    /// Registers a user; see [`crate::GoTrue::add_user`].
    pub(crate) fn add_user(
        &mut self,
        email: &str,
        password: &str,
        now: SystemTime,
    ) -> crate::UserId {
        self.users.add(email, password, now)
    }

    /// A snapshot of the counters.
    pub(crate) fn stats(&self) -> Stats {
        Stats {
            password_calls: self.calls.of(Endpoint::Password),
            refresh_calls: self.calls.of(Endpoint::Refresh),
            logout_calls: self.calls.of(Endpoint::Logout),
            user_calls: self.calls.of(Endpoint::User),
            refreshes: self.sessions.refreshes(),
            reuses: self.sessions.reuses(),
            tokens_issued: self.sessions.issued_tokens().len(),
        }
    }
}

/// Refuses a request without the anon key, as the API gateway in front of GoTrue does.
pub(crate) fn check_api_key(api_key: Option<&str>) -> Result<(), AuthError> {
    match api_key {
        Some(ANON_KEY) => Ok(()),
        _ => Err(AuthError::NoApiKey),
    }
}
