//! The limits a contact must pass before it is written; a refusal names the
//! field and writes nothing.

mod common;

use axolop_store::ContactDraft;
use common::{draft, invalid_reason, store_with_agency, NOW, WINDOW};

/// Tries to create `draft`; returns the refusal reason, and checks that
/// nothing was written.
fn refusal(draft: ContactDraft) -> String {
    let (mut store, agency) = store_with_agency();
    let reason = invalid_reason(store.save_contact(&agency.id, &draft, None, WINDOW, NOW));
    assert_eq!(
        store.contact_count(&agency.id).unwrap(),
        0,
        "nothing is written"
    );
    reason
}

fn with_email(email: &str) -> ContactDraft {
    ContactDraft {
        email: email.to_owned(),
        ..draft("Ana")
    }
}

fn accepted(draft: ContactDraft) -> axolop_store::Contact {
    let (mut store, agency) = store_with_agency();
    store
        .save_contact(&agency.id, &draft, None, WINDOW, NOW)
        .unwrap()
}

#[test]
fn an_empty_name_is_refused() {
    let reason = refusal(draft(""));
    assert!(
        reason.contains("contact name") && reason.contains("1 to 120"),
        "{reason}"
    );
}

#[test]
fn a_name_of_121_characters_is_refused() {
    let reason = refusal(draft(&"x".repeat(121)));
    assert!(reason.contains("got 121"), "{reason}");
}

#[test]
fn a_name_of_120_characters_is_accepted() {
    assert_eq!(accepted(draft(&"x".repeat(120))).name.chars().count(), 120);
}

#[test]
fn a_name_is_stored_trimmed() {
    assert_eq!(accepted(draft("  Ana  ")).name, "Ana");
}

#[test]
fn a_name_with_a_control_character_is_refused() {
    let reason = refusal(draft("Ana\u{0}Lima"));
    assert!(reason.contains("control characters"), "{reason}");
}

#[test]
fn an_email_without_a_dot_in_the_domain_is_refused() {
    assert!(refusal(with_email("a@b")).contains("email"));
}

#[test]
fn an_email_with_a_space_is_refused() {
    assert!(refusal(with_email("a b@c.d")).contains("spaces"));
}

#[test]
fn an_email_with_an_empty_local_part_is_refused() {
    assert!(refusal(with_email("@c.d")).contains("before the @"));
}

#[test]
fn an_email_with_two_at_signs_is_refused() {
    assert!(refusal(with_email("a@@c.d")).contains("exactly one @"));
}

#[test]
fn an_email_without_an_at_sign_is_refused() {
    assert!(refusal(with_email("ana.example.com")).contains("@"));
}

#[test]
fn plausible_emails_are_accepted() {
    for email in [
        "a@c.d",
        "ana.lima+crm@mail.example.com.br",
        "O'Neil@example.org",
    ] {
        assert_eq!(accepted(with_email(email)).email, email);
    }
}

#[test]
fn an_empty_email_is_accepted() {
    assert_eq!(accepted(with_email("")).email, "");
}

#[test]
fn a_phone_of_121_characters_is_refused() {
    let reason = refusal(ContactDraft {
        phone: "1".repeat(121),
        ..draft("Ana")
    });
    assert!(
        reason.contains("phone") && reason.contains("120"),
        "{reason}"
    );
}

#[test]
fn a_company_of_121_characters_is_refused() {
    let reason = refusal(ContactDraft {
        company: "c".repeat(121),
        ..draft("Ana")
    });
    assert!(
        reason.contains("company") && reason.contains("120"),
        "{reason}"
    );
}

#[test]
fn notes_of_10001_characters_are_refused() {
    let reason = refusal(ContactDraft {
        notes: "n".repeat(10_001),
        ..draft("Ana")
    });
    assert!(
        reason.contains("notes") && reason.contains("10000"),
        "{reason}"
    );
}

#[test]
fn notes_of_10000_characters_with_line_breaks_are_accepted() {
    let notes = "line\n".repeat(2_000);
    assert_eq!(
        accepted(ContactDraft {
            notes: notes.clone(),
            ..draft("Ana")
        })
        .notes,
        notes
    );
}

#[test]
fn an_invalid_update_changes_nothing() {
    let (mut store, agency) = store_with_agency();
    let contact = store
        .save_contact(&agency.id, &draft("Ana"), None, WINDOW, NOW)
        .unwrap();
    let bad = ContactDraft {
        id: Some(contact.id.clone()),
        ..with_email("a@b")
    };
    invalid_reason(store.save_contact(&agency.id, &bad, Some(1), WINDOW, NOW));
    assert_eq!(store.contact(&agency.id, &contact.id).unwrap(), contact);
}

#[test]
fn an_empty_window_label_is_refused() {
    let (mut store, agency) = store_with_agency();
    let reason = invalid_reason(store.save_contact(&agency.id, &draft("Ana"), None, "", NOW));
    assert!(reason.contains("window label"), "{reason}");
}
