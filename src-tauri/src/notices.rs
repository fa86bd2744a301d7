//! Notices from start-up that every window shows once it loads: a corrupt
//! database moved aside, a database that could not be opened. Logged too;
//! a notice is for the user, who may never read a log.

use std::sync::Mutex;

use tauri::{AppHandle, Manager, Runtime};

/// The most notices kept: start-up produces one or two.
const MAX: usize = 8;

/// The notices, managed as Tauri state.
#[derive(Default)]
pub struct Notices(Mutex<Vec<String>>);

/// Adds a notice for every window.
pub fn add<R: Runtime>(app: &AppHandle<R>, text: String) {
    if app.try_state::<Notices>().is_none() {
        app.manage(Notices::default());
    }
    let notices = app.state::<Notices>();
    let mut list = notices.0.lock().unwrap_or_else(|p| p.into_inner());
    if list.len() < MAX {
        list.push(text);
    }
}

/// Every notice so far, oldest first.
pub fn all<R: Runtime>(app: &AppHandle<R>) -> Vec<String> {
    app.try_state::<Notices>()
        .map(|notices| notices.0.lock().unwrap_or_else(|p| p.into_inner()).clone())
        .unwrap_or_default()
}
