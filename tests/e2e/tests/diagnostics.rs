//! The diagnostics window, end to end: the shortcut opens one, its live
//! view follows a new window, a lock and a change of primary as the events
//! arrive, and it never keeps the app running on its own.

use axolop_e2e::{wait_for, wait_until_ended, App, PATIENCE};
use serde_json::{json, Value};

const DIAGNOSTICS: &str = "diagnostics";

/// How long the diagnostics view took to show event `seq` after it
/// arrived, in milliseconds (the page's own clock), once it has.
fn followed_in(app: &App, seq: u64) -> Option<f64> {
    let times = app.execute(
        DIAGNOSTICS,
        "const t = window.__diagnostics; const s = arguments[0];
         return [t.arrived[s] ?? null, t.drawn[s] ?? null];",
        json!([seq]),
    );
    match (&times[0], &times[1]) {
        (Value::Number(arrived), Value::Number(drawn)) => Some(drawn.as_f64()? - arrived.as_f64()?),
        _ => None,
    }
}

/// The newest event the diagnostics view shows, once it shows `check`.
fn shows(app: &App, what: &str, script: &str, args: Value) -> u64 {
    wait_for(what, PATIENCE, || {
        let value = app.execute(DIAGNOSTICS, script, args.clone());
        Ok((value == json!(true)).then(|| {
            app.execute(
                DIAGNOSTICS,
                "return Number(document.documentElement.dataset.seq);",
                json!([]),
            )
            .as_u64()
            .expect("a drawn sequence number")
        }))
    })
    .unwrap()
}

#[test]
fn the_shortcut_opens_one_diagnostics_window_that_follows_the_coordination() {
    let app = App::launch("diagnostics");
    app.type_keys("crm-1", "ctrl+shift+d");
    app.wait_for_labels(&["crm-1", DIAGNOSTICS]);
    // Asked again: the same window comes forward, no second one.
    app.type_keys("crm-1", "ctrl+shift+d");
    std::thread::sleep(std::time::Duration::from_millis(500));
    assert_eq!(app.labels(), ["crm-1", DIAGNOSTICS]);
    shows(
        &app,
        "crm-1 as the primary",
        "return document.querySelector('[data-testid=diag-primary]')?.textContent === 'crm-1';",
        json!([]),
    );

    // It is no CRM window: not listed, not counted.
    let snapshot = app
        .invoke("crm-1", "coordinator_snapshot", json!({}))
        .unwrap();
    assert_eq!(snapshot["windows"].as_array().unwrap().len(), 1);

    let second = app.open_window_from("crm-1");
    app.wait_ready(&second);
    shows(
        &app,
        "two windows",
        "return document.querySelectorAll('[data-testid=diag-window]').length === 2;",
        json!([]),
    );

    // A lock: shown with its holder as the event arrives.
    app.invoke(
        &second,
        "lock_acquire",
        json!({ "name": "notes", "ttlMs": 60000 }),
    )
    .unwrap();
    let seq = shows(
        &app,
        "the lock held by the second window",
        "const row = document.querySelector('[data-testid=diag-lock][data-name=notes]');
         return !!row && row.querySelector('[data-testid=diag-lock-holders]').textContent.includes(arguments[0]);",
        json!([second]),
    );
    let lock_ms = followed_in(&app, seq).expect("drawn from the lock's event");

    // A change of primary: crm-1 closes, the second window leads.
    app.close_window("crm-1");
    let seq = shows(
        &app,
        "the new primary and the election's cause",
        "const first = document.querySelector('[data-testid=diag-election]');
         return document.querySelector('[data-testid=diag-primary]')?.textContent === arguments[0]
           && first?.dataset.cause === 'closed';",
        json!([second]),
    );
    let primary_ms = followed_in(&app, seq).expect("drawn from the election's events");
    println!(
        "diagnostics view followed a lock in {lock_ms:.1} ms, a new primary in {primary_ms:.1} ms"
    );
    // Drawn from the events, not from the page's 250 ms timer.
    assert!(lock_ms < 250.0 && primary_ms < 250.0);

    // Closing the last CRM window quits, diagnostics window or not.
    let pid = app.app_pid();
    app.invoke_detached(&second, "window_close");
    wait_until_ended(pid).unwrap();
}

/// Presses "Run all checks" in the diagnostics window and waits for the
/// report; returns each check's id, outcome and detail.
fn run_all_checks(app: &App) -> Vec<(String, String, String)> {
    app.open_diagnostics_from("crm-1");
    app.click(DIAGNOSTICS, "[data-testid=checks-run]");
    let rows = wait_for(
        "the self-test's report",
        std::time::Duration::from_secs(150),
        || {
            let done = app.execute(
                DIAGNOSTICS,
                "const button = document.querySelector('[data-testid=checks-run]');
                 if (button.disabled) return null;
                 return [...document.querySelectorAll('[data-testid=check]')]
                   .map((row) => [row.dataset.id, row.dataset.outcome,
                                  row.querySelector('[data-testid=check-detail]').textContent]);",
                json!([]),
            );
            Ok(done.as_array().filter(|rows| !rows.is_empty()).cloned())
        },
    )
    .unwrap();
    rows.iter()
        .map(|row| {
            let text = |i: usize| row[i].as_str().unwrap_or_default().to_owned();
            (text(0), text(1), text(2))
        })
        .collect()
}

#[test]
fn run_all_checks_passes_and_a_broken_check_says_what_it_saw() {
    let app = App::launch("checks");
    let results = run_all_checks(&app);
    let ids: Vec<_> = results.iter().map(|(id, ..)| id.as_str()).collect();
    for id in [
        "election",
        "events",
        "lock-fifo",
        "lock-deadlock",
        "health",
        "modals",
        "session",
    ] {
        assert!(ids.contains(&id), "{id} ran: {ids:?}");
    }
    for (id, outcome, detail) in &results {
        let expected = if id == "session" { "skipped" } else { "passed" };
        assert_eq!(outcome, expected, "{id}: {detail}");
    }
    // The self-test's windows came and went; the user's are as they were.
    assert_eq!(app.labels(), ["crm-1", DIAGNOSTICS]);
    drop(app);

    let app = App::launch_with("checks-broken", &[("AXOLOP_SELF_TEST_BREAK", "lock-fifo")]);
    let results = run_all_checks(&app);
    let (_, outcome, detail) = results
        .iter()
        .find(|(id, ..)| id == "lock-fifo")
        .expect("the FIFO check ran");
    assert_eq!(outcome, "failed");
    assert!(detail.contains("expected"), "{detail}");
    let status = app.text(DIAGNOSTICS, "checks-status").unwrap_or_default();
    assert!(status.contains("failed"), "{status}");
}
