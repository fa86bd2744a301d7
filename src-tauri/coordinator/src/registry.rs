//! The open windows, kept in the order they were opened.
//!
//! Invariant: labels are unique, and the order of the entries is the order in
//! which the windows were opened, so "oldest" is simply "first".

use std::time::Instant;

use crate::error::{Error, Result};
use crate::window::{WindowLabel, WindowState, WindowSummary};

/// What the coordinator knows about one open window.
#[derive(Debug, Clone)]
pub struct WindowRecord {
    /// The window's label.
    pub label: WindowLabel,
    /// Where it is in its life.
    pub state: WindowState,
    /// When the window last showed a sign of life (opened, attached, beat).
    pub last_seen: Instant,
    /// The newest event its page reported applied.
    pub applied_seq: Option<u64>,
    /// How many times its page has read a whole snapshot (once at load,
    /// then once per gap it found in the event sequence).
    pub resyncs: Option<u32>,
}

/// The open windows, oldest first.
///
/// A `Vec` rather than a map: a user has a handful of windows, and a linear
/// scan of a few entries beats hashing while keeping the opening order free.
#[derive(Debug, Default, Clone)]
pub struct WindowRegistry {
    windows: Vec<WindowRecord>,
}

impl WindowRegistry {
    /// Adds a window in the `Loading` state, as the newest.
    pub fn open(&mut self, label: WindowLabel, now: Instant) -> Result<()> {
        if self.position(&label).is_some() {
            return Err(Error::WindowExists { label });
        }
        self.windows.push(WindowRecord {
            label,
            state: WindowState::Loading,
            last_seen: now,
            applied_seq: None,
            resyncs: None,
        });
        Ok(())
    }

    /// Removes a window; returns the state it was in.
    pub fn close(&mut self, label: &WindowLabel) -> Result<WindowState> {
        let index = self.index(label)?;
        Ok(self.windows.remove(index).state)
    }

    /// Moves a window to `state` and records a sign of life if the state is
    /// live. Returns whether the state changed.
    pub fn set_state(
        &mut self,
        label: &WindowLabel,
        state: WindowState,
        now: Instant,
    ) -> Result<bool> {
        let index = self.index(label)?;
        let record = &mut self.windows[index];
        if state != WindowState::Unresponsive {
            record.last_seen = now;
        }
        let changed = record.state != state;
        record.state = state;
        Ok(changed)
    }

    /// Records a sign of life without changing the state.
    pub fn touch(&mut self, label: &WindowLabel, now: Instant) -> Result<()> {
        let index = self.index(label)?;
        self.windows[index].last_seen = now;
        Ok(())
    }

    /// Records what the window's page reported with its heartbeat: the
    /// newest event it applied, and how many snapshots it has read.
    pub fn reported(
        &mut self,
        label: &WindowLabel,
        applied_seq: Option<u64>,
        resyncs: Option<u32>,
    ) -> Result<()> {
        let index = self.index(label)?;
        let record = &mut self.windows[index];
        record.applied_seq = applied_seq.or(record.applied_seq);
        record.resyncs = resyncs.or(record.resyncs);
        Ok(())
    }

    /// Every open window's record, oldest first.
    pub fn records(&self) -> impl Iterator<Item = &WindowRecord> {
        self.windows.iter()
    }

    /// The state of a window.
    pub fn state(&self, label: &WindowLabel) -> Result<WindowState> {
        Ok(self.windows[self.index(label)?].state)
    }

    /// When the window last showed a sign of life.
    pub fn last_seen(&self, label: &WindowLabel) -> Result<Instant> {
        Ok(self.windows[self.index(label)?].last_seen)
    }

    /// The ready windows silent since `cutoff` or longer, the longest silent
    /// first.
    pub fn silent_since(&self, cutoff: Instant) -> Vec<WindowLabel> {
        let mut silent: Vec<_> = self
            .windows
            .iter()
            .filter(|record| record.state == WindowState::Ready && record.last_seen <= cutoff)
            .collect();
        silent.sort_by_key(|record| record.last_seen);
        silent
            .into_iter()
            .map(|record| record.label.clone())
            .collect()
    }

    /// The oldest sign of life among the ready windows.
    pub fn oldest_ready_sign_of_life(&self) -> Option<Instant> {
        self.windows
            .iter()
            .filter(|record| record.state == WindowState::Ready)
            .map(|record| record.last_seen)
            .min()
    }

