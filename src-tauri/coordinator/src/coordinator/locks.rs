//! The coordinator's lock transitions: the lock table, fed the time and the
//! windows' departures, and its changes stamped as events.

use std::time::Instant;

use super::Coordinator;
use crate::error::{Error, Result};
use crate::event::Event;
use crate::lock::{Acquisition, EndReason, Lease, LockChange, LockRequest, LockTable, LockToken};
use crate::window::{WindowLabel, WindowState};

impl Coordinator {
    /// `window` asks for a lock: granted now, queued, or refused unchanged.
    pub fn lock_acquire(
        &mut self,
        window: &WindowLabel,
        request: LockRequest,
        now: Instant,
    ) -> Result<Acquisition> {
        if self.windows.state(window)? == WindowState::Unresponsive {
            return Err(Error::WindowUnresponsive {
                window: window.clone(),
            });
        }
        let (acquisition, change) = self.locks.acquire(window, request, now)?;
        self.lock_events([change]);
        Ok(acquisition)
    }

    /// `window` releases its lease `token`; the next waiters are granted.
    pub fn lock_release(
        &mut self,
        window: &WindowLabel,
        token: LockToken,
        now: Instant,
    ) -> Result<()> {
        let change = self.locks.release(window, token, now)?;
        self.lock_events([change]);
        Ok(())
    }

    /// `window` extends its lease `token` to end `ttl_ms` (100 ms to 10 min)
    /// from now.
    pub fn lock_extend(
        &mut self,
        window: &WindowLabel,
        token: LockToken,
        ttl_ms: u64,
        now: Instant,
    ) -> Result<Lease> {
        self.locks.extend(window, token, ttl_ms, now)
    }

    /// `window`'s lease `token`, if it still holds it.
    pub fn lock_check(
        &self,
        window: &WindowLabel,
        token: LockToken,
        now: Instant,
    ) -> Option<Lease> {
        self.locks.check(window, token, now)
    }

    /// The lock table.
    pub fn locks(&self) -> &LockTable {
        &self.locks
    }

    pub(super) fn release_window(&mut self, label: &WindowLabel, reason: EndReason, now: Instant) {
        let changes = self.locks.release_window(label, reason, now);
        self.lock_events(changes);
    }

    pub(super) fn lock_events(&mut self, changes: impl IntoIterator<Item = LockChange>) {
        for change in changes {
            self.log.stamp(Event::LockChanged(change));
        }
    }
}
