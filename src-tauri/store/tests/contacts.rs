//! Contacts: create, update and delete with optimistic concurrency, reading
//! page by page, and the JSON the UI receives.

mod common;

use axolop_store::{Contact, ContactDraft, Stage, Store, StoreError};
use common::{draft, invalid_reason, store_with_agency, NOW, WINDOW};

/// A store with one agency and one contact in it.
fn store_with_contact() -> (Store, Contact) {
    let (mut store, agency) = store_with_agency();
    let contact = store
        .save_contact(&agency.id, &draft("Ana"), None, WINDOW, NOW)
        .unwrap();
    (store, contact)
}

/// A draft that edits `contact` (same id), renamed to `name`.
fn edit(contact: &Contact, name: &str) -> ContactDraft {
    ContactDraft {
        id: Some(contact.id.clone()),
        ..draft(name)
    }
}

#[test]
fn a_created_contact_is_at_version_1_and_records_window_and_time() {
    let (_, contact) = store_with_contact();
    assert_eq!(contact.version, 1);
    assert_eq!(contact.updated_by, WINDOW);
    assert_eq!(contact.updated_at, NOW);
    assert_eq!(contact.stage, Stage::Lead);
    assert_eq!(contact.notes, "Met at the fair.");
}

#[test]
fn a_created_contact_reads_back_as_returned() {
    let (store, contact) = store_with_contact();
    assert_eq!(
        store.contact(&contact.agency_id, &contact.id).unwrap(),
        contact
    );
}

#[test]
fn creating_in_an_unknown_agency_is_not_found() {
    let mut store = Store::open_in_memory().unwrap();
    let error = store
        .save_contact("no-such-agency", &draft("Ana"), None, WINDOW, NOW)
        .unwrap_err();
    assert!(
        matches!(error, StoreError::NotFound { what: "agency", .. }),
        "{error:?}"
    );
}

#[test]
fn creating_with_an_expected_version_is_refused() {
    let (mut store, agency) = store_with_agency();
    let reason =
        invalid_reason(store.save_contact(&agency.id, &draft("Ana"), Some(1), WINDOW, NOW));
    assert!(reason.contains("version ("), "{reason}");
    assert_eq!(store.contact_count(&agency.id).unwrap(), 0);
}

#[test]
fn an_update_with_the_stored_version_bumps_it_to_2() {
    let (mut store, contact) = store_with_contact();
    let mut changed = edit(&contact, "Ana Lima");
    changed.stage = Stage::Qualified;
    let updated = store
        .save_contact(&contact.agency_id, &changed, Some(1), "crm-2", NOW + 5)
        .unwrap();
    assert_eq!(
        (updated.version, updated.name.as_str(), updated.stage),
        (2, "Ana Lima", Stage::Qualified)
    );
    assert_eq!(
        (updated.updated_by.as_str(), updated.updated_at),
        ("crm-2", NOW + 5)
    );
    assert_eq!(
        store.contact(&contact.agency_id, &contact.id).unwrap(),
        updated
    );
}

#[test]
fn an_update_with_a_stale_version_conflicts_carrying_the_stored_contact() {
    let (mut store, contact) = store_with_contact();
    let current = store
        .save_contact(
            &contact.agency_id,
            &edit(&contact, "Ana Lima"),
            Some(1),
            "crm-2",
            NOW + 5,
        )
        .unwrap();

    let error = store
        .save_contact(
            &contact.agency_id,
            &edit(&contact, "Ana Souza"),
            Some(1),
            WINDOW,
            NOW + 9,
        )
        .unwrap_err();

    let StoreError::Conflict { current: carried } = error else {
        panic!("expected Conflict, got {error:?}");
    };
    assert_eq!(*carried, current);
}

#[test]
fn a_conflicting_update_changes_nothing() {
    let (mut store, contact) = store_with_contact();
    let stale = store.save_contact(
        &contact.agency_id,
        &edit(&contact, "Ana Souza"),
        Some(7),
        WINDOW,
        NOW + 9,
    );
    assert!(matches!(stale, Err(StoreError::Conflict { .. })));
    assert_eq!(
        store.contact(&contact.agency_id, &contact.id).unwrap(),
        contact
    );
}

#[test]
fn an_update_without_an_expected_version_is_refused() {
    let (mut store, contact) = store_with_contact();
    let reason = invalid_reason(store.save_contact(
        &contact.agency_id,
        &edit(&contact, "Ana Lima"),
        None,
        WINDOW,
        NOW,
    ));
    assert!(reason.contains("version is required"), "{reason}");
    assert_eq!(
        store.contact(&contact.agency_id, &contact.id).unwrap(),
        contact
    );
}

