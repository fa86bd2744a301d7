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
///
/// There is one way to change it, [`Hub::transact`], and one way to look
/// at it, [`Hub::read`]. A change is a closure that returns a plain result:
/// the events it caused are stamped into the coordinator's log and the hub
/// drains and queues them before the lock is released, whether the change
/// succeeded or not, so no caller can forget to hand them on and the outbox
/// order is the sequence order.
pub struct Hub {
    /// A `parking_lot::Mutex` rather than an async one: no `.await` ever
    /// happens while it is held (a queued lock request awaits its answer
    /// after the guard is gone), and each critical section is one state
    /// transition of a few microseconds.
    guarded: Mutex<Guarded>,
    outbox: mpsc::Sender<Envelope>,
    /// Woken when a transition brings the next lease expiry or wait deadline
    /// forward, so the deadline task (`deadlines`) sleeps until the new one.
    /// Notified after the lock is released, so the woken task never blocks
    /// on it.
    deadline_moved: Notify,
}

/// What the hub's mutex guards: the coordinator, and the clocks at the last
/// transition (read together, to notice jumps before each transition).
struct Guarded {
    coordinator: Coordinator,
    clocks: Clocks,
}

impl Hub {
    /// A hub with no windows, and the receiving end of its outbox.
    pub fn new() -> (Self, Outbox) {
        let (outbox, events) = mpsc::channel();
        let hub = Self {
            guarded: Mutex::new(Guarded {
                coordinator: Coordinator::new(),
                clocks: Clocks::new(Instant::now()),
            }),
            outbox,
            deadline_moved: Notify::new(),
        };
        (hub, events)
    }

    /// Runs one transition at the current time, queues the events it
    /// stamped, and returns its result.
    ///
    /// Leases and waits that are due are ended first, so every transition
    /// sees the table as of now, whether or not the deadline task has woken
    /// yet; their events go out even when the transition itself is refused.
    /// Before that, a jump of the clocks since the last tick gives every
    /// window a whole heartbeat timeout, so a resume or a stalled process
    /// does not make every window unresponsive at once.
    pub fn transact<T>(
        &self,
        change: impl FnOnce(&mut Coordinator, Instant) -> axolop_coordinator::Result<T>,
    ) -> Result<T> {
        let (outcome, deadline_moved) = {
            let mut guarded = self.guarded.lock();
            let Guarded {
                coordinator,
                clocks,
            } = &mut *guarded;
            let now = Instant::now();
            let deadline_before = coordinator.next_deadline();
            if clocks.jumped(now) {
                tracing::info!(
                    "time jumped (sleep and resume, or the app was stopped): windows get a \
                     heartbeat timeout to report in, and the session is checked now"
                );
                coordinator.clock_jumped(now);
            }
            coordinator.tick(now);
            let ticked = coordinator.take_events();
            log_silenced(&ticked);
            self.queue(ticked, now);
            let outcome = change(coordinator, now);
            let deadline_after = coordinator.next_deadline();
            self.queue(coordinator.take_events(), now);
            let moved = deadline_after
                .is_some_and(|after| deadline_before.is_none_or(|before| after < before));
            (outcome, moved)
        };
        if deadline_moved {
            self.deadline_moved.notify_one();
        }
        Ok(outcome?)
    }

    /// Ends the leases and waits that are due now.
    pub fn tick(&self) {
        // A transition that changes nothing else, and cannot be refused.
        let _ = self.transact(|_, _| Ok(()));
    }

    /// Reads the coordinator state without changing it.
    pub fn read<T>(&self, query: impl FnOnce(&Coordinator) -> T) -> T {
        query(&self.guarded.lock().coordinator)
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
