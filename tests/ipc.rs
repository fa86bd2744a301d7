//! The IPC wire format, on Tauri's mock runtime: command results, the
//! `{code, message}` error shape, and events delivered to each window's own
//! webview.
//!
//! The mock runtime never reports a window destroyed, so closing windows is
//! tested end to end, on the real runtime (`tests/e2e`).

mod common;

use std::time::Duration;

use common::{app, assert_error, eventually, invoke, record_events, snapshot, window};
use serde_json::{json, Value};
use tauri::{Manager, WebviewWindowBuilder};

#[test]
fn the_first_window_opens_at_start_and_its_snapshot_names_it_primary() {
    let app = app();
    let value = snapshot(&window(&app, "crm-1"));
    assert_eq!(
        value["self"],
        json!({ "label": "crm-1", "role": "primary", "beatMs": 2500 })
    );
    assert_eq!(value["primary"], json!({ "label": "crm-1", "epoch": 1 }));
    assert_eq!(
        value["windows"],
        json!([{ "label": "crm-1", "state": "ready" }])
    );
    assert_eq!(value["session"], json!({ "status": "local" }));
    assert_eq!(
        value["modal"],
        json!({ "required": "agency-selection", "presenter": "crm-1" }),
        "a fresh local app asks its primary for an agency"
    );
    assert_eq!(value["locks"], json!([]));
    assert!(value["seq"].as_u64().unwrap() >= 3);
}

#[test]
fn window_open_answers_with_the_new_label_and_the_new_window_is_secondary() {
    let app = app();
    let first = window(&app, "crm-1");
    snapshot(&first);
    assert_eq!(
        invoke(&first, "window_open", json!({})),
        Ok(json!({ "label": "crm-2" }))
    );
    let value = snapshot(&window(&app, "crm-2"));
    assert_eq!(
        value["self"],
        json!({ "label": "crm-2", "role": "secondary", "beatMs": 2500 })
    );
    assert_eq!(
        value["windows"],
        json!([{ "label": "crm-1", "state": "ready" }, { "label": "crm-2", "state": "ready" }])
    );
}

#[test]
fn unknown_or_malformed_arguments_are_invalid_argument_and_change_nothing() {
    let app = app();
    let first = window(&app, "crm-1");
    let before = snapshot(&first);
    let calls = [
        ("window_open", json!({ "label": "crm-9" })),
        ("coordinator_snapshot", json!({ "window": "crm-2" })),
        ("heartbeat", json!([1, 2, 3])),
        ("window_close", json!("now")),
        ("window_focus_primary", json!({ "force": true })),
    ];
    for (command, body) in calls {
        let error = invoke(&first, command, body.clone()).expect_err(command);
        assert_eq!(
            error["code"], "invalid_argument",
            "{command} {body}: {error}"
        );
        let message = error["message"].as_str().unwrap();
        assert!(message.contains(command), "{message}");
        assert_eq!(
            error.as_object().unwrap().len(),
            2,
            "only code and message: {error}"
        );
    }
    assert_eq!(snapshot(&first), before);
    assert!(app.get_webview_window("crm-2").is_none());
}

#[test]
fn a_window_the_coordinator_does_not_know_gets_not_found() {
    let app = app();
    let stray = WebviewWindowBuilder::new(&app, "stray", Default::default())
        .build()
        .unwrap();
    assert_error(
        invoke(&stray, "heartbeat", json!({})),
        "not_found",
        &["stray"],
    );
}

#[test]
fn window_focus_primary_names_the_primary() {
    let app = app();
    let first = window(&app, "crm-1");
    snapshot(&first);
    invoke(&first, "window_open", json!({})).unwrap();
    let second = window(&app, "crm-2");
    assert_eq!(
        invoke(&second, "window_focus_primary", json!({})),
        Ok(json!({ "label": "crm-1" }))
    );
}

#[test]
fn events_reach_each_windows_own_webview_once_in_sequence() {
    let app = app();
    let first = window(&app, "crm-1");
    // As a page does: subscribe, then take the snapshot; events at or below
    // its seq may still arrive and are already reflected in it.
    let received = record_events(&first);
    let start = snapshot(&first)["seq"].as_u64().unwrap();

    invoke(&first, "window_open", json!({})).unwrap();
    snapshot(&window(&app, "crm-2"));

    let seq_of = |event: &Value| event["seq"].as_u64().unwrap();
    eventually(
        "crm-1 to receive the events of crm-2 opening and attaching",
        || {
            received
                .lock()
                .unwrap()
                .iter()
                .filter(|e| seq_of(e) > start)
                .count()
                >= 2
        },
    );
    std::thread::sleep(Duration::from_millis(100));
    let all = received.lock().unwrap().clone();
    let seqs: Vec<u64> = all.iter().map(seq_of).collect();
    assert!(
        seqs.windows(2).all(|pair| pair[0] < pair[1]),
        "each event once, in order: {seqs:?}"
    );
    let events: Vec<Value> = all.into_iter().filter(|e| seq_of(e) > start).collect();
    let after: Vec<u64> = events.iter().map(seq_of).collect();
    let expected: Vec<u64> = (start + 1..=start + after.len() as u64).collect();
    assert_eq!(after, expected, "no gap after the snapshot: {events:?}");
    assert_eq!(events[0]["kind"], "windows-changed");
    assert_eq!(
        events.last().unwrap()["data"]["windows"],
        json!([{ "label": "crm-1", "state": "ready" }, { "label": "crm-2", "state": "ready" }])
    );
    for event in &events {
        let keys: Vec<_> = event.as_object().unwrap().keys().cloned().collect();
        assert_eq!(keys, ["data", "kind", "seq"], "{event}");
    }
}

#[test]
fn at_most_32_windows_open_and_the_next_request_is_refused_plainly() {
    let app = app();
    let first = window(&app, "crm-1");
    for _ in 1..axolop_coordinator::coordinator::MAX_WINDOWS {
        invoke(&first, "window_open", json!({})).unwrap();
    }
    assert_error(
        invoke(&first, "window_open", json!({})),
        "too_many",
        &["32 windows are open", "close one"],
    );
    let open = snapshot(&first)["windows"].as_array().unwrap().len();
    assert_eq!(open, 32, "the refusal opened nothing");
}
