//! What the diagnostics window is shown: window health and lag, the
//! election history with causes and hand-over times, leases counting down
//! and queues in order, and the session's refresh schedule.

mod common;

use std::time::Duration;

use axolop_coordinator::diagnostics::ElectionCause;
use axolop_coordinator::health::HeartbeatTimeout;
use axolop_coordinator::session::{Grant, Session, SessionUser};
use axolop_coordinator::{LockMode, WindowState};
use common::{desk, patient, w, Desk};
use secrecy::SecretString;

#[test]
fn each_window_shows_its_role_state_silence_and_the_last_event_it_applied() {
    let mut desk = Desk::with_windows(2);
    desk.now += Duration::from_millis(300);
    desk.coordinator.heartbeat(&w(2), desk.now).unwrap();
    let seq = desk.coordinator.last_seq();
    desk.coordinator
        .window_reported(&w(2), Some(seq), Some(1))
        .unwrap();
    desk.now += Duration::from_millis(200);
    let view = desk.coordinator.diagnostics(desk.now);
    assert_eq!(view.seq, seq);
    let [first, second] = &view.windows[..] else {
        panic!("two windows: {:?}", view.windows);
    };
    assert_eq!(first.label, w(1));
    assert_eq!(first.silent_ms, 500);
    assert_eq!(first.applied_seq, None, "never reported");
    assert_eq!(second.silent_ms, 200);
    assert_eq!(second.applied_seq, Some(seq));
    assert_eq!(second.state, WindowState::Ready);
    assert_eq!(view.primary.map(|p| p.label), Some(w(1)));
    assert_eq!(second.resyncs, Some(1));
    assert!(desk
        .coordinator
        .window_reported(&w(9), Some(1), None)
        .is_err());
}

#[test]
fn the_history_names_each_election_its_cause_and_how_long_the_hand_over_took() {
    let timeout = HeartbeatTimeout::from_millis(2_000).unwrap();
    let (mut coordinator, start) = desk(3, Session::local(), timeout);
    // crm-1 falls silent; it is noticed at the timeout.
    let later = start + Duration::from_millis(2_500);
    coordinator.heartbeat(&w(2), later).unwrap();
    coordinator.heartbeat(&w(3), later).unwrap();
    coordinator.tick(later);
    // crm-2 crashes; then closes.
    let crash = later + Duration::from_millis(100);
    coordinator.window_crashed(&w(2), crash).unwrap();
    let close = crash + Duration::from_millis(100);
    coordinator.window_closed(&w(3), close).unwrap();
    let view = coordinator.diagnostics(close + Duration::from_millis(50));
    let history: Vec<_> = view
        .elections
        .iter()
        .map(|e| (e.epoch, e.cause, e.from.clone(), e.to.clone()))
        .collect();
    assert_eq!(
        history,
        [
            (4, ElectionCause::Closed, Some(w(3)), None),
            (3, ElectionCause::Crashed, Some(w(2)), Some(w(3))),
            (2, ElectionCause::Unresponsive, Some(w(1)), Some(w(2))),
            (1, ElectionCause::Opened, None, Some(w(1))),
        ],
        "newest first"
    );
    // Silent since the start: lost 2.5 s before the new primary.
    assert_eq!(view.elections[2].handover_ms, 2_500);
    assert_eq!(view.elections[1].handover_ms, 0);
    assert_eq!(view.elections[0].ago_ms, 50);
}

#[test]
fn locks_show_their_leases_counting_down_and_their_waiters_in_order() {
    let mut desk = Desk::with_windows(3);
    desk.request_with_ttl(1, "notes", LockMode::Exclusive, 0, Some(10_000))
        .unwrap();
    let _second = desk.queue(2, "notes", LockMode::Shared);
    desk.now += Duration::from_millis(1_000);
    let _third = desk.queue(3, "notes", LockMode::Exclusive);
    desk.now += Duration::from_millis(500);
    let view = desk.coordinator.diagnostics(desk.now);
    let [lock] = &view.locks[..] else {
        panic!("one lock: {:?}", view.locks);
    };
    assert_eq!(lock.name.as_str(), "notes");
    assert_eq!(lock.mode, LockMode::Exclusive);
    assert_eq!(lock.holders.len(), 1);
    assert_eq!(lock.holders[0].window, w(1));
    assert_eq!(lock.holders[0].lease_left_ms, 8_500);
    let waiting: Vec<_> = lock
        .waiting
        .iter()
        .map(|waiter| (waiter.window.clone(), waiter.mode, waiter.waited_ms))
        .collect();
    assert_eq!(
        waiting,
        [
            (w(2), LockMode::Shared, 1_500),
            (w(3), LockMode::Exclusive, 500)
        ]
    );
    assert_eq!(lock.waiting[1].gives_up_in_ms, 9_500);
}

#[test]
fn the_session_shows_its_schedule_and_counts_refreshes_never_a_token() {
    let (mut coordinator, now) = desk(1, Session::supabase(), patient());
    let grant = |n: u64| Grant {
        user: SessionUser {
            id: "user-1".into(),
            email: None,
        },
        access_token: SecretString::from(format!("access-{n}")),
        refresh_token: SecretString::from(format!("refresh-{n}")),
        lifetime: Duration::from_secs(3_600),
        expires_at_unix_ms: 1,
    };
    coordinator
        .session_signed_in(Default::default(), grant(1), now)
        .unwrap();
    let view = coordinator.diagnostics(now);
    assert_eq!(view.session.access_left_ms, Some(3_600_000));
    let due = view.session.next_refresh_in_ms.unwrap();
    assert!(due > 0 && due < 3_600_000, "{due}");
    assert!(!view.session.refreshing);
    let job = coordinator
        .session_refresh_due(now + Duration::from_millis(due))
        .unwrap();
    assert!(coordinator.diagnostics(now).session.refreshing);
    coordinator.session_refreshed(job.id, grant(2), now + Duration::from_millis(due));
    let view = coordinator.diagnostics(now + Duration::from_millis(due));
    assert_eq!((view.session.refreshes, view.session.failures), (1, 0));
    let shown = serde_json::to_string(&view).unwrap();
    assert!(
        !shown.contains("access-") && !shown.contains("refresh-"),
        "{shown}"
    );
}
