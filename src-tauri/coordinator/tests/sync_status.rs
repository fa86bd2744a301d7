//! The sync status: kept by the coordinator as the shell's sync engine
//! reports it, and told to every window only when it changes.

mod common;

use axolop_coordinator::modal::ModalKind;
use axolop_coordinator::session::Session;
use axolop_coordinator::sync::{SignOutIntent, SyncProgress, SyncState, SyncStatus};

use std::time::Duration;

use axolop_coordinator::agency::{AgencyRef, AgencySelection};
use axolop_coordinator::session::{Grant, SessionUser};
use axolop_coordinator::Coordinator;
use secrecy::SecretString;

use common::{patient, w};

/// A Supabase-mode coordinator with one window and Ada signed in, in her
/// agency.
fn signed_in() -> Coordinator {
    let (mut coordinator, now) = common::desk(1, Session::supabase(), patient());
    let acme = AgencySelection::restored(
        Some(AgencyRef {
            id: "acme".into(),
            name: "Acme".into(),
        }),
        1,
    );
    let grant = Grant {
        user: SessionUser {
            id: "user-1".into(),
            email: None,
        },
        access_token: SecretString::from("access".to_owned()),
        refresh_token: SecretString::from("refresh".to_owned()),
        lifetime: Duration::from_secs(60),
        expires_at_unix_ms: 0,
    };
    coordinator.session_signed_in(acme, grant, now).unwrap();
    coordinator.take_events();
    coordinator
}

fn offline(waiting: u64) -> SyncStatus {
    SyncStatus {
        state: SyncState::Offline,
        waiting,
        progress: None,
        problem: Some("the data server is unavailable".into()),
        signing_out: false,
    }
}

#[test]
fn a_new_status_is_one_event_and_the_same_status_again_is_none() {
    let mut coordinator = signed_in();
    assert!(coordinator.sync_reported(offline(2)));
    assert!(!coordinator.sync_reported(offline(2)), "nothing new");
    assert!(coordinator.sync_reported(offline(3)));
    let events = coordinator.take_events();
    let waiting: Vec<u64> = events
        .iter()
        .map(|envelope| match &envelope.event {
            axolop_coordinator::Event::SyncChanged(status) => status.waiting,
            other => panic!("unexpected {other:?}"),
        })
        .collect();
    assert_eq!(waiting, [2, 3]);
}

#[test]
fn a_snapshot_carries_the_status_and_the_wire_names_its_parts() {
    let mut coordinator = signed_in();
    assert_eq!(
        coordinator.snapshot(&w(1)).unwrap().sync.state,
        SyncState::Off
    );
    coordinator.sync_reported(SyncStatus {
        state: SyncState::Syncing,
        waiting: 0,
        progress: Some(SyncProgress {
            agency_id: "a-1".into(),
            rows: 1_000,
            total: 10_000,
        }),
        problem: None,
        signing_out: false,
    });
    let snapshot = coordinator.snapshot(&w(1)).unwrap();
    let wire = serde_json::to_value(&snapshot).unwrap();
    assert_eq!(
        wire["sync"],
        serde_json::json!({
            "state": "syncing",
            "waiting": 0,
            "progress": { "agencyId": "a-1", "rows": 1000, "total": 10000 },
            "problem": null,
            "signingOut": false
        })
    );
    let event = coordinator.take_events().pop().unwrap();
    assert_eq!(
        serde_json::to_value(&event).unwrap()["kind"],
        "sync-changed"
    );
}

#[test]
fn a_session_that_ends_takes_the_sync_status_with_it_and_a_late_report_is_off() {
    let mut coordinator = signed_in();
    coordinator.sync_reported(offline(4));
    coordinator.take_events();
    coordinator.session_sign_out();
    let kinds: Vec<&str> = coordinator
        .take_events()
        .iter()
        .map(|envelope| envelope.event.kind())
        .collect();
    assert!(kinds.contains(&"sync-changed"), "{kinds:?}");
    assert_eq!(coordinator.sync_status(), &SyncStatus::default());
    // An exchange that was out when the session ended reports late.
    assert!(!coordinator.sync_reported(offline(4)));
    assert_eq!(coordinator.sync_status(), &SyncStatus::default());
}

#[test]
fn a_sign_out_held_up_by_unsent_changes_is_asked_about_by_the_primary_alone() {
    let mut coordinator = signed_in();
    coordinator.sync_reported(offline(3));
    coordinator.take_events();
    coordinator.sign_out_ask().unwrap();
    assert_eq!(coordinator.modal().required, Some(ModalKind::UnsentChanges));
    assert_eq!(coordinator.modal().presenter, Some(w(1)));
    let kinds: Vec<&str> = coordinator
        .take_events()
        .iter()
        .map(|envelope| envelope.event.kind())
        .collect();
    assert_eq!(kinds, ["modal-changed"]);

    // Wait: the modal goes, and every window is told a sign-out waits.
    coordinator.sign_out_when_sent().unwrap();
    assert_eq!(coordinator.modal().required, None);
    assert!(coordinator.sync_status().signing_out);
    assert_eq!(coordinator.sign_out_intent(), SignOutIntent::WhenSent);
    // The engine's reports keep it so.
    coordinator.sync_reported(offline(2));
    assert!(coordinator.sync_status().signing_out);

    // Signed out (by the engine, once sent): nothing is pending any more.
    coordinator.session_sign_out();
    assert_eq!(coordinator.sign_out_intent(), SignOutIntent::None);
    assert!(!coordinator.sync_status().signing_out);
}

#[test]
fn staying_signed_in_drops_the_question_and_nobody_signed_in_cannot_be_asked() {
    let mut coordinator = signed_in();
    coordinator.sign_out_ask().unwrap();
    coordinator.sign_out_cancel();
    assert_eq!(coordinator.modal().required, None);
    assert_eq!(coordinator.sign_out_intent(), SignOutIntent::None);

    coordinator.session_sign_out();
    coordinator.take_events();
    assert!(coordinator.sign_out_ask().is_err());
    assert!(coordinator.sign_out_when_sent().is_err());
    assert_eq!(coordinator.modal().required, Some(ModalKind::SignIn));
    assert!(
        coordinator.take_events().is_empty(),
        "a refusal changes nothing"
    );
}
