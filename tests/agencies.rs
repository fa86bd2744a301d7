//! Agencies over IPC on the mock runtime, with a real store in a temporary
//! data directory: create, list, select for every window by
//! compare-and-set, and the selection restored after a restart.

mod common;

use std::path::{Path, PathBuf};

use axolop_desktop::{agencies, configure, crm};
use common::{assert_error, eventually, invoke, record_events, snapshot, window};
use serde_json::{json, Value};
use tauri::test::{mock_builder, mock_context, noop_assets, MockRuntime};
use tauri::App;

/// A data directory removed on drop.
struct DataDir(PathBuf);

impl DataDir {
    fn new(test: &str) -> Self {
        let dir =
            std::env::temp_dir().join(format!("axolop-agencies-{}-{test}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }
}

impl Drop for DataDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A local-mode mock app with its store in `dir`, the selection restored.
fn app_in(dir: &Path) -> App<MockRuntime> {
    let dir = dir.to_path_buf();
    let mut app = configure(mock_builder(), move |app| crm::open(app, &dir).map(drop))
        .build(mock_context(noop_assets()))
        .expect("mock app");
    #[allow(deprecated)]
    app.run_iteration(|_, _| {});
    tauri::async_runtime::block_on(agencies::restore_local(app.handle())).unwrap();
    app
}

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
    let dir = DataDir::new("list");
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
    let dir = DataDir::new("bad");
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
    let dir = DataDir::new("select");
    let app = app_in(&dir.0);
    let first = window(&app, "crm-1");
    snapshot(&first);
    invoke(&first, "window_open", json!({})).unwrap();
    let second = window(&app, "crm-2");
    snapshot(&second);
    let received = record_events(&second);
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
    let dir = DataDir::new("restart");
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
}

#[test]
fn a_window_holding_the_agency_lock_itself_is_refused_at_once() {
    let dir = DataDir::new("own-lock");
    let app = app_in(&dir.0);
    let first = window(&app, "crm-1");
    let acme = create(&app, "Acme");
    invoke(&first, "lock_acquire", json!({ "name": "agency" })).unwrap();
    assert_error(
        invoke(&first, "agency_select", json!({ "agencyId": acme["id"] })),
        "deadlock",
        &["agency"],
    );
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
