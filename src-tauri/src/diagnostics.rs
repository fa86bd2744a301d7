//! The diagnostics window: one window, opened from Help > Diagnostics
//! (Ctrl+Shift+D), that shows the coordination as it happens.
//!
//! It is not a CRM window. The coordinator does not know it: it is never
//! primary, takes no locks, is not counted or listed, and closing the last
//! CRM window closes it too, so it never keeps the app running. It follows
//! the coordinator's events like a CRM window (delivery sends them to it)
//! and reads [`DiagnosticsView`] with its own, smaller capability
//! (`capabilities/diagnostics.json`).

use serde::Serialize;
use tauri::{AppHandle, Emitter, Manager, Runtime, WebviewUrl, WebviewWindowBuilder};
use ts_rs::TS;

use axolop_coordinator::diagnostics::Diagnostics;

use crate::error::Result;
use crate::hub::Hub;
use crate::navigation;
use crate::refusals::{Refusal, Refusals};
use crate::windows;

/// The diagnostics window's label (its capability names it).
pub const LABEL: &str = "diagnostics";

const SIZE: (f64, f64) = (980.0, 760.0);
const MIN_SIZE: (f64, f64) = (560.0, 420.0);

/// What the diagnostics window shows: the coordination, the refusals pages
/// got lately, and what the app runs on.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DiagnosticsView {
    /// The coordinator's side.
    pub coordination: Diagnostics,
    /// The latest refusals, newest first.
    pub refusals: Vec<Refusal>,
    /// Versions of the app and what it runs on.
    pub app: AppFacts,
}

/// Versions of the app and what it runs on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AppFacts {
    /// The app's version.
    pub version: String,
    /// The Tauri version it is built on.
    pub tauri: String,
    /// The webview engine and its version.
    pub webview: String,
    /// The operating system and processor architecture.
    pub os: String,
}

impl AppFacts {
    /// This build on this machine.
    pub fn here() -> Self {
        let engine = if cfg!(target_os = "linux") {
            "WebKitGTK"
        } else if cfg!(target_os = "macos") {
            "WKWebView"
        } else {
            "WebView2"
        };
        let webview = match tauri::webview_version() {
            Ok(version) => format!("{engine} {version}"),
            Err(_) => format!("{engine} (version unknown)"),
        };
        Self {
            version: env!("CARGO_PKG_VERSION").to_owned(),
            tauri: tauri::VERSION.to_owned(),
            webview,
            os: format!("{} {}", std::env::consts::OS, std::env::consts::ARCH),
        }
    }
}

/// The view as of now (leases and waits that are due end first).
pub fn view<R: Runtime>(app: &AppHandle<R>) -> Result<DiagnosticsView> {
    let coordination = app
        .state::<Hub>()
        .transact(|coordinator, now| Ok(coordinator.diagnostics(now)))?;
    Ok(DiagnosticsView {
        coordination,
        refusals: app
            .try_state::<Refusals>()
            .map(|refusals| refusals.recent())
            .unwrap_or_default(),
        app: AppFacts::here(),
    })
}

/// What a heartbeat tells the diagnostics window.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct Heard<'a> {
    label: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    applied_seq: Option<u64>,
}

/// The event a heartbeat sends the diagnostics window (only it: a
/// heartbeat is news to nobody else).
pub const HEARTBEAT_EVENT: &str = "diagnostics-heartbeat";

/// Tells the diagnostics window, if open, that `label` beat, having
/// applied `applied_seq`: ages of heartbeats stay live without polling.
pub fn heard<R: Runtime>(app: &AppHandle<R>, label: &str, applied_seq: Option<u64>) {
    if app.get_webview_window(LABEL).is_none() {
        return;
    }
    let target = tauri::EventTarget::webview_window(LABEL);
    if let Err(error) = app.emit_to(target, HEARTBEAT_EVENT, Heard { label, applied_seq }) {
        tracing::debug!(%error, "the diagnostics window missed a heartbeat");
    }
}

/// Shows the diagnostics window: focuses it if open, opens it otherwise.
pub fn show<R: Runtime>(app: &AppHandle<R>) -> Result<()> {
    if let Some(window) = app.get_webview_window(LABEL) {
        return windows::bring_forward(&window);
    }
    let window = WebviewWindowBuilder::new(app, LABEL, WebviewUrl::App("diagnostics.html".into()))
        .title("Axolop CRM Diagnostics")
        .inner_size(SIZE.0, SIZE.1)
        .min_inner_size(MIN_SIZE.0, MIN_SIZE.1)
        .on_navigation(navigation::allow)
        .on_new_window(|url, _| navigation::refuse_new_window(&url))
        .build()?;
    window.set_focus()?;
    tracing::info!("diagnostics window opened");
    Ok(())
}

/// Shows the diagnostics window from somewhere with no caller to answer (a
/// menu item, a shortcut): off the calling thread, as windows are built.
pub fn show_in_background<R: Runtime>(app: &AppHandle<R>) {
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        if let Err(error) = show(&app) {
            tracing::error!(%error, "the diagnostics window could not be opened");
        }
    });
}

/// The last CRM window left: the diagnostics window goes too, so that it
/// never keeps the app running on its own.
pub fn close_if_alone<R: Runtime>(app: &AppHandle<R>) {
    let alone = app
        .state::<Hub>()
        .read(|coordinator| coordinator.windows().is_empty());
    if let Some(window) = app.get_webview_window(LABEL).filter(|_| alone) {
        if let Err(error) = window.destroy() {
            tracing::warn!(%error, "the diagnostics window could not be closed");
        }
    }
}
