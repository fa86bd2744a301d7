//! The lock rules for deadlocks and for windows that close, reload or hang,
//! one behaviour per test, with injected time.

mod common;

use axolop_coordinator::lock::{EndReason, LeaseEnd};
use axolop_coordinator::{ErrorCode, LockMode, WindowLabel};
use common::{code, granted, lock_changes, refused, w, Desk};
use LockMode::{Exclusive, Shared};

#[test]
fn a_window_asking_again_for_a_lock_it_holds_or_awaits_is_refused_at_once() {
    let mut desk = Desk::with_windows(2);
    desk.grant(1, "a", Shared);
    let error = desk.request(1, "a", Shared, 10_000).unwrap_err();
    assert_eq!(error.code(), ErrorCode::Deadlock);
    assert!(error.to_string().contains("crm-1 already holds"), "{error}");
    desk.grant(2, "b", Exclusive);
    let _waiting = desk.queue(1, "b", Exclusive);
    let error = desk.request(1, "b", Exclusive, 10_000).unwrap_err();
    assert!(
        error.to_string().contains("crm-1 already waits for"),
        "{error}"
    );
    assert_eq!(desk.lock("b").unwrap().waiting, vec![w(1)]);
}

#[test]
fn every_lock_of_a_closed_window_is_released_and_the_next_waiter_granted_at_once() {
    let mut desk = Desk::with_windows(3);
    let held = desk.grant(1, "a", Exclusive);
    desk.grant(2, "b", Exclusive);
    let mut one_waits = desk.queue(1, "b", Exclusive);
    let mut three_waits = desk.queue(3, "a", Exclusive);
    desk.coordinator.window_closed(&w(1), desk.now).unwrap();
    let events = desk.coordinator.take_events();
    let changes = lock_changes(&events);
    assert_eq!(changes.len(), 2, "one event per lock touched");
    assert_eq!(
        changes[0].ended[0],
        LeaseEnd {
            window: w(1),
            fence: held.fence,
            reason: EndReason::WindowClosed
        }
    );
    granted(&mut three_waits);
    assert_eq!(refused(&mut one_waits), ErrorCode::LockUnavailable);
    assert_eq!(desk.lock("b").unwrap().waiting, Vec::<WindowLabel>::new());
    assert_eq!(desk.coordinator.locks().load_of(&w(1)), 0);
}

#[test]
fn a_reloaded_page_is_a_new_holder_its_old_leases_are_released() {
    let mut desk = Desk::with_windows(2);
    let old = desk.grant(1, "a", Exclusive);
    let mut next = desk.queue(2, "a", Exclusive);
    desk.coordinator.window_reloaded(&w(1), desk.now).unwrap();
    let events = desk.coordinator.take_events();
    assert_eq!(
        lock_changes(&events)[0].ended[0].reason,
        EndReason::WindowReloaded
    );
    granted(&mut next);
    assert_eq!(
        code(desk.coordinator.lock_release(&w(1), old.token, desk.now)),
        ErrorCode::LockNotHeld
    );
}

#[test]
fn an_unresponsive_window_loses_its_locks_and_its_waits() {
    let mut desk = Desk::with_windows(3);
    desk.grant(1, "a", Exclusive);
    desk.grant(3, "b", Exclusive);
    let mut one_waits = desk.queue(1, "b", Exclusive);
    let mut two_waits = desk.queue(2, "a", Exclusive);
    desk.coordinator
        .window_unresponsive(&w(1), desk.now)
        .unwrap();
    let events = desk.coordinator.take_events();
    assert!(lock_changes(&events).iter().any(|c| c
        .ended
        .iter()
        .any(|e| e.reason == EndReason::WindowUnresponsive)));
    granted(&mut two_waits);
    let error = one_waits.try_outcome().unwrap().unwrap_err();
    assert!(error.to_string().contains("stopped responding"), "{error}");
}

#[test]
fn a_queued_request_whose_caller_is_gone_is_skipped_not_granted() {
    let mut desk = Desk::with_windows(3);
    let held = desk.grant(1, "a", Exclusive);
    drop(desk.queue(2, "a", Exclusive));
    let mut third = desk.queue(3, "a", Exclusive);
    desk.release(1, &held);
    granted(&mut third);
    assert_eq!(desk.lock("a").unwrap().holders, vec![w(3)]);
    assert_eq!(desk.coordinator.locks().load_of(&w(2)), 0);
}

