//! Contacts over IPC on the mock runtime, with a real store: create, list a
//! page, update and delete by version, every change announced to the other
//! windows, stale versions and agencies that are no longer selected
//! refused with nothing changed, and the agency modal's draft.

mod common;

use common::{
    app_in, assert_error, eventually, invoke, record_events, snapshot, two_windows, window, DataDir,
};
use serde_json::{json, Value};
use tauri::test::MockRuntime;
use tauri::{App, WebviewWindow};

/// An app with two windows and agency `name` created and selected.
fn two_windows_in_an_agency(dir: &DataDir) -> (App<MockRuntime>, Value) {
    let app = app_in(&dir.0);
    let (first, _) = two_windows(&app);
    let agency = select_new(&first, "Acme");
    (app, agency)
}

/// Creates agency `name` and selects it from `from`.
fn select_new(from: &WebviewWindow<MockRuntime>, name: &str) -> Value {
    let agency = invoke(from, "agency_create", json!({ "name": name })).unwrap();
    invoke(from, "agency_select", json!({ "agencyId": agency["id"] })).unwrap();
    agency
}

fn save(from: &WebviewWindow<MockRuntime>, contact: Value) -> Result<Value, Value> {
    invoke(from, "contact_save", json!({ "contact": contact }))
}

fn names(page: &Value) -> Vec<String> {
    page["contacts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn a_saved_contact_reaches_the_other_window_and_the_list() {
    let dir = DataDir::new("contacts-save");
    let (app, agency) = two_windows_in_an_agency(&dir);
    let (first, second) = (window(&app, "crm-1"), window(&app, "crm-2"));
    let heard = record_events(&second);
    let ada = save(
        &first,
        json!({ "name": "Ada Lovelace", "email": "ada@example.com", "stage": "qualified" }),
    )
    .unwrap();
    assert_eq!(ada["version"], 1);
    assert_eq!(ada["agencyId"], agency["id"]);
    assert_eq!(ada["updatedBy"], "crm-1");
    eventually("crm-2 to hear of the new contact", || {
        heard.lock().unwrap().iter().any(|e| {
            e["kind"] == "contacts-changed"
                && e["data"]["change"]["op"] == "saved"
                && e["data"]["change"]["contact"]["id"] == ada["id"]
                && e["data"]["by"] == "crm-1"
        })
    });
    let page = invoke(&second, "contacts_list", json!({})).unwrap();
    assert_eq!(
        (page["total"].clone(), names(&page)),
        (json!(1), vec!["Ada Lovelace".to_owned()])
    );
    assert_eq!(page["agencyId"], agency["id"]);
}

#[test]
fn pages_come_in_name_order_with_the_total() {
    let dir = DataDir::new("contacts-pages");
    let (app, _) = two_windows_in_an_agency(&dir);
    let first = window(&app, "crm-1");
    for name in ["delta", "Alpha", "charlie", "Bravo", "echo"] {
        save(&first, json!({ "name": name })).unwrap();
    }
    let page = invoke(&first, "contacts_list", json!({ "offset": 1, "limit": 2 })).unwrap();
    assert_eq!(page["total"], 5);
    assert_eq!(page["offset"], 1);
    assert_eq!(names(&page), ["Bravo", "charlie"]);
}

#[test]
fn two_windows_editing_one_contact_give_exactly_one_conflict_and_lose_nothing() {
    let dir = DataDir::new("contacts-conflict");
    let (app, _) = two_windows_in_an_agency(&dir);
    let (first, second) = (window(&app, "crm-1"), window(&app, "crm-2"));
    let read = save(&first, json!({ "name": "Grace" })).unwrap();
    let mut mine = read.clone();
    mine["phone"] = json!("+1 555 0100");
    let mut theirs = read.clone();
    theirs["company"] = json!("Navy");
    let saved = save(&first, mine).unwrap();
    assert_eq!(saved["version"], 2);
    assert_error(
        save(&second, theirs.clone()),
        "conflict",
        &["crm-1", "version 2"],
    );
    let stored = invoke(&second, "contact_get", json!({ "id": read["id"] })).unwrap();
    assert_eq!(stored["phone"], "+1 555 0100", "the first save is kept");
    // Overwriting is a deliberate second save at the version now stored.
    theirs["version"] = stored["version"].clone();
    let overwritten = save(&second, theirs).unwrap();
    assert_eq!(
        (
            overwritten["version"].clone(),
            overwritten["company"].clone()
        ),
        (json!(3), json!("Navy"))
    );
}

#[test]
fn a_save_aimed_at_an_agency_no_longer_selected_is_refused() {
    let dir = DataDir::new("contacts-agency");
    let (app, acme) = two_windows_in_an_agency(&dir);
    let (first, second) = (window(&app, "crm-1"), window(&app, "crm-2"));
    select_new(&second, "Globex");
    assert_error(
        save(&first, json!({ "name": "Late", "agencyId": acme["id"] })),
        "conflict",
        &["no longer selected", "Globex"],
    );
    invoke(&first, "agency_select", json!({ "agencyId": acme["id"] })).unwrap();
    let page = invoke(&first, "contacts_list", json!({})).unwrap();
    assert_eq!(page["total"], 0, "nothing was written to the old agency");
}

#[test]
fn deleting_checks_the_version_and_is_announced() {
    let dir = DataDir::new("contacts-delete");
    let (app, _) = two_windows_in_an_agency(&dir);
    let (first, second) = (window(&app, "crm-1"), window(&app, "crm-2"));
    let heard = record_events(&second);
    let read = save(&first, json!({ "name": "Linus" })).unwrap();
    let mut edited = read.clone();
    edited["notes"] = json!("met at the conference");
    save(&first, edited).unwrap();
    assert_error(
        invoke(
            &second,
            "contact_delete",
            json!({ "id": read["id"], "version": 1 }),
        ),
        "conflict",
        &["version 2"],
    );
    invoke(
        &second,
        "contact_delete",
        json!({ "id": read["id"], "version": 2 }),
    )
    .unwrap();
    eventually("crm-2 to hear of the deletion", || {
        heard
            .lock()
            .unwrap()
            .iter()
            .any(|e| e["kind"] == "contacts-changed" && e["data"]["change"]["op"] == "deleted")
    });
    assert_error(
        invoke(&first, "contact_get", json!({ "id": read["id"] })),
        "not_found",
        &[],
    );
}

#[test]
fn bad_contacts_are_refused_and_change_nothing() {
    let dir = DataDir::new("contacts-bad");
    let (app, _) = two_windows_in_an_agency(&dir);
    let first = window(&app, "crm-1");
    let seq = snapshot(&first)["seq"].clone();
    let cases = [
        (
            json!({ "contact": { "name": "" } }),
            "invalid_argument",
            "name",
        ),
        (
            json!({ "contact": { "name": "x".repeat(121) } }),
            "invalid_argument",
            "120",
        ),
        (
            json!({ "contact": { "name": "A", "email": "not-an-email" } }),
            "invalid_argument",
            "email",
        ),
        (
            json!({ "contact": { "name": "A", "stage": "dreaming" } }),
            "invalid_argument",
            "stage",
        ),
        (
            json!({ "contact": { "name": "A", "colour": "red" } }),
            "invalid_argument",
            "colour",
        ),
        (
            json!({ "contact": { "id": "nope", "version": 1, "name": "A" } }),
            "not_found",
            "nope",
        ),
        (json!({}), "invalid_argument", "contact"),
    ];
    for (args, code, mention) in cases {
        assert_error(invoke(&first, "contact_save", args), code, &[mention]);
    }
    assert_error(
        invoke(
            &first,
            "contact_delete",
            json!({ "id": "nope", "version": 1 }),
        ),
        "not_found",
        &["nope"],
    );
    assert_eq!(
        invoke(&first, "contacts_list", json!({})).unwrap()["total"],
        0
    );
    assert_eq!(snapshot(&first)["seq"], seq, "no event was sent");
}

#[test]
fn without_an_agency_contacts_are_refused_plainly() {
    let dir = DataDir::new("contacts-none");
    let app = app_in(&dir.0);
    assert_error(
        invoke(&window(&app, "crm-1"), "contacts_list", json!({})),
        "conflict",
        &["no agency is selected"],
    );
}

#[test]
fn the_presenter_alone_keeps_a_draft_of_the_agency_modal() {
    let dir = DataDir::new("contacts-draft");
    let app = app_in(&dir.0);
    let (first, second) = two_windows(&app);
    let draft = json!({ "kind": "agency-selection", "text": "Acme Realty" });
    invoke(&first, "modal_draft_report", draft.clone()).unwrap();
    assert_error(
        invoke(&second, "modal_draft_report", draft),
        "invalid_argument",
        &["crm-2 does not present"],
    );
    assert_eq!(
        invoke(&second, "modal_draft", json!({})).unwrap(),
        json!({ "kind": "agency-selection", "text": "Acme Realty", "window": "crm-1" })
    );
}

#[test]
fn a_change_says_where_the_contact_stands_and_a_page_which_event_it_shows() {
    let dir = DataDir::new("contacts-positions");
    let (app, _) = two_windows_in_an_agency(&dir);
    let (first, second) = (window(&app, "crm-1"), window(&app, "crm-2"));
    for name in ["Bea", "dan", "Eli"] {
        save(&first, json!({ "name": name })).unwrap();
    }
    let heard = record_events(&second);
    let cai = save(&first, json!({ "name": "cai" })).unwrap();
    // cai's own events: the last of the earlier saves may still be on its
    // way to crm-2 when the recording starts.
    let change = |op: &'static str| {
        let heard = heard.clone();
        let id = cai["id"].clone();
        move || {
            heard
                .lock()
                .unwrap()
                .iter()
                .find(|e| {
                    let change = &e["data"]["change"];
                    e["kind"] == "contacts-changed"
                        && change["op"] == op
                        && (change["contact"]["id"] == id || change["id"] == id)
                })
                .cloned()
        }
    };
    eventually("crm-2 hears of cai", || change("saved")().is_some());
    let saved = change("saved")().unwrap();
    // Bea, cai, dan, Eli: NOCASE order, decided by the store alone.
    assert_eq!(saved["data"]["change"]["position"], 1);
    let page = invoke(&second, "contacts_list", json!({})).unwrap();
    assert_eq!(names(&page), ["Bea", "cai", "dan", "Eli"]);
    assert!(
        page["seq"].as_u64().unwrap() >= saved["seq"].as_u64().unwrap(),
        "the page shows cai, so it is as of cai's event or later: {page}"
    );
    invoke(
        &first,
        "contact_delete",
        json!({ "id": cai["id"], "version": cai["version"] }),
    )
    .unwrap();
    eventually("crm-2 hears of the deletion", || {
        change("deleted")().is_some()
    });
    let deleted = change("deleted")().unwrap();
    assert_eq!(deleted["data"]["change"]["position"], 1);
    assert!(deleted["seq"].as_u64().unwrap() > page["seq"].as_u64().unwrap());
}

#[test]
fn one_page_holds_at_most_5000_contacts_and_the_total_says_how_many_there_are() {
    let dir = DataDir::new("contacts-page-cap");
    let (app, agency) = two_windows_in_an_agency(&dir);
    let agency_id = agency["id"].as_str().unwrap().to_owned();
    let drafts: Vec<axolop_store::ContactDraft> = (0..5_200)
        .map(|n| axolop_store::ContactDraft {
            name: format!("Contact {n:05}"),
            ..Default::default()
        })
        .collect();
    axolop_desktop::crm::now(app.handle(), |store| {
        Ok(store.insert_contacts(&agency_id, &drafts, "crm-1", 0)?)
    })
    .unwrap();
    let first = window(&app, "crm-1");
    let all = invoke(&first, "contacts_list", json!({})).unwrap();
    assert_eq!(all["total"], 5_200);
    assert_eq!(all["contacts"].as_array().unwrap().len(), 5_000);
    let rest = invoke(&first, "contacts_list", json!({ "offset": 5_000 })).unwrap();
    assert_eq!(rest["contacts"].as_array().unwrap().len(), 200);
}
