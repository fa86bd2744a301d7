//! The agency selection and its modal, one behaviour per test: the
//! `agency-selection` modal presented by the primary only and moving with
//! it (with the typed text while its window lives), compare-and-set,
//! per-user selections across sign-out and sign-in, and saves aimed at an
//! agency that is no longer selected.

mod common;

use std::time::Duration;

use axolop_coordinator::agency::{AgencyRef, AgencySelection};
use axolop_coordinator::contacts::{ContactChange, ContactsChange};
use axolop_coordinator::modal::ModalKind;
use axolop_coordinator::session::{Grant, Session, SessionUser};
use axolop_coordinator::{Envelope, ErrorCode, Event};
use secrecy::SecretString;

use common::{patient, w};

fn acme() -> AgencyRef {
    AgencyRef {
        id: "a1".into(),
        name: "Acme".into(),
    }
}

fn globex() -> AgencyRef {
    AgencyRef {
        id: "a2".into(),
        name: "Globex".into(),
    }
}

fn kinds(events: &[Envelope]) -> Vec<&'static str> {
    events.iter().map(|e| e.event.kind()).collect()
}

fn grant(user: &str) -> Grant {
    Grant {
        user: SessionUser {
            id: user.into(),
            email: None,
        },
        access_token: SecretString::from("access"),
        refresh_token: SecretString::from("refresh"),
        lifetime: Duration::from_secs(3600),
        expires_at_unix_ms: 1,
    }
}

#[test]
fn with_no_agency_only_the_primary_presents_the_agency_modal() {
    let (coordinator, _) = common::desk(3, Session::local(), patient());
    for n in 1..=3 {
        let plan = coordinator.snapshot(&w(n)).unwrap().modal;
        assert_eq!(plan.required, Some(ModalKind::AgencySelection));
        assert_eq!(plan.presenter, Some(w(1)), "as seen by {}", w(n));
    }
}

#[test]
fn selecting_an_agency_tells_every_window_and_closes_the_modal() {
    let (mut coordinator, _) = common::desk(2, Session::local(), patient());
    coordinator.agency_select(&w(2), acme(), Some(0)).unwrap();
    let events = coordinator.take_events();
    assert_eq!(kinds(&events), ["agency-changed", "modal-changed"]);
    let snapshot = coordinator.snapshot(&w(1)).unwrap();
    assert_eq!(snapshot.agency.selected, Some(acme()));
    assert_eq!(snapshot.agency.version, 1);
    assert_eq!(snapshot.agency.changed_by, Some(w(2)));
    assert_eq!(snapshot.modal.required, None);
    assert_eq!(snapshot.modal.presenter, None);
}

#[test]
fn a_stale_selection_is_a_conflict_and_announces_nothing() {
    let (mut coordinator, _) = common::desk(2, Session::local(), patient());
    coordinator.agency_select(&w(1), acme(), Some(0)).unwrap();
    let seq = coordinator.last_seq();
    let error = coordinator
        .agency_select(&w(2), globex(), Some(0))
        .unwrap_err();
    assert_eq!(error.code(), ErrorCode::Conflict);
    assert_eq!(coordinator.last_seq(), seq);
    assert_eq!(coordinator.agency().summary().selected, Some(acme()));
}

#[test]
fn closing_the_primary_moves_the_modal_and_drops_the_text_typed_there() {
    let (mut coordinator, now) = common::desk(3, Session::local(), patient());
    coordinator
        .modal_draft_report(&w(1), ModalKind::AgencySelection, "Acme Ltd".into())
        .unwrap();
    coordinator.take_events();
    coordinator.window_closed(&w(1), now).unwrap();
    let events = coordinator.take_events();
    assert_eq!(
        kinds(&events),
        ["windows-changed", "primary-changed", "modal-changed"]
    );
    assert_eq!(coordinator.modal().presenter, Some(w(2)));
    assert_eq!(coordinator.modal_draft(), None);
}

#[test]
fn a_hung_primary_hands_the_modal_over_with_what_was_typed() {
    let (mut coordinator, now) = common::desk(2, Session::local(), patient());
    coordinator
        .modal_draft_report(&w(1), ModalKind::AgencySelection, "Acme Ltd".into())
        .unwrap();
    coordinator.window_unresponsive(&w(1), now).unwrap();
    assert_eq!(coordinator.modal().presenter, Some(w(2)));
    let draft = coordinator.modal_draft().unwrap();
    assert_eq!((draft.text.as_str(), &draft.window), ("Acme Ltd", &w(1)));
    // The new presenter types on; its text is the one kept.
    coordinator
        .modal_draft_report(&w(2), ModalKind::AgencySelection, "Acme Ltd.".into())
        .unwrap();
    assert_eq!(coordinator.modal_draft().unwrap().text, "Acme Ltd.");
}

#[test]
fn only_the_presenter_reports_a_draft() {
    let (mut coordinator, _) = common::desk(2, Session::local(), patient());
    let error = coordinator
        .modal_draft_report(&w(2), ModalKind::AgencySelection, "x".into())
        .unwrap_err();
    assert_eq!(error.code(), ErrorCode::InvalidArgument);
    let error = coordinator
        .modal_draft_report(&w(1), ModalKind::SignIn, "a@b.c".into())
        .unwrap_err();
    assert_eq!(error.code(), ErrorCode::InvalidArgument);
    assert_eq!(coordinator.modal_draft(), None);
}

