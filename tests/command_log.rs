//! Every command runs in a `command` span, and a refusal a page receives is
//! logged with its code: never invisible in the log, and never with the
//! values the page sent (which may be a password or a customer's data).

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use common::{app, invoke, window};
use serde_json::json;

/// Everything the subscriber writes.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

#[test]
fn refusals_are_logged_by_command_window_and_code_without_their_values() {
    let captured = Captured::default();
    let writer = captured.clone();
    // Commands answer on several threads: the subscriber must be global.
    tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .with_max_level(tracing::Level::INFO)
        .init();
    let app = app();
    let first = window(&app, "crm-1");

    let refused = invoke(&first, "lock_release", json!({ "token": "lease-424242" }));
    assert_eq!(refused.unwrap_err()["code"], "lock_not_held");
    let refused = invoke(
        &first,
        "session_sign_in",
        json!({ "email": "ada@example.com", "password": "hunter2-secret" }),
    );
    assert_eq!(refused.unwrap_err()["code"], "not_configured");
    let refused = invoke(&first, "agency_create", json!({ "name": 987_654_321 }));
    assert_eq!(refused.unwrap_err()["code"], "invalid_argument");
    invoke(&first, "heartbeat", json!({})).expect("a heartbeat is answered");

    let log = captured.text();
    let refusals: Vec<&str> = log.lines().filter(|l| l.contains("refused")).collect();
    assert_eq!(refusals.len(), 3, "{log}");
    for (line, command, code) in [
        (refusals[0], "lock_release", "lock_not_held"),
        (refusals[1], "session_sign_in", "not_configured"),
        (refusals[2], "agency_create", "invalid_argument"),
    ] {
        assert!(line.contains(command), "{line}");
        assert!(line.contains("crm-1"), "{line}");
        assert!(line.contains(code), "{line}");
    }
    for value in ["424242", "hunter2", "ada@example.com", "987654321"] {
        assert!(!log.contains(value), "the log quotes {value:?}:\n{log}");
    }
}
