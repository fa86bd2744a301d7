//! The lock rules, one behaviour per test, driven through the coordinator
//! with injected time, the way the shell drives it: `tick(now)` before each
//! operation.

use std::time::{Duration, Instant};

use axolop_coordinator::lock::{EndReason, LeaseEnd, PendingLease};
use axolop_coordinator::{
    Acquisition, Coordinator, Envelope, ErrorCode, Event, Lease, LockChange, LockMode, LockRequest,
    LockSummary, WindowLabel,
};

fn w(n: u64) -> WindowLabel {
    WindowLabel::numbered(n)
}

/// A coordinator with `n` ready windows, and a clock.
struct Desk {
    coordinator: Coordinator,
    start: Instant,
    now: Instant,
}

impl Desk {
    fn with_windows(n: u64) -> Self {
        let start = Instant::now();
        let mut coordinator = Coordinator::new();
        for _ in 0..n {
            let label = coordinator.next_label();
            coordinator.window_opened(label.clone(), start).unwrap();
            coordinator.window_attached(&label, start).unwrap();
        }
        Self {
            coordinator,
            start,
            now: start,
        }
    }

    fn advance(&mut self, ms: u64) -> Vec<Envelope> {
        self.now += Duration::from_millis(ms);
        self.coordinator.tick(self.now)
    }

    fn request(
        &mut self,
        window: u64,
        name: &str,
        mode: LockMode,
        wait_ms: u64,
    ) -> axolop_coordinator::Result<Acquisition> {
        self.request_with_ttl(window, name, mode, wait_ms, None)
    }

    fn request_with_ttl(
        &mut self,
        window: u64,
        name: &str,
        mode: LockMode,
        wait_ms: u64,
        ttl_ms: Option<u64>,
    ) -> axolop_coordinator::Result<Acquisition> {
        let request = LockRequest::new(name, Some(mode), ttl_ms, Some(wait_ms)).unwrap();
        self.coordinator.tick(self.now);
        self.coordinator
            .lock_acquire(&w(window), request, self.now)
            .map(|(acquisition, _)| acquisition)
    }

    fn grant(&mut self, window: u64, name: &str, mode: LockMode) -> Lease {
        match self.request(window, name, mode, 0).unwrap() {
            Acquisition::Granted(lease) => lease,
            Acquisition::Queued(_) => panic!("{name} was queued"),
        }
    }

    fn queue(&mut self, window: u64, name: &str, mode: LockMode) -> PendingLease {
        match self.request(window, name, mode, 10_000).unwrap() {
            Acquisition::Queued(pending) => pending,
            Acquisition::Granted(_) => panic!("{name} was granted at once"),
        }
    }

    fn release(&mut self, window: u64, lease: &Lease) -> Vec<Envelope> {
        self.coordinator.tick(self.now);
        self.coordinator
            .lock_release(&w(window), lease.token, self.now)
            .unwrap()
    }

    fn lock(&self, name: &str) -> Option<LockSummary> {
        self.coordinator
            .locks()
            .summaries()
            .into_iter()
            .find(|lock| lock.name.as_str() == name)
    }
}

fn granted(pending: &mut PendingLease) -> Lease {
    match pending.try_outcome() {
        Some(Ok(lease)) => lease,
        other => panic!("expected a grant, got {other:?}"),
    }
}

fn refused(pending: &mut PendingLease) -> ErrorCode {
    match pending.try_outcome() {
        Some(Err(error)) => error.code(),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

fn code(result: axolop_coordinator::Result<impl std::fmt::Debug>) -> ErrorCode {
    result.expect_err("expected an error").code()
}

fn lock_changes(events: &[Envelope]) -> Vec<&LockChange> {
    events
        .iter()
        .filter_map(|e| match &e.event {
            Event::LockChanged(change) => Some(change),
            _ => None,
        })
        .collect()
}

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
        .lock_extend(&w(1), lease.token, Duration::from_secs(5), desk.now)
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
                .lock_extend(&w(1), lease.token, Duration::from_secs(5), desk.now)
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
    let unknown = "lease-999".parse().unwrap();
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
    let events = desk.coordinator.window_closed(&w(1), desk.now).unwrap();
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
    let events = desk.coordinator.window_reloaded(&w(1), desk.now).unwrap();
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
    let events = desk
        .coordinator
        .window_unresponsive(&w(1), desk.now)
        .unwrap();
    assert!(lock_changes(&events).iter().any(|c| c
        .ended
        .iter()
        .any(|e| e.reason == EndReason::WindowUnresponsive)));
    granted(&mut two_waits);
    let error = one_waits.try_outcome().unwrap().unwrap_err();
    assert!(error.to_string().contains("stopped responding"), "{error}");
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
