//! A granted lease, and the forms a window receives it in.
//!
//! Inside the coordinator a lease expires at an [`Instant`]; a window gets the
//! expiry as Unix milliseconds, which a page can compare with `Date.now()`.

use std::time::{Duration, Instant};

use serde::Serialize;
use ts_rs::TS;

use super::request::{LockMode, LockName, LockToken};

/// A lock held by one window until it is released or `expires_at` passes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lease {
    /// Names the lease in `lock_release`, `lock_extend` and `lock_check`.
    pub token: LockToken,
    /// The lock held.
    pub name: LockName,
    /// How it is held.
    pub mode: LockMode,
    /// The grant's fence number: higher than every earlier grant of the lock.
    pub fence: u64,
    /// When the lease ends unless extended.
    pub expires_at: Instant,
}

impl Lease {
    /// The lease as a window receives it.
    pub fn info(&self, clock: &WallClock) -> LeaseInfo {
        LeaseInfo {
            token: self.token,
            name: self.name.clone(),
            mode: self.mode,
            fence: self.fence,
            expires_at: clock.unix_ms(self.expires_at),
        }
    }
}

/// A lease on the wire: `{ token, name, mode, fence, expiresAt }`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct LeaseInfo {
    /// Names the lease in later lock calls.
    pub token: LockToken,
    /// The lock held.
    pub name: LockName,
    /// How it is held.
    pub mode: LockMode,
    /// The grant's fence number: send it with writes so stale holders can be
    /// rejected.
    pub fence: u64,
    /// When the lease ends unless extended, in Unix milliseconds.
    pub expires_at: u64,
}

/// The answer to `lock_check`: whether the caller still holds the lease.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct LockCheck {
    /// True while the lease is live and the caller's.
    pub held: bool,
    /// The lease, while held.
    pub lease: Option<LeaseInfo>,
}

/// Maps the monotonic clock the coordinator runs on to wall-clock time.
///
/// Anchored once, so every expiry of a run is converted the same way; a later
/// change of the wall clock does not move leases, which run on monotonic time.
#[derive(Debug, Clone, Copy)]
pub struct WallClock {
    instant: Instant,
    unix_ms: u64,
}

impl WallClock {
    /// A clock on which `instant` is `unix_ms`.
    pub fn new(instant: Instant, unix_ms: u64) -> Self {
        Self { instant, unix_ms }
    }

    /// `at` in Unix milliseconds.
    pub fn unix_ms(&self, at: Instant) -> u64 {
        let millis = |d: Duration| u64::try_from(d.as_millis()).unwrap_or(u64::MAX);
        match at.checked_duration_since(self.instant) {
            Some(later) => self.unix_ms.saturating_add(millis(later)),
            None => self.unix_ms.saturating_sub(millis(self.instant - at)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wall_clock_maps_instants_before_and_after_its_anchor() {
        let anchor = Instant::now();
        let clock = WallClock::new(anchor, 1_000_000);
        assert_eq!(clock.unix_ms(anchor), 1_000_000);
        assert_eq!(
            clock.unix_ms(anchor + Duration::from_millis(1500)),
            1_001_500
        );
        if let Some(earlier) = anchor.checked_sub(Duration::from_millis(250)) {
            assert_eq!(clock.unix_ms(earlier), 999_750);
        }
    }

    #[test]
    fn a_lease_is_sent_with_camel_case_fields_and_a_string_token() {
        let anchor = Instant::now();
        let lease = Lease {
            token: LockToken(3),
            name: LockName::new("agency").unwrap(),
            mode: LockMode::Shared,
            fence: 9,
            expires_at: anchor + Duration::from_secs(30),
        };
        let value = serde_json::to_value(lease.info(&WallClock::new(anchor, 0))).unwrap();
        assert_eq!(
            value,
            serde_json::json!({
                "token": "lease-3", "name": "agency", "mode": "shared",
                "fence": 9, "expiresAt": 30_000
            })
        );
    }
}
