//! Primary election: which window is primary, and the epoch that fences the
//! primaries before it.
//!
//! Rules, in order:
//! 1. A ready incumbent stays primary. Focus, newer windows and recoveries of
//!    older windows never move primacy; only the incumbent leaving does.
//! 2. Otherwise the oldest ready window is elected.
//! 3. With no ready window, a loading incumbent stays, else the oldest loading
//!    window is elected, so there is a primary whenever an electable window
//!    exists (a loading window is about to be ready; it is not hung).
//! 4. Unresponsive windows are never primary.
//!
//! Invariants: at most one primary; exactly one while an electable window
//! exists; the epoch strictly increases on every change of primary, including
//! the change to "no primary".

use serde::Serialize;
use ts_rs::TS;

use crate::registry::WindowRegistry;
use crate::window::{WindowLabel, WindowState};

/// A window's role, as the window shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    /// The one window that presents mandatory modals and leads.
    Primary,
    /// Every other window.
    Secondary,
}

/// The current primary and its epoch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct PrimaryInfo {
    /// The primary window.
    pub label: WindowLabel,
    /// The epoch this window was elected in.
    pub epoch: u64,
}

/// Data of a `primary-changed` event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct PrimaryChange {
    /// The new primary, or `null` when no window is left to lead.
    pub label: Option<WindowLabel>,
    /// The new epoch; strictly greater than every earlier one.
    pub epoch: u64,
}

/// The election state: the incumbent and the epoch.
#[derive(Debug, Default, Clone)]
pub struct Election {
    primary: Option<WindowLabel>,
    epoch: u64,
}

impl Election {
    /// The current primary, if any.
    pub fn primary(&self) -> Option<PrimaryInfo> {
        self.primary.as_ref().map(|label| PrimaryInfo {
            label: label.clone(),
            epoch: self.epoch,
        })
    }

    /// The current epoch (0 before the first election).
    pub fn epoch(&self) -> u64 {
        self.epoch
    }

    /// The role of `label` under the current primary.
    pub fn role_of(&self, label: &WindowLabel) -> Role {
        if self.primary.as_ref() == Some(label) {
            Role::Primary
        } else {
            Role::Secondary
        }
    }

    /// Applies the rules to the current windows. Returns the change when the
    /// primary moved (and the epoch was bumped), `None` when it stayed.
    pub fn elect(&mut self, windows: &WindowRegistry) -> Option<PrimaryChange> {
        let winner = self.winner(windows);
        if winner == self.primary {
            return None;
        }
        self.primary = winner;
        self.epoch += 1;
        Some(PrimaryChange {
            label: self.primary.clone(),
            epoch: self.epoch,
        })
    }

    fn winner(&self, windows: &WindowRegistry) -> Option<WindowLabel> {
        let incumbent_state = self
            .primary
            .as_ref()
            .and_then(|label| windows.state(label).ok());
        if incumbent_state == Some(WindowState::Ready) {
            return self.primary.clone();
        }
        if let Some(oldest_ready) = windows.oldest_in(WindowState::Ready) {
            return Some(oldest_ready.clone());
        }
        if incumbent_state == Some(WindowState::Loading) {
            return self.primary.clone();
        }
        windows.oldest_in(WindowState::Loading).cloned()
    }
}

#[cfg(test)]
mod tests {
    use std::time::Instant;

    use super::*;

    fn label(n: u64) -> WindowLabel {
        WindowLabel::numbered(n)
    }

    fn registry(states: &[(u64, WindowState)]) -> WindowRegistry {
        let now = Instant::now();
        let mut windows = WindowRegistry::default();
        for &(n, state) in states {
            windows.open(label(n), now).unwrap();
            windows.set_state(&label(n), state, now).unwrap();
        }
        windows
    }

    #[test]
    fn the_oldest_ready_window_wins_a_fresh_election() {
        let windows = registry(&[
            (1, WindowState::Unresponsive),
            (2, WindowState::Loading),
            (3, WindowState::Ready),
            (4, WindowState::Ready),
        ]);
        let mut election = Election::default();
        let change = election.elect(&windows).unwrap();
        assert_eq!(change.label, Some(label(3)));
        assert_eq!(change.epoch, 1);
    }

    #[test]
    fn a_ready_incumbent_keeps_primacy_when_an_older_window_recovers() {
        let mut windows = registry(&[(1, WindowState::Unresponsive), (2, WindowState::Ready)]);
        let mut election = Election::default();
        election.elect(&windows);
        windows
            .set_state(&label(1), WindowState::Ready, Instant::now())
            .unwrap();
        assert_eq!(election.elect(&windows), None);
        assert_eq!(election.role_of(&label(2)), Role::Primary);
        assert_eq!(election.role_of(&label(1)), Role::Secondary);
    }

    #[test]
    fn a_loading_window_leads_only_while_no_window_is_ready() {
        let mut windows = registry(&[(1, WindowState::Loading)]);
        let mut election = Election::default();
        assert_eq!(election.elect(&windows).unwrap().label, Some(label(1)));
        windows.open(label(2), Instant::now()).unwrap();
        windows
            .set_state(&label(2), WindowState::Ready, Instant::now())
            .unwrap();
        let change = election.elect(&windows).unwrap();
        assert_eq!(change.label, Some(label(2)));
        assert_eq!(change.epoch, 2);
    }

    #[test]
    fn no_electable_window_means_no_primary_and_a_new_epoch() {
        let mut windows = registry(&[(1, WindowState::Ready)]);
        let mut election = Election::default();
        election.elect(&windows);
        windows
            .set_state(&label(1), WindowState::Unresponsive, Instant::now())
            .unwrap();
        assert_eq!(
            election.elect(&windows),
            Some(PrimaryChange {
                label: None,
                epoch: 2
            })
        );
        assert_eq!(election.primary(), None);
    }

    #[test]
    fn an_unchanged_primary_does_not_bump_the_epoch() {
        let windows = registry(&[(1, WindowState::Ready), (2, WindowState::Ready)]);
        let mut election = Election::default();
        election.elect(&windows);
        assert_eq!(election.elect(&windows), None);
        assert_eq!(election.epoch(), 1);
    }
}
