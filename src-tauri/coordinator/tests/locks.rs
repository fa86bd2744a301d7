//! The lock rules for grants, fairness and leases, one behaviour per test,
//! with injected time.

mod common;

use std::time::Duration;

use axolop_coordinator::lock::{EndReason, LeaseEnd};
use axolop_coordinator::{Acquisition, ErrorCode, LockMode, LockToken, WindowLabel};
use common::{code, granted, lock_changes, w, Desk};
use LockMode::{Exclusive, Shared};

#[test]
fn an_exclusive_lock_has_one_holder_and_a_try_lock_by_another_window_is_unavailable() {
    let mut desk = Desk::with_windows(2);
    desk.grant(1, "a", Exclusive);
    let error = desk.request(2, "a", Exclusive, 0).unwrap_err();
    assert_eq!(error.code(), ErrorCode::LockUnavailable);
    assert!(error.to_string().contains("held by crm-1"), "{error}");
    assert_eq!(desk.lock("a").unwrap().holders, vec![w(1)]);
}

#[test]
fn shared_holders_coexist_and_an_exclusive_request_waits_for_all_of_them() {
    let mut desk = Desk::with_windows(3);
    let one = desk.grant(1, "a", Shared);
    let two = desk.grant(2, "a", Shared);
    let mut three = desk.queue(3, "a", Exclusive);
    desk.release(1, &one);
    assert!(three.try_outcome().is_none(), "crm-2 still holds it shared");
    desk.release(2, &two);
    assert_eq!(granted(&mut three).mode, Exclusive);
    assert_eq!(desk.lock("a").unwrap().holders, vec![w(3)]);
}

#[test]
fn a_waiting_exclusive_request_is_not_starved_by_later_shared_ones() {
    let mut desk = Desk::with_windows(4);
    let first = desk.grant(1, "a", Shared);
    let mut writer = desk.queue(2, "a", Exclusive);
    // Shared with the holder, but behind the writer: it waits.
    let mut reader = desk.queue(3, "a", Shared);
    assert_eq!(
        code(desk.request(4, "a", Shared, 0)),
        ErrorCode::LockUnavailable
    );
    desk.release(1, &first);
    let write = granted(&mut writer);
    assert!(reader.try_outcome().is_none());
    desk.release(2, &write);
    granted(&mut reader);
}

#[test]
fn waiters_are_granted_first_come_first_served() {
    let mut desk = Desk::with_windows(4);
    let held = desk.grant(1, "a", Exclusive);
    let mut second = desk.queue(2, "a", Exclusive);
    let mut third = desk.queue(3, "a", Exclusive);
    let mut fourth = desk.queue(4, "a", Exclusive);
    assert_eq!(desk.lock("a").unwrap().waiting, vec![w(2), w(3), w(4)]);
    desk.release(1, &held);
    let lease = granted(&mut second);
    assert!(third.try_outcome().is_none() && fourth.try_outcome().is_none());
    desk.release(2, &lease);
    let lease = granted(&mut third);
    desk.release(3, &lease);
    granted(&mut fourth);
}

#[test]
fn consecutive_shared_waiters_are_granted_together_up_to_the_next_exclusive_one() {
    let mut desk = Desk::with_windows(4);
    let held = desk.grant(1, "a", Exclusive);
    let mut r2 = desk.queue(2, "a", Shared);
    let mut r3 = desk.queue(3, "a", Shared);
    let mut x4 = desk.queue(4, "a", Exclusive);
    desk.release(1, &held);
    granted(&mut r2);
    granted(&mut r3);
    assert!(x4.try_outcome().is_none());
    let lock = desk.lock("a").unwrap();
    assert_eq!(
        (lock.mode, lock.holders, lock.waiting),
        (Shared, vec![w(2), w(3)], vec![w(4)])
    );
}

