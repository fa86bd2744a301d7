//! The session state machine: sign-in, restore, single-flight refresh,
//! backoff, and sign-out, with time passed in.
//!
//! The network is the shell's: the machine hands out a [`RefreshJob`] when a
//! refresh is due (or a caller needs a token that has run out), and takes
//! the answer back in one step ([`Session::refresh_succeeded`] or
//! [`Session::refresh_failed`]).
//!
//! Invariants:
//! - at most one refresh job is out at a time (single flight), so a refresh
//!   token is spent once whatever the number of windows and callers;
//! - an answer is applied only to the job it answers: one that arrives after
//!   a sign-out, a new sign-in or a newer job is discarded;
//! - the session ends only on sign-out or when the server rejects the
//!   refresh token; anything else keeps it and retries with backoff.

use std::time::{Duration, Instant};

use super::browser::BrowserSignIn;
use super::grant::{Grant, RefreshFailure, SessionUser, SignOutReason};
use super::keyring::Revocation;
use super::schedule::{backoff, refresh_margin};
use super::summary::{KeyringTrouble, SessionCause, SessionChange, SessionStatus, SessionSummary};
use crate::diagnostics::{millis_until, SessionDiagnostics};
use crate::error::{Error, Result};
use crate::pending::{Pending, Reply};
use secrecy::{ExposeSecret, SecretString};

/// The session shared by every window.
#[derive(Debug)]
pub struct Session {
    state: State,
    /// The last refresh job handed out; answers to any other are stale.
    last_job: u64,
    /// Callers waiting for the refresh in flight.
    waiters: Vec<Reply<SecretString>>,
    /// Whether the OS keyring keeps the session between runs.
    remembered: bool,
    /// Refreshes that succeeded, and that failed, in this run.
    refreshes: u64,
    failures: u64,
    /// While signed out: what went wrong with the keyring, if anything.
    keyring_trouble: Option<KeyringTrouble>,
    /// Bumps whenever the session is replaced or ends, so keyring writes
    /// and answers meant for an earlier session can tell.
    generation: u64,
}

#[derive(Debug)]
enum State {
    Local,
    /// Supabase mode at start, until the keyring says whether a session is
    /// stored: no sign-in prompt yet (it would flash, or race a restore).
    Loading,
    SignedOut {
        ended: Option<SignOutReason>,
        /// A browser or email sign-in under way, if one is.
        browser: Option<BrowserSignIn>,
    },
    Live(Live),
}

#[derive(Debug)]
struct Live {
    user: SessionUser,
    /// `None` while a stored session is being restored.
    access: Option<SecretString>,
    refresh_token: SecretString,
    expires_at: Instant,
    expires_at_unix_ms: Option<u64>,
    refresh: Refresh,
}

#[derive(Debug)]
enum Refresh {
    /// Nothing out; refresh at `due`.
    Idle { due: Instant },
    /// Job `job` is out; `failures` refreshes failed before it.
    InFlight { job: u64, failures: u32 },
    /// The last `failures` refreshes failed; the next goes out at `retry_at`.
    Backoff {
        failures: u32,
        retry_at: Instant,
        reason: String,
    },
}

/// A refresh for the shell to perform: spend `refresh_token` and report the
/// answer under `id`.
#[derive(Debug)]
pub struct RefreshJob {
    /// Names the job in the answer.
    pub id: u64,
    /// The token to spend.
    pub refresh_token: SecretString,
}

/// The answer to a request for the access token.
#[derive(Debug)]
pub enum TokenAnswer {
    /// The current token, valid now.
    Ready(SecretString),
    /// The token has run out and a refresh is under way: wait for it.
    Pending(PendingToken),
}

/// An access token still to come.
pub type PendingToken = Pending<SecretString>;

impl Default for Session {
    /// Local mode.
    fn default() -> Self {
        Self::local()
    }
}

impl Session {
    /// Local mode: no auth server, no tokens.
    pub fn local() -> Self {
        Self::with(State::Local)
    }

