//! The outbox: what a save or delete queues for the server, in line, and
//! what a push's answer takes out of it.

mod common;

use axolop_store::{ChangeKind, ContactDraft, OutboxEntry, Store, StoreError};
use common::{draft, store_with_agency, NOW, WINDOW};

/// A store queueing changes, with one agency; the agency's id.
fn queueing() -> (Store, String) {
    let (mut store, agency) = store_with_agency();
    store.set_queue_changes(true);
    (store, agency.id)
}

fn line(store: &Store) -> Vec<(String, ChangeKind, Option<u64>, u64)> {
    store
        .outbox(common::OWNER, 100)
        .unwrap()
        .into_iter()
        .map(|e| (e.contact_id, e.kind, e.base_version, e.revision))
        .collect()
}

fn entry(store: &Store, contact: &str) -> OutboxEntry {
    store
        .outbox(common::OWNER, 100)
        .unwrap()
        .into_iter()
        .find(|e| e.contact_id == contact)
        .unwrap_or_else(|| panic!("no entry for {contact}"))
}

fn edit(store: &mut Store, agency: &str, id: &str, version: u64, name: &str) -> u64 {
    let draft = ContactDraft {
        id: Some(id.to_owned()),
        ..draft(name)
    };
    store
        .save_contact(agency, &draft, Some(version), WINDOW, NOW)
        .unwrap()
        .version
}

#[test]
fn nothing_is_queued_unless_the_app_syncs() {
    let (mut store, agency) = store_with_agency();
    store
        .save_contact(&agency.id, &draft("Ana"), None, WINDOW, NOW)
        .unwrap();
    assert_eq!(store.outbox_len(common::OWNER).unwrap(), 0);
}

#[test]
fn a_contact_waits_once_however_often_it_changes_and_keeps_its_place() {
    let (mut store, agency) = queueing();
    let ana = store
        .save_contact(&agency, &draft("Ana"), None, WINDOW, NOW)
        .unwrap();
    let bea = store
        .save_contact(&agency, &draft("Bea"), None, WINDOW, NOW)
        .unwrap();
    let v2 = edit(&mut store, &agency, &ana.id, 1, "Ana Lima");
    edit(&mut store, &agency, &ana.id, v2, "Ana Lima Jr.");

    assert_eq!(
        line(&store),
        [
            (ana.id.clone(), ChangeKind::Insert, None, 3),
            (bea.id.clone(), ChangeKind::Insert, None, 1),
        ],
        "Ana first (her first change came first), as one insert of what she is now"
    );
    assert_eq!(store.outbox_len(common::OWNER).unwrap(), 2);
}

#[test]
fn a_refused_save_queues_nothing() {
    let (mut store, agency) = queueing();
    let ana = store
        .save_contact(&agency, &draft("Ana"), None, WINDOW, NOW)
        .unwrap();
    let stale = ContactDraft {
        id: Some(ana.id.clone()),
        ..draft("Late")
    };
    let refused = store.save_contact(&agency, &stale, Some(7), WINDOW, NOW);
    assert!(matches!(refused, Err(StoreError::Conflict { .. })));
    assert_eq!(entry(&store, &ana.id).revision, 1);
}

#[test]
fn a_pushed_change_leaves_the_line_and_later_edits_build_on_the_server_version() {
    let (mut store, agency) = queueing();
    let ana = store
        .save_contact(&agency, &draft("Ana"), None, WINDOW, NOW)
        .unwrap();
    let pushed = entry(&store, &ana.id);
    store.outbox_attempted(pushed.seq).unwrap();
    assert!(store.outbox_pushed(&pushed, Some(1)).unwrap());
    assert_eq!(store.outbox_len(common::OWNER).unwrap(), 0);

    edit(&mut store, &agency, &ana.id, 1, "Ana Lima");
    assert_eq!(
        line(&store),
        [(ana.id.clone(), ChangeKind::Update, Some(1), 1)]
    );
}

#[test]
fn a_change_made_while_its_push_was_out_stays_in_line_on_the_new_version() {
    let (mut store, agency) = queueing();
    let ana = store
        .save_contact(&agency, &draft("Ana"), None, WINDOW, NOW)
        .unwrap();
    let in_flight = entry(&store, &ana.id);
    edit(&mut store, &agency, &ana.id, 1, "Ana Lima");

    assert!(
        !store.outbox_pushed(&in_flight, Some(1)).unwrap(),
        "the newer edit still has to go"
    );
    assert_eq!(
        line(&store),
        [(ana.id.clone(), ChangeKind::Update, Some(1), 2)]
    );
}

