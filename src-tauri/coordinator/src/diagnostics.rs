//! What the diagnostics window shows of the coordination: every window's
//! health and lag, the election history, the locks with their leases and
//! queues, the session's refresh schedule, the agency and the modal plan.
//!
//! Never a token. Times are durations from the moment the view was taken
//! (`…_ms` ago or to go), so the window counts them down on its own clock
//! without comparing clocks with the app.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use serde::Serialize;
use ts_rs::TS;

use crate::agency::AgencySummary;
use crate::election::{PrimaryInfo, Role};
use crate::lock::{LockMode, LockName};
use crate::modal::ModalPlan;
use crate::session::SessionSummary;
use crate::sync::SyncStatus;
use crate::window::{WindowLabel, WindowState};

/// How many elections the history keeps.
pub const ELECTIONS_KEPT: usize = 20;

/// The coordination as the diagnostics window shows it, as of event `seq`.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Diagnostics {
    /// The newest event reflected here.
    pub seq: u64,
    /// The current primary and its epoch.
    pub primary: Option<PrimaryInfo>,
    /// Every CRM window, oldest first.
    pub windows: Vec<WindowDiagnostics>,
    /// How long a ready window may stay silent, in milliseconds.
    pub heartbeat_timeout_ms: u64,
    /// The last elections, newest first.
    pub elections: Vec<ElectionRecord>,
    /// The locks held or awaited, by name.
    pub locks: Vec<LockDiagnostics>,
    /// The session and its refresh schedule.
    pub session: SessionDiagnostics,
    /// The selected agency, its version and the window that chose it.
    pub agency: AgencySummary,
    /// Which modal is required, and which window presents it.
    pub modal: ModalPlan,
    /// The device's standing with the server (Supabase mode).
    pub sync: SyncStatus,
}

/// One CRM window's health.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct WindowDiagnostics {
    /// The window's label.
    pub label: WindowLabel,
    /// Primary or secondary.
    pub role: Role,
    /// Loading, ready or unresponsive.
    pub state: WindowState,
    /// Since its last sign of life (heartbeat or attach), in milliseconds.
    pub silent_ms: u64,
    /// The newest event its page reported applied, if it has reported one.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub applied_seq: Option<u64>,
    /// How many snapshots its page has read: once at load, then once per
    /// gap it found in the event sequence.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub resyncs: Option<u32>,
}

/// Why an election ran.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum ElectionCause {
    /// A window opened (the first window, or the first to be electable).
    Opened,
    /// A window became ready (its page attached, or it beat again).
    Ready,
    /// The primary closed.
    Closed,
    /// The primary stopped answering.
    Unresponsive,
    /// The primary's web process crashed.
    Crashed,
}

/// One change of primary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ElectionRecord {
    /// The epoch it started.
    pub epoch: u64,
    /// Why it ran.
    pub cause: ElectionCause,
    /// The primary before, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub from: Option<WindowLabel>,
    /// The primary after, if any window was left to lead.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub to: Option<WindowLabel>,
    /// How long the app was without a working primary: from the old
    /// primary's last sign of life (unresponsive) or from the change itself
    /// (closed, crashed, opened), in milliseconds.
    pub handover_ms: u64,
    /// How long ago it happened, in milliseconds.
    pub ago_ms: u64,
}

/// The election history: the last [`ELECTIONS_KEPT`] changes of primary.
#[derive(Debug, Clone, Default)]
pub struct ElectionHistory {
    records: VecDeque<Election>,
}

/// A change of primary, as kept.
#[derive(Debug, Clone)]
struct Election {
    epoch: u64,
    cause: ElectionCause,
    from: Option<WindowLabel>,
    to: Option<WindowLabel>,
    handover: Duration,
    at: Instant,
}

impl ElectionHistory {
    /// Keeps a change of primary (forgetting the oldest beyond the limit).
    pub fn record(
        &mut self,
        epoch: u64,
        cause: ElectionCause,
        (from, to): (Option<WindowLabel>, Option<WindowLabel>),
        lost_at: Instant,
        now: Instant,
    ) {
        if self.records.len() == ELECTIONS_KEPT {
            self.records.pop_front();
        }
        self.records.push_back(Election {
            epoch,
            cause,
            from,
            to,
            handover: now.saturating_duration_since(lost_at),
            at: now,
        });
    }

    /// The changes, newest first, as of `now`.
    pub fn records(&self, now: Instant) -> Vec<ElectionRecord> {
        self.records
            .iter()
            .rev()
            .map(|election| ElectionRecord {
                epoch: election.epoch,
                cause: election.cause,
                from: election.from.clone(),
                to: election.to.clone(),
                handover_ms: millis(election.handover),
                ago_ms: millis(now.saturating_duration_since(election.at)),
            })
            .collect()
    }
}

/// One lock: who holds it for how much longer, and who waits in what order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct LockDiagnostics {
    /// The lock's name.
    pub name: LockName,
    /// The holders' mode (with none, the first waiter's or the last grant's).
    pub mode: LockMode,
    /// The holders, in grant order.
    pub holders: Vec<HolderDiagnostics>,
    /// The waiters, first in line first.
    pub waiting: Vec<WaiterDiagnostics>,
    /// The fence of the newest grant.
    pub fence: u64,
}

/// A window holding a lock.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct HolderDiagnostics {
    /// The holder.
    pub window: WindowLabel,
    /// Until its lease runs out, in milliseconds.
    pub lease_left_ms: u64,
}

/// A window waiting for a lock.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct WaiterDiagnostics {
    /// The waiter.
    pub window: WindowLabel,
    /// The mode it asked for.
    pub mode: LockMode,
    /// How long it has waited, in milliseconds.
    pub waited_ms: u64,
    /// Until it gives up, in milliseconds.
    pub gives_up_in_ms: u64,
}

/// The session and its refresh schedule. Never a token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SessionDiagnostics {
    /// What windows see of the session (status, user, expiry).
    #[serde(flatten)]
    pub summary: SessionSummary,
    /// Until the access token runs out, in milliseconds (0 once it has).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub access_left_ms: Option<u64>,
    /// Until the next refresh or retry goes out, in milliseconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub next_refresh_in_ms: Option<u64>,
    /// Whether a refresh is out now (never more than one).
    pub refreshing: bool,
    /// Refreshes that succeeded in this run.
    pub refreshes: u64,
    /// Refreshes that failed in this run.
    pub failures: u64,
    /// Failures in a row of the current backoff (0 when not backing off).
    pub backoff_failures: u32,
    /// Why the last refresh failed, while backing off.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub backoff_reason: Option<String>,
}

/// Whole milliseconds of `duration`, saturating.
pub fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

/// Milliseconds from `now` until `at` (0 once it has passed).
pub fn millis_until(at: Instant, now: Instant) -> u64 {
    millis(at.saturating_duration_since(now))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_history_keeps_the_newest_twenty_newest_first() {
        let start = Instant::now();
        let mut history = ElectionHistory::default();
        for epoch in 1..=25u64 {
            let at = start + Duration::from_secs(epoch);
            history.record(
                epoch,
                ElectionCause::Closed,
                (None, Some(WindowLabel::numbered(epoch))),
                at - Duration::from_millis(40),
                at,
            );
        }
        let records = history.records(start + Duration::from_secs(30));
        assert_eq!(records.len(), ELECTIONS_KEPT);
        assert_eq!(records[0].epoch, 25);
        assert_eq!(records[19].epoch, 6);
        assert_eq!(records[0].ago_ms, 5_000);
        assert_eq!(records[0].handover_ms, 40);
    }
}