#[test]
fn updating_an_unknown_contact_is_not_found() {
    let (mut store, agency) = store_with_agency();
    let ghost = ContactDraft {
        id: Some("no-such-contact".to_owned()),
        ..draft("Ghost")
    };
    let error = store
        .save_contact(&agency.id, &ghost, Some(1), WINDOW, NOW)
        .unwrap_err();
    assert!(
        matches!(&error, StoreError::NotFound { what: "contact", id } if id == "no-such-contact"),
        "{error:?}"
    );
}

#[test]
fn updating_a_contact_of_another_agency_is_not_found_and_changes_nothing() {
    let (mut store, contact) = store_with_contact();
    let other = store.create_agency(common::OWNER, "Other", NOW).unwrap();
    common::assert_not_found(
        store.save_contact(&other.id, &edit(&contact, "Hijacked"), Some(1), WINDOW, NOW),
        "contact",
    );
    assert_eq!(
        store.contact(&contact.agency_id, &contact.id).unwrap(),
        contact
    );
}

#[test]
fn reading_a_contact_of_another_agency_is_not_found() {
    let (mut store, contact) = store_with_contact();
    let other = store.create_agency(common::OWNER, "Other", NOW).unwrap();
    common::assert_not_found(store.contact(&other.id, &contact.id), "contact");
}

#[test]
fn a_delete_with_the_stored_version_removes_the_contact() {
    let (mut store, contact) = store_with_contact();
    let removed = store
        .delete_contact(&contact.agency_id, &contact.id, 1)
        .unwrap();
    assert_eq!(removed, contact);
    assert_eq!(store.contact_count(&contact.agency_id).unwrap(), 0);
}

#[test]
fn a_delete_with_a_stale_version_conflicts_and_keeps_the_contact() {
    let (mut store, contact) = store_with_contact();
    let error = store
        .delete_contact(&contact.agency_id, &contact.id, 2)
        .unwrap_err();
    let StoreError::Conflict { current } = error else {
        panic!("expected Conflict, got {error:?}");
    };
    assert_eq!(*current, contact);
    assert_eq!(store.contact_count(&contact.agency_id).unwrap(), 1);
}

#[test]
fn deleting_an_unknown_contact_is_not_found() {
    let (mut store, agency) = store_with_agency();
    common::assert_not_found(
        store.delete_contact(&agency.id, "no-such-contact", 1),
        "contact",
    );
}

#[test]
fn deleting_a_contact_of_another_agency_is_not_found_and_keeps_it() {
    let (mut store, contact) = store_with_contact();
    let other = store.create_agency(common::OWNER, "Other", NOW).unwrap();
    common::assert_not_found(store.delete_contact(&other.id, &contact.id, 1), "contact");
    assert_eq!(store.contact_count(&contact.agency_id).unwrap(), 1);
}

#[test]
fn contacts_are_paged_by_name_ignoring_case_then_by_id() {
    let (mut store, agency) = store_with_agency();
    let drafts: Vec<ContactDraft> = [
        ("c-3", "bob"),
        ("c-1", "Carla"),
        ("c-4", "ana"),
        ("c-2", "Bob"),
    ]
    .into_iter()
    .map(|(id, name)| ContactDraft {
        id: Some(id.to_owned()),
        ..draft(name)
    })
    .collect();
    store
        .insert_contacts(&agency.id, &drafts, WINDOW, NOW)
        .unwrap();

    let page = |offset, limit| -> Vec<String> {
        store
            .contacts(&agency.id, offset, limit)
            .unwrap()
            .into_iter()
            .map(|contact| contact.id)
            .collect()
    };
    assert_eq!(page(0, 2), ["c-4", "c-2"]);
    assert_eq!(page(2, 2), ["c-3", "c-1"]);
    assert!(page(4, 2).is_empty());
}

#[test]
fn an_agency_lists_only_its_own_contacts() {
    let (mut store, contact) = store_with_contact();
    let other = store.create_agency(common::OWNER, "Other", NOW).unwrap();
    store
        .save_contact(&other.id, &draft("Bruno"), None, WINDOW, NOW)
        .unwrap();
    assert_eq!(
        store.contacts(&contact.agency_id, 0, 100).unwrap(),
        vec![contact]
    );
}

#[test]
fn a_contact_serialises_with_camel_case_fields_and_a_kebab_case_stage() {
    let (_, contact) = store_with_contact();
    let json = serde_json::to_value(&contact).unwrap();
    assert_eq!(json["agencyId"], contact.agency_id.as_str());
    assert_eq!(json["updatedBy"], WINDOW);
    assert_eq!(json["updatedAt"], NOW);
    assert_eq!(json["stage"], "lead");
}

#[test]
fn a_draft_without_id_or_optional_fields_deserialises_as_a_new_lead() {
    let draft: ContactDraft = serde_json::from_str(r#"{"name":"Ana"}"#).unwrap();
    assert_eq!(
        draft,
        ContactDraft {
            name: "Ana".to_owned(),
            ..ContactDraft::default()
        }
    );
    assert_eq!(draft.stage, Stage::Lead);
}
