//! Window health on real windows: a primary whose page runs a 12-second
//! busy loop stops beating, loses primacy and its locks within the
//! heartbeat timeout plus a second, and comes back as a secondary; given a
//! key meanwhile, it loses them as soon as WebKit finds it stuck; a window
//! whose web process is killed loses its locks at once (a window waiting
//! for one gets it well within the heartbeat timeout) and is reloaded with
//! a notice.

use std::time::{Duration, Instant};

use axolop_e2e::{wait_for, App, PATIENCE};
use serde_json::json;

/// The default heartbeat timeout.
const TIMEOUT: Duration = Duration::from_secs(5);

/// The state window `label` lists `of` in, e.g. `unresponsive`.
fn listed_state(app: &App, label: &str, of: &str) -> String {
    app.execute(
        label,
        "const li = document.querySelector(`[data-testid=window-list] li[data-window-label=\"${arguments[0]}\"]`);
         return li ? li.dataset.state : '';",
        json!([of]),
    )
    .as_str()
    .unwrap_or_default()
    .to_owned()
}

#[test]
fn a_hung_primary_loses_primacy_and_locks_then_returns_as_a_secondary() {
    let app = App::launch("health-hang");
    app.open_window_from("crm-1");
    let lease = app
        .invoke(
            "crm-1",
            "lock_acquire",
            json!({ "name": "report", "ttlMs": 600_000 }),
        )
        .unwrap();

    // crm-2 notes (on the page clock, the machine's wall clock) when it
    // becomes primary.
    app.execute(
        "crm-2",
        "const role = document.querySelector('[data-testid=window-role]');
         window.__primaryAt = null;
         new MutationObserver(() => {
           if (role.textContent === 'primary' && window.__primaryAt === null) window.__primaryAt = Date.now();
         }).observe(role, { childList: true, characterData: true, subtree: true });
         return true;",
        json!([]),
    );
    // Then crm-1's main thread is busy for 12 s: no heartbeat, no events.
    // Started from a timer, as WebDriver waits for a script's own turn.
    app.execute(
        "crm-1",
        "setTimeout(() => {
           window.__hungAt = Date.now();
           const end = Date.now() + 12000;
           while (Date.now() < end) {}
         }, 300);
         return true;",
        json!([]),
    );
    wait_for("crm-2 to become primary", PATIENCE, || {
        Ok((app.role("crm-2") == "primary").then_some(()))
    })
    .unwrap();
    assert_eq!(listed_state(&app, "crm-2", "crm-1"), "unresponsive");
    // Its lock was released: another window takes it at once.
    let taken = app
        .invoke(
            "crm-2",
            "lock_acquire",
            json!({ "name": "report", "waitMs": 0 }),
        )
        .unwrap();
    assert!(taken["fence"].as_u64() > lease["fence"].as_u64());

    // The loop ends; the next beat brings crm-1 back, as a secondary.
    wait_for("crm-1 to come back", PATIENCE, || {
        Ok((listed_state(&app, "crm-2", "crm-1") == "ready").then_some(()))
    })
    .unwrap();
    app.wait_role("crm-1", "secondary");
    assert_eq!(app.role("crm-2"), "primary");
    let hung_at = app.execute("crm-1", "return window.__hungAt;", json!([]));
    let primary_at = app.execute("crm-2", "return window.__primaryAt;", json!([]));
    let took = Duration::from_millis(primary_at.as_u64().unwrap() - hung_at.as_u64().unwrap());
    assert!(
        took <= TIMEOUT + Duration::from_secs(1),
        "primacy moved {took:?} after the page hung"
    );
    let check = app
        .invoke("crm-1", "lock_check", json!({ "token": lease["token"] }))
        .unwrap();
    assert_eq!(check["held"], false, "the lease it held is gone");
}

#[test]
fn a_stuck_page_given_input_loses_primacy_long_before_its_heartbeat_timeout() {
    // A minute's timeout: only WebKit's own signal can act within the hang.
    let app = App::launch_with("health-input", &[("AXOLOP_HEARTBEAT_TIMEOUT_MS", "60000")]);
    let second = app.open_window_from("crm-1");
    app.wait_ready(&second);
    app.execute(
        "crm-1",
        "setTimeout(() => {
           const end = Date.now() + 10000;
           while (Date.now() < end) {}
         }, 300);
         return true;",
        json!([]),
    );
    std::thread::sleep(Duration::from_millis(800));
    // A key the stuck page cannot answer; WebKit notices in about 3 s.
    app.type_keys("crm-1", "a");
    let typed = Instant::now();
    wait_for("crm-2 to become primary", PATIENCE, || {
        Ok((app.role(&second) == "primary").then_some(()))
    })
    .unwrap();
    let took = typed.elapsed();
    assert!(
        took < Duration::from_secs(8),
        "primacy moved {took:?} after the key, the page still stuck"
    );
    assert_eq!(listed_state(&app, &second, "crm-1"), "unresponsive");
    // The loop ends and its beats bring the window back, as a secondary.
    wait_for("crm-1 to come back", PATIENCE, || {
        Ok((listed_state(&app, &second, "crm-1") == "ready").then_some(()))
    })
    .unwrap();
    app.wait_role("crm-1", "secondary");
}

