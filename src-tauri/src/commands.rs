//! The IPC commands. Each delegates in a line or two; the calling window is
//! always the invoking webview, never an argument.

use axolop_coordinator::{Snapshot, WindowLabel, WindowRef};
use tauri::{AppHandle, Runtime, State, Webview};

use crate::args::{Args, HeartbeatArgs, NoArgs};
use crate::error::Result;
use crate::hub::Hub;
use crate::timing;
use crate::windows;

/// Every command, for `Builder::invoke_handler`.
pub fn handler<R: Runtime>() -> impl Fn(tauri::ipc::Invoke<R>) -> bool + Send + Sync + 'static {
    let commands = handles::<R, _>(tauri::generate_handler![
        coordinator_snapshot,
        window_open,
        window_close,
        window_focus_primary,
        heartbeat,
    ]);
    #[cfg(feature = "bench")]
    let bench_commands = handles::<R, _>(tauri::generate_handler![bench_republish]);
    move |invoke| {
        #[cfg(feature = "bench")]
        if invoke.message.command() == "bench_republish" {
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

/// The state as the calling window sees it. The first call of a page also
/// marks its window ready.
#[tauri::command]
pub async fn coordinator_snapshot<R: Runtime>(
    webview: Webview<R>,
    hub: State<'_, Hub>,
    _args: Args<NoArgs>,
) -> Result<Snapshot> {
    hub.transact(|coordinator, now| coordinator.window_attached(&caller(&webview), now))
}

/// Opens a new CRM window.
#[tauri::command]
pub async fn window_open<R: Runtime>(app: AppHandle<R>, _args: Args<NoArgs>) -> Result<WindowRef> {
    windows::open(&app)
}

/// Closes the calling window exactly as its close button does.
#[tauri::command]
pub async fn window_close<R: Runtime>(webview: Webview<R>, _args: Args<NoArgs>) -> Result<()> {
    tracing::trace!(
        target: timing::TARGET,
        window = webview.label(),
        at_us = timing::now_micros(),
        wall_us = timing::wall_micros(),
        "close requested"
    );
    windows::close(&webview.window())
}

/// Brings the primary window to the front.
#[tauri::command]
pub async fn window_focus_primary<R: Runtime>(
    app: AppHandle<R>,
    _args: Args<NoArgs>,
) -> Result<WindowRef> {
    windows::focus_primary(&app)
}

/// The calling page is alive, and may say which event it applied last.
#[tauri::command]
pub async fn heartbeat<R: Runtime>(
    webview: Webview<R>,
    hub: State<'_, Hub>,
    args: Args<HeartbeatArgs>,
) -> Result<()> {
    if let Some(seq) = args.0.applied_seq {
        tracing::trace!(
            target: timing::TARGET,
            window = webview.label(),
            applied_seq = seq,
            at_us = timing::now_micros(),
            "event applied"
        );
    }
    hub.apply(|coordinator, now| coordinator.heartbeat(&caller(&webview), now))
}

/// Benchmark builds only: re-sends the window list as a fresh event.
#[cfg(feature = "bench")]
#[tauri::command]
pub async fn bench_republish(hub: State<'_, Hub>, _args: Args<NoArgs>) -> Result<()> {
    hub.apply(|coordinator, _| Ok(coordinator.republish_windows()))
}