#[test]
fn a_request_closing_a_two_window_cycle_fails_with_deadlock_naming_it_and_the_other_keeps_waiting()
{
    let mut desk = Desk::with_windows(2);
    let b = desk.grant(2, "b", Exclusive);
    desk.grant(1, "a", Exclusive);
    let mut one_waits = desk.queue(1, "b", Exclusive);
    let before = desk.coordinator.snapshot(&w(1)).unwrap();
    let error = desk.request(2, "a", Exclusive, 10_000).unwrap_err();
    assert_eq!(error.code(), ErrorCode::Deadlock);
    assert_eq!(
        error.to_string(),
        "deadlock: crm-2 waits for \"a\" held by crm-1, crm-1 waits for \"b\" held by crm-2; \
         the request was refused and the others keep waiting"
    );
    assert_eq!(
        desk.coordinator.snapshot(&w(1)).unwrap(),
        before,
        "nothing changed"
    );
    assert!(one_waits.try_outcome().is_none());
    desk.release(2, &b);
    granted(&mut one_waits);
}

#[test]
fn a_three_window_ring_is_detected_when_its_last_wait_is_requested() {
    let mut desk = Desk::with_windows(3);
    desk.grant(1, "a", Exclusive);
    desk.grant(2, "b", Exclusive);
    desk.grant(3, "c", Exclusive);
    let _w1 = desk.queue(1, "b", Exclusive);
    let _w2 = desk.queue(2, "c", Exclusive);
    let error = desk.request(3, "a", Exclusive, 10_000).unwrap_err();
    assert_eq!(error.code(), ErrorCode::Deadlock);
    let message = error.to_string();
    for edge in [
        r#"crm-3 waits for "a" held by crm-1"#,
        r#"crm-1 waits for "b" held by crm-2"#,
        r#"crm-2 waits for "c" held by crm-3"#,
    ] {
        assert!(message.contains(edge), "{message}");
    }
}

#[test]
fn waiting_behind_a_queued_request_counts_as_waiting_for_its_window() {
    // crm-1 holds "a" shared; crm-2 queues exclusive; crm-3 queues shared
    // behind crm-2 and so waits for crm-2 too.
    let mut desk = Desk::with_windows(3);
    desk.grant(1, "a", Shared);
    desk.grant(3, "c", Exclusive);
    let _two = desk.queue(2, "a", Exclusive);
    let _three = desk.queue(3, "a", Shared);
    // crm-2 asking for "c" (held by crm-3, which waits behind crm-2) closes a cycle.
    assert_eq!(
        code(desk.request(2, "c", Exclusive, 10_000)),
        ErrorCode::Deadlock
    );
}

#[test]
fn shared_requests_queued_together_are_no_cycle() {
    // crm-1 holds "a"; crm-2 and crm-3 queue shared for it and will be granted
    // together, so crm-3 waiting on "b" (held by crm-2) is no deadlock.
    let mut desk = Desk::with_windows(3);
    let a = desk.grant(1, "a", Exclusive);
    desk.grant(2, "b", Exclusive);
    let mut two = desk.queue(2, "a", Shared);
    let mut three = desk.queue(3, "a", Shared);
    let mut three_b = desk.queue(3, "b", Exclusive);
    desk.release(1, &a);
    granted(&mut two);
    granted(&mut three);
    assert!(three_b.try_outcome().is_none());
}

#[test]
fn a_waiter_whose_caller_stopped_waiting_closes_no_cycle() {
    let mut desk = Desk::with_windows(2);
    desk.grant(1, "a", Exclusive);
    desk.grant(2, "b", Exclusive);
    drop(desk.queue(2, "a", Exclusive));
    // Were crm-2 still waiting for "a", this would be a deadlock.
    let _one_waits = desk.queue(1, "b", Exclusive);
    assert_eq!(desk.lock("b").unwrap().waiting, vec![w(1)]);
}
