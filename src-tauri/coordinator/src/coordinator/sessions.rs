//! The coordinator's session transitions: the session state machine, with
//! its changes stamped as `session-changed` events and the sign-in modal
//! re-planned after each.
//!
//! Every policy about a session is decided here, in one transition each:
//! the user's own agency comes with their sign-in or restore, a sign-in
//! made while the keyring was read wins over the stored session, a refresh
//! answer for a session that ended is revoked rather than kept, and what
//! the keyring must hold afterwards ([`KeyringWrite`]). The shell performs
//! the I/O these name and nothing else.

use std::time::Instant;

use secrecy::SecretString;

use super::Coordinator;
use crate::agency::AgencySelection;
use crate::error::{Error, Result};
use crate::event::{Event, LinkRefusal};
use crate::session::{
    BrowserSignIn, Grant, KeyringTrouble, KeyringWrite, RefreshFailure, RefreshJob,
    RefreshRecorded, Session, SessionCause, SessionChange, SessionUser, SignedIn, SignedOut,
    TokenAnswer,
};
use crate::sync::{SignOutIntent, SyncStatus};

impl Coordinator {
    /// The session.
    pub fn session(&self) -> &Session {
        &self.session
    }

    /// A window signed in and the server granted `grant` for a request
    /// sent at `sent_at` (lifetimes count from then, so a slow server never
    /// makes a token look fresher than it is). The user's stored agency
    /// `selection` is restored in the same transition, so no window asks
    /// for an agency they already chose. Outside Supabase mode it is
    /// refused and nothing changes. Returns what the keyring must keep, and
    /// the session this one replaced, to revoke.
    pub fn session_signed_in(
        &mut self,
        selection: AgencySelection,
        grant: Grant,
        sent_at: Instant,
    ) -> Result<SignedIn> {
        if !self.session.is_configured() {
            return Err(Error::NotConfigured);
        }
        let (user, refresh_token) = (grant.user.clone(), grant.refresh_token.clone());
        self.agency_restore(selection);
        let (change, revoke) = self.session.signed_in(grant, sent_at)?;
        self.session_events(Some(change));
        Ok(SignedIn {
            keyring: KeyringWrite::Save {
                generation: self.session.generation(),
                user,
                refresh_token,
            },
            revoke,
        })
    }

    /// The keyring had `user`'s session from an earlier run: restore it
    /// with their stored agency `selection`, unless someone signed in while
    /// the keyring was read (theirs wins, and nothing happens).
    pub fn session_restore(
        &mut self,
        selection: AgencySelection,
        user: SessionUser,
        refresh_token: SecretString,
        now: Instant,
    ) {
        if !self.session.is_loading() {
            return;
        }
        self.agency_restore(selection);
        let change = self.session.restore(user, refresh_token, now);
        self.session_events(change);
    }

    /// The keyring had no session, or `trouble` kept it from being used:
    /// ask for a sign-in (unless someone signed in meanwhile).
    pub fn session_nothing_stored(&mut self, trouble: Option<KeyringTrouble>) {
        let change = self.session.nothing_stored(trouble);
        self.session_events(change);
    }

    /// The ended session could not be removed from the OS keyring: windows
    /// say so while signed out.
    pub fn session_keyring_not_removed(&mut self) {
        let change = self.session.keyring_not_removed();
        self.session_events(change);
    }

    /// Whether `write`, decided earlier, still stands now: a save only for
    /// the live session it was made for, a removal only while no session
    /// started since.
    pub fn keyring_write_current(&self, write: &KeyringWrite) -> bool {
        let current = self.session.generation() == write.generation();
        match write {
            KeyringWrite::Save { .. } => current && self.session.is_signed_in(),
            KeyringWrite::Clear { .. } => current,
        }
    }

    /// The access token for an API call, now or after the refresh in flight;
    /// the refresh job, if one must start, is the caller's to perform.
    pub fn session_token(&mut self, now: Instant) -> Result<(TokenAnswer, Option<RefreshJob>)> {
        self.session.access_token(now)
    }

    /// An API refused `token` as expired: it counts as run out, so the
    /// next [`Self::session_token`] waits for the one refresh (see
    /// [`Session::token_rejected`]).
    pub fn session_token_rejected(&mut self, token: &SecretString, now: Instant) -> bool {
        self.session.token_rejected(token, now)
    }

    /// The refresh job that is due at `now`, if any.
    pub fn session_refresh_due(&mut self, now: Instant) -> Option<RefreshJob> {
        self.session.due(now)
    }

    /// Refresh job `job`, sent at `sent_at`, got `grant`. A stale answer
    /// (after a sign-out or a newer sign-in) is discarded: its refresh
    /// token is not kept, and the session it renewed is to be revoked.
    pub fn session_refreshed(
        &mut self,
        job: u64,
        grant: Grant,
        sent_at: Instant,
    ) -> RefreshRecorded {
        let revoke = grant.access_token.clone();
        let (user, refresh_token) = (grant.user.clone(), grant.refresh_token.clone());
        match self.session.refresh_succeeded(job, grant, sent_at) {
            Some(change) => {
                self.session_events(Some(change));
                RefreshRecorded::Applied(KeyringWrite::Save {
                    generation: self.session.generation(),
                    user,
                    refresh_token,
                })
            }
            None => RefreshRecorded::Discarded { revoke },
        }
    }

    /// Refresh job `job` failed (`jitter` in `[0, 1)` spreads the retry).
    /// When the failure ended the session, the stored one goes too.
    pub fn session_refresh_failed(
        &mut self,
        job: u64,
        failure: RefreshFailure,
        jitter: f64,
        now: Instant,
    ) -> Option<KeyringWrite> {
        let generation = self.session.generation();
        let change = self.session.refresh_failed(job, failure, jitter, now);
        let ended = self.session.ended_since(generation);
        self.session_events(change);
        ended.then(|| KeyringWrite::Clear {
            generation: self.session.generation(),
        })
    }

    /// Signs out in every window, and forgets the stored session (even one
    /// still being restored). The session that ended, if anyone was signed
    /// in, is the shell's to end on the server.
    pub fn session_sign_out(&mut self) -> SignedOut {
        let revoke = self.session.sign_out().map(|(change, revoke)| {
            self.session_events(Some(change));
            revoke
        });
        SignedOut {
            revoke,
            keyring: KeyringWrite::Clear {
                generation: self.session.generation(),
            },
        }
    }

    /// A browser or email sign-in reached `step`, or ended with `None`
    /// (cancelled, refused, or replaced by a password sign-in). Refused
    /// unless nobody is signed in.
    pub fn session_browser(&mut self, step: Option<BrowserSignIn>) -> Result<()> {
        let change = self.session.set_browser(step)?;
        self.session_events(change);
        Ok(())
    }

    /// A link the operating system handed to the app was refused: the
    /// primary tells the user why (nothing else changes).
    pub fn link_refused(&mut self, message: String) {
        self.log.stamp(Event::LinkRefused(LinkRefusal { message }));
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
        if !self.session.may_use_crm() {
            // Nobody to sync for: the status goes with the session, at once
            // rather than at the engine's next tick, and so does a sign-out
            // that waited on it.
            self.sign_out = SignOutIntent::None;
            self.sync_reported(SyncStatus::default());
        }
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