#[test]
fn a_wait_that_runs_out_fails_with_lock_timeout_and_leaves_the_queue() {
    let mut desk = Desk::with_windows(2);
    desk.grant(1, "a", Exclusive);
    let mut waiter = match desk.request(2, "a", Exclusive, 500).unwrap() {
        Acquisition::Queued(pending) => pending,
        Acquisition::Granted(_) => panic!("granted"),
    };
    desk.advance(499);
    assert!(waiter.try_outcome().is_none());
    let events = desk.advance(1);
    let error = waiter.try_outcome().unwrap().unwrap_err();
    assert_eq!(error.code(), ErrorCode::LockTimeout);
    assert!(error.to_string().contains("500 ms"), "{error}");
    assert_eq!(
        lock_changes(&events)[0].lock.waiting,
        Vec::<WindowLabel>::new()
    );
}

#[test]
fn a_lease_expires_after_its_ttl_and_its_holder_is_told_by_a_lock_changed_event() {
    let mut desk = Desk::with_windows(2);
    let lease = desk.grant(1, "a", Exclusive);
    assert_eq!(lease.expires_at, desk.start + Duration::from_secs(30));
    let mut next = match desk.request(2, "a", Exclusive, 60_000).unwrap() {
        Acquisition::Queued(pending) => pending,
        Acquisition::Granted(_) => panic!("granted"),
    };
    assert!(desk.advance(29_999).is_empty());
    let events = desk.advance(1);
    let change = lock_changes(&events)[0];
    assert_eq!(
        change.ended,
        vec![LeaseEnd {
            window: w(1),
            fence: lease.fence,
            reason: EndReason::Expired
        }]
    );
    assert_eq!(change.lock.holders, vec![w(2)]);
    granted(&mut next);
    assert_eq!(
        code(desk.coordinator.lock_release(&w(1), lease.token, desk.now)),
        ErrorCode::LockNotHeld
    );
}

#[test]
fn extending_a_lease_moves_its_expiry_from_now() {
    let mut desk = Desk::with_windows(1);
    let lease = desk.grant(1, "a", Exclusive);
    desk.advance(20_000);
    let extended = desk
        .coordinator
        .lock_extend(&w(1), lease.token, 5_000, desk.now)
        .unwrap();
    assert_eq!(extended.expires_at, desk.now + Duration::from_secs(5));
    assert_eq!(
        extended.fence, lease.fence,
        "an extension is the same grant"
    );
    assert!(desk.advance(4_999).is_empty());
    assert_eq!(
        lock_changes(&desk.advance(1))[0].ended[0].reason,
        EndReason::Expired
    );
    assert_eq!(
        code(
            desk.coordinator
                .lock_extend(&w(1), lease.token, 5_000, desk.now)
        ),
        ErrorCode::LockNotHeld
    );
}

#[test]
fn releasing_an_unknown_released_or_foreign_token_is_lock_not_held_and_changes_nothing() {
    let mut desk = Desk::with_windows(2);
    let lease = desk.grant(1, "a", Exclusive);
    let before = desk.coordinator.snapshot(&w(1)).unwrap();
    assert_eq!(
        code(desk.coordinator.lock_release(&w(2), lease.token, desk.now)),
        ErrorCode::LockNotHeld
    );
    assert_eq!(desk.coordinator.snapshot(&w(1)).unwrap(), before);
    desk.release(1, &lease);
    assert_eq!(
        code(desk.coordinator.lock_release(&w(1), lease.token, desk.now)),
        ErrorCode::LockNotHeld
    );
    let unknown = LockToken::parse("lease-999").unwrap();
    assert_eq!(
        code(desk.coordinator.lock_release(&w(1), unknown, desk.now)),
        ErrorCode::LockNotHeld
    );
}

#[test]
fn fences_strictly_increase_per_lock_even_after_it_was_free() {
    let mut desk = Desk::with_windows(2);
    let mut last = 0;
    for round in 0..5 {
        let window = 1 + round % 2;
        let lease = desk.grant(window, "a", Exclusive);
        assert!(lease.fence > last, "{} after {last}", lease.fence);
        last = lease.fence;
        desk.grant(window, "other", Shared);
        desk.release(window, &lease);
        assert!(desk.lock("a").is_none(), "a free lock leaves the table");
        desk.coordinator
            .window_reloaded(&w(window), desk.now)
            .unwrap();
    }
}

