//! The handle a test holds: start the gateway, queue faults, read counters.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use parking_lot::Mutex;

use crate::database::Schema;
use crate::fault::Fault;
use crate::server::Server;

/// Requests the gateway received, by what they asked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stats {
    /// Every data request (`/rest/v1`), answered or not.
    pub requests: usize,
    pub selects: usize,
    pub inserts: usize,
    pub updates: usize,
    pub rpcs: usize,
    /// Requests refused before or by the database (any 4xx or 5xx).
    pub refused: usize,
    /// Bytes received: request heads and bodies, as on the wire (HTTP/1.1).
    pub bytes_in: usize,
    /// Bytes sent: response heads and bodies (HTTP/1.1, unchunked).
    pub bytes_out: usize,
}

/// What every connection shares.
pub(crate) struct State {
    pub(crate) database: String,
    pub(crate) schema: Schema,
    pub(crate) anon_key: String,
    pub(crate) jwt_secret: String,
    /// Where `/auth/v1` goes, if anywhere.
    pub(crate) auth: Option<SocketAddr>,
    pub(crate) faults: Mutex<VecDeque<Fault>>,
    pub(crate) stats: Mutex<Stats>,
    /// Seconds the gateway's clock runs ahead when it checks a token's
    /// expiry.
    pub(crate) clock_ahead: AtomicU64,
}

/// A running gateway; it stops when dropped.
pub struct Gateway {
    state: Arc<State>,
    server: Server,
}

impl Gateway {
    /// Starts a gateway on a free port of 127.0.0.1 that logs in to
    /// PostgreSQL with `database` (a libpq connection string for the
    /// `authenticator` role), accepts `anon_key` as the project's key, and
    /// checks tokens with `jwt_secret`.
    ///
    /// # Panics
    ///
    /// If the schema cannot be read or no port bound: a test cannot go on.
    pub fn start(database: &str, anon_key: &str, jwt_secret: &str) -> Gateway {
        Gateway::start_with_auth(database, anon_key, jwt_secret, None)
    }

    /// The same, also passing `/auth/v1/…` on to the auth server at
    /// `auth`, as Supabase's API gateway does: one project URL for sign-in
    /// and data, as the app is configured.
    pub fn start_with_auth(
        database: &str,
        anon_key: &str,
        jwt_secret: &str,
        auth: Option<SocketAddr>,
    ) -> Gateway {
        let (server, state) = Server::start(database, anon_key, jwt_secret, auth)
            .expect("start the PostgREST gateway");
        Gateway { state, server }
    }

    /// The project URL; the API is under `/rest/v1`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr())
    }

    pub fn addr(&self) -> SocketAddr {
        self.server.addr()
    }

    /// The next `times` data requests (`/rest/v1`) suffer `fault`, in the
    /// order queued; `/auth/v1` passes through untouched.
    pub fn inject(&self, fault: Fault, times: usize) {
        self.state
            .faults
            .lock()
            .extend(std::iter::repeat_n(fault, times));
    }

    /// Makes the gateway's clock run `ahead` of the real one when it checks
    /// tokens, as a server whose clock is off would: a token the app still
    /// counts as valid is refused as expired (`PGRST303`).
    pub fn set_clock_ahead(&self, ahead: std::time::Duration) {
        self.state
            .clock_ahead
            .store(ahead.as_secs(), Ordering::Relaxed);
    }

    /// Drops every queued fault.
    pub fn clear_faults(&self) {
        self.state.faults.lock().clear();
    }

    pub fn stats(&self) -> Stats {
        self.state.stats.lock().clone()
    }
}
