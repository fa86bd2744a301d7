//! The coordinator's session transitions: the session state machine, with
//! its changes stamped as `session-changed` events and the sign-in modal
//! re-planned after each.

use std::time::Instant;

use secrecy::SecretString;

use super::Coordinator;
use crate::agency::AgencySelection;
use crate::error::Result;
use crate::event::Event;
use crate::session::{
    Grant, RefreshFailure, RefreshJob, Session, SessionCause, SessionChange, SessionUser,
    TokenAnswer,
};

impl Coordinator {
    /// The session.
    pub fn session(&self) -> &Session {
        &self.session
    }

    /// A window signed in and the server granted `grant`.
    pub fn session_signed_in(&mut self, grant: Grant, now: Instant) -> Result<()> {
        let change = self.session.signed_in(grant, now)?;
        self.session_events(Some(change));
        Ok(())
    }

    /// The keyring had a session from an earlier run: restore it, unless
    /// someone signed in while the keyring was read (then nothing happens).
    pub fn session_restore(
        &mut self,
        user: SessionUser,
        refresh_token: SecretString,
        now: Instant,
    ) {
        let change = self.session.restore(user, refresh_token, now);
        self.session_events(change);
    }

    /// The keyring had no session: ask for a sign-in (unless someone signed
    /// in meanwhile).
    pub fn session_nothing_stored(&mut self) {
        let change = self.session.nothing_stored();
        self.session_events(change);
    }

    /// The access token for an API call, now or after the refresh in flight;
    /// the refresh job, if one must start, is the caller's to perform.
    pub fn session_token(&mut self, now: Instant) -> Result<(TokenAnswer, Option<RefreshJob>)> {
        self.session.access_token(now)
    }

    /// The refresh job that is due at `now`, if any.
    pub fn session_refresh_due(&mut self, now: Instant) -> Option<RefreshJob> {
        self.session.due(now)
    }

    /// Refresh job `job` got `grant`. The flag says whether it was applied:
    /// a stale answer (after a sign-out or a newer sign-in) is discarded,
    /// and its refresh token must not be stored.
    pub fn session_refreshed(&mut self, job: u64, grant: Grant, now: Instant) -> bool {
        let change = self.session.refresh_succeeded(job, grant, now);
        let applied = change.is_some();
        self.session_events(change);
        applied
    }

    /// Refresh job `job` failed (`jitter` in `[0, 1)` spreads the retry).
    /// The flag says whether the failure ended the session.
    pub fn session_refresh_failed(
        &mut self,
        job: u64,
        failure: RefreshFailure,
        jitter: f64,
        now: Instant,
    ) -> bool {
        let generation = self.session.generation();
        let change = self.session.refresh_failed(job, failure, jitter, now);
        let ended = self.session.ended_since(generation);
        self.session_events(change);
        ended
    }

    /// Signs out in every window. Returns the access token to revoke the
    /// session with on the server (best effort), if anyone was signed in.
    pub fn session_sign_out(&mut self) -> Option<SecretString> {
        let (change, access) = self.session.sign_out()?;
        self.session_events(Some(change));
        access
    }

    /// Whether the OS keyring keeps the session between runs.
    pub fn session_remembered(&mut self, remembered: bool) {
        let change = self.session.set_remembered(remembered);
        self.session_events(change);
    }

    /// Switches to Supabase mode at start, while the keyring is read (see
    /// [`Self::session_restore`] and [`Self::session_nothing_stored`]). The
    /// settings are read once the app knows where they live.
    pub fn use_supabase(&mut self) {
        if self.session.is_configured() {
            return;
        }
        self.session = Session::supabase_loading();
        let change = SessionChange {
            cause: SessionCause::Restoring,
            session: self.session.summary(),
        };
        self.session_events(Some(change));
    }

    fn session_events(&mut self, change: Option<SessionChange>) {
        let Some(change) = change else {
            return;
        };
        self.log.stamp(Event::SessionChanged(change));
        if !self.session.may_use_crm() && self.agency.is_selected() {
            // The selection was the user's who left: the next user starts
            // from their own, restored at their sign-in.
            self.agency.replace(AgencySelection::default());
            self.agency_events();
        } else {
            self.replan_modal();
        }
    }
}
