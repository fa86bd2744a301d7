//! Notices for the user that windows show once their page loads: from
//! start-up for every window (a corrupt database moved aside, a database
//! that could not be opened), and for one window (its page crashed and was
//! reloaded). Logged too; a notice is for the user, who may never read a
//! log.

use std::collections::HashMap;
use std::sync::Mutex;

use tauri::{AppHandle, Manager, Runtime};

/// The most notices kept for all windows, and for each window.
const MAX: usize = 8;

/// The notices, managed as Tauri state.
#[derive(Default)]
pub struct Notices {
    everyone: Mutex<Vec<String>>,
    /// By window label; taken by the window's next page.
    windows: Mutex<HashMap<String, Vec<String>>>,
}

fn notices<R: Runtime>(app: &AppHandle<R>) -> tauri::State<'_, Notices> {
    if app.try_state::<Notices>().is_none() {
        app.manage(Notices::default());
    }
    app.state::<Notices>()
}

/// Adds a notice for every window.
pub fn add<R: Runtime>(app: &AppHandle<R>, text: String) {
    let notices = notices(app);
    let mut list = notices.everyone.lock().unwrap_or_else(|p| p.into_inner());
    if list.len() < MAX {
        list.push(text);
    }
}

/// Adds a notice for window `label`'s next page.
pub fn add_for<R: Runtime>(app: &AppHandle<R>, label: &str, text: String) {
    let notices = notices(app);
    let mut windows = notices.windows.lock().unwrap_or_else(|p| p.into_inner());
    let list = windows.entry(label.to_owned()).or_default();
    if list.len() < MAX {
        list.push(text);
    }
}

/// The notices for window `label`'s page: every window's, then its own
/// (which are given once).
pub fn take_for<R: Runtime>(app: &AppHandle<R>, label: &str) -> Vec<String> {
    let notices = notices(app);
    let mut all = notices
        .everyone
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .clone();
    let own = notices
        .windows
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .remove(label);
    if let Some(own) = own {
        tracing::info!(window = %label, count = own.len(), "notices given to the window's page");
        all.extend(own);
    }
    all
}
