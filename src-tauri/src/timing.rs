//! The shell's clock readings: monotonic stamps for latency tracing, and
//! the wall clock in Unix milliseconds for what pages and the store record.
//!
//! At `trace` level, target [`TARGET`], the shell logs when each event is
//! queued, when a window asks to close, and when a page reports the newest
//! event it applied, each with microseconds since start on one monotonic
//! clock (`at_us`). Queue and close lines also carry the wall clock
//! (`wall_us`) to compare with the pages' own stamps, which WebKit coarsens to
//! 1 ms. `scripts/bench.sh` reads these lines.

use std::sync::LazyLock;
use std::time::Instant;

/// The `tracing` target of latency lines: enable with
/// `RUST_LOG=info,axolop::latency=trace`.
pub const TARGET: &str = "axolop::latency";

static START: LazyLock<Instant> = LazyLock::new(Instant::now);

/// Microseconds from the first stamp of this process to `at`.
pub fn micros(at: Instant) -> u64 {
    at.saturating_duration_since(*START).as_micros() as u64
}

/// Drops from `recent` (oldest first) the instants `span` or more before
/// `now`: what is left happened within the last `span`. Counters of bursts
/// (second launches, crashes) keep their instants so.
pub fn forget_older(
    recent: &mut std::collections::VecDeque<Instant>,
    now: Instant,
    span: std::time::Duration,
) {
    while recent
        .front()
        .is_some_and(|&at| now.saturating_duration_since(at) >= span)
    {
        recent.pop_front();
    }
}

/// Microseconds since the Unix epoch, for comparing with page clocks.
pub fn wall_micros() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |since| since.as_micros() as u64)
}

/// Milliseconds since the Unix epoch: the wall-clock time pages and the
/// store record.
pub fn unix_ms() -> u64 {
    wall_micros() / 1000
}

/// Microseconds from the first stamp of this process to now.
pub fn now_micros() -> u64 {
    micros(Instant::now())
}
