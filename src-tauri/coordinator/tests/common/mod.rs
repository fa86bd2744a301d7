//! The test desks shared by the integration tests: a coordinator with ready
//! windows and an injected clock, driven the way the shell drives it
//! (`tick(now)` before each operation, `take_events()` after each one).
//!
//! Every helper here drains the events it caused, so a test that takes the
//! events after its own transition sees that transition's and no others.

#![allow(dead_code)]

use std::time::{Duration, Instant};

use axolop_coordinator::health::{HeartbeatTimeout, MAX_TIMEOUT};
use axolop_coordinator::lock::PendingLease;
use axolop_coordinator::session::Session;
use axolop_coordinator::{
    Acquisition, Coordinator, Envelope, ErrorCode, Event, Lease, LockChange, LockMode, LockRequest,
    LockSummary, WindowLabel,
};

pub fn w(n: u64) -> WindowLabel {
    WindowLabel::numbered(n)
}

/// The longest heartbeat timeout: for tests that advance the clock without
/// beating and are not about hung windows (tests/health.rs is).
pub fn patient() -> HeartbeatTimeout {
    HeartbeatTimeout::from_millis(MAX_TIMEOUT.as_millis() as u64).unwrap()
}

/// A coordinator with `session`, heartbeat `timeout`, and `n` windows opened
/// and attached now, their events drained; and that time.
pub fn desk(n: u64, session: Session, timeout: HeartbeatTimeout) -> (Coordinator, Instant) {
    let now = Instant::now();
    let mut coordinator = Coordinator::with_session(session);
    coordinator.set_heartbeat_timeout(timeout);
    for _ in 0..n {
        let label = coordinator.next_label();
        coordinator.window_opened(label.clone(), now).unwrap();
        coordinator.window_attached(&label, now).unwrap();
    }
    coordinator.take_events();
    (coordinator, now)
}

/// A local-mode coordinator with `n` patient windows, and a clock. Each
/// method drains the events it caused and returns those the test asks about.
pub struct Desk {
    pub coordinator: Coordinator,
    pub start: Instant,
    pub now: Instant,
}

impl Desk {
    pub fn with_windows(n: u64) -> Self {
        let (coordinator, start) = desk(n, Session::local(), patient());
        Self {
            coordinator,
            start,
            now: start,
        }
    }

    /// Moves the clock `ms` on and ticks; returns the tick's events.
    pub fn advance(&mut self, ms: u64) -> Vec<Envelope> {
        self.coordinator.take_events();
        self.now += Duration::from_millis(ms);
        self.coordinator.tick(self.now);
        self.coordinator.take_events()
    }

    pub fn request(
        &mut self,
        window: u64,
        name: &str,
        mode: LockMode,
        wait_ms: u64,
    ) -> axolop_coordinator::Result<Acquisition> {
        self.request_with_ttl(window, name, mode, wait_ms, None)
    }

    pub fn request_with_ttl(
        &mut self,
        window: u64,
        name: &str,
        mode: LockMode,
        wait_ms: u64,
        ttl_ms: Option<u64>,
    ) -> axolop_coordinator::Result<Acquisition> {
        let request = LockRequest::new(name, Some(mode), ttl_ms, Some(wait_ms)).unwrap();
        self.coordinator.tick(self.now);
        let acquisition = self.coordinator.lock_acquire(&w(window), request, self.now);
        self.coordinator.take_events();
        acquisition
    }

    pub fn grant(&mut self, window: u64, name: &str, mode: LockMode) -> Lease {
        match self.request(window, name, mode, 0).unwrap() {
            Acquisition::Granted(lease) => lease,
            Acquisition::Queued(_) => panic!("{name} was queued"),
        }
    }

    pub fn queue(&mut self, window: u64, name: &str, mode: LockMode) -> PendingLease {
        match self.request(window, name, mode, 10_000).unwrap() {
            Acquisition::Queued(pending) => pending,
            Acquisition::Granted(_) => panic!("{name} was granted at once"),
        }
    }

    /// Ticks, then releases `lease`; returns the release's events.
    pub fn release(&mut self, window: u64, lease: &Lease) -> Vec<Envelope> {
        self.coordinator.tick(self.now);
        self.coordinator.take_events();
        self.coordinator
            .lock_release(&w(window), lease.token, self.now)
            .unwrap();
        self.coordinator.take_events()
    }

    pub fn lock(&self, name: &str) -> Option<LockSummary> {
        self.coordinator
            .locks()
            .summaries()
            .into_iter()
            .find(|lock| lock.name.as_str() == name)
    }
}

pub fn granted(pending: &mut PendingLease) -> Lease {
    match pending.try_outcome() {
        Some(Ok(lease)) => lease,
        other => panic!("expected a grant, got {other:?}"),
    }
}

pub fn refused(pending: &mut PendingLease) -> ErrorCode {
    match pending.try_outcome() {
        Some(Err(error)) => error.code(),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

pub fn code(result: axolop_coordinator::Result<impl std::fmt::Debug>) -> ErrorCode {
    result.expect_err("expected an error").code()
}

pub fn lock_changes(events: &[Envelope]) -> Vec<&LockChange> {
    events
        .iter()
        .filter_map(|e| match &e.event {
            Event::LockChanged(change) => Some(change),
            _ => None,
        })
        .collect()
}
