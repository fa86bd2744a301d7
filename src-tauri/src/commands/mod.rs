//! The IPC commands. Each delegates in a line or two; the calling window is
//! always the invoking webview, never an argument.
//!
//! - [`windows`]: the snapshot, heartbeats, and opening, closing and
//!   focusing windows.
//! - [`locks`]: acquiring, releasing, extending and checking named locks.
//! - [`session`]: signing in and out of Supabase.
//! - [`agencies`]: listing, creating and selecting agencies.
//! - [`contacts`]: listing, saving and deleting the selected agency's
//!   contacts.
//! - [`modals`]: the mandatory modal's draft, and start-up notices.

pub mod agencies;
pub mod contacts;
pub mod locks;
pub mod modals;
pub mod session;
pub mod windows;

use axolop_coordinator::WindowLabel;
use tauri::{Runtime, Webview};

pub use locks::{lock_acquire, lock_check, lock_extend, lock_release};
pub use windows::{
    coordinator_snapshot, heartbeat, window_close, window_focus_primary, window_open,
};

/// Every command, for `Builder::invoke_handler`.
pub fn handler<R: Runtime>() -> impl Fn(tauri::ipc::Invoke<R>) -> bool + Send + Sync + 'static {
    let commands = handles::<R, _>(tauri::generate_handler![
        windows::coordinator_snapshot,
        windows::window_open,
        windows::window_close,
        windows::window_focus_primary,
        windows::heartbeat,
        locks::lock_release,
        locks::lock_extend,
        locks::lock_check,
        session::session_sign_in,
        session::session_sign_out,
        agencies::agency_list,
        agencies::agency_create,
        agencies::agency_select,
        contacts::contacts_list,
        contacts::contact_get,
        contacts::contact_save,
        contacts::contact_delete,
        modals::modal_draft_report,
        modals::modal_draft,
        modals::app_notices,
    ]);
    #[cfg(feature = "bench")]
    let bench_commands = handles::<R, _>(tauri::generate_handler![
        windows::bench_republish,
        contacts::bench_seed_contacts
    ]);
    move |invoke| {
        if invoke.message.command() == locks::LOCK_ACQUIRE {
            return locks::lock_acquire(invoke);
        }
        #[cfg(feature = "bench")]
        if invoke.message.command().starts_with("bench_") {
            return bench_commands(invoke);
        }
        commands(invoke)
    }
}

/// Names the runtime of a generated handler.
fn handles<R: Runtime, F: Fn(tauri::ipc::Invoke<R>) -> bool>(handler: F) -> F {
    handler
}

/// The label of the window whose page made the call.
fn caller<R: Runtime>(webview: &Webview<R>) -> WindowLabel {
    WindowLabel::from(webview.label())
}
