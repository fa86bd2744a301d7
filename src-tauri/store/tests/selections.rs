//! The persisted agency selection of each owner.

mod common;

use axolop_store::{Store, StoreError, StoredSelection};
use common::{NOW, OWNER, WINDOW};

fn selection_of(agency_id: &str, version: u64) -> StoredSelection {
    StoredSelection {
        agency_id: Some(agency_id.to_owned()),
        version,
        changed_by: Some(WINDOW.to_owned()),
        changed_at: Some(NOW),
    }
}

#[test]
fn an_owner_without_a_saved_selection_has_none() {
    let store = Store::open_in_memory().unwrap();
    assert_eq!(store.selection(OWNER).unwrap(), None);
}

#[test]
fn a_saved_selection_loads_back_as_saved() {
    let mut store = Store::open_in_memory().unwrap();
    let agency = store.create_agency(OWNER, "Acme", NOW).unwrap();
    let selection = selection_of(&agency.id, 1);
    store.save_selection(OWNER, &selection).unwrap();
    assert_eq!(store.selection(OWNER).unwrap(), Some(selection));
}

#[test]
fn saving_again_replaces_the_selection() {
    let mut store = Store::open_in_memory().unwrap();
    let first = store.create_agency(OWNER, "First", NOW).unwrap();
    let second = store.create_agency(OWNER, "Second", NOW).unwrap();
    store
        .save_selection(OWNER, &selection_of(&first.id, 1))
        .unwrap();
    let latest = selection_of(&second.id, 2);
    store.save_selection(OWNER, &latest).unwrap();
    assert_eq!(store.selection(OWNER).unwrap(), Some(latest));
}

#[test]
fn a_cleared_selection_keeps_its_version() {
    let mut store = Store::open_in_memory().unwrap();
    let cleared = StoredSelection {
        agency_id: None,
        version: 7,
        changed_by: None,
        changed_at: None,
    };
    store.save_selection(OWNER, &cleared).unwrap();
    assert_eq!(store.selection(OWNER).unwrap(), Some(cleared));
}

#[test]
fn selections_are_kept_per_owner() {
    let mut store = Store::open_in_memory().unwrap();
    let agency = store.create_agency(OWNER, "Acme", NOW).unwrap();
    store
        .save_selection(OWNER, &selection_of(&agency.id, 1))
        .unwrap();
    assert_eq!(store.selection("someone-else").unwrap(), None);
}

#[test]
fn selecting_another_owners_agency_is_not_found_and_nothing_saved() {
    let mut store = Store::open_in_memory().unwrap();
    let theirs = store.create_agency("someone-else", "Theirs", NOW).unwrap();
    let error = store
        .save_selection(OWNER, &selection_of(&theirs.id, 1))
        .unwrap_err();
    assert!(
        matches!(error, StoreError::NotFound { what: "agency", .. }),
        "{error:?}"
    );
    assert_eq!(store.selection(OWNER).unwrap(), None);
}