#[test]
fn the_draft_ends_with_its_modal() {
    let (mut coordinator, _) = common::desk(1, Session::local(), patient());
    coordinator
        .modal_draft_report(&w(1), ModalKind::AgencySelection, "Acme".into())
        .unwrap();
    coordinator.agency_select(&w(1), acme(), None).unwrap();
    assert_eq!(coordinator.modal_draft(), None);
}

#[test]
fn sign_in_comes_first_then_the_agency_modal() {
    let (mut coordinator, now) = common::desk(2, Session::supabase(), patient());
    assert_eq!(coordinator.modal().required, Some(ModalKind::SignIn));
    coordinator
        .session_signed_in(AgencySelection::default(), grant("u1"), now)
        .unwrap();
    let events = coordinator.take_events();
    assert_eq!(kinds(&events), ["session-changed", "modal-changed"]);
    assert_eq!(
        coordinator.modal().required,
        Some(ModalKind::AgencySelection)
    );
    assert_eq!(coordinator.modal().presenter, Some(w(1)));
}

#[test]
fn no_agency_modal_while_the_stored_session_is_read() {
    let (coordinator, _) = common::desk(1, Session::supabase_loading(), patient());
    assert_eq!(coordinator.modal().required, None);
}

#[test]
fn restoring_the_users_selection_with_the_sign_in_asks_for_nothing() {
    let (mut coordinator, now) = common::desk(1, Session::supabase(), patient());
    coordinator
        .session_signed_in(AgencySelection::restored(Some(acme()), 4), grant("u1"), now)
        .unwrap();
    let events = coordinator.take_events();
    assert_eq!(coordinator.modal().required, None);
    assert_eq!(coordinator.agency().summary().version, 4);
    assert!(events.iter().all(|e| match &e.event {
        Event::ModalChanged(plan) => plan.required != Some(ModalKind::AgencySelection),
        _ => true,
    }));
}

#[test]
fn signing_out_clears_the_selection_without_moving_its_version_back() {
    let (mut coordinator, now) = common::desk(2, Session::supabase(), patient());
    coordinator
        .session_signed_in(AgencySelection::default(), grant("u1"), now)
        .unwrap();
    coordinator.agency_select(&w(1), acme(), None).unwrap();
    coordinator.take_events();
    coordinator.session_sign_out();
    let events = coordinator.take_events();
    assert_eq!(
        kinds(&events),
        ["session-changed", "agency-changed", "modal-changed"]
    );
    let summary = coordinator.agency().summary();
    assert_eq!((summary.selected.as_ref(), summary.version), (None, 2));
    assert_eq!(coordinator.modal().required, Some(ModalKind::SignIn));
    // The next user's stored selection is older; the version still grows.
    coordinator.agency_restore(AgencySelection::restored(Some(globex()), 1));
    assert_eq!(coordinator.agency().summary().version, 3);
}

#[test]
fn a_save_aimed_at_an_agency_no_longer_selected_is_refused() {
    let (mut coordinator, _) = common::desk(2, Session::local(), patient());
    assert_eq!(
        coordinator.agency_in_use(None).unwrap_err().code(),
        ErrorCode::Conflict
    );
    coordinator.agency_select(&w(1), acme(), None).unwrap();
    coordinator.agency_select(&w(2), globex(), None).unwrap();
    let error = coordinator.agency_in_use(Some("a1")).unwrap_err();
    assert_eq!(error.code(), ErrorCode::Conflict);
    assert!(error.to_string().contains("\"Globex\""), "{error}");
    assert_eq!(coordinator.agency_in_use(Some("a2")).unwrap(), &globex());
    assert_eq!(coordinator.agency_in_use(None).unwrap(), &globex());
}

#[test]
fn contact_changes_are_numbered_even_after_their_window_closed() {
    let (mut coordinator, now) = common::desk(2, Session::local(), patient());
    coordinator.window_closed(&w(2), now).unwrap();
    let seq = coordinator.last_seq();
    coordinator.take_events();
    coordinator.contacts_changed(ContactsChange {
        agency_id: "a1".into(),
        by: Some(w(2)),
        change: ContactChange::Deleted {
            id: "c1".into(),
            version: 3,
            position: 7,
        },
    });
    let events = coordinator.take_events();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].seq, seq + 1);
    let wire = serde_json::to_value(&events[0]).unwrap();
    assert_eq!(wire["kind"], "contacts-changed");
    assert_eq!(wire["data"]["change"]["op"], "deleted");
    assert_eq!(wire["data"]["change"]["position"], 7);
    assert_eq!(wire["data"]["agencyId"], "a1");
    assert_eq!(wire["data"]["by"], "crm-2");
}

#[test]
fn a_change_from_the_server_is_announced_without_a_window() {
    let (mut coordinator, _) = common::desk(1, Session::supabase(), patient());
    coordinator.take_events();
    coordinator.contacts_changed(ContactsChange {
        agency_id: "a1".into(),
        by: None,
        change: ContactChange::Deleted {
            id: "c1".into(),
            version: 2,
            position: 0,
        },
    });
    let wire = serde_json::to_value(coordinator.take_events().pop().unwrap()).unwrap();
    assert_eq!(wire["data"]["by"], serde_json::Value::Null);
}