/// How many CRM windows the X display shows, by their titles.
fn crm_windows_on_screen() -> usize {
    axolop_e2e::x_windows(r"Axolop CRM \([0-9]+\)$").len()
}

#[test]
fn a_crashed_web_process_is_marked_at_once_and_its_page_comes_back_with_a_notice() {
    let app = App::launch("health-crash");
    app.open_window_from("crm-1");
    app.invoke(
        "crm-2",
        "lock_acquire",
        json!({ "name": "report", "ttlMs": 600_000 }),
    )
    .unwrap();
    // crm-1 waits for crm-2's lock. The driver cannot ask crm-1 anything
    // once crm-2's web process is dead, so crm-1's page says it got the
    // lock by opening a window, which the X display shows.
    app.execute(
        "crm-1",
        "const invoke = window.__TAURI__.core.invoke;
         invoke('lock_acquire', { name: 'report', waitMs: 60000 })
           .then(() => invoke('window_open'));
         return true;",
        json!([]),
    );
    wait_for("crm-1 to wait for report", PATIENCE, || {
        let snapshot = app.invoke("crm-1", "coordinator_snapshot", json!({}));
        let waiting = snapshot.unwrap()["locks"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|lock| lock["name"] == "report" && lock["waiting"] == json!(["crm-1"]));
        Ok(waiting.then_some(()))
    })
    .unwrap();
    let windows = crm_windows_on_screen();
    app.focus_driver_on("crm-1");
    let killed = Instant::now();
    app.kill_newest_web_process();
    wait_for("crm-1 to get crm-2's lock", PATIENCE, || {
        Ok((crm_windows_on_screen() > windows).then_some(()))
    })
    .unwrap();
    let passed_on = killed.elapsed();
    assert!(
        passed_on < TIMEOUT,
        "crm-2's lock passed on {passed_on:?} after its web process died, not at once"
    );
    // WebKitWebDriver's session does not survive a page's web process
    // dying, so the app's log tells the story from here.
    let lines = [
        "the window's page died; reloading it window=crm-2",
        "window responding again (its page reloaded) window=crm-2",
        "notices given to the window's page window=crm-2",
    ];
    let log = wait_for("crm-2 to be marked, reloaded and told", PATIENCE, || {
        let log = app.log();
        Ok(lines.iter().all(|line| log.contains(line)).then_some(log))
    })
    .unwrap_or_else(|e| panic!("{e}\n{}", app.log()));
    // Marked when it died, not a heartbeat timeout later.
    assert!(killed.elapsed() < Duration::from_secs(10));
    assert!(
        !log.contains("window not responding (no heartbeat) window=crm-2"),
        "crm-2 was only caught by the heartbeat timeout"
    );
    assert!(!log.contains("window not responding (no heartbeat) window=crm-1"));
}

#[test]
fn a_window_whose_page_keeps_crashing_is_left_showing_so_instead_of_reloading_forever() {
    let app = App::launch("health-crash-loop");
    app.open_window_from("crm-1");
    app.wait_ready("crm-2");
    let reloads = |app: &App| {
        app.log()
            .matches("window responding again (its page reloaded) window=crm-2")
            .count()
    };
    for crash in 1..=3 {
        let before = reloads(&app);
        app.kill_newest_web_process();
        if crash < 3 {
            wait_for(
                &format!("crm-2 reloaded after crash {crash}"),
                PATIENCE,
                || Ok((reloads(&app) > before).then_some(())),
            )
            .unwrap_or_else(|e| panic!("{e}\n{}", app.log()));
        }
    }
    wait_for("the app to give up on crm-2", PATIENCE, || {
        Ok(app
            .log()
            .contains("the window keeps crashing: not reloading it again window=crm-2")
            .then_some(()))
    })
    .unwrap_or_else(|e| panic!("{e}\n{}", app.log()));
    // Its page shows the message and runs nothing: it never attaches again.
    let settled = reloads(&app);
    std::thread::sleep(Duration::from_secs(3));
    assert_eq!(reloads(&app), settled, "crm-2 was reloaded again");
    // The other window is untouched (WebKitWebDriver's session does not
    // survive a crash, so the log tells).
    assert!(!app.log().contains("window=crm-1 reason="), "{}", app.log());
    assert!(!app
        .log()
        .contains("window not responding (no heartbeat) window=crm-1"));
}
