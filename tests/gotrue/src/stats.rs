//! Counters a test reads back to check how a client behaved.
//!
//! Every call of an endpoint is counted, whether it succeeded, was refused or
//! was answered by a fault. The token counters come from the session book and
//! count only what the server actually did.

use crate::endpoint::Endpoint;

/// A snapshot of the server's counters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    /// Calls of the password grant.
    pub password_calls: usize,
    /// Calls of the refresh-token grant.
    pub refresh_calls: usize,
    /// Calls of logout.
    pub logout_calls: usize,
    /// Calls of the current user.
    pub user_calls: usize,
    /// Calls of the settings.
    pub settings_calls: usize,
    /// Calls of `/authorize`.
    pub authorize_calls: usize,
    /// Calls of the PKCE grant.
    pub pkce_calls: usize,
    /// Calls of `/otp`.
    pub otp_calls: usize,
    /// Email links followed (`GET /verify`).
    pub verify_link_calls: usize,
    /// One-time codes presented (`POST /verify`).
    pub verify_otp_calls: usize,
    /// Calls of `/recover`.
    pub recover_calls: usize,
    /// Calls of `PUT /user`.
    pub update_user_calls: usize,
    /// Refreshes that succeeded and issued a new token pair.
    pub refreshes: usize,
    /// Refresh attempts that presented a refresh token already presented before.
    pub reuses: usize,
    /// Access and refresh tokens issued, two per sign-in or refresh.
    pub tokens_issued: usize,
}

impl Stats {
    /// Calls of `endpoint`.
    pub fn calls(&self, endpoint: Endpoint) -> usize {
        match endpoint {
            Endpoint::Password => self.password_calls,
            Endpoint::Refresh => self.refresh_calls,
            Endpoint::Logout => self.logout_calls,
            Endpoint::User => self.user_calls,
            Endpoint::Settings => self.settings_calls,
            Endpoint::Authorize => self.authorize_calls,
            Endpoint::Pkce => self.pkce_calls,
            Endpoint::Otp => self.otp_calls,
            Endpoint::VerifyLink => self.verify_link_calls,
            Endpoint::VerifyOtp => self.verify_otp_calls,
            Endpoint::Recover => self.recover_calls,
            Endpoint::UpdateUser => self.update_user_calls,
        }
    }
}

/// Calls per endpoint.
#[derive(Debug, Default)]
pub(crate) struct CallCounts {
    counts: [usize; Endpoint::ALL.len()],
}

impl CallCounts {
    /// Counts one call of `endpoint`.
    pub(crate) fn record(&mut self, endpoint: Endpoint) {
        self.counts[endpoint.index()] += 1;
    }

    /// Calls of `endpoint` so far.
    pub(crate) fn of(&self, endpoint: Endpoint) -> usize {
        self.counts[endpoint.index()]
    }
}
