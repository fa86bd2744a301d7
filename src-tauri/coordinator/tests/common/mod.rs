//! The test desk shared by the lock tests: a coordinator with ready
//! windows and an injected clock, driven the way the shell drives it
//! (`tick(now)` before each operation).

#![allow(dead_code)]

use std::time::{Duration, Instant};

use axolop_coordinator::health::{HeartbeatTimeout, MAX_TIMEOUT};
use axolop_coordinator::lock::PendingLease;
use axolop_coordinator::{
    Acquisition, Coordinator, Envelope, ErrorCode, Event, Lease, LockChange, LockMode, LockRequest,
    LockSummary, WindowLabel,
};

pub fn w(n: u64) -> WindowLabel {
    WindowLabel::numbered(n)
}

/// `coordinator` with the longest heartbeat timeout: tests that advance the
/// clock without beating are not about hung windows (tests/health.rs is).
pub fn patient(mut coordinator: Coordinator) -> Coordinator {
    coordinator.set_heartbeat_timeout(
        HeartbeatTimeout::from_millis(MAX_TIMEOUT.as_millis() as u64).unwrap(),
    );
    coordinator
}

/// A coordinator with `session` and `n` ready windows, and the time they
/// opened.
pub fn ready_windows(
    n: u64,
    session: axolop_coordinator::session::Session,
) -> (Coordinator, Instant) {
    open_ready(patient(Coordinator::with_session(session)), n)
}

/// `coordinator` with `n` more windows opened and attached now.
pub fn open_ready(mut coordinator: Coordinator, n: u64) -> (Coordinator, Instant) {
    let now = Instant::now();
    for _ in 0..n {
        let label = coordinator.next_label();
        coordinator.window_opened(label.clone(), now).unwrap();
        coordinator.window_attached(&label, now).unwrap();
    }
    (coordinator, now)
}

/// A coordinator with `n` ready windows, and a clock.
pub struct Desk {
    pub coordinator: Coordinator,
    pub start: Instant,
    pub now: Instant,
}

impl Desk {
    pub fn with_windows(n: u64) -> Self {
        let start = Instant::now();
        let mut coordinator = patient(Coordinator::new());
        for _ in 0..n {
            let label = coordinator.next_label();
            coordinator.window_opened(label.clone(), start).unwrap();
            coordinator.window_attached(&label, start).unwrap();
        }
        Self {
            coordinator,
            start,
            now: start,
        }
    }

    pub fn advance(&mut self, ms: u64) -> Vec<Envelope> {
        self.now += Duration::from_millis(ms);
        self.coordinator.tick(self.now)
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
        self.coordinator
            .lock_acquire(&w(window), request, self.now)
            .map(|(acquisition, _)| acquisition)
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

    pub fn release(&mut self, window: u64, lease: &Lease) -> Vec<Envelope> {
        self.coordinator.tick(self.now);
        self.coordinator
            .lock_release(&w(window), lease.token, self.now)
            .unwrap()
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
