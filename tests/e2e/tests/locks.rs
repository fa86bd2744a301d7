//! Named locks across real windows: a waiter is granted when the holder's
//! window closes or reloads, a two-window deadlock is reported to exactly
//! one of them, and every window shows the live lock state.

use std::time::Duration;

use axolop_e2e::{wait_for, App, PATIENCE};
use serde_json::{json, Value};

/// The lock list window `label` renders: `(name, text)` per lock.
fn rendered_locks(app: &App, label: &str) -> Vec<(String, String)> {
    let value = app.execute(
        label,
        "return [...document.querySelectorAll('[data-testid=lock]')]
           .map((item) => [item.dataset.lockName, item.textContent]);",
        json!([]),
    );
    serde_json::from_value(value).unwrap_or_default()
}

fn wait_rendered(app: &App, label: &str, what: &str, check: impl Fn(&[(String, String)]) -> bool) {
    wait_for(&format!("{label} to show {what}"), PATIENCE, || {
        Ok(check(&rendered_locks(app, label)).then_some(()))
    })
    .unwrap();
}

fn fence(lease: &Value) -> u64 {
    lease["fence"].as_u64().expect("a lease has a fence")
}

#[test]
fn a_waiter_is_granted_when_the_holders_window_closes() {
    let app = App::launch("lock-close");
    app.open_window_from("crm-1");
    let held = app
        .invoke(
            "crm-1",
            "lock_acquire",
            json!({ "name": "report", "waitMs": 0 }),
        )
        .expect("crm-1 takes the lock");
    app.start(
        "crm-2",
        "report",
        "lock_acquire",
        json!({ "name": "report", "waitMs": 20_000 }),
    );
    // Both windows show who holds and who waits.
    for label in ["crm-1", "crm-2"] {
        wait_rendered(&app, label, "crm-2 waiting for report", |locks| {
            locks.len() == 1 && locks[0].0 == "report" && locks[0].1.contains("1 waiting")
        });
    }
    assert_eq!(app.outcome("crm-2", "report"), None, "crm-2 waits");

    app.close_window("crm-1");
    let granted = app
        .wait_outcome("crm-2", "report")
        .expect("crm-2 is granted");
    assert!(fence(&granted) > fence(&held), "{granted} after {held}");
    wait_rendered(&app, "crm-2", "itself holding report", |locks| {
        locks.len() == 1
            && locks[0].1.contains("this window")
            && locks[0].1.contains("none waiting")
    });
}

#[test]
fn a_waiter_is_granted_when_the_holders_page_reloads() {
    let app = App::launch("lock-reload");
    app.open_window_from("crm-1");
    app.invoke(
        "crm-1",
        "lock_acquire",
        json!({ "name": "agency", "waitMs": 0 }),
    )
    .expect("crm-1 takes the lock");
    app.start(
        "crm-2",
        "agency",
        "lock_acquire",
        json!({ "name": "agency", "waitMs": 20_000 }),
    );
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(app.outcome("crm-2", "agency"), None, "crm-2 waits");

    app.execute(
        "crm-1",
        "setTimeout(() => location.reload(), 0); return true;",
        json!([]),
    );
    app.wait_outcome("crm-2", "agency")
        .expect("crm-2 is granted");
    app.wait_ready("crm-1");
    // The reloaded page is a new holder: it does not hold the lock.
    let error = app
        .invoke(
            "crm-1",
            "lock_acquire",
            json!({ "name": "agency", "waitMs": 0 }),
        )
        .unwrap_err();
    assert_eq!(error["code"], "lock_unavailable", "{error}");
}

#[test]
fn a_two_window_deadlock_is_reported_to_exactly_one_of_them() {
    let app = App::launch("lock-deadlock");
    app.open_window_from("crm-1");
    app.invoke("crm-1", "lock_acquire", json!({ "name": "a" }))
        .unwrap();
    let b = app
        .invoke("crm-2", "lock_acquire", json!({ "name": "b" }))
        .unwrap();
    app.start(
        "crm-1",
        "b",
        "lock_acquire",
        json!({ "name": "b", "waitMs": 20_000 }),
    );
    wait_rendered(&app, "crm-2", "crm-1 waiting for b", |locks| {
        locks
            .iter()
            .any(|(name, text)| name == "b" && text.contains("1 waiting"))
    });
    app.start(
        "crm-2",
        "a",
        "lock_acquire",
        json!({ "name": "a", "waitMs": 20_000 }),
    );

    let refused = app
        .wait_outcome("crm-2", "a")
        .expect_err("crm-2 closes the cycle");
    assert_eq!(refused["code"], "deadlock");
    let message = refused["message"].as_str().unwrap();
    assert!(
        message.contains(r#"crm-2 waits for "a" held by crm-1"#),
        "{message}"
    );
    // The other keeps waiting, and is granted once the cycle is broken.
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(app.outcome("crm-1", "b"), None, "crm-1 keeps waiting");
    app.invoke("crm-2", "lock_release", json!({ "token": b["token"] }))
        .unwrap();
    assert_eq!(app.wait_outcome("crm-1", "b").unwrap()["name"], "b");
}

#[test]
fn with_lock_holds_the_lock_while_its_task_runs_and_always_releases_it() {
    let app = App::launch("lock-helper");
    app.open_window_from("crm-1");
    let outcome = app.execute_async(
        "crm-1",
        "const done = arguments[arguments.length - 1];
         const { withLock } = window.__axolop;
         const invoke = window.__TAURI__.core.invoke;
         (async () => {
           const inside = await withLock('contacts', async (lease) => {
             const check = await invoke('lock_check', { token: lease.token });
             return { held: check.held, fence: lease.fence };
           });
           let thrown = null;
           try {
             await withLock('contacts', async () => { throw new Error('task failed'); });
           } catch (error) { thrown = String(error.message); }
           const after = await invoke('lock_acquire', { name: 'contacts', waitMs: 0 });
           return { inside, thrown, free: after.fence > inside.fence };
         })().then(done, (error) => done({ error: String(error) }));",
    );
    assert_eq!(outcome["inside"]["held"], true, "{outcome}");
    assert_eq!(outcome["thrown"], "task failed", "{outcome}");
    assert_eq!(
        outcome["free"], true,
        "released after success and failure: {outcome}"
    );
}
