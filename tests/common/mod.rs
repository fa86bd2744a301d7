//! Helpers shared by the mock-runtime tests: a set-up app, its windows, and
//! invoking commands as a window's page does.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axolop_desktop::{agencies, configure, crm};
use serde_json::{json, Value};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{
    get_ipc_response, mock_builder, mock_context, noop_assets, MockRuntime, INVOKE_KEY,
};
use tauri::webview::InvokeRequest;
use tauri::{App, Listener, Manager, WebviewWindow};

/// A mock app after set-up: the first window is open.
pub fn app() -> App<MockRuntime> {
    let mut app = configure(mock_builder(), |_| Ok(()))
        .build(mock_context(noop_assets()))
        .expect("mock app");
    // One iteration runs set-up; `run_return` would block on the mock loop.
    #[allow(deprecated)]
    app.run_iteration(|_, _| {});
    app
}

pub fn window(app: &App<MockRuntime>, label: &str) -> WebviewWindow<MockRuntime> {
    app.get_webview_window(label)
        .unwrap_or_else(|| panic!("window {label} is open"))
}

pub fn invoke(
    window: &WebviewWindow<MockRuntime>,
    command: &str,
    body: Value,
) -> Result<Value, Value> {
    let request = InvokeRequest {
        cmd: command.into(),
        callback: CallbackFn(0),
        error: CallbackFn(1),
        url: "tauri://localhost".parse().unwrap(),
        body: InvokeBody::Json(body),
        headers: Default::default(),
        invoke_key: INVOKE_KEY.to_string(),
    };
    get_ipc_response(window, request).map(|body| body.deserialize::<Value>().unwrap())
}

pub fn snapshot(window: &WebviewWindow<MockRuntime>) -> Value {
    invoke(window, "coordinator_snapshot", json!({})).expect("snapshot")
}

/// Waits until `check` holds, up to 10 s: events are delivered on their own
/// thread, which a loaded 2-core machine can stall for a while.
pub fn eventually(what: &str, check: impl Fn() -> bool) {
    for _ in 0..1_000 {
        if check() {
            return;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    panic!("never happened: {what}");
}

/// Asserts that `outcome` is the wire error `code` (only `{code, message}`),
/// with a message that mentions each of `mentions`.
pub fn assert_error(outcome: Result<Value, Value>, code: &str, mentions: &[&str]) {
    let error = outcome.expect_err("the call should fail");
    assert_eq!(error["code"], code, "{error}");
    assert_eq!(
        error.as_object().map(|o| o.len()),
        Some(2),
        "only code and message: {error}"
    );
    let message = error["message"].as_str().unwrap_or_default();
    for mention in mentions {
        assert!(
            message.contains(mention),
            "{message:?} should mention {mention:?}"
        );
    }
}

/// Records every coordinator event delivered to `window`'s own webview.
pub fn record_events(window: &WebviewWindow<MockRuntime>) -> Arc<Mutex<Vec<Value>>> {
    let received: Arc<Mutex<Vec<Value>>> = Arc::default();
    let sink = received.clone();
    window.listen("coordinator", move |event| {
        let payload = serde_json::from_str(event.payload()).expect("events are JSON");
        sink.lock().unwrap().push(payload);
    });
    received
}

/// An empty data directory of its own (`axolop-mock-<test>-…` under the
/// system temp dir): `.0` is its path; the guard removes it on drop.
pub struct DataDir(pub PathBuf, tempfile::TempDir);

impl DataDir {
    pub fn new(test: &str) -> Self {
        let dir = tempfile::Builder::new()
            .prefix(&format!("axolop-mock-{test}-"))
            .tempdir()
            .expect("a temporary data directory");
        Self(dir.path().to_path_buf(), dir)
    }
}

/// A local-mode mock app with its store in `dir`, the selection restored
/// before the first window, as the app does.
pub fn app_in(dir: &Path) -> App<MockRuntime> {
    let dir = dir.to_path_buf();
    let mut app = configure(mock_builder(), move |app| {
        crm::open(app, &dir)?;
        agencies::restore_local(app)
    })
    .build(mock_context(noop_assets()))
    .expect("mock app");
    #[allow(deprecated)]
    app.run_iteration(|_, _| {});
    app
}

/// A Supabase-mode mock app using `project`, with its store in `dir` and
/// the session kept in memory, after set-up (the keyring read, nobody
/// signed in yet).
pub fn project_app_in(dir: &Path, project: &axolop_postgrest::Project) -> App<MockRuntime> {
    let dir = dir.to_path_buf();
    let config = axolop_auth::AuthConfig {
        url: project.url(),
        anon_key: project.anon_key().to_owned(),
    };
    let mut app = configure(mock_builder(), move |app| {
        crm::open(app, &dir)?;
        let options = axolop_desktop::session::Options::in_dir(&dir);
        axolop_desktop::session::start(app, config, axolop_auth::SecretStore::memory(), options)
    })
    .build(mock_context(noop_assets()))
    .expect("mock app");
    #[allow(deprecated)]
    app.run_iteration(|_, _| {});
    let first = window(&app, "crm-1");
    eventually("the sign-in prompt", || {
        snapshot(&first)["session"]["status"] == "signed-out"
    });
    app
}

/// Opens a second window from `crm-1` and attaches both pages (each takes
/// its first snapshot, as a page does when it loads).
pub fn two_windows(
    app: &App<MockRuntime>,
) -> (WebviewWindow<MockRuntime>, WebviewWindow<MockRuntime>) {
    let first = window(app, "crm-1");
    snapshot(&first);
    invoke(&first, "window_open", json!({})).unwrap();
    let second = window(app, "crm-2");
    snapshot(&second);
    (first, second)
}
