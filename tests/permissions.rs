//! The app's commands inside Tauri's permission system: built on the
//! app's real context (its capabilities), a window may call only what its
//! capability grants. A CRM window may call every command but the
//! diagnostics window's own; the diagnostics window only reads the
//! coordination; a window of any other kind nothing.

use axolop_desktop::{commands, configure, context};
use serde_json::{json, Value};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{get_ipc_response, mock_builder, MockRuntime, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::{App, Manager, WebviewUrl, WebviewWindow, WebviewWindowBuilder};

/// The mock runtime on the app's own context, after set-up (`crm-1` open).
fn app() -> App<MockRuntime> {
    let mut app = configure(mock_builder(), |_| Ok(()))
        .build(context())
        .expect("mock app on the app's context");
    #[allow(deprecated)]
    app.run_iteration(|_, _| {});
    app
}

/// Calls `command` from `window`'s page with a body that no command
/// accepts (a number), so that an allowed call reaches the command's own
/// argument check and runs nothing.
fn call(window: &WebviewWindow<MockRuntime>, command: &str) -> Result<Value, Value> {
    let request = InvokeRequest {
        cmd: command.into(),
        callback: CallbackFn(0),
        error: CallbackFn(1),
        url: "tauri://localhost".parse().unwrap(),
        body: InvokeBody::Json(json!(42)),
        headers: Default::default(),
        invoke_key: INVOKE_KEY.to_string(),
    };
    get_ipc_response(window, request).map(|body| body.deserialize::<Value>().unwrap())
}

/// Whether Tauri's permission check refused the call (before the command
/// saw it): its refusal is a bare string, the app's own are `{code, message}`.
fn refused_by_permissions(outcome: &Result<Value, Value>) -> bool {
    matches!(outcome, Err(Value::String(message)) if message.contains("not allowed"))
}

fn open(app: &App<MockRuntime>, label: &str) -> WebviewWindow<MockRuntime> {
    WebviewWindowBuilder::new(app, label, WebviewUrl::App("index.html".into()))
        .build()
        .unwrap_or_else(|error| panic!("window {label}: {error}"))
}

#[test]
fn a_crm_window_may_call_every_command_but_the_diagnostics_windows() {
    let app = app();
    let window = app.get_webview_window("crm-1").expect("the first window");
    for signature in commands::signatures() {
        let outcome = call(&window, signature.name);
        if DIAGNOSTICS.contains(&signature.name) {
            assert!(refused_by_permissions(&outcome), "{}", signature.name);
            continue;
        }
        assert!(
            !refused_by_permissions(&outcome),
            "{} is refused to a CRM window: declare it in src-tauri/build.rs and \
             grant it in src-tauri/permissions/crm.toml ({outcome:?})",
            signature.name
        );
        let error = outcome.expect_err("a number is no command's arguments");
        assert_eq!(
            error["code"], "invalid_argument",
            "{}: {error}",
            signature.name
        );
    }
}

/// What the diagnostics window may call.
const DIAGNOSTICS: &[&str] = &[
    "diagnostics_snapshot",
    "checks_run",
    "checks_save",
    "report_save",
];

#[test]
fn the_diagnostics_window_reads_the_coordination_and_nothing_else() {
    let app = app();
    let window = open(&app, "diagnostics");
    for command in DIAGNOSTICS {
        let outcome = call(&window, command);
        assert!(!refused_by_permissions(&outcome), "{command}: {outcome:?}");
    }
    for signature in commands::signatures() {
        if DIAGNOSTICS.contains(&signature.name) {
            continue;
        }
        let outcome = call(&window, signature.name);
        assert!(
            refused_by_permissions(&outcome),
            "a diagnostics window may not call {}: {outcome:?}",
            signature.name
        );
    }
}

#[test]
fn a_window_of_no_known_kind_may_call_nothing() {
    let app = app();
    let window = open(&app, "stranger");
    for signature in commands::signatures() {
        let outcome = call(&window, signature.name);
        assert!(
            refused_by_permissions(&outcome),
            "{} answered a window no capability names: {outcome:?}",
            signature.name
        );
    }
}

#[test]
fn a_command_the_app_does_not_have_is_refused() {
    let app = app();
    let window = app.get_webview_window("crm-1").expect("the first window");
    let outcome = call(&window, "no_such_command");
    assert!(outcome.is_err(), "{outcome:?}");
}
