//! When to refresh an access token, and how long to wait before trying
//! again after a failure.
//!
//! Both are pure functions of their inputs (the jitter comes in as a number
//! in `[0, 1)`), so the schedule is tested without a clock or a random
//! source.

use std::time::Duration;

/// The longest margin before expiry: an hour-long token is refreshed a
/// minute before it runs out.
pub const MARGIN_MAX: Duration = Duration::from_secs(60);
/// The first retry after a failed refresh waits about this long.
pub const BACKOFF_BASE: Duration = Duration::from_millis(500);
/// Retries never wait longer than this (before jitter).
pub const BACKOFF_MAX: Duration = Duration::from_secs(30);

/// How long before expiry a token of `lifetime` is refreshed: a fifth of its
/// lifetime, at most [`MARGIN_MAX`]. The margin scales down with the
/// lifetime, so a 5-second token is refreshed after 4 seconds (once per
/// lifetime), not at once and over and over.
pub fn refresh_margin(lifetime: Duration) -> Duration {
    (lifetime / 5).min(MARGIN_MAX)
}

/// How long to wait before retry number `attempt` (1 for the first retry):
/// exponential from [`BACKOFF_BASE`], capped at [`BACKOFF_MAX`], with
/// "equal jitter" (between half and all of the step, `jitter` in `[0, 1)`)
/// so that many clients that failed together do not retry together, and
/// never sooner than the server asked (`Retry-After`).
pub fn backoff(attempt: u32, jitter: f64, retry_after: Option<Duration>) -> Duration {
    let exponent = attempt.saturating_sub(1).min(16);
    let step = BACKOFF_BASE
        .saturating_mul(1u32 << exponent)
        .min(BACKOFF_MAX);
    let jittered = step.mul_f64(0.5 + 0.5 * jitter.clamp(0.0, 1.0));
    retry_after.map_or(jittered, |asked| jittered.max(asked))
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: fn(u64) -> Duration = Duration::from_secs;

    #[test]
    fn the_margin_is_a_fifth_of_the_lifetime_up_to_a_minute() {
        assert_eq!(refresh_margin(S(5)), S(1));
        assert_eq!(refresh_margin(S(60)), S(12));
        assert_eq!(refresh_margin(S(300)), S(60));
        assert_eq!(refresh_margin(S(3600)), S(60));
    }

    #[test]
    fn backoff_doubles_from_half_a_second_and_stops_at_thirty() {
        let top = |attempt| backoff(attempt, 1.0, None);
        assert_eq!(top(1), Duration::from_millis(500));
        assert_eq!(top(2), S(1));
        assert_eq!(top(3), S(2));
        assert_eq!(top(7), S(30));
        assert_eq!(top(1000), S(30));
    }

    #[test]
    fn jitter_spreads_a_step_between_half_and_all_of_it() {
        assert_eq!(backoff(3, 0.0, None), S(1));
        assert_eq!(backoff(3, 0.5, None), Duration::from_millis(1500));
        assert!(backoff(3, 0.999, None) < S(2));
    }

    #[test]
    fn a_retry_after_longer_than_the_backoff_is_honoured() {
        assert_eq!(backoff(1, 0.0, Some(S(7))), S(7));
        assert_eq!(backoff(7, 1.0, Some(S(1))), S(30));
    }
}
