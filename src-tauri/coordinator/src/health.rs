//! Window health: how long a ready window may stay silent before it counts
//! as unresponsive.
//!
//! A page beats every second from its main thread, so a page stuck in a
//! long script stops beating. Past the timeout the window loses primacy
//! and its locks; its next beat brings it back as a secondary. Only ready
//! windows are judged: a window still loading its page has not started to
//! beat.

use std::time::Duration;

use crate::error::{Error, Result};

/// How long a ready window may be silent, by default.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);
/// The shortest timeout accepted: pages beat every second, so anything
/// shorter would demote windows between beats.
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
}
