//! A contact's position is its index in the list as `contacts` orders it,
//! so a window can place a change without ordering anything itself.

mod common;

use axolop_store::ContactDraft;
use common::{draft, store_with_agency, NOW, WINDOW};

#[test]
fn every_contacts_position_is_its_index_in_the_listed_order() {
    let (mut store, agency) = store_with_agency();
    // Case, accents, digits, punctuation and equal names (ordered by id).
    for name in [
        "bob",
        "Bob",
        "BOB",
        "alice",
        "Álvaro",
        "zoë",
        "Zed",
        "10 Downing",
        "2 Step",
        "_under",
        "Ana",
        "ana",
        "Émile",
        "eve",
        "Eve",
        "Ana",
    ] {
        store
            .save_contact(&agency.id, &draft(name), None, WINDOW, NOW)
            .unwrap();
    }
    let listed = store.contacts(&agency.id, 0, usize::MAX).unwrap();
    assert_eq!(listed.len(), 16);
    for (index, contact) in listed.iter().enumerate() {
        let position = store
            .contact_position(&agency.id, &contact.name, &contact.id)
            .unwrap();
        assert_eq!(position, index as u64, "{} ({})", contact.name, contact.id);
    }
}

#[test]
fn a_renamed_contacts_new_position_is_where_the_list_shows_it() {
    let (mut store, agency) = store_with_agency();
    for name in ["Bea", "Cai", "Dan", "Eli"] {
        store
            .save_contact(&agency.id, &draft(name), None, WINDOW, NOW)
            .unwrap();
    }
    let dan = store.contacts(&agency.id, 2, 1).unwrap().remove(0);
    let renamed = store
        .save_contact(
            &agency.id,
            &ContactDraft {
                id: Some(dan.id.clone()),
                ..draft("aaron")
            },
            Some(dan.version),
            WINDOW,
            NOW,
        )
        .unwrap();
    let position = store
        .contact_position(&agency.id, &renamed.name, &renamed.id)
        .unwrap();
    assert_eq!(position, 0);
    assert_eq!(store.contacts(&agency.id, 0, 1).unwrap()[0].id, dan.id);
}

#[test]
fn a_deleted_contacts_position_is_where_it_stood() {
    let (mut store, agency) = store_with_agency();
    for name in ["Bea", "Cai", "Dan"] {
        store
            .save_contact(&agency.id, &draft(name), None, WINDOW, NOW)
            .unwrap();
    }
    let cai = store.contacts(&agency.id, 1, 1).unwrap().remove(0);
    let deleted = store
        .delete_contact(&agency.id, &cai.id, cai.version)
        .unwrap();
    let position = store
        .contact_position(&agency.id, &deleted.name, &deleted.id)
        .unwrap();
    assert_eq!(position, 1);
}
