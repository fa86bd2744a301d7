//! The sync status: kept by the coordinator as the shell's sync engine
//! reports it, and told to every window only when it changes.

mod common;

use axolop_coordinator::session::Session;
use axolop_coordinator::sync::{SyncProgress, SyncState, SyncStatus};

use std::time::Duration;

use axolop_coordinator::agency::AgencySelection;
use axolop_coordinator::session::{Grant, SessionUser};
use axolop_coordinator::Coordinator;
use secrecy::SecretString;

use common::{patient, w};

/// A Supabase-mode coordinator with one window and Ada signed in.
fn signed_in() -> Coordinator {
    let (mut coordinator, now) = common::desk(1, Session::supabase(), patient());
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
    coordinator
        .session_signed_in(AgencySelection::default(), grant, now)
        .unwrap();
    coordinator.take_events();
    coordinator
}

fn offline(waiting: u64) -> SyncStatus {
    SyncStatus {
        state: SyncState::Offline,
        waiting,
        progress: None,
        problem: Some("the data server is unavailable".into()),
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
    });
    let snapshot = coordinator.snapshot(&w(1)).unwrap();
    let wire = serde_json::to_value(&snapshot).unwrap();
    assert_eq!(
        wire["sync"],
        serde_json::json!({
            "state": "syncing",
            "waiting": 0,
            "progress": { "agencyId": "a-1", "rows": 1000, "total": 10000 },
            "problem": null
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
