//! The state machine that ties windows, election and events together.
//!
//! Every transition takes `now` from the caller, validates before it changes
//! anything (a refused call leaves the state exactly as it was), and stamps
//! the events it produced into the event log, numbered in the order windows
//! must apply them; the owner takes them with [`Coordinator::take_events`]
//! after each transition. Windows, the election and the lock table move together: a window
//! that closes, reloads or hangs gives up its primacy and its locks in the
//! same transition.

mod agencies;
mod contacts;
mod locks;
mod modals;
mod quitting;
mod sessions;
mod syncing;
mod updating;

use std::time::Instant;

use crate::agency::AgencySelection;
use crate::diagnostics::{Diagnostics, ElectionCause, ElectionHistory, WindowDiagnostics};
use crate::election::Election;
use crate::error::{Error, Result};
use crate::event::{Envelope, Event, EventLog};
use crate::health::HeartbeatTimeout;
use crate::lock::{EndReason, LockTable};
use crate::modal::{ModalDraft, ModalKind, ModalPlan};
use crate::quit::QuitStatus;
use crate::registry::WindowRegistry;
use crate::session::Session;
use crate::snapshot::{SelfInfo, Snapshot};
use crate::sync::{SignOutIntent, SyncStatus};
use crate::update::UpdateStatus;
use crate::window::{WindowLabel, WindowState};

/// The most CRM windows open at once: each costs a web process (about
/// 80 MiB), and a runaway script or a burst of launches must not take the
/// machine down.
pub const MAX_WINDOWS: usize = 32;

/// The coordinator state. The shell keeps one behind a mutex.
#[derive(Debug, Default)]
pub struct Coordinator {
    windows: WindowRegistry,
    election: Election,
    locks: LockTable,
    session: Session,
    agency: AgencySelection,
    /// The modal plan windows were last told of.
    modal: ModalPlan,
    /// What the user typed into the modal, kept while the window it was
    /// typed in lives, for the next presenter.
    modal_draft: Option<ModalDraft>,
    /// The device's standing with the server, as the sync engine reported.
    sync: SyncStatus,
    /// A sign-out held up by changes not yet on the server.
    sign_out: SignOutIntent,
    /// The unsaved editors, and a quit that asks about them.
    quit: QuitStatus,
    /// The update a check found, and how far installing it got.
    update: UpdateStatus,
    log: EventLog,
    /// How many window labels were handed out; labels are never reused.
    labels_issued: u64,
    /// How long a ready window may stay silent.
    heartbeat_timeout: HeartbeatTimeout,
    /// The last changes of primary, for diagnostics.
    elections: ElectionHistory,
}

impl Coordinator {
    /// A coordinator with no windows, in local mode.
    pub fn new() -> Self {
        Self::with_session(Session::local())
    }

    /// A coordinator with no windows and the given session (Supabase mode:
    /// [`Session::supabase`]).
    pub fn with_session(session: Session) -> Self {
        let mut coordinator = Self {
            session,
            ..Self::default()
        };
        coordinator.modal = coordinator.modal_plan();
        coordinator
    }

    /// Reserves the label of the next window: `crm-1`, `crm-2`, … The shell
    /// creates the platform window under it, then reports [`Self::window_opened`].
    pub fn next_label(&mut self) -> WindowLabel {
        self.labels_issued += 1;
        WindowLabel::numbered(self.labels_issued)
    }

    /// Whether another window may open: at most [`MAX_WINDOWS`] are
    /// (`too_many` otherwise). The shell asks before it reserves a label.
    pub fn window_room(&self) -> Result<()> {
        if self.windows.len() >= MAX_WINDOWS {
            return Err(Error::TooManyWindows { limit: MAX_WINDOWS });
        }
        Ok(())
    }

    /// A window was created; it is `loading` until its page attaches.
    /// Refused (`too_many`) when [`MAX_WINDOWS`] are open already.
    pub fn window_opened(&mut self, label: WindowLabel, now: Instant) -> Result<()> {
        self.window_room()?;
        self.windows.open(label, now)?;
        self.windows_changed(ElectionCause::Opened, now, now);
        Ok(())
    }

    /// A window's page started and asks for its snapshot. A loading or
    /// unresponsive window becomes ready (and may be elected); a reloaded page
    /// of a ready window changes nothing. The snapshot reflects the events
    /// this stamps, so the page applies only events after them.
    pub fn window_attached(&mut self, label: &WindowLabel, now: Instant) -> Result<Snapshot> {
        self.set_state(label, WindowState::Ready, ElectionCause::Ready, now)?;
        self.snapshot(label)
    }