#[test]
fn a_deletion_is_pushed_unless_the_server_never_heard_of_the_contact() {
    let (mut store, agency) = queueing();

    // Created and deleted before any push: nothing to tell the server.
    let never = store
        .save_contact(&agency, &draft("Never"), None, WINDOW, NOW)
        .unwrap();
    store.delete_contact(&agency, &never.id, 1).unwrap();
    assert_eq!(store.outbox_len(common::OWNER).unwrap(), 0);

    // Its insert was tried once: it may have landed, at version 1.
    let maybe = store
        .save_contact(&agency, &draft("Maybe"), None, WINDOW, NOW)
        .unwrap();
    store
        .outbox_attempted(entry(&store, &maybe.id).seq)
        .unwrap();
    store.delete_contact(&agency, &maybe.id, 1).unwrap();
    assert_eq!(
        line(&store),
        [(maybe.id.clone(), ChangeKind::Delete, Some(1), 2)]
    );

    // On the server at version 4: deleted on top of 4.
    let synced = store
        .save_contact(&agency, &draft("Synced"), None, WINDOW, NOW)
        .unwrap();
    let pushed = entry(&store, &synced.id);
    store.outbox_pushed(&pushed, Some(4)).unwrap();
    store.delete_contact(&agency, &synced.id, 1).unwrap();
    assert_eq!(entry(&store, &synced.id).kind, ChangeKind::Delete);
    assert_eq!(entry(&store, &synced.id).base_version, Some(4));
}

#[test]
fn the_line_survives_reopening() {
    let dir = common::temp_dir("outbox-reopen");
    let path = dir.path().join("crm.sqlite3");
    let id = {
        let (mut store, _) = Store::open(&path, NOW).unwrap();
        store.set_queue_changes(true);
        let agency = store.create_agency(common::OWNER, "Acme", NOW).unwrap();
        store
            .save_contact(&agency.id, &draft("Ana"), None, WINDOW, NOW)
            .unwrap()
            .id
    };
    let (store, _) = Store::open(&path, NOW).unwrap();
    assert_eq!(line(&store), [(id, ChangeKind::Insert, None, 1)]);
}

#[test]
fn each_agency_pulls_from_its_own_watermark() {
    let (mut store, acme) = queueing();
    let globex = store
        .create_agency(common::OWNER, "Globex", NOW)
        .unwrap()
        .id;
    assert_eq!(
        store.pull_watermark(&acme).unwrap(),
        0,
        "from the beginning"
    );
    store.set_pull_watermark(&acme, 812).unwrap();
    store.set_pull_watermark(&acme, 907).unwrap();
    assert_eq!(store.pull_watermark(&acme).unwrap(), 907);
    assert_eq!(store.pull_watermark(&globex).unwrap(), 0);
}

#[test]
fn forgetting_an_owner_removes_their_agencies_contacts_and_line_and_nobody_elses() {
    let (mut store, agency) = queueing();
    store
        .save_contact(&agency, &draft("Ada"), None, WINDOW, NOW)
        .unwrap();
    store.set_pull_watermark(&agency, 42).unwrap();
    let other = store.create_agency("someone-else", "Other", NOW).unwrap();
    store
        .save_contact(&other.id, &draft("Grace"), None, WINDOW, NOW)
        .unwrap();
    let owner = common::OWNER;

    assert_eq!(store.forget_owner(owner).unwrap(), 1);
    assert!(store.agencies(owner).unwrap().is_empty());
    assert!(matches!(
        store.contact_count(&agency),
        Err(StoreError::NotFound { .. }) | Ok(0)
    ));
    assert_eq!(store.pull_watermark(&agency).unwrap(), 0);
    assert_eq!(store.outbox_len(owner).unwrap(), 0);
    let left: Vec<String> = store
        .outbox("someone-else", 10)
        .unwrap()
        .into_iter()
        .map(|e| e.agency_id)
        .collect();
    assert_eq!(
        left,
        [other.id.as_str()],
        "only the other owner's change waits"
    );
    assert_eq!(store.contact_count(&other.id).unwrap(), 1);
    assert!(matches!(
        store.forget_owner(""),
        Err(StoreError::InvalidArgument { .. })
    ));
}

#[test]
fn each_user_has_a_line_of_their_own() {
    let (mut store, agency) = queueing();
    store
        .save_contact(&agency, &draft("Ada's"), None, WINDOW, NOW)
        .unwrap();
    let other = store.create_agency("someone-else", "Other", NOW).unwrap();
    store
        .save_contact(&other.id, &draft("Theirs"), None, WINDOW, NOW)
        .unwrap();
    let agencies_of = |owner: &str| -> Vec<String> {
        store
            .outbox(owner, 10)
            .unwrap()
            .into_iter()
            .map(|entry| entry.agency_id)
            .collect()
    };
    assert_eq!(agencies_of(common::OWNER), [agency.as_str()]);
    assert_eq!(agencies_of("someone-else"), [other.id.as_str()]);
    assert_eq!(store.outbox_len(common::OWNER).unwrap(), 1);
    assert_eq!(store.outbox_len("nobody").unwrap(), 0);
}
