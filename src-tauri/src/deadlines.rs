//! The task that wakes the coordinator when a lease expires, a wait runs
//! out or the session's token is due for a refresh, and that notices the
//! wall clock jumping (sleep and resume).
//!
//! The coordinator never reads a clock: it ends what is due when told the
//! time. Every transition tells it (see [`Hub::transact`]), and this task
//! makes sure it is told at each deadline too, so an expired holder's
//! successor is granted, a timed-out waiter answered and a token refreshed
//! on time even when nothing else happens. It sleeps until the earliest
//! deadline (at most [`CLOCK_CHECK`]) and is woken early when a transition
//! brings that deadline forward.

use std::time::{Duration, Instant, SystemTime};

use tauri::{AppHandle, Manager, Runtime};

use crate::hub::Hub;
use crate::session;

/// How often the wall clock is compared with the monotonic one.
const CLOCK_CHECK: Duration = Duration::from_secs(5);
/// How far the two clocks may drift apart between checks before it counts
/// as a jump: far above scheduling noise, far below any sleep worth noticing.
const JUMP: Duration = Duration::from_secs(2);

/// Starts the deadline task on the async runtime; it runs until the app exits.
pub fn start<R: Runtime>(app: AppHandle<R>) {
    tauri::async_runtime::spawn(async move {
        let hub = app.state::<Hub>();
        let mut clocks = Clocks::now();
        loop {
            let check = Instant::now() + CLOCK_CHECK;
            let wake = hub.next_deadline().map_or(check, |due| due.min(check));
            // Either the deadline passed or an earlier one appeared; a tick
            // is harmless in both cases.
            let wake = tokio::time::Instant::from_std(wake);
            let _ = tokio::time::timeout_at(wake, hub.deadline_moved()).await;
            hub.tick();
            if clocks.jumped() {
                tracing::info!(
                    "the wall clock jumped (sleep and resume?); checking the session now"
                );
                let _ = hub.apply(|coordinator, now| {
                    coordinator.clock_jumped(now);
                    Ok(Vec::new())
                });
            }
            session::refresh_if_due(&app);
        }
    });
}

/// The two clocks as of the last check.
struct Clocks {
    monotonic: Instant,
    wall: SystemTime,
}

impl Clocks {
    fn now() -> Self {
        Self {
            monotonic: Instant::now(),
            wall: SystemTime::now(),
        }
    }

    /// Whether the wall clock moved by more than [`JUMP`] unlike the
    /// monotonic one since the last check (which this starts anew). On Linux
    /// the monotonic clock stands still while the machine sleeps.
    fn jumped(&mut self) -> bool {
        let last = std::mem::replace(self, Self::now());
        let monotonic = self.monotonic - last.monotonic;
        let drift = match self.wall.duration_since(last.wall) {
            Ok(wall) => wall.abs_diff(monotonic),
            // The wall clock went back.
            Err(back) => back.duration() + monotonic,
        };
        drift > JUMP
    }
}
