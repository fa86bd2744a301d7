//! Election throughput: window open/attach/close transitions per second,
//! events included, with a few windows already open (the usual desktop case).
//!
//! Run: `cargo bench -p axolop-coordinator --bench election`
//! Prints the median and the spread of 15 rounds; the target is at least
//! 1,000,000 transitions per second.

use std::hint::black_box;
use std::time::{Duration, Instant};

use axolop_coordinator::Coordinator;

const ROUNDS: usize = 15;
const CYCLES_PER_ROUND: usize = 200_000;
/// open + attach + close
const TRANSITIONS_PER_CYCLE: usize = 3;

fn main() {
    for resident in [1usize, 4, 16] {
        let mut rates = (0..ROUNDS)
            .map(|_| transitions_per_second(resident))
            .collect::<Vec<_>>();
        rates.sort_by(f64::total_cmp);
        println!(
            "election: {resident:>2} resident windows: median {:>12.0} transitions/s (min {:.0}, max {:.0}, {ROUNDS} rounds of {} transitions)",
            rates[ROUNDS / 2],
            rates[0],
            rates[ROUNDS - 1],
            CYCLES_PER_ROUND * TRANSITIONS_PER_CYCLE,
        );
    }
}

/// One round: with `resident` windows open, a new window opens, attaches and
/// closes again, and every second cycle the primary itself closes and is
/// replaced, so failovers are part of the mix.
fn transitions_per_second(resident: usize) -> f64 {
    let now = Instant::now();
    let mut coordinator = Coordinator::new();
    let mut open = std::collections::VecDeque::new();
    for _ in 0..resident {
        let label = coordinator.next_label();
        coordinator.window_opened(label.clone(), now).unwrap();
        coordinator.window_attached(&label, now).unwrap();
        open.push_back(label);
    }
    coordinator.take_events();
    let mut events = 0usize;
    let started = Instant::now();
    for cycle in 0..CYCLES_PER_ROUND {
        let label = coordinator.next_label();
        // As the shell does: each transition, then its events taken.
        coordinator.window_opened(label.clone(), now).unwrap();
        events += coordinator.take_events().len();
        coordinator.window_attached(&label, now).unwrap();
        events += coordinator.take_events().len();
        open.push_back(label);
        // Close the oldest (the primary) on even cycles, the newest otherwise.
        let closing = if cycle % 2 == 0 {
            open.pop_front()
        } else {
            open.pop_back()
        };
        coordinator.window_closed(&closing.unwrap(), now).unwrap();
        events += coordinator.take_events().len();
    }
    let elapsed = started.elapsed().max(Duration::from_nanos(1));
    black_box(events);
    (CYCLES_PER_ROUND * TRANSITIONS_PER_CYCLE) as f64 / elapsed.as_secs_f64()
}