    /// A window's page reports it is alive. An unresponsive window comes back
    /// as a ready secondary.
    pub fn heartbeat(&mut self, label: &WindowLabel, now: Instant) -> Result<()> {
        match self.windows.state(label)? {
            WindowState::Unresponsive => {
                self.set_state(label, WindowState::Ready, ElectionCause::Ready, now)
            }
            WindowState::Loading | WindowState::Ready => self.windows.touch(label, now),
        }
    }

    /// A window stopped answering: it loses primacy until it beats again,
    /// and every lock it holds or awaits, now.
    pub fn window_unresponsive(&mut self, label: &WindowLabel, now: Instant) -> Result<()> {
        self.set_state(
            label,
            WindowState::Unresponsive,
            ElectionCause::Unresponsive,
            now,
        )?;
        self.release_window(label, EndReason::WindowUnresponsive, now);
        Ok(())
    }

    /// A window's web process crashed: like [`Self::window_unresponsive`]
    /// (it loses primacy and its locks until its reloaded page attaches),
    /// recorded as a crash.
    pub fn window_crashed(&mut self, label: &WindowLabel, now: Instant) -> Result<()> {
        self.set_state(
            label,
            WindowState::Unresponsive,
            ElectionCause::Crashed,
            now,
        )?;
        self.release_window(label, EndReason::WindowUnresponsive, now);
        Ok(())
    }

    /// The page of `label` reports, with its heartbeat, the newest event it
    /// applied and how many snapshots it has read: how far behind it is and
    /// whether it found gaps, for diagnostics and the self-test.
    pub fn window_reported(
        &mut self,
        label: &WindowLabel,
        applied_seq: Option<u64>,
        resyncs: Option<u32>,
    ) -> Result<()> {
        self.windows.reported(label, applied_seq, resyncs)
    }

    /// A window's page started loading again. The new page is a new holder:
    /// everything the old one held or awaited is released.
    pub fn window_reloaded(&mut self, label: &WindowLabel, now: Instant) -> Result<()> {
        self.windows.state(label)?;
        self.release_window(label, EndReason::WindowReloaded, now);
        // The new page's editor starts empty.
        self.forget_editor(label);
        Ok(())
    }

    /// A window was destroyed: it leaves, and so do its locks.
    pub fn window_closed(&mut self, label: &WindowLabel, now: Instant) -> Result<()> {
        self.windows.close(label)?;
        if self
            .modal_draft
            .as_ref()
            .is_some_and(|draft| draft.window == *label)
        {
            self.modal_draft = None;
        }
        self.windows_changed(ElectionCause::Closed, now, now);
        self.release_window(label, EndReason::WindowClosed, now);
        self.forget_editor(label);
        Ok(())
    }

    /// Ends the leases and waits that are due at `now`, and declares
    /// unresponsive every ready window silent for the heartbeat timeout. The
    /// shell runs it before every other transition and when
    /// [`Self::next_deadline`] passes, so no lease outlives its time, no wait
    /// its deadline, and no hung window its timeout.
    pub fn tick(&mut self, now: Instant) {
        let changes = self.locks.expire(now);
        self.lock_events(changes);
        if let Some(cutoff) = now.checked_sub(self.heartbeat_timeout.get()) {
            for label in self.windows.silent_since(cutoff) {
                // Every label was just listed as open; nothing can refuse.
                let _ = self.window_unresponsive(&label, now);
            }
        }
    }

    /// The events stamped since the last call, in sequence order: what the
    /// owner delivers after each transition, refused or not.
    pub fn take_events(&mut self) -> Vec<Envelope> {
        self.log.drain()
    }

    /// When [`Self::tick`] or [`Self::session_refresh_due`] next has
    /// something to do.
    pub fn next_deadline(&self) -> Option<Instant> {
        let silence = self
            .windows
            .oldest_ready_sign_of_life()
            .map(|seen| seen + self.heartbeat_timeout.get());
        [
            self.locks.next_deadline(),
            self.session.next_deadline(),
            silence,
        ]
        .into_iter()
        .flatten()
        .min()
    }

    /// Sets how long a ready window may stay silent before it counts as
    /// unresponsive (default 5 s).
    pub fn set_heartbeat_timeout(&mut self, timeout: HeartbeatTimeout) {
        self.heartbeat_timeout = timeout;
    }

    /// The clocks jumped (sleep and resume, or the process was stopped): no
    /// window could beat meanwhile, so each gets a whole timeout from `now`
    /// to report in before any is declared unresponsive, and the session's
    /// token is checked at once.
    pub fn clock_jumped(&mut self, now: Instant) {
        self.windows.grant_grace(now);
        self.session.clock_jumped(now);
    }

    /// Sends the window list again, unchanged: a real event through the whole
    /// delivery path that changes nothing. The latency benchmark uses it to
    /// measure delivery without a window being created or destroyed.
    pub fn republish_windows(&mut self) {
        self.log.stamp(Event::WindowsChanged {
            windows: self.windows.summaries(),
        });
    }

