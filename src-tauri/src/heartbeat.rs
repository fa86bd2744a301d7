//! A page's heartbeat: the proof that its main thread runs, with what it
//! applied last.
//!
//! On Linux a beat is a one-way WebKit script message: the page posts it
//! and goes back to sleep. A Tauri command would also evaluate an answer
//! back in the page, waking its web process a second time for a reply
//! nobody reads. Other platforms beat through the `heartbeat` command.

use axolop_coordinator::{WindowLabel, WindowState};
use tauri::{AppHandle, Manager, Runtime, WebviewWindow};

use crate::args::HeartbeatArgs;
use crate::diagnostics;
use crate::error::Result;
use crate::hub::Hub;
use crate::timing;

/// The name pages post beats to (`window.webkit.messageHandlers.axolopBeat`).
pub const MESSAGE_HANDLER: &str = "axolopBeat";

/// Window `label`'s page is alive, and may say which event it applied last.
pub fn beat<R: Runtime>(
    app: &AppHandle<R>,
    label: &WindowLabel,
    report: HeartbeatArgs,
) -> Result<()> {
    if let Some(seq) = report.applied_seq {
        tracing::trace!(
            target: timing::TARGET,
            window = %label,
            applied_seq = seq,
            at_us = timing::now_micros(),
            "event applied"
        );
    }
    app.state::<Hub>().transact(|coordinator, now| {
        if coordinator.windows().state(label)? == WindowState::Unresponsive {
            tracing::info!(window = %label, "window responding again");
        }
        coordinator.heartbeat(label, now)?;
        coordinator.window_reported(label, report.applied_seq, report.resyncs)
    })?;
    diagnostics::heard(app, label.as_str(), report.applied_seq);
    Ok(())
}

/// Takes beats from `window`'s page by script message, where the engine
/// has them.
pub fn listen<R: Runtime>(window: &WebviewWindow<R>) {
    #[cfg(target_os = "linux")]
    linux::listen(window);
    #[cfg(not(target_os = "linux"))]
    let _ = window;
}

#[cfg(target_os = "linux")]
mod linux {
    use axolop_coordinator::WindowLabel;
    use javascriptcore::ValueExt;
    use tauri::{Manager, Runtime, WebviewWindow};
    use webkit2gtk::{UserContentManagerExt, WebViewExt};

    use crate::args::HeartbeatArgs;

    pub fn listen<R: Runtime>(window: &WebviewWindow<R>) {
        let app = window.app_handle().clone();
        // The handler belongs to this window's own web view (each has its
        // own content manager), so the window is never the page's word.
        let label = WindowLabel::from(window.label());
        let listened = window.with_webview(move |platform| {
            let Some(manager) = platform.inner().user_content_manager() else {
                tracing::warn!(window = %label, "no content manager: the page beats by command");
                return;
            };
            manager.connect_script_message_received(
                Some(super::MESSAGE_HANDLER),
                move |_, message| {
                    let report = message
                        .js_value()
                        .and_then(|value| value.to_json(0))
                        .ok_or_else(|| "not a JSON value".to_owned())
                        .and_then(|json| {
                            serde_json::from_str::<HeartbeatArgs>(&json)
                                .map_err(|error| error.to_string())
                        });
                    let outcome = match report {
                        Ok(report) => super::beat(&app, &label, report),
                        Err(why) => {
                            tracing::debug!(window = %label, %why, "a malformed beat was ignored");
                            return;
                        }
                    };
                    if let Err(error) = outcome {
                        // A window closing while its last beat was on the way.
                        tracing::debug!(window = %label, %error, "a beat was refused");
                    }
                },
            );
            manager.register_script_message_handler(super::MESSAGE_HANDLER);
        });
        if let Err(error) = listened {
            tracing::warn!(window = %window.label(), %error, "the window's beats cannot be heard");
        }
    }
}