#[test]
fn lock_check_says_whether_the_caller_still_holds_the_lease() {
    let mut desk = Desk::with_windows(2);
    let lease = desk.grant(1, "a", Exclusive);
    assert_eq!(
        desk.coordinator.lock_check(&w(1), lease.token, desk.now),
        Some(lease.clone())
    );
    assert_eq!(
        desk.coordinator.lock_check(&w(2), lease.token, desk.now),
        None
    );
    desk.release(1, &lease);
    assert_eq!(
        desk.coordinator.lock_check(&w(1), lease.token, desk.now),
        None
    );
}

#[test]
fn a_lease_past_its_expiry_is_not_held_even_before_the_next_tick() {
    let mut desk = Desk::with_windows(1);
    let lease = match desk
        .request_with_ttl(1, "a", Exclusive, 0, Some(100))
        .unwrap()
    {
        Acquisition::Granted(lease) => lease,
        Acquisition::Queued(_) => panic!("queued"),
    };
    let later = desk.now + Duration::from_millis(100);
    assert_eq!(desk.coordinator.lock_check(&w(1), lease.token, later), None);
}

#[test]
fn a_window_may_hold_or_await_256_locks_and_no_more() {
    let mut desk = Desk::with_windows(2);
    for i in 0..255 {
        desk.grant(1, &format!("lock {i}"), Exclusive);
    }
    desk.grant(2, "busy", Exclusive);
    let _last = desk.queue(1, "busy", Exclusive);
    assert_eq!(desk.coordinator.locks().load_of(&w(1)), 256);
    let before = desk.coordinator.snapshot(&w(1)).unwrap();
    assert_eq!(
        code(desk.request(1, "one more", Exclusive, 0)),
        ErrorCode::TooMany
    );
    assert_eq!(desk.coordinator.snapshot(&w(1)).unwrap(), before);
}

#[test]
fn only_open_windows_can_ask_for_locks() {
    let mut desk = Desk::with_windows(1);
    assert_eq!(
        code(desk.request(9, "a", Exclusive, 0)),
        ErrorCode::NotFound
    );
    assert!(desk.coordinator.locks().summaries().is_empty());
}

#[test]
fn a_lease_that_expires_before_a_waiters_deadline_is_handed_over_in_the_same_tick() {
    let mut desk = Desk::with_windows(2);
    desk.request_with_ttl(1, "a", Exclusive, 0, Some(1_000))
        .unwrap();
    let mut waiter = match desk.request(2, "a", Exclusive, 1_500).unwrap() {
        Acquisition::Queued(pending) => pending,
        Acquisition::Granted(_) => panic!("granted"),
    };
    // One late tick covers both instants: the expiry (1 s) comes first.
    desk.advance(5_000);
    granted(&mut waiter);
}

#[test]
fn the_snapshot_lists_held_and_awaited_locks_by_name() {
    let mut desk = Desk::with_windows(2);
    desk.grant(1, "zeta", Exclusive);
    desk.grant(2, "alpha", Shared);
    let _waiting = desk.queue(2, "zeta", Shared);
    let locks = desk.coordinator.snapshot(&w(1)).unwrap().locks;
    let names: Vec<_> = locks.iter().map(|l| l.name.as_str()).collect();
    assert_eq!(names, vec!["alpha", "zeta"]);
    assert_eq!(locks[1].waiting, vec![w(2)]);
    assert_eq!(
        desk.coordinator.next_deadline(),
        Some(desk.start + Duration::from_secs(10))
    );
}

#[test]
fn a_lock_changed_event_serialises_as_the_lock_and_the_leases_that_ended() {
    let mut desk = Desk::with_windows(2);
    let lease = desk.grant(1, "a", Exclusive);
    let _next = desk.queue(2, "a", Shared);
    let events = desk.release(1, &lease);
    assert_eq!(
        serde_json::to_value(&events[0]).unwrap(),
        serde_json::json!({
            "seq": events[0].seq,
            "kind": "lock-changed",
            "data": {
                "name": "a", "mode": "shared", "holders": ["crm-2"], "waiting": [],
                "fence": lease.fence + 1,
                "ended": [{ "window": "crm-1", "fence": lease.fence, "reason": "released" }]
            }
        })
    );
}
