//! One named lock: its holders, its queue of waiters, and what a new request
//! would wait on.
//!
//! Invariant: the holders are one exclusive holder or any number of shared
//! ones, and the head of the queue cannot be granted alongside them
//! (otherwise it would have been).

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use super::lease::Lease;
use super::request::{LockMode, LockName};
use super::summary::LockSummary;
use crate::pending::Reply;
use crate::window::WindowLabel;

/// A lock that is held or awaited.
#[derive(Debug)]
pub(super) struct Entry {
    pub(super) holders: Vec<Holder>,
    pub(super) queue: VecDeque<Waiter>,
    /// The holders' mode; with none, the mode of the last grant.
    pub(super) mode: LockMode,
    /// The fence of the newest grant.
    pub(super) fence: u64,
}

/// A window holding the lock under a lease.
#[derive(Debug)]
pub(super) struct Holder {
    pub(super) ticket: u64,
    pub(super) window: WindowLabel,
}

/// A queued request and the channel its answer goes to.
#[derive(Debug)]
pub(super) struct Waiter {
    pub(super) ticket: u64,
    pub(super) window: WindowLabel,
    pub(super) mode: LockMode,
    pub(super) ttl: Duration,
    pub(super) since: Instant,
    pub(super) deadline: Instant,
    pub(super) reply: Reply<Lease>,
}

/// How a window takes part in a lock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Involvement {
    Holds,
    Awaits,
}

impl Entry {
    pub(super) fn new(mode: LockMode) -> Self {
        Self {
            holders: Vec::new(),
            queue: VecDeque::new(),
            mode,
            fence: 0,
        }
    }

    /// Whether a request in `mode` could hold alongside the current holders.
    pub(super) fn admits(&self, mode: LockMode) -> bool {
        self.holders.is_empty() || mode.compatible_with(self.mode)
    }

    /// Whether a request in `mode` arriving now is granted at once: only
    /// with nobody queued ahead of it, so grants stay first come, first
    /// served.
    pub(super) fn grants_at_once(&self, mode: LockMode) -> bool {
        self.queue.is_empty() && self.admits(mode)
    }

    pub(super) fn involvement(&self, window: &WindowLabel) -> Option<Involvement> {
        if self.holders.iter().any(|h| &h.window == window) {
            Some(Involvement::Holds)
        } else if self.queue.iter().any(|w| &w.window == window) {
            Some(Involvement::Awaits)
        } else {
            None
        }
    }

    /// The mode shown for the lock: the holders', or with none the first
    /// waiter's, or with neither the last grant's.
    pub(super) fn shown_mode(&self) -> LockMode {
        match (self.holders.is_empty(), self.queue.front()) {
            (true, Some(first)) => first.mode,
            _ => self.mode,
        }
    }

    pub(super) fn summary(&self, name: &LockName) -> LockSummary {
        LockSummary {
            name: name.clone(),
            mode: self.shown_mode(),
            holders: self.holders.iter().map(|h| h.window.clone()).collect(),
            waiting: self.queue.iter().map(|w| w.window.clone()).collect(),
            fence: self.fence,
        }
    }

    /// The windows a request in `mode` waits on when queued at `position`:
    /// every holder, and every live request ahead it cannot share with. A
    /// waiter whose caller is gone will never hold the lock, so nobody waits
    /// on it.
    pub(super) fn blockers(
        &self,
        mode: LockMode,
        position: usize,
    ) -> impl Iterator<Item = &WindowLabel> {
        let ahead = self.queue.iter().take(position);
        self.holders.iter().map(|h| &h.window).chain(
            ahead
                .filter(move |w| !w.mode.compatible_with(mode) && !w.reply.is_closed())
                .map(|w| &w.window),
        )
    }
}
