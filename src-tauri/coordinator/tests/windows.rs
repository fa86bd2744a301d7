//! Many windows through whole lifetimes: election, epochs, events and
//! snapshots, driven with injected time and no Tauri.

use std::time::{Duration, Instant};

use axolop_coordinator::{
    Coordinator, Envelope, ErrorCode, Event, PrimaryChange, Role, WindowLabel, WindowState,
};

fn label(n: u64) -> WindowLabel {
    WindowLabel::numbered(n)
}

/// Opens `count` windows and attaches each, in order; their events are
/// drained.
fn with_ready_windows(count: usize) -> (Coordinator, Vec<WindowLabel>, Instant) {
    let now = Instant::now();
    let mut coordinator = Coordinator::new();
    let labels: Vec<_> = (0..count).map(|_| coordinator.next_label()).collect();
    for label in &labels {
        coordinator.window_opened(label.clone(), now).unwrap();
        coordinator.window_attached(label, now).unwrap();
    }
    coordinator.take_events();
    (coordinator, labels, now)
}

fn primary_of(coordinator: &Coordinator) -> Option<WindowLabel> {
    coordinator.election().primary().map(|p| p.label)
}

fn primary_changes(events: &[Envelope]) -> Vec<PrimaryChange> {
    events
        .iter()
        .filter_map(|e| match &e.event {
            Event::PrimaryChanged(change) => Some(change.clone()),
            _ => None,
        })
        .collect()
}

/// All permutations of `items` (Heap's algorithm, iteratively).
fn permutations<T: Clone>(items: &[T]) -> Vec<Vec<T>> {
    let mut items = items.to_vec();
    let mut counters = vec![0; items.len()];
    let mut all = vec![items.clone()];
    let mut i = 0;
    while i < items.len() {
        if counters[i] < i {
            let j = if i % 2 == 0 { 0 } else { counters[i] };
            items.swap(j, i);
            all.push(items.clone());
            counters[i] += 1;
            i = 0;
        } else {
            counters[i] = 0;
            i += 1;
        }
    }
    all
}

#[test]
fn labels_count_up_and_are_never_reused() {
    let (mut coordinator, labels, now) = with_ready_windows(3);
    assert_eq!(labels, vec![label(1), label(2), label(3)]);
    coordinator.window_closed(&label(3), now).unwrap();
    assert_eq!(coordinator.next_label(), label(4));
}

#[test]
fn the_first_window_is_primary_as_soon_as_it_opens() {
    let mut coordinator = Coordinator::new();
    let first = coordinator.next_label();
    coordinator
        .window_opened(first.clone(), Instant::now())
        .unwrap();
    let events = coordinator.take_events();
    assert_eq!(
        primary_changes(&events),
        vec![PrimaryChange {
            label: Some(first),
            epoch: 1
        }]
    );
}

#[test]
fn three_windows_have_exactly_one_primary_the_oldest() {
    let (coordinator, labels, _) = with_ready_windows(3);
    let roles: Vec<_> = labels
        .iter()
        .map(|l| coordinator.snapshot(l).unwrap().self_.role)
        .collect();
    assert_eq!(roles, vec![Role::Primary, Role::Secondary, Role::Secondary]);
}

#[test]
fn closing_the_primary_elects_the_oldest_remaining_window_in_a_new_epoch() {
    let (mut coordinator, _, now) = with_ready_windows(3);
    coordinator.window_closed(&label(1), now).unwrap();
    let events = coordinator.take_events();
    assert_eq!(
        primary_changes(&events),
        vec![PrimaryChange {
            label: Some(label(2)),
            epoch: 2
        }]
    );
    assert_eq!(
        coordinator.snapshot(&label(2)).unwrap().self_.role,
        Role::Primary
    );
}

#[test]
fn closing_a_secondary_keeps_the_primary_and_the_epoch() {
    let (mut coordinator, _, now) = with_ready_windows(3);
    coordinator.window_closed(&label(2), now).unwrap();
    let events = coordinator.take_events();
    assert!(primary_changes(&events).is_empty());
    assert_eq!(coordinator.election().epoch(), 1);
    assert_eq!(primary_of(&coordinator), Some(label(1)));
}

#[test]
fn every_close_order_of_five_windows_keeps_one_primary_until_the_last_closes() {
    let (_, labels, now) = with_ready_windows(5);
    for order in permutations(&labels) {
        let (mut coordinator, _, _) = with_ready_windows(5);
        let mut last_epoch = coordinator.election().epoch();
        for (closed, label) in order.iter().enumerate() {
            let was_primary = primary_of(&coordinator).as_ref() == Some(label);
            coordinator.window_closed(label, now).unwrap();
            let events = coordinator.take_events();
            let changes = primary_changes(&events);
            assert_eq!(changes.len(), usize::from(was_primary), "{order:?}");
            for change in changes {
                assert!(change.epoch > last_epoch, "{order:?}");
                last_epoch = change.epoch;
            }
            let remaining = labels.len() - closed - 1;
            match primary_of(&coordinator) {
                Some(primary) => {
                    assert!(remaining > 0);
                    // The new primary is the oldest window still open.
                    let oldest = labels.iter().find(|l| coordinator.windows().contains(l));
                    assert_eq!(Some(&primary), oldest, "{order:?}");
                }
                None => assert_eq!(remaining, 0, "{order:?}"),
            }
        }
    }
}

