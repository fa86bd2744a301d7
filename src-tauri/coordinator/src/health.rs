//! Window health: how long a ready window may stay silent before it counts
//! as unresponsive.
//!
//! A page beats from its main thread every half timeout, so a page stuck
//! in a long script stops beating, and a beat may come half a timeout late
//! (a loaded machine, a timer the engine delayed) without demoting its
//! window. Beats no more often than that: each one wakes the page's web
//! process and the app, and an idle window should cost next to nothing. Past the timeout the window loses primacy
//! and its locks; its next beat brings it back as a secondary. Only ready
//! windows are judged: a window still loading its page has not started to
//! beat.

use std::time::Duration;

use crate::error::{Error, Result};

/// How long a ready window may be silent, by default.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);
/// The shortest timeout accepted: pages beat every half timeout, and a
/// second between beats is as often as an idle window should wake.
pub const MIN_TIMEOUT: Duration = Duration::from_secs(2);
/// The longest timeout accepted.
pub const MAX_TIMEOUT: Duration = Duration::from_secs(300);

/// The heartbeat timeout, within its limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HeartbeatTimeout(Duration);

impl Default for HeartbeatTimeout {
    fn default() -> Self {
        Self(DEFAULT_TIMEOUT)
    }
}

impl HeartbeatTimeout {
    /// A timeout of `millis`, refused outside [`MIN_TIMEOUT`]..=[`MAX_TIMEOUT`].
    pub fn from_millis(millis: u64) -> Result<Self> {
        let timeout = Duration::from_millis(millis);
        if !(MIN_TIMEOUT..=MAX_TIMEOUT).contains(&timeout) {
            return Err(Error::InvalidArgument {
                reason: format!(
                    "the heartbeat timeout must be {} to {} ms, not {millis}",
                    MIN_TIMEOUT.as_millis(),
                    MAX_TIMEOUT.as_millis()
                ),
            });
        }
        Ok(Self(timeout))
    }

    /// The timeout.
    pub fn get(self) -> Duration {
        self.0
    }

    /// How often a page beats: half the timeout.
    pub fn beat_interval(self) -> Duration {
        self.0 / 2
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_timeout_is_kept_within_its_limits() {
        assert_eq!(HeartbeatTimeout::default().get(), Duration::from_secs(5));
        assert_eq!(
            HeartbeatTimeout::from_millis(2_000).unwrap().get(),
            MIN_TIMEOUT
        );
        assert!(HeartbeatTimeout::from_millis(1_999).is_err());
        assert!(HeartbeatTimeout::from_millis(300_001).is_err());
    }

    #[test]
    fn pages_beat_twice_per_timeout() {
        assert_eq!(
            HeartbeatTimeout::default().beat_interval(),
            Duration::from_millis(2_500)
        );
        assert_eq!(
            HeartbeatTimeout::from_millis(2_000)
                .unwrap()
                .beat_interval(),
            Duration::from_secs(1)
        );
    }
}
