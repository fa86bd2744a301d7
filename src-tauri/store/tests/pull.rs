//! Applying pulled pages to the cache: new, newer, repeated and deleted
//! rows, rows with a change waiting, and rows only the server vouches for.

mod common;

use axolop_store::{ContactDraft, Pulled, ServerContact, Stage, Store, StoreError};
use common::{assert_not_found, draft, store_with_agency, NOW, WINDOW};

fn server(id: &str, name: &str, version: u64) -> ServerContact {
    ServerContact {
        id: id.to_owned(),
        name: name.to_owned(),
        email: String::new(),
        phone: String::new(),
        company: "Acme".to_owned(),
        stage: Stage::Qualified,
        notes: String::new(),
        version,
        updated_at: NOW + version,
        updated_by: "user-bob".to_owned(),
        deleted: false,
    }
}

fn tombstone(id: &str, version: u64) -> ServerContact {
    ServerContact {
        deleted: true,
        ..server(id, "gone", version)
    }
}

fn names(store: &Store, agency: &str) -> Vec<String> {
    store
        .contacts(agency, 0, 100)
        .unwrap()
        .into_iter()
        .map(|c| c.name)
        .collect()
}

const ANA: &str = "0b6c2c5e-3a4f-4f43-9d0e-5f6f0d6c2a01";
const BEA: &str = "0b6c2c5e-3a4f-4f43-9d0e-5f6f0d6c2a02";

#[test]
fn new_rows_are_cached_once_and_a_repeated_page_changes_nothing() {
    let (mut store, agency) = store_with_agency();
    let page = [server(ANA, "Ana", 1), server(BEA, "Bea", 3)];
    let changes = store.apply_pulled(&agency.id, &page).unwrap();
    assert_eq!(changes.len(), 2);
    let Pulled::Saved(ana) = &changes[0] else {
        panic!("{changes:?}")
    };
    assert_eq!(
        (ana.version, ana.stage, ana.updated_by.as_str()),
        (1, Stage::Qualified, "user-bob")
    );
    assert_eq!(names(&store, &agency.id), ["Ana", "Bea"]);

    assert_eq!(
        store.apply_pulled(&agency.id, &page).unwrap(),
        [],
        "pulled twice, applied once"
    );
}

#[test]
fn a_newer_server_version_replaces_the_cached_one_and_moves_the_local_version_on() {
    let (mut store, agency) = store_with_agency();
    store
        .apply_pulled(&agency.id, &[server(ANA, "Ana", 1)])
        .unwrap();
    let changes = store
        .apply_pulled(&agency.id, &[server(ANA, "Ana Lima", 2)])
        .unwrap();
    let [Pulled::Saved(ana)] = &changes[..] else {
        panic!("{changes:?}")
    };
    assert_eq!((ana.name.as_str(), ana.version), ("Ana Lima", 2));

    // A window that read version 1 now meets a conflict, not an overwrite.
    let stale = ContactDraft {
        id: Some(ANA.to_owned()),
        ..draft("Mine")
    };
    let refused = store.save_contact(&agency.id, &stale, Some(1), WINDOW, NOW);
    assert!(
        matches!(refused, Err(StoreError::Conflict { .. })),
        "{refused:?}"
    );
    assert_eq!(
        store
            .apply_pulled(&agency.id, &[server(ANA, "Older", 1)])
            .unwrap(),
        []
    );
    assert_eq!(names(&store, &agency.id), ["Ana Lima"]);
}

#[test]
fn a_tombstone_removes_the_contact_and_one_for_an_unknown_contact_is_nothing() {
    let (mut store, agency) = store_with_agency();
    store
        .apply_pulled(&agency.id, &[server(ANA, "Ana", 1)])
        .unwrap();
    let changes = store
        .apply_pulled(&agency.id, &[tombstone(ANA, 2), tombstone(BEA, 5)])
        .unwrap();
    let [Pulled::Deleted(gone)] = &changes[..] else {
        panic!("{changes:?}")
    };
    assert_eq!(gone.name, "Ana");
    assert_eq!(store.contact_count(&agency.id).unwrap(), 0);
}