#[test]
fn a_reloaded_page_attaching_again_changes_nothing() {
    let (mut coordinator, _, now) = with_ready_windows(2);
    let seq = coordinator.last_seq();
    let snapshot = coordinator
        .window_attached(&label(2), now + Duration::from_secs(5))
        .unwrap();
    let events = coordinator.take_events();
    assert!(events.is_empty());
    assert_eq!(snapshot.seq, seq);
    assert_eq!(snapshot.self_.role, Role::Secondary);
}

#[test]
fn an_unresponsive_primary_hands_over_and_returns_as_a_secondary() {
    let (mut coordinator, _, now) = with_ready_windows(3);
    coordinator.window_unresponsive(&label(1), now).unwrap();
    let events = coordinator.take_events();
    assert_eq!(primary_changes(&events)[0].label, Some(label(2)));
    coordinator
        .heartbeat(&label(1), now + Duration::from_secs(1))
        .unwrap();
    let events = coordinator.take_events();
    assert!(primary_changes(&events).is_empty());
    assert_eq!(
        coordinator.windows().state(&label(1)).unwrap(),
        WindowState::Ready
    );
    assert_eq!(primary_of(&coordinator), Some(label(2)));
}

#[test]
fn the_snapshot_reflects_the_events_returned_with_it() {
    let now = Instant::now();
    let mut coordinator = Coordinator::new();
    let first = coordinator.next_label();
    coordinator.window_opened(first.clone(), now).unwrap();
    coordinator.take_events();
    let snapshot = coordinator.window_attached(&first, now).unwrap();
    let events = coordinator.take_events();
    assert_eq!(snapshot.seq, events.last().unwrap().seq);
    assert_eq!(snapshot.windows[0].state, WindowState::Ready);
}

#[test]
fn refused_calls_name_the_window_and_change_nothing() {
    let (mut coordinator, _, now) = with_ready_windows(2);
    let before = format!("{coordinator:?}");
    let unknown = label(42);
    let errors = [
        coordinator.window_closed(&unknown, now).unwrap_err(),
        coordinator.window_attached(&unknown, now).unwrap_err(),
        coordinator.heartbeat(&unknown, now).unwrap_err(),
        coordinator.snapshot(&unknown).unwrap_err(),
        coordinator.window_opened(label(1), now).unwrap_err(),
    ];
    for error in &errors[..4] {
        assert_eq!(error.code(), ErrorCode::NotFound);
        assert!(error.to_string().contains("crm-42"), "{error}");
    }
    assert_eq!(errors[4].code(), ErrorCode::Conflict);
    assert_eq!(format!("{coordinator:?}"), before);
}

#[test]
fn a_first_snapshot_in_local_mode_asks_the_primary_for_an_agency() {
    let (coordinator, _, _) = with_ready_windows(1);
    let value = serde_json::to_value(coordinator.snapshot(&label(1)).unwrap()).unwrap();
    assert_eq!(
        value,
        serde_json::json!({
            "seq": 4,
            "self": { "label": "crm-1", "role": "primary", "beatMs": 2500 },
            "primary": { "label": "crm-1", "epoch": 1 },
            "windows": [{ "label": "crm-1", "state": "ready" }],
            "session": { "status": "local" },
            "agency": { "selected": null, "version": 0 },
            "modal": { "required": "agency-selection", "presenter": "crm-1" },
            "locks": [],
            "sync": { "state": "off", "waiting": 0, "progress": null, "problem": null, "signingOut": false },
            "quit": { "stage": "idle", "editors": [] },
            "update": { "stage": "none" }
        })
    );
}

#[test]
fn republishing_the_window_list_sends_one_numbered_event_and_changes_nothing_else() {
    let (mut coordinator, _, _) = with_ready_windows(2);
    let before = coordinator.snapshot(&label(1)).unwrap();
    coordinator.republish_windows();
    let events = coordinator.take_events();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].seq, before.seq + 1);
    let after = coordinator.snapshot(&label(1)).unwrap();
    assert_eq!(after.windows, before.windows);
    assert_eq!(after.primary, before.primary);
}

#[test]
fn selecting_an_agency_tells_every_window_and_a_stale_version_is_a_conflict() {
    use axolop_coordinator::agency::AgencyRef;
    use axolop_coordinator::ErrorCode;

    let (mut coordinator, _, _) = with_ready_windows(2);
    let acme = AgencyRef {
        id: "a1".into(),
        name: "Acme".into(),
    };
    coordinator
        .agency_select(&label(2), acme.clone(), Some(0))
        .unwrap();
    let events = coordinator.take_events();
    assert_eq!(
        serde_json::to_value(&events[0]).unwrap()["data"],
        serde_json::json!({ "selected": { "id": "a1", "name": "Acme" }, "version": 1, "changedBy": "crm-2" })
    );
    let before = coordinator.last_seq();
    let error = coordinator
        .agency_select(&label(1), acme, Some(0))
        .unwrap_err();
    assert_eq!(error.code(), ErrorCode::Conflict);
    assert_eq!(coordinator.last_seq(), before, "nothing changed");
    assert_eq!(coordinator.snapshot(&label(1)).unwrap().agency.version, 1);
}