    /// Supabase mode, nobody signed in yet.
    pub fn supabase() -> Self {
        Self::with(State::SignedOut {
            ended: None,
            browser: None,
        })
    }

    /// Supabase mode at start, before the keyring has been read: see
    /// [`Session::restore`] and [`Session::nothing_stored`].
    pub fn supabase_loading() -> Self {
        Self::with(State::Loading)
    }

    /// Whether the keyring is still being read at start (see
    /// [`Session::restore`]).
    pub fn is_loading(&self) -> bool {
        matches!(self.state, State::Loading)
    }

    /// Which session this is: changes whenever a session starts or ends.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    fn with(state: State) -> Self {
        Self {
            state,
            last_job: 0,
            waiters: Vec::new(),
            remembered: true,
            keyring_trouble: None,
            refreshes: 0,
            failures: 0,
            generation: 0,
        }
    }

    /// Whether an auth server is configured (Supabase mode).
    pub fn is_configured(&self) -> bool {
        !matches!(self.state, State::Local)
    }

    /// Whether someone is signed in (also while restoring or offline).
    pub fn is_signed_in(&self) -> bool {
        matches!(self.state, State::Live(_))
    }

    /// Whether the CRM may be used: local mode, or someone is signed in.
    pub fn may_use_crm(&self) -> bool {
        matches!(self.state, State::Local | State::Live(_))
    }

    /// The session and its refresh schedule at `now`, for diagnostics.
    pub fn diagnostics(&self, now: Instant) -> SessionDiagnostics {
        let mut diagnostics = SessionDiagnostics {
            summary: self.summary(),
            access_left_ms: None,
            next_refresh_in_ms: None,
            refreshing: self.is_refreshing(),
            refreshes: self.refreshes,
            failures: self.failures,
            backoff_failures: 0,
            backoff_reason: None,
        };
        if let State::Live(live) = &self.state {
            diagnostics.access_left_ms = live
                .access
                .as_ref()
                .map(|_| millis_until(live.expires_at, now));
            match &live.refresh {
                Refresh::Idle { due } => {
                    diagnostics.next_refresh_in_ms = Some(millis_until(*due, now))
                }
                Refresh::InFlight { .. } => {}
                Refresh::Backoff {
                    failures,
                    retry_at,
                    reason,
                } => {
                    diagnostics.next_refresh_in_ms = Some(millis_until(*retry_at, now));
                    diagnostics.backoff_failures = *failures;
                    diagnostics.backoff_reason = Some(reason.clone());
                }
            }
        }
        diagnostics
    }

    /// Whether a refresh is out (its answer brings a rotated refresh token
    /// that must be kept).
    pub fn is_refreshing(&self) -> bool {
        matches!(&self.state, State::Live(live) if matches!(live.refresh, Refresh::InFlight { .. }))
    }

    /// Whether nobody is signed in, in Supabase mode: the sign-in modal is
    /// required.
    pub fn needs_sign_in(&self) -> bool {
        matches!(self.state, State::SignedOut { .. })
    }

    /// Whether the session ended (rather than was kept) since `generation`.
    pub fn ended_since(&self, generation: u64) -> bool {
        self.generation != generation && matches!(self.state, State::SignedOut { .. })
    }

    /// The session as windows see it.
    pub fn summary(&self) -> SessionSummary {
        match &self.state {
            State::Local => SessionSummary::local(),
            State::Loading => SessionSummary {
                status: SessionStatus::Restoring,
                user: None,
                expires_at: None,
                ended: None,
                remembered: None,
                keyring: None,
                browser: None,
            },
            State::SignedOut { ended, browser } => SessionSummary {
                status: SessionStatus::SignedOut,
                user: None,
                expires_at: None,
                ended: *ended,
                remembered: None,
                keyring: self.keyring_trouble,
                browser: browser.clone(),
            },
            State::Live(live) => SessionSummary {
                status: match (&live.access, &live.refresh) {
                    (_, Refresh::Backoff { .. }) => SessionStatus::Offline,
                    // A retry in flight is still offline until it succeeds.
                    (_, Refresh::InFlight { failures, .. }) if *failures > 0 => {
                        SessionStatus::Offline
                    }
                    (None, _) => SessionStatus::Restoring,
                    (Some(_), _) => SessionStatus::SignedIn,
                },
                user: Some(live.user.clone()),
                expires_at: live.expires_at_unix_ms,
                ended: None,
                remembered: Some(self.remembered),
                keyring: None,
                browser: None,
            },
        }
    }

    /// A window signed in with a password and got `grant`. Replaces any
    /// session (and discards any refresh still out for it).
    /// Returns the change and the replaced session, to revoke.
    pub fn signed_in(
        &mut self,
        grant: Grant,
        now: Instant,
    ) -> Result<(SessionChange, Option<Revocation>)> {
        if !self.is_configured() {
            return Err(Error::NotConfigured);
        }
        let replaced =
            std::mem::replace(&mut self.state, State::Live(Live::from_grant(grant, now)));
        self.generation += 1;
        self.answer_waiters(|| Err(Error::SignedOut));
        let revoke = match replaced {
            State::Live(live) => Some(live.revocation()),
            _ => None,
        };
        Ok((self.change(SessionCause::SignedIn), revoke))
    }

    /// Starts restoring the session the keyring had: the first refresh is
    /// due at once. Applies only while the keyring was being read: if
    /// someone signed in meanwhile, the stored session is stale and `None`
    /// comes back.
    pub fn restore(
        &mut self,
        user: SessionUser,
        refresh_token: SecretString,
        now: Instant,
    ) -> Option<SessionChange> {
        if !matches!(self.state, State::Loading) {
            return None;
        }
        self.state = State::Live(Live {
            user,
            access: None,
            refresh_token,
            expires_at: now,
            expires_at_unix_ms: None,
            refresh: Refresh::Idle { due: now },
        });
        self.generation += 1;
        Some(self.change(SessionCause::Restoring))
    }

    /// The keyring had no session, or `trouble` kept it from being used:
    /// ask for a sign-in.
    pub fn nothing_stored(&mut self, trouble: Option<KeyringTrouble>) -> Option<SessionChange> {
        if !matches!(self.state, State::Loading) {
            return None;
        }
        self.state = State::SignedOut {
            ended: None,
            browser: None,
        };
        self.keyring_trouble = trouble;
        Some(self.change(SessionCause::SignedOut))
    }

    /// The access token for an API call. A token that is still valid is
    /// returned at once (starting the refresh if it is due); one that has
    /// run out makes the caller wait for the one refresh in flight,
    /// starting it if none is. The job, if any, is the shell's to perform.
    pub fn access_token(&mut self, now: Instant) -> Result<(TokenAnswer, Option<RefreshJob>)> {
        let live = match &mut self.state {
            State::Local => return Err(Error::NotConfigured),
            State::Loading | State::SignedOut { .. } => return Err(Error::SignedOut),
            State::Live(live) => live,
        };
        if let Refresh::Backoff { reason, .. } = &live.refresh {
            if !live.is_valid(now) {
                return Err(Error::Network {
                    reason: reason.clone(),
                });
            }
        }
        let job = self.due(now);
        let State::Live(live) = &self.state else {
            unreachable!("checked above")
        };
        match &live.access {
            Some(access) if live.is_valid(now) => Ok((TokenAnswer::Ready(access.clone()), job)),
            _ => {
                let (reply, pending) = Pending::channel();
                self.waiters.push(reply);
                Ok((TokenAnswer::Pending(pending), job))
            }
        }
    }

    /// Starts the refresh if it is due at `now` (or its retry is), or if the
    /// token has run out: the single job for this token.
    pub fn due(&mut self, now: Instant) -> Option<RefreshJob> {
        let State::Live(live) = &mut self.state else {
            return None;
        };
        let failures = match live.refresh {
            Refresh::Idle { due } if now >= due || !live.is_valid(now) => 0,
            Refresh::Backoff {
                failures, retry_at, ..
            } if now >= retry_at => failures,
            _ => return None,
        };
        self.last_job += 1;
        live.refresh = Refresh::InFlight {
            job: self.last_job,
            failures,
        };
        Some(RefreshJob {
            id: self.last_job,
            refresh_token: live.refresh_token.clone(),
        })
    }

    /// Job `job` got `grant`. Returns the change, or `None` when the answer
    /// is stale (the session it was for has ended or been replaced): the
    /// shell must then not store the grant's refresh token.
    pub fn refresh_succeeded(
        &mut self,
        job: u64,
        grant: Grant,
        now: Instant,
    ) -> Option<SessionChange> {
        let State::Live(live) = &mut self.state else {
            return None;
        };
        if !matches!(live.refresh, Refresh::InFlight { job: out, .. } if out == job) {
            return None;
        }
        let access = grant.access_token.clone();
        *live = Live::from_grant(grant, now);
        self.refreshes += 1;
        self.answer_waiters(|| Ok(access.clone()));
        Some(self.change(SessionCause::TokenRefreshed))
    }

    /// Job `job` failed. A failure that may pass keeps the session and
    /// schedules a retry (`jitter` in `[0, 1)` spreads it); a rejection ends
    /// the session. `None` when the answer is stale.
    pub fn refresh_failed(
        &mut self,
        job: u64,
        failure: RefreshFailure,
        jitter: f64,
        now: Instant,
    ) -> Option<SessionChange> {
        let State::Live(live) = &mut self.state else {
            return None;
        };
        let failures = match live.refresh {
            Refresh::InFlight { job: out, failures } if out == job => failures,
            _ => return None,
        };
        self.failures += 1;
        match failure {
            RefreshFailure::Transient {
                reason,
                retry_after,
            } => {
                let failures = failures + 1;
                live.refresh = Refresh::Backoff {
                    failures,
                    retry_at: now + backoff(failures, jitter, retry_after),
                    reason: reason.clone(),
                };
                // Callers waiting for a token that has run out are told now
                // rather than kept waiting for a retry that may take long.
                self.answer_waiters(|| {
                    Err(Error::Network {
                        reason: reason.clone(),
                    })
                });
                Some(self.change(SessionCause::Offline))
            }
            RefreshFailure::Rejected(reason) => Some(self.end(reason)),
        }
    }

    /// The browser or email sign-in under way, if any.
    pub fn browser(&self) -> Option<&BrowserSignIn> {
        match &self.state {
            State::SignedOut { browser, .. } => browser.as_ref(),
            _ => None,
        }
    }

    /// A browser or email sign-in reached `step` (or, with `None`, ended
    /// without signing in). Only while nobody is signed in: a signed-in
    /// user signs out first. Returns the change when it is news.
    pub fn set_browser(&mut self, step: Option<BrowserSignIn>) -> Result<Option<SessionChange>> {
        let State::SignedOut { browser, .. } = &mut self.state else {
            return Err(match self.state {
                State::Local => Error::NotConfigured,
                State::Loading => Error::Restoring,
                _ => Error::SignedIn,
            });
        };
        if *browser == step {
            return Ok(None);
        }
        *browser = step;
        Ok(Some(self.change(SessionCause::Browser)))
    }

    /// The user signed out. Returns the change and the server-side session
    /// the shell must end, or `None` if nobody was signed in.
    pub fn sign_out(&mut self) -> Option<(SessionChange, Revocation)> {
        let State::Live(live) = &mut self.state else {
            return None;
        };
        let revoke = live.revocation();
        Some((self.end(SignOutReason::SignedOut), revoke))
    }

    /// Whether the OS keyring keeps the session between runs. Returns the
    /// change when it is news while signed in.
    pub fn set_remembered(&mut self, remembered: bool) -> Option<SessionChange> {
        let changed = self.remembered != remembered;
        self.remembered = remembered;
        (changed && matches!(self.state, State::Live(_)))
            .then(|| self.change(SessionCause::Storage))
    }

    /// The ended session could not be removed from the keyring. Returns
    /// the change when it is news while signed out.
    pub fn keyring_not_removed(&mut self) -> Option<SessionChange> {
        if !matches!(self.state, State::SignedOut { .. })
            || self.keyring_trouble == Some(KeyringTrouble::NotRemoved)
        {
            return None;
        }
        self.keyring_trouble = Some(KeyringTrouble::NotRemoved);
        Some(self.change(SessionCause::Storage))
    }

    /// The wall clock jumped (sleep and resume): the monotonic clock the
    /// schedule runs on may not have counted the sleep, so the token may
    /// have run out in real time. It is treated as expired (callers wait
    /// for the refresh) and checked now.
    pub fn clock_jumped(&mut self, now: Instant) {
        if let State::Live(live) = &mut self.state {
            live.expires_at = live.expires_at.min(now);
            match &mut live.refresh {
                Refresh::Idle { due } => *due = now,
                Refresh::Backoff { retry_at, .. } => *retry_at = now,
                Refresh::InFlight { .. } => {}
            }
        }
    }

    /// A server refused `token` as expired while the schedule still
    /// counted it valid (its clock runs ahead of ours). If `token` is still
    /// the current one it counts as run out from `now`: the next caller
    /// waits for the one refresh, however many requests were refused with
    /// it. Returns whether it was current.
    pub fn token_rejected(&mut self, token: &SecretString, now: Instant) -> bool {
        let State::Live(live) = &mut self.state else {
            return false;
        };
        let current = live
            .access
            .as_ref()
            .is_some_and(|access| access.expose_secret() == token.expose_secret());
        if current && now < live.expires_at {
            live.expires_at = now;
            if let Refresh::Idle { due } = &mut live.refresh {
                *due = now;
            }
        }
        current
    }

    /// When [`Session::due`] next has something to do.
    pub fn next_deadline(&self) -> Option<Instant> {
        match &self.state {
            State::Live(live) => match &live.refresh {
                Refresh::Idle { due } => Some(*due),
                Refresh::Backoff { retry_at, .. } => Some(*retry_at),
                Refresh::InFlight { .. } => None,
            },
            _ => None,
        }
    }

    fn end(&mut self, reason: SignOutReason) -> SessionChange {
        self.state = State::SignedOut {
            ended: Some(reason),
            browser: None,
        };
        self.generation += 1;
        self.answer_waiters(|| Err(Error::SessionEnded { reason }));
        self.change(SessionCause::SignedOut)
    }

    fn answer_waiters(&mut self, answer: impl Fn() -> Result<SecretString>) {
        for waiter in self.waiters.drain(..) {
            // A caller that stopped waiting needs no answer.
            let _ = waiter.send(answer());
        }
    }

    fn change(&self, cause: SessionCause) -> SessionChange {
        SessionChange {
            cause,
            session: self.summary(),
        }
    }
}

impl Live {
    /// What ends this session on the server. A refresh token a refresh is
    /// spending is left to that refresh (its answer is revoked).
    fn revocation(&self) -> Revocation {
        Revocation {
            access: self.access.clone(),
            refresh_token: (!matches!(self.refresh, Refresh::InFlight { .. }))
                .then(|| self.refresh_token.clone()),
        }
    }

    fn from_grant(grant: Grant, now: Instant) -> Self {
        let lifetime = grant.lifetime.max(Duration::from_secs(1));
        Self {
            user: grant.user,
            access: Some(grant.access_token),
            refresh_token: grant.refresh_token,
            expires_at: now + lifetime,
            expires_at_unix_ms: Some(grant.expires_at_unix_ms),
            refresh: Refresh::Idle {
                due: now + lifetime - refresh_margin(lifetime),
            },
        }
    }

    fn is_valid(&self, now: Instant) -> bool {
        self.access.is_some() && now < self.expires_at
    }
}
