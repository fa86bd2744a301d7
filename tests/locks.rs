//! The lock commands' wire format on Tauri's mock runtime: lease shape,
//! error codes, waiting, expiry on the deadline task, and `lock-changed`
//! events on each window's own webview.

mod common;

use std::thread;
use std::time::{SystemTime, UNIX_EPOCH};

use common::{app, assert_error, eventually, invoke, record_events, snapshot, window};
use serde_json::{json, Value};
use tauri::test::MockRuntime;
use tauri::{App, WebviewWindow};

/// The app with `crm-1` and `crm-2` open and attached.
fn two_windows() -> (
    App<MockRuntime>,
    WebviewWindow<MockRuntime>,
    WebviewWindow<MockRuntime>,
) {
    let app = app();
    let first = window(&app, "crm-1");
    snapshot(&first);
    invoke(&first, "window_open", json!({})).unwrap();
    let second = window(&app, "crm-2");
    snapshot(&second);
    (app, first, second)
}

fn acquire(window: &WebviewWindow<MockRuntime>, args: Value) -> Result<Value, Value> {
    invoke(window, "lock_acquire", args)
}

/// Invokes on its own thread (a waiting request blocks until it is
/// answered), and returns once the request is queued.
fn acquire_in_background(
    window: &WebviewWindow<MockRuntime>,
    args: Value,
) -> thread::JoinHandle<Result<Value, Value>> {
    let name = args["name"].as_str().expect("a lock name").to_owned();
    let label = window.label().to_owned();
    let caller = window.clone();
    let handle = thread::spawn(move || invoke(&caller, "lock_acquire", args));
    eventually("the request to be queued", || {
        waiting(window, &name)
            .as_array()
            .is_some_and(|waiting| waiting.iter().any(|w| w == label.as_str()))
    });
    handle
}

fn waiting(window: &WebviewWindow<MockRuntime>, name: &str) -> Value {
    snapshot(window)["locks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|lock| lock["name"] == name)
        .map_or(json!([]), |lock| lock["waiting"].clone())
}

fn unix_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64
}

#[test]
fn a_granted_lease_is_token_name_mode_fence_and_expiry_in_unix_ms() {
    let (_app, first, _) = two_windows();
    let before = unix_ms();
    let lease = acquire(&first, json!({ "name": "agency" })).unwrap();
    let keys: Vec<_> = lease.as_object().unwrap().keys().cloned().collect();
    assert_eq!(keys, ["expiresAt", "fence", "mode", "name", "token"]);
    assert_eq!(lease["name"], "agency");
    assert_eq!(lease["mode"], "exclusive");
    assert!(lease["token"].as_str().unwrap().starts_with("lease-"));
    let expires = lease["expiresAt"].as_u64().unwrap();
    assert!(
        (before + 29_000..=unix_ms() + 31_000).contains(&expires),
        "30 s by default: {expires} vs {before}"
    );
    assert_eq!(
        snapshot(&first)["locks"],
        json!([{ "name": "agency", "mode": "exclusive", "holders": ["crm-1"], "waiting": [], "fence": lease["fence"] }])
    );
    assert_eq!(
        invoke(&first, "lock_release", json!({ "token": lease["token"] })),
        Ok(Value::Null)
    );
    assert_eq!(snapshot(&first)["locks"], json!([]));
}

#[test]
fn a_try_lock_on_a_held_lock_is_lock_unavailable() {
    let (_app, first, second) = two_windows();
    acquire(&first, json!({ "name": "a" })).unwrap();
    assert_error(
        acquire(&second, json!({ "name": "a", "waitMs": 0 })),
        "lock_unavailable",
        &["crm-1"],
    );
}

#[test]
fn a_waiting_request_is_granted_when_the_holder_releases() {
    let (_app, first, second) = two_windows();
    let held = acquire(&first, json!({ "name": "a" })).unwrap();
    let waiter = acquire_in_background(&second, json!({ "name": "a", "waitMs": 5000 }));
    assert_eq!(waiting(&first, "a"), json!(["crm-2"]));
    invoke(&first, "lock_release", json!({ "token": held["token"] })).unwrap();
    let granted = waiter.join().unwrap().unwrap();
    assert!(granted["fence"].as_u64() > held["fence"].as_u64());
}

#[test]
fn a_wait_that_runs_out_is_lock_timeout_without_any_other_call() {
    let (_app, first, second) = two_windows();
    acquire(&first, json!({ "name": "a" })).unwrap();
    let waiter = acquire_in_background(&second, json!({ "name": "a", "waitMs": 300 }));
    let error = waiter.join().unwrap().unwrap_err();
    assert_eq!(error["code"], "lock_timeout");
    assert_eq!(waiting(&first, "a"), json!([]));
}

#[test]
fn an_expired_lease_is_announced_to_its_holder_by_a_lock_changed_event() {
    let (_app, first, _) = two_windows();
    let received = record_events(&first);
    let lease = acquire(&first, json!({ "name": "a", "ttlMs": 150 })).unwrap();
    let expired = |events: &[Value]| {
        events
            .iter()
            .find(|e| e["kind"] == "lock-changed" && e["data"]["ended"][0]["reason"] == "expired")
            .cloned()
    };
    eventually("the lease to expire", || {
        expired(&received.lock().unwrap()).is_some()
    });
    let event = expired(&received.lock().unwrap()).unwrap();
    assert_eq!(
        event["data"],
        json!({
            "name": "a", "mode": "exclusive", "holders": [], "waiting": [], "fence": lease["fence"],
            "ended": [{ "window": "crm-1", "fence": lease["fence"], "reason": "expired" }]
        })
    );
    let error = invoke(&first, "lock_release", json!({ "token": lease["token"] })).unwrap_err();
    assert_eq!(error["code"], "lock_not_held");
}