    /// The state as `label` sees it.
    pub fn snapshot(&self, label: &WindowLabel) -> Result<Snapshot> {
        // Validates the label: only open windows get a snapshot.
        self.windows.state(label)?;
        Ok(Snapshot {
            seq: self.log.last_seq(),
            self_: SelfInfo {
                label: label.clone(),
                role: self.election.role_of(label),
                beat_ms: self.heartbeat_timeout.beat_interval().as_millis() as u64,
            },
            primary: self.election.primary(),
            windows: self.windows.summaries(),
            session: self.session.summary(),
            agency: self.agency.summary().clone(),
            modal: self.modal.clone(),
            locks: self.locks.summaries(),
            sync: self.sync.clone(),
            quit: self.quit.clone(),
            update: self.update.clone(),
        })
    }

    /// The coordination as the diagnostics window shows it, at `now`.
    pub fn diagnostics(&self, now: Instant) -> Diagnostics {
        Diagnostics {
            seq: self.log.last_seq(),
            primary: self.election.primary(),
            windows: self
                .windows
                .records()
                .map(|record| WindowDiagnostics {
                    label: record.label.clone(),
                    role: self.election.role_of(&record.label),
                    state: record.state,
                    silent_ms: crate::diagnostics::millis(
                        now.saturating_duration_since(record.last_seen),
                    ),
                    applied_seq: record.applied_seq,
                    resyncs: record.resyncs,
                })
                .collect(),
            heartbeat_timeout_ms: crate::diagnostics::millis(self.heartbeat_timeout.get()),
            elections: self.elections.records(now),
            locks: self.locks.diagnostics(now),
            session: self.session.diagnostics(now),
            agency: self.agency.summary().clone(),
            modal: self.modal.clone(),
            sync: self.sync.clone(),
        }
    }

    /// The open windows.
    pub fn windows(&self) -> &WindowRegistry {
        &self.windows
    }

    /// The election state.
    pub fn election(&self) -> &Election {
        &self.election
    }

    /// The sequence number of the newest event.
    pub fn last_seq(&self) -> u64 {
        self.log.last_seq()
    }

    /// Moves `label` to `state`; an election that follows is recorded as
    /// caused by `cause`.
    fn set_state(
        &mut self,
        label: &WindowLabel,
        state: WindowState,
        cause: ElectionCause,
        now: Instant,
    ) -> Result<()> {
        // A silent window was lost at its last sign of life, not when the
        // silence was noticed.
        let lost_at = match cause {
            ElectionCause::Unresponsive => self.windows.last_seen(label)?,
            _ => now,
        };
        if self.windows.set_state(label, state, now)? {
            self.windows_changed(cause, lost_at, now);
        }
        Ok(())
    }

    /// The events that follow any change of the window list: the list itself,
    /// then the primary if the election moved it (kept in the history, with
    /// the hand-over counted from `lost_at`).
    fn windows_changed(&mut self, cause: ElectionCause, lost_at: Instant, now: Instant) {
        self.log.stamp(Event::WindowsChanged {
            windows: self.windows.summaries(),
        });
        let before = self.election.primary().map(|primary| primary.label);
        if let Some(change) = self.election.elect(&self.windows) {
            self.elections.record(
                change.epoch,
                cause,
                (before, change.label.clone()),
                lost_at,
                now,
            );
            self.log.stamp(Event::PrimaryChanged(change));
            self.replan_modal();
        }
    }

    /// Which modal is required now, and which window presents it: the
    /// primary, so exactly one window shows it. A quit the user just asked
    /// for comes first, then sign-in; an agency is asked for once someone
    /// may use the CRM (local mode, or signed in), not while a stored
    /// session is still being read; an update waits for all of these.
    fn modal_plan(&self) -> ModalPlan {
        let required = if self.quit.is_pending() {
            Some(ModalKind::Quit)
        } else if self.session.needs_sign_in() {
            Some(ModalKind::SignIn)
        } else if self.session.is_signed_in() && self.sign_out == SignOutIntent::Asking {
            Some(ModalKind::UnsentChanges)
        } else if self.session.may_use_crm() && !self.agency.is_selected() {
            Some(ModalKind::AgencySelection)
        } else if self.update.wants_modal() {
            Some(ModalKind::Update)
        } else {
            None
        };
        ModalPlan {
            required,
            presenter: required
                .and_then(|_| self.election.primary())
                .map(|primary| primary.label),
        }
    }

    /// Tells windows of a new modal plan, if it changed.
    fn replan_modal(&mut self) {
        let plan = self.modal_plan();
        if plan == self.modal {
            return;
        }
        if plan.required != self.modal.required {
            // A draft belongs to one modal: the next one starts empty.
            self.modal_draft = None;
        }
        self.modal = plan.clone();
        self.log.stamp(Event::ModalChanged(plan));
    }
}
