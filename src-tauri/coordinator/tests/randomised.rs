//! Randomised schedules of window lifecycles, checking the election
//! invariants after every step:
//!
//! - exactly one primary iff an electable (not unresponsive) window exists;
//! - the primary is an open, electable window;
//! - the epoch strictly increases on every change of primary, and only then;
//! - a ready primary is never displaced while it stays open and ready;
//! - events are numbered without gaps, and a window that applies them to its
//!   snapshot ends up where a fresh snapshot is.
//!
//! proptest prints the minimal failing schedule and persists its seed.

use std::time::{Duration, Instant};

use axolop_coordinator::{Coordinator, Envelope, Event, WindowLabel, WindowState};
use proptest::prelude::*;

#[derive(Debug, Clone)]
enum Step {
    Open,
    /// Indices pick among the open windows, modulo their number.
    Attach(usize),
    Close(usize),
    Hang(usize),
    Beat(usize),
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        3 => Just(Step::Open),
        3 => any::<usize>().prop_map(Step::Attach),
        3 => any::<usize>().prop_map(Step::Close),
        1 => any::<usize>().prop_map(Step::Hang),
        1 => any::<usize>().prop_map(Step::Beat),
    ]
}

/// What a window's page holds: its snapshot with every later event applied.
struct Replica {
    seq: u64,
    primary: Option<(WindowLabel, u64)>,
    windows: Vec<(WindowLabel, WindowState)>,
}

impl Replica {
    fn new() -> Self {
        Self {
            seq: 0,
            primary: None,
            windows: Vec::new(),
        }
    }

    fn apply(&mut self, envelope: &Envelope) {
        assert_eq!(envelope.seq, self.seq + 1, "gap in the event sequence");
        self.seq = envelope.seq;
        match &envelope.event {
            Event::WindowsChanged { windows } => {
                self.windows = windows.iter().map(|w| (w.label.clone(), w.state)).collect();
            }
            Event::PrimaryChanged(change) => {
                self.primary = change.label.clone().map(|label| (label, change.epoch));
            }
            // These schedules take no locks and run in local mode; other
            // tests cover those events.
            Event::LockChanged(_)
            | Event::SessionChanged(_)
            | Event::ModalChanged(_)
            | Event::AgencyChanged(_)
            | Event::ContactsChanged(_) => {}
        }
    }
}

fn pick(coordinator: &Coordinator, index: usize) -> Option<WindowLabel> {
    let windows = coordinator.windows().summaries();
    (!windows.is_empty()).then(|| windows[index % windows.len()].label.clone())
}

fn run(schedule: &[Step]) -> Result<(), TestCaseError> {
    let start = Instant::now();
    let mut coordinator = Coordinator::new();
    let mut replica = Replica::new();
    let mut previous = coordinator.election().primary();

    for (at, step) in schedule.iter().enumerate() {
        let now = start + Duration::from_millis(at as u64 * 100);
        let before = coordinator.election().primary();
        match step {
            Step::Open => {
                let label = coordinator.next_label();
                coordinator.window_opened(label, now).unwrap();
            }
            Step::Attach(i) => match pick(&coordinator, *i) {
                Some(label) => {
                    coordinator.window_attached(&label, now).unwrap();
                }
                None => continue,
            },
            Step::Close(i) => match pick(&coordinator, *i) {
                Some(label) => coordinator.window_closed(&label, now).unwrap(),
                None => continue,
            },
            Step::Hang(i) => match pick(&coordinator, *i) {
                Some(label) => coordinator.window_unresponsive(&label, now).unwrap(),
                None => continue,
            },
            Step::Beat(i) => match pick(&coordinator, *i) {
                Some(label) => coordinator.heartbeat(&label, now).unwrap(),
                None => continue,
            },
        }
        for envelope in &coordinator.take_events() {
            replica.apply(envelope);
        }

        let windows = coordinator.windows().summaries();
        let electable = windows.iter().any(|w| w.state.is_electable());
        let primary = coordinator.election().primary();

        // Exactly one primary iff an electable window exists.
        prop_assert_eq!(primary.is_some(), electable, "step {}: {:?}", at, step);
        if let Some(p) = &primary {
            let state = coordinator.windows().state(&p.label).unwrap();
            prop_assert!(state.is_electable(), "primary {} is {:?}", p.label, state);
        }
        // The epoch moves exactly when the primary moves, and only up.
        let moved = primary.as_ref().map(|p| &p.label) != previous.as_ref().map(|p| &p.label);
        let epoch = coordinator.election().epoch();
        let previous_epoch = previous.as_ref().map_or(0, |p| p.epoch);
        if moved {
            prop_assert!(epoch > previous_epoch);
        } else {
            prop_assert_eq!(
                primary.as_ref().map(|p| p.epoch),
                previous.as_ref().map(|p| p.epoch)
            );
        }
        // A ready incumbent that is still open and ready keeps primacy.
        if let Some(incumbent) = &before {
            let still_ready =
                coordinator.windows().state(&incumbent.label).ok() == Some(WindowState::Ready);
            if still_ready {
                prop_assert_eq!(primary.as_ref().map(|p| &p.label), Some(&incumbent.label));
            }
        }
        // The replica built from events matches the coordinator.
        prop_assert_eq!(replica.seq, coordinator.last_seq());
        prop_assert_eq!(
            replica.primary.clone(),
            primary.clone().map(|p| (p.label, p.epoch))
        );
        let listed: Vec<_> = windows.iter().map(|w| (w.label.clone(), w.state)).collect();
        prop_assert_eq!(&replica.windows, &listed);
        previous = primary;
    }
    Ok(())
}

/// Tracks the epoch across the whole run independently of the per-step
/// check: it must never repeat or go down, even through "no primary".
fn epochs_strictly_increase(schedule: &[Step]) -> Result<(), TestCaseError> {
    let now = Instant::now();
    let mut coordinator = Coordinator::new();
    let mut last = 0;
    for step in schedule {
        match step {
            Step::Open => {
                let label = coordinator.next_label();
                coordinator.window_opened(label, now).unwrap();
            }
            Step::Close(i) | Step::Attach(i) | Step::Hang(i) | Step::Beat(i) => {
                let Some(label) = pick(&coordinator, *i) else {
                    continue;
                };
                match step {
                    Step::Close(_) => coordinator.window_closed(&label, now).unwrap(),
                    Step::Attach(_) => {
                        coordinator.window_attached(&label, now).unwrap();
                    }
                    Step::Hang(_) => coordinator.window_unresponsive(&label, now).unwrap(),
                    _ => coordinator.heartbeat(&label, now).unwrap(),
                }
            }
        }
        for envelope in coordinator.take_events() {
            if let Event::PrimaryChanged(change) = envelope.event {
                prop_assert!(change.epoch > last, "epoch {} after {}", change.epoch, last);
                last = change.epoch;
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 10_000, ..ProptestConfig::default() })]

    #[test]
    fn one_primary_iff_a_window_exists_under_any_schedule(
        schedule in prop::collection::vec(step(), 1..60)
    ) {
        run(&schedule)?;
    }

    #[test]
    fn the_epoch_strictly_increases_on_every_change_of_primary(
        schedule in prop::collection::vec(step(), 1..60)
    ) {
        epochs_strictly_increase(&schedule)?;
    }
}
