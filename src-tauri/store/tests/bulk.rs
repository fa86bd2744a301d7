//! Bulk insertion of contacts in one transaction.

mod common;

use axolop_store::ContactDraft;
use common::{draft, invalid_reason, store_with_agency, NOW, WINDOW};

#[test]
fn ten_thousand_contacts_are_inserted_and_counted() {
    let (mut store, agency) = store_with_agency();
    let drafts: Vec<ContactDraft> = (0..10_000)
        .map(|i| draft(&format!("Contact {i:05}")))
        .collect();
    let inserted = store
        .insert_contacts(&agency.id, &drafts, WINDOW, NOW)
        .unwrap();
    assert_eq!(inserted, 10_000);
    assert_eq!(store.contact_count(&agency.id).unwrap(), 10_000);
}

#[test]
fn bulk_inserted_contacts_start_at_version_1() {
    let (mut store, agency) = store_with_agency();
    store
        .insert_contacts(&agency.id, &[draft("Ana"), draft("Bruno")], WINDOW, NOW)
        .unwrap();
    let contacts = store.contacts(&agency.id, 0, 10).unwrap();
    assert!(contacts
        .iter()
        .all(|c| c.version == 1 && c.updated_by == WINDOW));
}

#[test]
fn one_invalid_draft_refuses_the_whole_batch_naming_its_index() {
    let (mut store, agency) = store_with_agency();
    let drafts = [draft("Ana"), draft(""), draft("Carla")];
    let reason = invalid_reason(store.insert_contacts(&agency.id, &drafts, WINDOW, NOW));
    assert!(reason.starts_with("drafts[1]: contact name"), "{reason}");
    assert_eq!(store.contact_count(&agency.id).unwrap(), 0);
}

#[test]
fn a_taken_id_refuses_the_whole_batch() {
    let (mut store, agency) = store_with_agency();
    let with_id = |id: &str, name: &str| ContactDraft {
        id: Some(id.to_owned()),
        ..draft(name)
    };
    let drafts = [
        with_id("c-1", "Ana"),
        with_id("c-2", "Bruno"),
        with_id("c-1", "Carla"),
    ];
    let reason = invalid_reason(store.insert_contacts(&agency.id, &drafts, WINDOW, NOW));
    assert!(
        reason.contains("drafts[2]") && reason.contains("already taken"),
        "{reason}"
    );
    assert_eq!(store.contact_count(&agency.id).unwrap(), 0);
}
