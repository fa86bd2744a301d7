//! The task that wakes the coordinator when a lease expires or a wait runs
//! out.
//!
//! The coordinator never reads a clock: it ends what is due when told the
//! time. Every transition tells it (see [`Hub::transact`]), and this task
//! makes sure it is told at each deadline too, so an expired holder's
//! successor is granted and a timed-out waiter answered on time even when
//! nothing else happens. It sleeps until the earliest deadline and is woken
//! early when a transition brings that deadline forward.

use tauri::{AppHandle, Manager, Runtime};

use crate::hub::Hub;

/// Starts the deadline task on the async runtime; it runs until the app exits.
pub fn start<R: Runtime>(app: AppHandle<R>) {
    tauri::async_runtime::spawn(async move {
        let hub = app.state::<Hub>();
        loop {
            match hub.next_deadline() {
                Some(due) => {
                    let due = tokio::time::Instant::from_std(due);
                    // Either the deadline passed or an earlier one appeared;
                    // a tick is harmless in both cases.
                    let _ = tokio::time::timeout_at(due, hub.deadline_moved()).await;
                }
                None => hub.deadline_moved().await,
            }
            hub.tick();
        }
    });
}