#[test]
fn a_contact_with_a_change_waiting_is_left_for_its_push_to_settle() {
    let (mut store, agency) = store_with_agency();
    store
        .apply_pulled(&agency.id, &[server(ANA, "Ana", 1)])
        .unwrap();
    store.set_queue_changes(true);
    let mine = ContactDraft {
        id: Some(ANA.to_owned()),
        ..draft("Ana (mine)")
    };
    store
        .save_contact(&agency.id, &mine, Some(1), WINDOW, NOW)
        .unwrap();

    assert_eq!(
        store
            .apply_pulled(&agency.id, &[server(ANA, "Ana (theirs)", 2)])
            .unwrap(),
        []
    );
    assert_eq!(
        names(&store, &agency.id),
        ["Ana (mine)"],
        "nothing typed is overwritten"
    );
}

#[test]
fn the_server_is_believed_where_local_rules_would_refuse() {
    let (mut store, agency) = store_with_agency();
    let odd = ServerContact {
        email: "entered in the dashboard".to_owned(),
        ..server(ANA, "Ana", 1)
    };
    assert_eq!(store.apply_pulled(&agency.id, &[odd]).unwrap().len(), 1);
}

#[test]
fn a_page_for_an_unknown_agency_is_refused_whole() {
    let (mut store, agency) = store_with_agency();
    assert_not_found(
        store.apply_pulled("no-such-agency", &[server(ANA, "Ana", 1)]),
        "agency",
    );
    assert_eq!(store.contact_count(&agency.id).unwrap(), 0);
}

/// Ana as cached at server version 1, edited here and queued; the push
/// then met version 2 on the server and settled it.
fn settled_conflict() -> (Store, String) {
    let (mut store, agency) = store_with_agency();
    store
        .apply_pulled(&agency.id, &[server(ANA, "Ana", 1)])
        .unwrap();
    store.set_queue_changes(true);
    let mine = ContactDraft {
        id: Some(ANA.to_owned()),
        notes: "Met at the fair".to_owned(),
        ..draft("Ana (mine)")
    };
    store
        .save_contact(&agency.id, &mine, Some(1), WINDOW, NOW)
        .unwrap();
    let entry = store.outbox(common::OWNER, 1).unwrap().remove(0);
    let change = store
        .settle_conflict(&entry, &server(ANA, "Ana (theirs)", 2))
        .unwrap();
    assert!(
        matches!(&change, Some(Pulled::Saved(contact)) if contact.conflict && contact.name == "Ana (theirs)"),
        "{change:?}"
    );
    (store, agency.id)
}

#[test]
fn a_settled_conflict_shows_theirs_flagged_and_keeps_mine_until_the_user_decides() {
    let (mut store, agency) = settled_conflict();
    let listed = store.contacts(&agency, 0, 10).unwrap();
    assert_eq!(
        (listed[0].name.as_str(), listed[0].conflict),
        ("Ana (theirs)", true)
    );
    let kept = store.conflict(ANA).unwrap().expect("my edit is kept");
    assert_eq!(
        (kept.name.as_str(), kept.notes.as_str()),
        ("Ana (mine)", "Met at the fair")
    );

    // Overwriting with mine, over their version, settles it.
    let current = store.contact(&agency, ANA).unwrap();
    let saved = store
        .save_contact(&agency, &kept, Some(current.version), WINDOW, NOW)
        .unwrap();
    assert!(!saved.conflict);
    assert_eq!(store.conflict(ANA).unwrap(), None);
    assert!(!store.contact(&agency, ANA).unwrap().conflict);
}

#[test]
fn taking_theirs_drops_the_kept_edit() {
    let (mut store, agency) = settled_conflict();
    let contact = store.discard_conflict(&agency, ANA).unwrap();
    assert_eq!(
        (contact.name.as_str(), contact.conflict),
        ("Ana (theirs)", false)
    );
    assert_eq!(store.conflict(ANA).unwrap(), None);
    assert!(matches!(
        store.discard_conflict(&agency, "no-such-contact"),
        Err(StoreError::NotFound { .. })
    ));
}
