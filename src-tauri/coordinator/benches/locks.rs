//! Lock throughput and hand-off, in process.
//!
//! - **Uncontended**: one window acquires and releases a free lock, events
//!   included, with four windows open and a few other locks held (the usual
//!   desktop case). Target: at least 1,000,000 acquire+release pairs per
//!   second.
//! - **Contended hand-off**: two holders on two threads take turns on one
//!   exclusive lock through the coordinator behind its mutex, exactly as the
//!   shell does (lock, transition, unlock, await the answer). Each release
//!   grants the other holder's queued request; the figure is the time from
//!   a release to the waiting holder running with its lease.
//!
//! Run: `cargo bench -p axolop-coordinator --bench locks`.

use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axolop_coordinator::health::HeartbeatTimeout;
use axolop_coordinator::session::Session;
use axolop_coordinator::{Acquisition, LockMode, LockRequest};
use parking_lot::Mutex;

// The desk the integration tests share: windows opened and attached, their
// events drained.
#[path = "../tests/common/mod.rs"]
mod common;

const ROUNDS: usize = 15;
const PAIRS_PER_ROUND: usize = 200_000;
const HANDOFFS: usize = 20_000;

fn main() {
    let mut rates: Vec<f64> = (0..ROUNDS)
        .map(|_| uncontended_pairs_per_second())
        .collect();
    rates.sort_by(f64::total_cmp);
    println!(
        "locks: uncontended acquire+release: median {:>10.0} pairs/s (min {:.0}, max {:.0}; {ROUNDS} rounds of {PAIRS_PER_ROUND}; target >= 1,000,000)",
        rates[ROUNDS / 2],
        rates[0],
        rates[ROUNDS - 1],
    );

    let (mut latencies, rate) = contended_handoffs();
    latencies.sort();
    let at = |q: f64| latencies[((latencies.len() - 1) as f64 * q) as usize];
    println!(
        "locks: contended hand-off between 2 holders: {:>8.0} hand-offs/s; release -> other holder running: median {:.1} us, p95 {:.1} us, p99 {:.1} us ({HANDOFFS} hand-offs)",
        rate,
        micros(at(0.5)),
        micros(at(0.95)),
        micros(at(0.99)),
    );
}

fn micros(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1e6
}

fn request(name: &str, wait_ms: u64) -> LockRequest {
    LockRequest::new(name, Some(LockMode::Exclusive), None, Some(wait_ms)).unwrap()
}

fn uncontended_pairs_per_second() -> f64 {
    let (mut coordinator, now) = common::desk(4, Session::local(), HeartbeatTimeout::default());
    let windows = coordinator.windows().labels();
    for (i, window) in windows.iter().enumerate().skip(1) {
        coordinator
            .lock_acquire(window, request(&format!("held-{i}"), 0), now)
            .unwrap();
    }
    coordinator.take_events();
    let started = Instant::now();
    let mut events = 0;
    for _ in 0..PAIRS_PER_ROUND {
        // As the shell does: end what is due, then the transition, then
        // take the events both stamped.
        coordinator.tick(now);
        let acquisition = coordinator
            .lock_acquire(&windows[0], request("contacts", 0), now)
            .unwrap();
        events += coordinator.take_events().len();
        let Acquisition::Granted(lease) = acquisition else {
            panic!("an uncontended lock is granted at once");
        };
        coordinator.tick(now);
        coordinator
            .lock_release(&windows[0], lease.token, now)
            .unwrap();
        events += coordinator.take_events().len();
    }
    let elapsed = started.elapsed();
    assert_eq!(black_box(events), 2 * PAIRS_PER_ROUND);
    PAIRS_PER_ROUND as f64 / elapsed.as_secs_f64()
}

/// Two holders alternate on one lock. Returns each hand-off's latency and
/// the hand-off rate.
fn contended_handoffs() -> (Vec<Duration>, f64) {
    let (coordinator, _) = common::desk(2, Session::local(), HeartbeatTimeout::default());
    let windows = coordinator.windows().labels();
    let shared = Arc::new(Mutex::new(coordinator));
    let released_at = Arc::new(Mutex::new(Instant::now()));
    let finished = Arc::new(AtomicUsize::new(0));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .build()
        .unwrap();
    let started = Instant::now();
    let holders: Vec<_> = windows
        .into_iter()
        .map(|window| {
            let shared = shared.clone();
            let released_at = released_at.clone();
            let finished = finished.clone();
            runtime.spawn(async move {
                let mut latencies = Vec::with_capacity(HANDOFFS / 2);
                for _ in 0..HANDOFFS / 2 {
                    let acquisition = {
                        let mut coordinator = shared.lock();
                        let now = Instant::now();
                        coordinator.tick(now);
                        let acquisition = coordinator
                            .lock_acquire(&window, request("report", 10_000), now)
                            .unwrap();
                        coordinator.take_events();
                        acquisition
                    };
                    let lease = match acquisition {
                        Acquisition::Granted(lease) => lease,
                        Acquisition::Queued(pending) => {
                            let lease = pending.outcome().await.unwrap();
                            latencies.push(released_at.lock().elapsed());
                            lease
                        }
                    };
                    // Hold it until the other holder is queued, so every
                    // release is a hand-off (unless the other is done).
                    while finished.load(Ordering::Acquire) == 0
                        && shared
                            .lock()
                            .locks()
                            .summaries()
                            .iter()
                            .all(|l| l.waiting.is_empty())
                    {
                        tokio::task::yield_now().await;
                    }
                    let mut coordinator = shared.lock();
                    *released_at.lock() = Instant::now();
                    coordinator
                        .lock_release(&window, lease.token, Instant::now())
                        .unwrap();
                    coordinator.take_events();
                }
                finished.fetch_add(1, Ordering::Release);
                latencies
            })
        })
        .collect();
    let mut latencies = Vec::new();
    for holder in holders {
        latencies.extend(runtime.block_on(holder).unwrap());
    }
    let rate = latencies.len() as f64 / started.elapsed().as_secs_f64();
    (latencies, rate)
}
