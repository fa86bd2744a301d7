//! Window health with injected time: a ready window silent for the
//! heartbeat timeout becomes unresponsive at the tick that reaches it,
//! losing primacy and locks; its next beat brings it back as a secondary;
//! a jump of the clocks gives every window a whole timeout to report in.

mod common;

use std::time::{Duration, Instant};

use axolop_coordinator::health::HeartbeatTimeout;
use axolop_coordinator::session::Session;
use axolop_coordinator::{Acquisition, Coordinator, Envelope, LockMode, LockRequest, WindowState};
use common::w;

const TIMEOUT: Duration = Duration::from_secs(5);

fn kinds(events: &[Envelope]) -> Vec<&'static str> {
    events.iter().map(|e| e.event.kind()).collect()
}

fn state(coordinator: &Coordinator, n: u64) -> WindowState {
    coordinator.windows().state(&w(n)).unwrap()
}

fn primary(coordinator: &Coordinator) -> Option<String> {
    coordinator
        .election()
        .primary()
        .map(|p| p.label.to_string())
}

#[test]
fn a_silent_primary_is_demoted_at_the_timeout_and_not_a_moment_before() {
    let (mut coordinator, start) = common::desk(2, Session::local(), HeartbeatTimeout::default());
    // crm-2 keeps beating; crm-1 stops.
    for second in 1..=5 {
        coordinator
            .heartbeat(&w(2), start + Duration::from_secs(second))
            .unwrap();
    }
    assert_eq!(coordinator.next_deadline(), Some(start + TIMEOUT));
    coordinator.take_events();
    coordinator.tick(start + TIMEOUT - Duration::from_millis(1));
    assert!(coordinator.take_events().is_empty());
    coordinator.tick(start + TIMEOUT);
    let events = coordinator.take_events();
    assert_eq!(
        kinds(&events),
        ["windows-changed", "primary-changed", "modal-changed"]
    );
    assert_eq!(state(&coordinator, 1), WindowState::Unresponsive);
    assert_eq!(primary(&coordinator).as_deref(), Some("crm-2"));
    assert_eq!(coordinator.election().primary().unwrap().epoch, 2);
}

#[test]
fn a_window_that_beats_every_second_stays_primary() {
    let (mut coordinator, start) = common::desk(2, Session::local(), HeartbeatTimeout::default());
    for second in 1..=30 {
        let now = start + Duration::from_secs(second);
        coordinator.tick(now);
        coordinator.heartbeat(&w(1), now).unwrap();
        coordinator.heartbeat(&w(2), now).unwrap();
    }
    assert_eq!(primary(&coordinator).as_deref(), Some("crm-1"));
    assert_eq!(state(&coordinator, 1), WindowState::Ready);
}

#[test]
fn a_silent_window_loses_its_locks_and_the_next_waiter_gets_them() {
    let (mut coordinator, start) = common::desk(2, Session::local(), HeartbeatTimeout::default());
    let request = |wait| {
        LockRequest::new(
            "agency",
            Some(LockMode::Exclusive),
            Some(600_000),
            Some(wait),
        )
        .unwrap()
    };
    let Acquisition::Granted(held) = coordinator.lock_acquire(&w(1), request(0), start).unwrap()
    else {
        panic!("crm-1 should hold the lock");
    };
    let later = start + Duration::from_secs(1);
    let Acquisition::Queued(mut waiting) = coordinator
        .lock_acquire(&w(2), request(60_000), later)
        .unwrap()
    else {
        panic!("crm-2 should wait");
    };
    for second in 2..=5 {
        coordinator
            .heartbeat(&w(2), start + Duration::from_secs(second))
            .unwrap();
    }
    coordinator.tick(start + TIMEOUT);
    let granted = common::granted(&mut waiting);
    assert!(granted.fence > held.fence);
    assert!(coordinator.locks().summaries()[0]
        .holders
        .iter()
        .all(|h| h.as_str() == "crm-2"));
}

#[test]
fn the_next_beat_brings_a_silent_window_back_as_a_secondary() {
    let (mut coordinator, start) = common::desk(2, Session::local(), HeartbeatTimeout::default());
    coordinator.heartbeat(&w(2), start + TIMEOUT).unwrap();
    coordinator.tick(start + TIMEOUT);
    assert_eq!(state(&coordinator, 1), WindowState::Unresponsive);
    let back = start + TIMEOUT + Duration::from_secs(7);
    coordinator.take_events();
    coordinator.heartbeat(&w(1), back).unwrap();
    let events = coordinator.take_events();
    assert_eq!(kinds(&events), ["windows-changed"]);
    assert_eq!(state(&coordinator, 1), WindowState::Ready);
    assert_eq!(primary(&coordinator).as_deref(), Some("crm-2"));
    // Judged again from its new beat, not from its old silence.
    assert_eq!(coordinator.next_deadline(), Some(start + TIMEOUT + TIMEOUT));
}

#[test]
fn a_window_still_loading_its_page_is_not_judged() {
    let now = Instant::now();
    let mut coordinator = Coordinator::new();
    let label = coordinator.next_label();
    coordinator.window_opened(label.clone(), now).unwrap();
    assert_eq!(coordinator.next_deadline(), None);
    coordinator.take_events();
    coordinator.tick(now + Duration::from_secs(60));
    assert!(coordinator.take_events().is_empty());
    assert_eq!(
        coordinator.windows().state(&label).unwrap(),
        WindowState::Loading
    );
}

#[test]
fn after_a_jump_of_the_clocks_every_window_gets_a_whole_timeout() {
    let (mut coordinator, start) = common::desk(3, Session::local(), HeartbeatTimeout::default());
    // Nobody could beat for 40 s (the machine slept, or the app was stopped).
    let resumed = start + Duration::from_secs(40);
    coordinator.clock_jumped(resumed);
    coordinator.tick(resumed);
    assert!(
        coordinator.take_events().is_empty(),
        "nobody is demoted at once"
    );
    for n in 1..=3 {
        assert_eq!(state(&coordinator, n), WindowState::Ready);
    }
    // Two report in; the third stays silent for a whole timeout.
    coordinator
        .heartbeat(&w(1), resumed + Duration::from_secs(1))
        .unwrap();
    coordinator
        .heartbeat(&w(2), resumed + Duration::from_secs(1))
        .unwrap();
    coordinator.tick(resumed + TIMEOUT);
    assert_eq!(state(&coordinator, 3), WindowState::Unresponsive);
    assert_eq!(state(&coordinator, 1), WindowState::Ready);
    assert_eq!(primary(&coordinator).as_deref(), Some("crm-1"));
}

#[test]
fn the_timeout_is_configurable() {
    let (mut coordinator, start) = common::desk(2, Session::local(), HeartbeatTimeout::default());
    coordinator.set_heartbeat_timeout(HeartbeatTimeout::from_millis(2_000).unwrap());
    coordinator
        .heartbeat(&w(2), start + Duration::from_secs(2))
        .unwrap();
    coordinator.tick(start + Duration::from_secs(2));
    assert_eq!(state(&coordinator, 1), WindowState::Unresponsive);
}
