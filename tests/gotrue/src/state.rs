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
use crate::flow::FlowStates;
use crate::mailbox::Mailbox;
use crate::otp::OneTimeTokens;
use crate::provider::OAuthProviders;
use crate::stats::{CallCounts, Stats};
use crate::tokens::{Issued, Sessions};
use crate::user::{Directory, UserId};

/// The anon key every request must carry in its `apikey` header.
pub const ANON_KEY: &str = "axolop-gotrue-test-anon-key";

/// Access-token lifetime until a test sets another, as GoTrue's default.
const DEFAULT_EXPIRES_IN: Duration = Duration::from_secs(3600);

/// How long an auth code's flow lasts, as GoTrue's `FlowStateExpiryDuration`.
const DEFAULT_FLOW_STATE_LIFETIME: Duration = Duration::from_secs(300);

/// How long an email's link and code last: one hour, the "Email OTP
/// Expiration" of a new Supabase project (GoTrue's own default is a day).
const DEFAULT_OTP_LIFETIME: Duration = Duration::from_secs(3600);

/// Where redirects go when a request names none: the Supabase CLI's default site URL.
const DEFAULT_SITE_URL: &str = "http://127.0.0.1:3000";

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
    pub(crate) providers: OAuthProviders,
    pub(crate) flows: FlowStates,
    pub(crate) one_time_tokens: OneTimeTokens,
    pub(crate) mailbox: Mailbox,
    /// How long a flow's auth code can be exchanged; read at exchange time.
    pub(crate) flow_state_lifetime: Duration,
    /// How long an email's link and code work; read when one is used.
    pub(crate) otp_lifetime: Duration,
    /// GoTrue's `disable_signup`: no new users by email or OAuth.
    pub(crate) signup_disabled: bool,
    pub(crate) urls: Urls,
}

/// The addresses the server writes into redirects and emails.
#[derive(Debug, Default)]
pub(crate) struct Urls {
    /// This server, where the fake provider's page is.
    pub(crate) own: String,
    /// Where clients reach the auth API (this server, or a gateway in
    /// front): email links point there.
    pub(crate) external: String,
    /// Where redirects go when a request names none.
    pub(crate) site: String,
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
            providers: OAuthProviders::default(),
            flows: FlowStates::default(),
            one_time_tokens: OneTimeTokens::default(),
            mailbox: Mailbox::default(),
            flow_state_lifetime: DEFAULT_FLOW_STATE_LIFETIME,
            otp_lifetime: DEFAULT_OTP_LIFETIME,
            signup_disabled: false,
            urls: Urls {
                site: DEFAULT_SITE_URL.to_owned(),
                ..Urls::default()
            },
        }))
    }

    /// Lets a call of `endpoint` in: counts it, checks its API key (if the
    /// gateway wants one for it), and hands out the fault queued for it, if any.
    pub(crate) fn admit(
        &mut self,
        endpoint: Endpoint,
        api_key: Option<&str>,
    ) -> Result<Option<Fault>, AuthError> {
        self.calls.record(endpoint);
        if endpoint.needs_api_key() {
            check_api_key(api_key)?;
        }
        Ok(self.faults.take(endpoint))
    }

    /// Starts a session for `user`, signed in at `now` by any means.
    pub(crate) fn start_session(&mut self, user: UserId, now: SystemTime) -> Issued {
        self.users.record_sign_in(&user, now);
        self.sessions
            .start(user, now, self.expires_in, &mut self.rng)
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
            settings_calls: self.calls.of(Endpoint::Settings),
            authorize_calls: self.calls.of(Endpoint::Authorize),
            pkce_calls: self.calls.of(Endpoint::Pkce),
            otp_calls: self.calls.of(Endpoint::Otp),
            verify_link_calls: self.calls.of(Endpoint::VerifyLink),
            verify_otp_calls: self.calls.of(Endpoint::VerifyOtp),
            recover_calls: self.calls.of(Endpoint::Recover),
            update_user_calls: self.calls.of(Endpoint::UpdateUser),
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