    /// Counts `now` as a sign of life of every window that is not
    /// unresponsive: after a resume, each gets a whole timeout to report in.
    pub fn grant_grace(&mut self, now: Instant) {
        for record in &mut self.windows {
            if record.state != WindowState::Unresponsive {
                record.last_seen = record.last_seen.max(now);
            }
        }
    }

    /// Whether a window with this label is open.
    pub fn contains(&self, label: &WindowLabel) -> bool {
        self.position(label).is_some()
    }

    /// The oldest window in `state`.
    pub fn oldest_in(&self, state: WindowState) -> Option<&WindowLabel> {
        self.windows
            .iter()
            .find(|record| record.state == state)
            .map(|record| &record.label)
    }

    /// Number of open windows.
    pub fn len(&self) -> usize {
        self.windows.len()
    }

    /// Whether no window is open.
    pub fn is_empty(&self) -> bool {
        self.windows.is_empty()
    }

    /// The labels of every open window, oldest first.
    pub fn labels(&self) -> Vec<WindowLabel> {
        self.windows
            .iter()
            .map(|record| record.label.clone())
            .collect()
    }

    /// Every open window, oldest first.
    pub fn summaries(&self) -> Vec<WindowSummary> {
        self.windows
            .iter()
            .map(|record| WindowSummary {
                label: record.label.clone(),
                state: record.state,
            })
            .collect()
    }

    fn position(&self, label: &WindowLabel) -> Option<usize> {
        self.windows
            .iter()
            .position(|record| &record.label == label)
    }

    fn index(&self, label: &WindowLabel) -> Result<usize> {
        self.position(label).ok_or_else(|| Error::UnknownWindow {
            label: label.clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn label(n: u64) -> WindowLabel {
        WindowLabel::numbered(n)
    }

    #[test]
    fn windows_are_listed_oldest_first() {
        let now = Instant::now();
        let mut registry = WindowRegistry::default();
        for n in [3, 1, 2] {
            registry.open(label(n), now).unwrap();
        }
        let order: Vec<_> = registry.summaries().into_iter().map(|w| w.label).collect();
        assert_eq!(order, vec![label(3), label(1), label(2)]);
    }

    #[test]
    fn opening_a_label_twice_is_refused_and_changes_nothing() {
        let now = Instant::now();
        let mut registry = WindowRegistry::default();
        registry.open(label(1), now).unwrap();
        assert_eq!(
            registry.open(label(1), now),
            Err(Error::WindowExists { label: label(1) })
        );
        assert_eq!(registry.len(), 1);
    }

    #[test]
    fn unknown_windows_are_reported_by_label() {
        let mut registry = WindowRegistry::default();
        assert_eq!(
            registry.close(&label(9)),
            Err(Error::UnknownWindow { label: label(9) })
        );
    }

    #[test]
    fn a_live_state_refreshes_last_seen_but_unresponsive_does_not() {
        let start = Instant::now();
        let later = start + std::time::Duration::from_secs(3);
        let much_later = start + std::time::Duration::from_secs(9);
        let mut registry = WindowRegistry::default();
        registry.open(label(1), start).unwrap();
        assert!(registry
            .set_state(&label(1), WindowState::Ready, later)
            .unwrap());
        assert_eq!(registry.last_seen(&label(1)).unwrap(), later);
        registry
            .set_state(&label(1), WindowState::Unresponsive, much_later)
            .unwrap();
        assert_eq!(registry.last_seen(&label(1)).unwrap(), later);
    }

    #[test]
    fn oldest_in_finds_the_first_window_of_a_state() {
        let now = Instant::now();
        let mut registry = WindowRegistry::default();
        for n in 1..=3 {
            registry.open(label(n), now).unwrap();
        }
        registry
            .set_state(&label(3), WindowState::Ready, now)
            .unwrap();
        registry
            .set_state(&label(2), WindowState::Ready, now)
            .unwrap();
        assert_eq!(registry.oldest_in(WindowState::Ready), Some(&label(2)));
        assert_eq!(registry.oldest_in(WindowState::Loading), Some(&label(1)));
        assert_eq!(registry.oldest_in(WindowState::Unresponsive), None);
    }
}
