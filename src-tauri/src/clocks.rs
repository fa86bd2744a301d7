//! Noticing that time jumped under the app: the machine slept and woke, the
//! wall clock was set, or the process was stopped or starved.
//!
//! The coordinator is ticked at least every second (`deadlines`), so two
//! readings more than [`JUMP`] apart on the monotonic clock mean the app
//! itself was not running; a wall clock that moved unlike the monotonic one
//! means a sleep (on Linux the monotonic clock stands still meanwhile) or a
//! clock change. Either way no page could beat, and no token was refreshed,
//! in between.

use std::time::{Duration, Instant, SystemTime};

/// How far readings may drift before it counts as a jump: far above
/// scheduling noise, and below the shortest heartbeat timeout.
pub const JUMP: Duration = Duration::from_secs(2);

/// The two clocks as of the last reading.
#[derive(Debug)]
pub struct Clocks {
    monotonic: Instant,
    wall: SystemTime,
}

impl Clocks {
    /// A first reading.
    pub fn new(now: Instant) -> Self {
        Self {
            monotonic: now,
            wall: SystemTime::now(),
        }
    }

    /// Whether time jumped since the last reading, which this replaces.
    pub fn jumped(&mut self, now: Instant) -> bool {
        let last = std::mem::replace(self, Self::new(now));
        let monotonic = now.saturating_duration_since(last.monotonic);
        let drift = match self.wall.duration_since(last.wall) {
            Ok(wall) => wall.abs_diff(monotonic),
            // The wall clock went back.
            Err(back) => back.duration() + monotonic,
        };
        monotonic > JUMP || drift > JUMP
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readings_a_second_apart_are_no_jump_and_a_stall_is() {
        let start = Instant::now();
        let mut clocks = Clocks::new(start);
        assert!(!clocks.jumped(start));
        // A stall of the process: the monotonic clock moved far past the
        // next tick (the wall clock is read for real, so it did not).
        assert!(clocks.jumped(start + Duration::from_secs(40)));
    }
}
