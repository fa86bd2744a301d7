//! Agencies: created, listed and fetched per owner.

mod common;

use axolop_store::{Store, StoreError};
use common::{invalid_reason, NOW, OWNER};

#[test]
fn a_created_agency_has_a_trimmed_name_a_new_id_and_its_creation_time() {
    let mut store = Store::open_in_memory().unwrap();
    let agency = store.create_agency(OWNER, "  Acme  ", NOW).unwrap();
    assert_eq!(agency.name, "Acme");
    assert_eq!(agency.created_at, NOW);
    assert_eq!(agency.id.len(), 36);
}

#[test]
fn a_created_agency_can_be_fetched_by_its_owner() {
    let mut store = Store::open_in_memory().unwrap();
    let agency = store.create_agency(OWNER, "Acme", NOW).unwrap();
    assert_eq!(store.agency(OWNER, &agency.id).unwrap(), agency);
}

#[test]
fn agencies_are_listed_by_name_ignoring_case() {
    let mut store = Store::open_in_memory().unwrap();
    for name in ["charlie", "Bravo", "alpha"] {
        store.create_agency(OWNER, name, NOW).unwrap();
    }
    let names: Vec<String> = store
        .agencies(OWNER)
        .unwrap()
        .into_iter()
        .map(|agency| agency.name)
        .collect();
    assert_eq!(names, ["alpha", "Bravo", "charlie"]);
}

#[test]
fn an_owner_lists_only_their_own_agencies() {
    let mut store = Store::open_in_memory().unwrap();
    let mine = store.create_agency(OWNER, "Mine", NOW).unwrap();
    store.create_agency("someone-else", "Theirs", NOW).unwrap();
    assert_eq!(store.agencies(OWNER).unwrap(), vec![mine]);
}

#[test]
fn another_owners_agency_is_not_found() {
    let mut store = Store::open_in_memory().unwrap();
    let theirs = store.create_agency("someone-else", "Theirs", NOW).unwrap();
    let error = store.agency(OWNER, &theirs.id).unwrap_err();
    assert!(
        matches!(&error, StoreError::NotFound { what: "agency", id } if *id == theirs.id),
        "{error:?}"
    );
}

#[test]
fn an_unknown_agency_is_not_found() {
    let store = Store::open_in_memory().unwrap();
    let error = store.agency(OWNER, "no-such-agency").unwrap_err();
    assert!(matches!(error, StoreError::NotFound { what: "agency", .. }));
}

#[test]
fn an_empty_agency_name_is_refused_and_nothing_written() {
    let mut store = Store::open_in_memory().unwrap();
    let reason = invalid_reason(store.create_agency(OWNER, "   ", NOW));
    assert!(
        reason.contains("agency name") && reason.contains("1 to 120"),
        "{reason}"
    );
    assert!(store.agencies(OWNER).unwrap().is_empty());
}

#[test]
fn an_agency_name_of_121_characters_is_refused() {
    let mut store = Store::open_in_memory().unwrap();
    let reason = invalid_reason(store.create_agency(OWNER, &"a".repeat(121), NOW));
    assert!(reason.contains("got 121"), "{reason}");
}

#[test]
fn an_empty_owner_is_refused() {
    let mut store = Store::open_in_memory().unwrap();
    let reason = invalid_reason(store.create_agency("", "Acme", NOW));
    assert!(reason.contains("owner"), "{reason}");
}

#[test]
fn agencies_from_the_server_are_cached_for_their_owner_renames_included() {
    use axolop_store::Agency;
    let mut store = Store::open_in_memory().unwrap();
    let agency = |id: &str, name: &str| Agency {
        id: id.to_owned(),
        name: name.to_owned(),
        created_at: NOW,
    };
    store
        .cache_agencies(OWNER, &[agency("a-1", "Acme"), agency("a-2", "Globex")])
        .unwrap();
    // Cached again, one renamed on the server; another owner's copy of an
    // id is never taken over.
    store
        .cache_agencies(
            OWNER,
            &[agency("a-1", "Acme Corp"), agency("a-2", "Globex")],
        )
        .unwrap();
    store
        .cache_agencies("someone-else", &[agency("a-1", "Theirs")])
        .unwrap();
    let names: Vec<String> = store
        .agencies(OWNER)
        .unwrap()
        .into_iter()
        .map(|agency| agency.name)
        .collect();
    assert_eq!(names, ["Acme Corp", "Globex"]);
    assert!(store.agencies("someone-else").unwrap().is_empty());
    assert!(matches!(
        store.cache_agencies(OWNER, &[agency("", "No id")]),
        Err(StoreError::InvalidArgument { .. })
    ));
}
