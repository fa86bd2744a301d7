//! A window's web content process dying: WebKit crashed, or the system
//! killed it for memory. The window is declared unresponsive at once (it
//! loses primacy and its locks without waiting for the heartbeat timeout),
//! its page is reloaded, which starts a new web process, and the reloaded
//! page tells the user what happened instead of showing a blank window.
//!
//! Only Linux (WebKitGTK) reports this today; elsewhere a dead page stops
//! beating and the heartbeat timeout catches it.

use axolop_coordinator::{WindowLabel, WindowState};
use tauri::{AppHandle, Manager, Runtime, WebviewWindow};

use crate::hub::Hub;
use crate::notices;

/// Watches `window`'s web process for its death.
pub fn watch<R: Runtime>(window: &WebviewWindow<R>) {
    #[cfg(target_os = "linux")]
    linux::watch(window);
    #[cfg(not(target_os = "linux"))]
    let _ = window;
}

/// Window `label`'s web process died because `why`: declare the window
/// unresponsive now and leave the user a notice for the reloaded page.
pub fn died<R: Runtime>(app: &AppHandle<R>, label: &WindowLabel, why: &str) {
    tracing::warn!(window = %label, reason = why, "the window's page died; reloading it");
    let marked = app.state::<Hub>().transact(|coordinator, now| {
        match coordinator.windows().state(label) {
            Ok(WindowState::Ready | WindowState::Loading) => {
                coordinator.window_unresponsive(label, now)
            }
            // Already unresponsive, or closed meanwhile.
            _ => Ok(()),
        }
    });
    if let Err(error) = marked {
        tracing::warn!(window = %label, %error, "a crashed window could not be marked");
    }
    notices::add_for(
        app,
        label.as_str(),
        format!(
            "This window's page stopped unexpectedly ({why}) and was reloaded. \
             What was saved is safe; anything typed but not saved in this window was lost."
        ),
    );
}

#[cfg(target_os = "linux")]
mod linux {
    use axolop_coordinator::WindowLabel;
    use tauri::{Manager, Runtime, WebviewWindow};
    use webkit2gtk::{WebProcessTerminationReason, WebViewExt};

    pub fn watch<R: Runtime>(window: &WebviewWindow<R>) {
        let app = window.app_handle().clone();
        let label = WindowLabel::from(window.label());
        let watched = window.with_webview(move |platform| {
            platform
                .inner()
                .connect_web_process_terminated(move |webview, reason| {
                    let why = match reason {
                        WebProcessTerminationReason::Crashed => "its web process crashed",
                        WebProcessTerminationReason::ExceededMemoryLimit => {
                            "its web process ran out of memory"
                        }
                        // Ended by the app itself (a window being torn down).
                        _ => return,
                    };
                    super::died(&app, &label, why);
                    webview.reload();
                });
        });
        if let Err(error) = watched {
            tracing::warn!(window = %window.label(), %error, "the window's web process cannot be watched");
        }
    }
}
