//! Helpers shared by the mock-runtime tests: a set-up app, its windows, and
//! invoking commands as a window's page does.

#![allow(dead_code)]

use std::time::Duration;

use axolop_desktop::configure;
use serde_json::{json, Value};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{
    get_ipc_response, mock_builder, mock_context, noop_assets, MockRuntime, INVOKE_KEY,
};
use tauri::webview::InvokeRequest;
use tauri::{App, Manager, WebviewWindow};

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

/// Waits (bounded) until `check` holds; events are delivered on their own thread.
pub fn eventually(what: &str, check: impl Fn() -> bool) {
    for _ in 0..200 {
        if check() {
            return;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    panic!("never happened: {what}");
}
