//! The one shared coordinator, its clock, and the ordered event outbox.

use std::sync::mpsc;
use std::time::Instant;

use axolop_coordinator::{Coordinator, Envelope};
use parking_lot::Mutex;

use crate::error::Result;
use crate::timing;

/// Events waiting to be delivered, in sequence order.
pub type Outbox = mpsc::Receiver<Envelope>;

/// The coordinator every window talks to, managed as Tauri state.
pub struct Hub {
    /// A `parking_lot::Mutex` rather than an async one: no `.await` ever
    /// happens while it is held, and each critical section is one state
    /// transition of a few microseconds. Events are queued while it is held,
    /// so the outbox order is the sequence order.
    coordinator: Mutex<Coordinator>,
    outbox: mpsc::Sender<Envelope>,
}

impl Hub {
    /// A hub with no windows, and the receiving end of its outbox.
    pub fn new() -> (Self, Outbox) {
        let (outbox, events) = mpsc::channel();
        let hub = Self {
            coordinator: Mutex::new(Coordinator::new()),
            outbox,
        };
        (hub, events)
    }

    /// Runs one transition at the current time, queues the events it
    /// produced, and returns its result.
    pub fn transact<T>(
        &self,
        change: impl FnOnce(&mut Coordinator, Instant) -> axolop_coordinator::Result<(T, Vec<Envelope>)>,
    ) -> Result<T> {
        let mut coordinator = self.coordinator.lock();
        let now = Instant::now();
        let (result, events) = change(&mut coordinator, now)?;
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
        Ok(result)
    }

    /// Like [`Hub::transact`] for transitions that return only events.
    pub fn apply(
        &self,
        change: impl FnOnce(&mut Coordinator, Instant) -> axolop_coordinator::Result<Vec<Envelope>>,
    ) -> Result<()> {
        self.transact(|coordinator, now| Ok(((), change(coordinator, now)?)))
    }

    /// Reads the coordinator state without changing it.
    pub fn read<T>(&self, query: impl FnOnce(&Coordinator) -> T) -> T {
        query(&self.coordinator.lock())
    }
}
