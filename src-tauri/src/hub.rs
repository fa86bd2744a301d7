//! The one shared coordinator, its clocks, and the ordered event outbox.

use std::sync::mpsc;
use std::time::Instant;

use axolop_coordinator::{Coordinator, Envelope, Event, Lease, LeaseInfo, WallClock, WindowState};
use parking_lot::Mutex;
use tokio::sync::Notify;

use crate::clocks::Clocks;
use crate::error::Result;
use crate::timing;

/// Events waiting to be delivered, in sequence order.
pub type Outbox = mpsc::Receiver<Envelope>;

/// The coordinator every window talks to, managed as Tauri state.
pub struct Hub {
    /// A `parking_lot::Mutex` rather than an async one: no `.await` ever
    /// happens while it is held (a queued lock request awaits its answer
    /// after the guard is gone), and each critical section is one state
    /// transition of a few microseconds. Events are queued while it is held,
    /// so the outbox order is the sequence order.
    coordinator: Mutex<Coordinator>,
    outbox: mpsc::Sender<Envelope>,
    /// Woken when a transition brings the next lease expiry or wait deadline
    /// forward, so the deadline task (`deadlines`) sleeps until the new one.
    deadline_moved: Notify,
    /// The clocks at the last tick, to notice jumps. Locked only while the
    /// coordinator is.
    clocks: Mutex<Clocks>,
}

impl Hub {
    /// A hub with no windows, and the receiving end of its outbox.
    pub fn new() -> (Self, Outbox) {
        let (outbox, events) = mpsc::channel();
        let hub = Self {
            coordinator: Mutex::new(Coordinator::new()),
            outbox,
            deadline_moved: Notify::new(),
            clocks: Mutex::new(Clocks::new(Instant::now())),
        };
        (hub, events)
    }

    /// Runs one transition at the current time, queues the events it
    /// produced, and returns its result.
    ///
    /// Leases and waits that are due are ended first, so every transition
    /// sees the table as of now, whether or not the deadline task has woken
    /// yet; their events go out even when the transition itself is refused.
    /// Before that, a jump of the clocks since the last tick gives every
    /// window a whole heartbeat timeout, so a resume or a stalled process
    /// does not make every window unresponsive at once.
    pub fn transact<T>(
        &self,
        change: impl FnOnce(&mut Coordinator, Instant) -> axolop_coordinator::Result<(T, Vec<Envelope>)>,
    ) -> Result<T> {
        let mut coordinator = self.coordinator.lock();
        let now = Instant::now();
        let deadline_before = coordinator.next_deadline();
        if self.clocks.lock().jumped(now) {
            tracing::info!(
                "time jumped (sleep and resume, or the app was stopped): windows get a \
                 heartbeat timeout to report in, and the session is checked now"
            );
            coordinator.clock_jumped(now);
        }
        let ticked = coordinator.tick(now);
        log_silenced(&ticked);
        self.queue(ticked, now);
        let outcome = change(&mut coordinator, now);
        let deadline_after = coordinator.next_deadline();
        if deadline_after.is_some_and(|after| deadline_before.is_none_or(|before| after < before)) {
            self.deadline_moved.notify_one();
        }
        let (result, events) = outcome?;
        self.queue(events, now);
        Ok(result)
    }

    /// Like [`Hub::transact`] for transitions that return only events.
    pub fn apply(
        &self,
        change: impl FnOnce(&mut Coordinator, Instant) -> axolop_coordinator::Result<Vec<Envelope>>,
    ) -> Result<()> {
        self.transact(|coordinator, now| Ok(((), change(coordinator, now)?)))
    }

    /// Ends the leases and waits that are due now.
    pub fn tick(&self) {
        // A transition that changes nothing else.
        let _ = self.apply(|_, _| Ok(Vec::new()));
    }

    /// Adjusts a coordinator setting (no transition, no events).
    pub fn adjust<T>(&self, change: impl FnOnce(&mut Coordinator) -> T) -> T {
        change(&mut self.coordinator.lock())
    }

    /// Reads the coordinator state without changing it.
    pub fn read<T>(&self, query: impl FnOnce(&Coordinator) -> T) -> T {
        query(&self.coordinator.lock())
    }

    /// When the next lease expires or wait runs out.
    pub fn next_deadline(&self) -> Option<Instant> {
        self.read(Coordinator::next_deadline)
    }

    /// Resolves when a transition brings the next deadline forward (or
    /// already did since the last call).
    pub async fn deadline_moved(&self) {
        self.deadline_moved.notified().await;
    }

    /// A lease as the page that holds it receives it. The expiry is mapped
    /// to the wall clock as of now, not as of start-up: the monotonic clock
    /// leases run on does not count time the machine slept.
    pub fn lease_info(&self, lease: &Lease) -> LeaseInfo {
        lease.info(&WallClock::new(Instant::now(), timing::unix_ms()))
    }

    fn queue(&self, events: Vec<Envelope>, now: Instant) {
        for event in events {
            tracing::trace!(
                target: timing::TARGET,
                seq = event.seq,
                kind = event.event.kind(),
                at_us = timing::micros(now),
                wall_us = timing::wall_micros(),
                "event queued"
            );
            // A send fails only once delivery has stopped, at exit; then no
            // window is left to tell.
            let _ = self.outbox.send(event);
        }
    }
}

/// Logs the windows a tick found silent past the heartbeat timeout (a tick
/// changes the window list for nothing else).
fn log_silenced(ticked: &[Envelope]) {
    for envelope in ticked {
        if let Event::WindowsChanged { windows } = &envelope.event {
            for window in windows
                .iter()
                .filter(|w| w.state == WindowState::Unresponsive)
            {
                tracing::info!(window = %window.label, "window not responding (no heartbeat)");
            }
        }
    }
}
