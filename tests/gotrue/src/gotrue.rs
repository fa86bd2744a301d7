//! The handle a test holds: start the server, control it, read it back, stop it.
//!
//! Every method locks the shared state briefly and never while a request is
//! waiting on the network, so a test may call them from any thread while
//! clients are busy. Settings apply to requests that arrive after the call.

use std::time::{Duration, SystemTime};

use crate::endpoint::Endpoint;
use crate::error::ErrorShape;
use crate::fault::Fault;
use crate::flow::FlowState;
use crate::mailbox::Email;
use crate::server::Server;
use crate::state::{Shared, State};
use crate::stats::Stats;
use crate::user::UserId;

pub use crate::state::ANON_KEY;

/// A running GoTrue test server; it stops when dropped.
#[derive(Debug)]
pub struct GoTrue {
    shared: Shared,
    server: Server,
}

impl GoTrue {
    /// Starts a server on a free port of 127.0.0.1, with no users.
    ///
    /// Works from sync and async tests alike: the server has its own thread
    /// and runtime.
    ///
    /// # Panics
    ///
    /// If no port can be bound or no thread started; a test cannot go on then.
    pub fn start() -> GoTrue {
        let shared = State::shared();
        let server = Server::start(shared.clone()).expect("start the GoTrue test server");
        let url = format!("http://{}", server.addr());
        {
            // Nobody knows the port before `start` returns, so no request
            // can see these unset.
            let mut state = shared.lock();
            state.urls.own = url.clone();
            state.urls.external = url;
        }
        GoTrue { shared, server }
    }

    /// The project URL, e.g. `http://127.0.0.1:40123`; the API is under `/auth/v1`.
    pub fn url(&self) -> String {
        format!("http://{}", self.server.addr())
    }

    /// The address it listens on (for a gateway that passes `/auth/v1` on).
    pub fn addr(&self) -> std::net::SocketAddr {
        self.server.addr()
    }

    /// The anon key every request must send in its `apikey` header.
    pub fn anon_key(&self) -> &str {
        ANON_KEY
    }

    /// Registers a confirmed user who can sign in with this email and password.
    ///
    /// # Panics
    ///
    /// If a user with this email (ignoring case) was already added.
    pub fn add_user(&self, email: &str, password: &str) -> UserId {
        self.shared
            .lock()
            .add_user(email, password, SystemTime::now())
    }

    /// Ends every session of the user with `email`, as signing them out
    /// everywhere from the Supabase dashboard does: each app's next refresh
    /// is refused, and its session ends.
    ///
    /// # Panics
    ///
    /// If no user has this email.
    pub fn end_sessions_of(&self, email: &str) {
        let mut state = self.shared.lock();
        let user = state.users.id_of(email).expect("a user with this email");
        state.sessions.end_sessions_of(&user);
    }

    /// Sets the lifetime of access tokens issued from now on (default one hour).
    ///
    /// Whole seconds, like GoTrue's `expires_in`: a fraction is dropped.
    ///
    /// # Panics
    ///
    /// If `expires_in` is shorter than one second.
    pub fn set_expires_in(&self, expires_in: Duration) {
        assert!(
            expires_in >= Duration::from_secs(1),
            "access tokens live at least one second, not {expires_in:?}"
        );
        self.shared.lock().expires_in = Duration::from_secs(expires_in.as_secs());
    }

    /// Sets how error bodies look from now on (default [`ErrorShape::Current`]).
    pub fn set_error_shape(&self, shape: ErrorShape) {
        self.shared.lock().error_shape = shape;
    }

    /// Queues `fault` for the next `times` calls of `endpoint` that carry the API key.
    pub fn inject(&self, endpoint: Endpoint, fault: Fault, times: usize) {
        self.shared.lock().faults.push(endpoint, fault, times);
    }

    /// Forgets every queued fault.
    pub fn clear_faults(&self) {
        self.shared.lock().faults.clear();
    }

    /// The counters so far.
    pub fn stats(&self) -> Stats {
        self.shared.lock().stats()
    }

    /// Every access and refresh token issued so far, oldest first, to search
    /// logs and pages for leaks.
    pub fn issued_tokens(&self) -> Vec<String> {
        self.shared.lock().sessions.issued_tokens().to_vec()
    }

