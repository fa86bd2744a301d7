//! The task that wakes the coordinator when a lease expires, a wait runs
//! out, a window's heartbeat is overdue or the session's token is due for a
//! refresh.
//!
//! The coordinator never reads a clock: it ends what is due when told the
//! time. Every transition tells it (see [`Hub::transact`]), and this task
//! makes sure it is told at each deadline too, so an expired holder's
//! successor is granted, a timed-out waiter answered, a hung window demoted
//! and a token refreshed on time even when nothing else happens. It sleeps
//! until the earliest deadline, at most [`TICK_EVERY`] (so that a jump of
//! the clocks shows as a gap between ticks, see `clocks`), and is woken
//! early when a transition brings that deadline forward.

use std::time::{Duration, Instant};

use tauri::{AppHandle, Manager, Runtime};

use crate::hub::Hub;
use crate::session;

/// The longest the coordinator goes without a tick.
const TICK_EVERY: Duration = Duration::from_secs(1);

/// Starts the deadline task on the async runtime; it runs until the app exits.
pub fn start<R: Runtime>(app: AppHandle<R>) {
    tauri::async_runtime::spawn(async move {
        let hub = app.state::<Hub>();
        loop {
            let check = Instant::now() + TICK_EVERY;
            let wake = hub.next_deadline().map_or(check, |due| due.min(check));
            // Either the deadline passed or an earlier one appeared; a tick
            // is harmless in both cases.
            let wake = tokio::time::Instant::from_std(wake);
            let _ = tokio::time::timeout_at(wake, hub.deadline_moved()).await;
            hub.tick();
            session::refresh_if_due(&app);
        }
    });
}