#[test]
fn extend_moves_the_expiry_and_check_reports_whether_the_lease_is_held() {
    let (_app, first, second) = two_windows();
    let lease = acquire(&first, json!({ "name": "a", "ttlMs": 1000 })).unwrap();
    let extended = invoke(
        &first,
        "lock_extend",
        json!({ "token": lease["token"], "ttlMs": 60_000 }),
    )
    .unwrap();
    assert!(
        extended["expiresAt"].as_u64().unwrap() >= lease["expiresAt"].as_u64().unwrap() + 55_000
    );
    assert_eq!(extended["fence"], lease["fence"]);
    let check = invoke(&first, "lock_check", json!({ "token": lease["token"] })).unwrap();
    assert_eq!(check["held"], true);
    assert_eq!(check["lease"]["token"], extended["token"]);
    assert_eq!(check["lease"]["fence"], extended["fence"]);
    // The expiry is converted to the wall clock at each answer, so two
    // answers may differ by the clock's own millisecond.
    let drift =
        check["lease"]["expiresAt"].as_i64().unwrap() - extended["expiresAt"].as_i64().unwrap();
    assert!(drift.abs() <= 5, "{check} vs {extended}");
    // Another window's view of the same token: not its lease.
    assert_eq!(
        invoke(&second, "lock_check", json!({ "token": lease["token"] })),
        Ok(json!({ "held": false, "lease": null }))
    );
    assert_eq!(
        invoke(&second, "lock_release", json!({ "token": lease["token"] })).unwrap_err()["code"],
        "lock_not_held"
    );
    invoke(&first, "lock_release", json!({ "token": lease["token"] })).unwrap();
    assert_eq!(
        invoke(&first, "lock_check", json!({ "token": lease["token"] })),
        Ok(json!({ "held": false, "lease": null }))
    );
}

#[test]
fn a_two_window_deadlock_is_refused_to_the_window_that_would_close_it() {
    let (_app, first, second) = two_windows();
    acquire(&first, json!({ "name": "a" })).unwrap();
    let b = acquire(&second, json!({ "name": "b" })).unwrap();
    let first_waits = acquire_in_background(&first, json!({ "name": "b", "waitMs": 5000 }));
    assert_error(
        acquire(&second, json!({ "name": "a", "waitMs": 5000 })),
        "deadlock",
        &[
            r#"crm-2 waits for "a" held by crm-1"#,
            r#"crm-1 waits for "b" held by crm-2"#,
        ],
    );
    invoke(&second, "lock_release", json!({ "token": b["token"] })).unwrap();
    assert_eq!(first_waits.join().unwrap().unwrap()["name"], "b");
}

#[test]
fn bad_lock_arguments_are_invalid_argument_and_change_nothing() {
    let (_app, first, _) = two_windows();
    let held = acquire(&first, json!({ "name": "held" })).unwrap();
    let before = snapshot(&first)["locks"].clone();
    let calls = [
        ("lock_acquire", json!({ "name": "" })),
        ("lock_acquire", json!({ "name": "x".repeat(129) })),
        ("lock_acquire", json!({ "name": "line\nbreak" })),
        ("lock_acquire", json!({ "name": 7 })),
        ("lock_acquire", json!({})),
        ("lock_acquire", json!({ "name": "a", "mode": "sole" })),
        ("lock_acquire", json!({ "name": "a", "ttlMs": 99 })),
        ("lock_acquire", json!({ "name": "a", "ttlMs": 600_001 })),
        ("lock_acquire", json!({ "name": "a", "ttlMs": -5 })),
        ("lock_acquire", json!({ "name": "a", "ttlMs": 1.5 })),
        ("lock_acquire", json!({ "name": "a", "waitMs": 60_001 })),
        ("lock_acquire", json!({ "name": "a", "window": "crm-2" })),
        ("lock_release", json!({})),
        ("lock_release", json!({ "token": "t".repeat(65) })),
        ("lock_extend", json!({ "token": held["token"] })),
        (
            "lock_extend",
            json!({ "token": held["token"], "ttlMs": 50 }),
        ),
        ("lock_check", json!({ "token": 3 })),
    ];
    for (command, body) in calls {
        let error = invoke(&first, command, body.clone()).expect_err(command);
        assert_eq!(
            error["code"], "invalid_argument",
            "{command} {body}: {error}"
        );
        assert_eq!(error.as_object().unwrap().len(), 2, "{error}");
    }
    assert_eq!(snapshot(&first)["locks"], before);
}

#[test]
fn tokens_that_name_no_lease_are_not_held() {
    let (_app, first, _) = two_windows();
    for token in ["lease-999", "nonsense", ""] {
        let error = invoke(&first, "lock_release", json!({ "token": token })).unwrap_err();
        assert_eq!(error["code"], "lock_not_held", "{token:?}");
        assert_eq!(
            invoke(&first, "lock_check", json!({ "token": token })),
            Ok(json!({ "held": false, "lease": null })),
            "{token:?}"
        );
        let error = invoke(
            &first,
            "lock_extend",
            json!({ "token": token, "ttlMs": 1000 }),
        )
        .unwrap_err();
        assert_eq!(error["code"], "lock_not_held", "{token:?}");
    }
}

#[test]
fn asking_again_for_a_held_lock_fails_at_once_instead_of_hanging() {
    let (_app, first, _) = two_windows();
    acquire(&first, json!({ "name": "a" })).unwrap();
    assert_error(
        acquire(&first, json!({ "name": "a", "waitMs": 60_000 })),
        "deadlock",
        &["already holds"],
    );
}