    /// How many refresh attempts presented each refresh token, in the order
    /// the tokens were issued: a well-behaved client leaves only 0s and 1s.
    pub fn refresh_uses(&self) -> Vec<usize> {
        self.shared.lock().sessions.refresh_uses()
    }

    /// The id of the user with this email (any case), if there is one: one
    /// the test added, or one an OAuth or email sign-in created.
    pub fn user_id(&self, email: &str) -> Option<UserId> {
        self.shared.lock().users.id_of(email)
    }

    /// Enables or disables an OAuth provider for `/authorize` and `/settings`
    /// (by default `google`, `azure` and `github` are enabled).
    ///
    /// # Panics
    ///
    /// If GoTrue has no provider called `provider` (lowercase, as in
    /// `/settings`, e.g. `linkedin_oidc`).
    pub fn set_provider_enabled(&self, provider: &str, enabled: bool) {
        self.shared.lock().providers.set_enabled(provider, enabled);
    }

    /// Makes the fake `provider` sign in the account with this email from
    /// now on (default [`crate::DEFAULT_PROVIDER_ACCOUNT`]). The provider
    /// vouches for the email, so a user with it is signed in and confirmed,
    /// and a new one created unless sign-ups are disabled.
    ///
    /// # Panics
    ///
    /// If GoTrue has no provider called `provider`.
    pub fn set_provider_account(&self, provider: &str, email: &str) {
        self.shared.lock().providers.set_account(provider, email);
    }

    /// Makes the fake `provider` refuse every sign-in from now on, as a
    /// person declining its consent screen does, or stop refusing. The
    /// browser is sent back with `error=access_denied` and the provider's
    /// `error_description`, which GoTrue passes on without an `error_code`.
    ///
    /// # Panics
    ///
    /// If GoTrue has no provider called `provider`.
    pub fn set_provider_refuses(&self, provider: &str, refuses: bool) {
        self.shared.lock().providers.set_refusing(provider, refuses);
    }

    /// Disables or enables sign-ups, GoTrue's `disable_signup`: no new user
    /// by OAuth or email, and `/settings` says so.
    pub fn set_signup_disabled(&self, disabled: bool) {
        self.shared.lock().signup_disabled = disabled;
    }

    /// Sets where redirects go when a request names no `redirect_to`
    /// (default `http://127.0.0.1:3000`, the Supabase CLI's site URL).
    pub fn set_site_url(&self, url: &str) {
        self.shared.lock().urls.site = url.trim_end_matches('/').to_owned();
    }

    /// Sets the address email links and the OAuth callback point at, for a
    /// gateway in front of this server that passes `/auth/v1` on (default:
    /// this server's [`GoTrue::url`]).
    pub fn set_external_url(&self, url: &str) {
        self.shared.lock().urls.external = url.trim_end_matches('/').to_owned();
    }

    /// Sets how long an auth code can be exchanged, counted from the start of
    /// its sign-in, or for magic links from the click (default five minutes,
    /// GoTrue's). Applies to codes already issued; zero expires them all.
    pub fn set_flow_state_lifetime(&self, lifetime: Duration) {
        self.shared.lock().flow_state_lifetime = lifetime;
    }

    /// Sets how long an email's link and code work after it was sent
    /// (default one hour). Applies to emails already sent; zero expires them all.
    pub fn set_otp_lifetime(&self, lifetime: Duration) {
        self.shared.lock().otp_lifetime = lifetime;
    }

    /// Every email sent so far, oldest first.
    pub fn emails(&self) -> Vec<Email> {
        self.shared.lock().mailbox.all().to_vec()
    }

    /// The newest email sent to `address` (any case), if any.
    pub fn last_email_to(&self, address: &str) -> Option<Email> {
        let state = self.shared.lock();
        let found = state
            .mailbox
            .all()
            .iter()
            .rev()
            .find(|email| email.to.eq_ignore_ascii_case(address));
        found.cloned()
    }

    /// Every PKCE flow started so far, oldest first.
    pub fn flow_states(&self) -> Vec<FlowState> {
        self.shared.lock().flows.snapshot()
    }
}
