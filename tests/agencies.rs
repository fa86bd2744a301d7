//! Agencies over IPC on the mock runtime, with a real store in a temporary
//! data directory: create, list, select for every window by
//! compare-and-set, and the selection restored after a restart.

mod common;

use common::{
    app_in, assert_error, eventually, invoke, record_events, snapshot, two_windows, window, DataDir,
};
use serde_json::{json, Value};
use tauri::test::MockRuntime;
use tauri::App;

fn create(app: &App<MockRuntime>, name: &str) -> Value {
    invoke(
        &window(app, "crm-1"),
        "agency_create",
        json!({ "name": name }),
    )
    .unwrap()
}

#[test]
fn created_agencies_are_listed_by_name() {
    let dir = DataDir::new("agencies-list");
    let app = app_in(&dir.0);
    create(&app, "Zeta Realty");
    let acme = create(&app, "Acme");
    assert_eq!(acme["name"], "Acme");
    let listed = invoke(&window(&app, "crm-1"), "agency_list", json!({})).unwrap();
    let names: Vec<_> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].clone())
        .collect();
    assert_eq!(names, [json!("Acme"), json!("Zeta Realty")]);
}

#[test]
fn bad_names_and_unknown_agencies_are_refused_and_change_nothing() {
    let dir = DataDir::new("agencies-bad");
    let app = app_in(&dir.0);
    let first = window(&app, "crm-1");
    assert_error(
        invoke(&first, "agency_create", json!({ "name": "" })),
        "invalid_argument",
        &["name"],
    );
    assert_error(
        invoke(&first, "agency_create", json!({ "name": "x".repeat(121) })),
        "invalid_argument",
        &["120"],
    );
    assert_error(
        invoke(&first, "agency_select", json!({ "agencyId": "nope" })),
        "not_found",
        &[],
    );
    assert_eq!(invoke(&first, "agency_list", json!({})).unwrap(), json!([]));
    assert_eq!(snapshot(&first)["agency"]["version"], 0);
}

#[test]
fn selecting_an_agency_reaches_every_window_and_a_stale_version_is_a_conflict() {
    let dir = DataDir::new("agencies-select");
    let app = app_in(&dir.0);
    let (first, second) = two_windows(&app);
    let received = record_events(&second);
    let asking = json!({ "required": "agency-selection", "presenter": "crm-1" });
    assert_eq!(snapshot(&second)["modal"], asking);
    let acme = create(&app, "Acme");
    let summary = invoke(
        &first,
        "agency_select",
        json!({ "agencyId": acme["id"], "expectedVersion": 0 }),
    )
    .unwrap();
    assert_eq!(
        summary,
        json!({ "selected": { "id": acme["id"], "name": "Acme" }, "version": 1, "changedBy": "crm-1" })
    );
    eventually("crm-2 to hear of it", || {
        received
            .lock()
            .unwrap()
            .iter()
            .any(|e| e["kind"] == "agency-changed")
    });
    assert_eq!(snapshot(&second)["agency"]["selected"]["name"], "Acme");
    assert_eq!(snapshot(&second)["modal"]["required"], Value::Null);
    // crm-2 still thinks the selection is at version 0.
    let other = create(&app, "Other");
    assert_error(
        invoke(
            &second,
            "agency_select",
            json!({ "agencyId": other["id"], "expectedVersion": 0 }),
        ),
        "conflict",
        &["version 1"],
    );
    assert_eq!(snapshot(&second)["agency"]["selected"]["name"], "Acme");
    // The selection was made under the agency lock, and let go of.
    assert_eq!(snapshot(&first)["locks"], json!([]));
}

#[test]
fn the_selection_survives_a_restart() {
    let dir = DataDir::new("agencies-restart");
    {
        let app = app_in(&dir.0);
        let acme = create(&app, "Acme");
        invoke(
            &window(&app, "crm-1"),
            "agency_select",
            json!({ "agencyId": acme["id"] }),
        )
        .unwrap();
    }
    let app = app_in(&dir.0);
    let agency = snapshot(&window(&app, "crm-1"))["agency"].clone();
    assert_eq!(agency["selected"]["name"], "Acme");
    assert_eq!(agency["version"], 1);
    assert_eq!(
        snapshot(&window(&app, "crm-1"))["modal"]["required"],
        Value::Null,
        "an agency chosen in the last run is not asked for again"
    );
}

#[test]
fn a_window_holding_a_lock_named_agency_still_selects_an_agency() {
    let dir = DataDir::new("agencies-own-lock");
    let app = app_in(&dir.0);
    let first = window(&app, "crm-1");
    let acme = create(&app, "Acme");
    let lease = invoke(&first, "lock_acquire", json!({ "name": "agency" })).unwrap();
    let selected = invoke(&first, "agency_select", json!({ "agencyId": acme["id"] })).unwrap();
    assert_eq!(selected["selected"]["name"], "Acme");
    // The page's own lease is untouched by the app's selection.
    let check = invoke(&first, "lock_check", json!({ "token": lease["token"] })).unwrap();
    assert_eq!(check["held"], true);
}

#[test]
fn a_refused_selection_changes_nothing_on_disk_or_in_any_window() {
    let dir = DataDir::new("agencies-refused");
    {
        let app = app_in(&dir.0);
        let first = window(&app, "crm-1");
        let acme = create(&app, "Acme");
        let globex = create(&app, "Globex");
        invoke(&first, "agency_select", json!({ "agencyId": acme["id"] })).unwrap();
        assert_error(
            invoke(
                &first,
                "agency_select",
                json!({ "agencyId": globex["id"], "expectedVersion": 0 }),
            ),
            "conflict",
            &[],
        );
        let agency = snapshot(&first)["agency"].clone();
        assert_eq!(
            (
                agency["selected"]["name"].clone(),
                agency["version"].clone()
            ),
            (json!("Acme"), json!(1))
        );
    }
    // What was saved for the next start is the accepted selection.
    let app = app_in(&dir.0);
    let agency = snapshot(&window(&app, "crm-1"))["agency"].clone();
    assert_eq!(agency["selected"]["name"], "Acme");
    assert_eq!(agency["version"], 1);
}

#[test]
fn without_a_database_the_agency_commands_say_so_plainly() {
    let app = common::app();
    assert_error(
        invoke(&window(&app, "crm-1"), "agency_list", json!({})),
        "internal",
        &["CRM database is not available"],
    );
}

#[test]
fn a_corrupt_database_is_moved_aside_and_every_window_is_told() {
    let dir = DataDir::new("agencies-corrupt");
    std::fs::write(
        dir.0.join("axolop.sqlite3"),
        b"this is not a database, not even close",
    )
    .unwrap();
    let app = app_in(&dir.0);
    let notices = invoke(&window(&app, "crm-1"), "app_notices", json!({})).unwrap();
    let text = notices[0].as_str().unwrap_or_default().to_owned();
    assert!(
        text.contains("corrupt") && text.contains(".corrupt-"),
        "{notices}"
    );
    // A fresh database works.
    assert_eq!(create(&app, "Acme")["name"], "Acme");
    let moved: Vec<_> = std::fs::read_dir(&dir.0)
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().contains(".corrupt-"))
        .collect();
    assert_eq!(moved.len(), 1);
}
