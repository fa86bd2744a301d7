//! What a window asks for: a checked lock name, a mode, a lease time and how
//! long to wait, plus the token that names a granted lease.
//!
//! Every limit of the lock contract lives here, so a request that exists is a
//! valid one: the table never sees an empty name or a ten-hour lease.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{Error, Result};

/// The longest lock name, in characters.
pub const NAME_MAX_CHARS: usize = 128;
/// The shortest lease a window may ask for.
pub const TTL_MIN: Duration = Duration::from_millis(100);
/// The longest lease a window may ask for.
pub const TTL_MAX: Duration = Duration::from_secs(10 * 60);
/// The lease when a request names none.
pub const TTL_DEFAULT: Duration = Duration::from_secs(30);
/// The longest a request may wait.
pub const WAIT_MAX: Duration = Duration::from_secs(60);
/// How long a request waits when it names no limit: long enough for a holder
/// to finish a save, short enough that a user is not left staring at a
/// spinner with no explanation.
pub const WAIT_DEFAULT: Duration = Duration::from_secs(10);
/// How many locks one window may hold or await at once.
pub const MAX_PER_WINDOW: usize = 256;

/// How a lock is held.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum LockMode {
    /// One holder at a time.
    Exclusive,
    /// Any number of shared holders, and no exclusive one.
    Shared,
}

impl LockMode {
    /// Whether a holder in `self` mode can hold alongside one in `other` mode.
    pub fn compatible_with(self, other: LockMode) -> bool {
        self == LockMode::Shared && other == LockMode::Shared
    }
}

impl fmt::Display for LockMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            LockMode::Exclusive => "exclusive",
            LockMode::Shared => "shared",
        })
    }
}

/// A lock name: 1 to 128 printable characters. Cloning is a reference-count
/// bump, so events and indexes can carry it freely.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, TS)]
#[ts(type = "string")]
pub struct LockName(Arc<str>);

impl LockName {
    /// Checks `name` against the naming rules.
    pub fn new(name: &str) -> Result<Self> {
        let chars = name.chars().count();
        if chars == 0 || chars > NAME_MAX_CHARS {
            return Err(Error::InvalidArgument {
                reason: format!(
                    "a lock name has 1 to {NAME_MAX_CHARS} characters, this one has {chars}"
                ),
            });
        }
        if let Some(bad) = name.chars().find(|&c| !is_printable(c)) {
            return Err(Error::InvalidArgument {
                reason: format!(
                    "a lock name has printable characters only, this one has U+{:04X}",
                    u32::from(bad)
                ),
            });
        }
        if name.chars().all(char::is_whitespace) {
            return Err(Error::InvalidArgument {
                reason: "a lock name needs more than white space".into(),
            });
        }
        Ok(Self(name.into()))
    }

    /// The name as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for LockName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Whether `c` shows as itself: not a control character, not an invisible
/// formatting character (zero-width, bidirectional overrides, soft hyphen,
/// byte-order mark), and not a line or paragraph separator. Such characters
/// would make two different names look alike in the lock panel.
fn is_printable(c: char) -> bool {
    const INVISIBLE: &[(char, char)] = &[
        ('\u{00AD}', '\u{00AD}'),
        ('\u{061C}', '\u{061C}'),
        ('\u{180E}', '\u{180E}'),
        ('\u{200B}', '\u{200F}'),
        ('\u{2028}', '\u{202E}'),
        ('\u{2060}', '\u{206F}'),
        ('\u{FEFF}', '\u{FEFF}'),
        ('\u{FFF9}', '\u{FFFB}'),
    ];
    !c.is_control() && !INVISIBLE.iter().any(|&(from, to)| (from..=to).contains(&c))
}

/// Names one granted lease: `"lease-17"` on the wire. Tokens are never
/// reused within a run, and only the window a lease was granted to can use
/// its token, so a token that leaks to another window is worth nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, TS)]
#[ts(type = "string")]
pub struct LockToken(pub(crate) u64);

impl LockToken {
    const PREFIX: &'static str = "lease-";
}

impl fmt::Display for LockToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", Self::PREFIX, self.0)
    }
}

impl LockToken {
    /// The token `text` spells, if it is one this coordinator could have
    /// issued. Any other text names no lease, exactly like a token that has
    /// expired.
    pub fn parse(text: &str) -> Option<Self> {
        text.strip_prefix(Self::PREFIX)
            .filter(|digits| !digits.starts_with('0') && !digits.starts_with('+'))
            .and_then(|digits| digits.parse().ok())
            .map(LockToken)
    }
}

impl Serialize for LockToken {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// A checked request for a lock; only [`LockRequest::new`] makes one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LockRequest {
    pub(crate) name: LockName,
    pub(crate) mode: LockMode,
    pub(crate) ttl: Duration,
    pub(crate) wait: Duration,
}

impl LockRequest {
    /// Checks a request as it arrives over IPC: missing values take the
    /// defaults (exclusive, 30 s lease, 10 s wait).
    pub fn new(
        name: &str,
        mode: Option<LockMode>,
        ttl_ms: Option<u64>,
        wait_ms: Option<u64>,
    ) -> Result<Self> {
        Ok(Self {
            name: LockName::new(name)?,
            mode: mode.unwrap_or(LockMode::Exclusive),
            ttl: ttl_ms.map_or(Ok(TTL_DEFAULT), checked_ttl)?,
            wait: wait_ms.map_or(Ok(WAIT_DEFAULT), |ms| {
                within("waitMs", ms, Duration::ZERO, WAIT_MAX)
            })?,
        })
    }

    /// The lock asked for.
    pub fn name(&self) -> &LockName {
        &self.name
    }

    /// How it is to be held.
    pub fn mode(&self) -> LockMode {
        self.mode
    }

    /// How long the lease lasts unless extended.
    pub fn ttl(&self) -> Duration {
        self.ttl
    }

    /// How long to wait for it; zero is a try-lock.
    pub fn wait(&self) -> Duration {
        self.wait
    }
}

/// Checks a lease time in milliseconds (`ttlMs`).
pub fn checked_ttl(ms: u64) -> Result<Duration> {
    within("ttlMs", ms, TTL_MIN, TTL_MAX)
}

fn within(field: &str, ms: u64, min: Duration, max: Duration) -> Result<Duration> {
    let value = Duration::from_millis(ms);
    if value < min || value > max {
        return Err(Error::InvalidArgument {
            reason: format!(
                "{field} must be between {} and {} ms, not {ms}",
                min.as_millis(),
                max.as_millis()
            ),
        });
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(result: Result<impl fmt::Debug>) -> &'static str {
        match result {
            Err(Error::InvalidArgument { .. }) => "invalid_argument",
            Err(other) => panic!("unexpected error {other}"),
            Ok(value) => panic!("accepted {value:?}"),
        }
    }

    #[test]
    fn names_of_one_to_128_printable_characters_are_accepted() {
        for name in ["a", "agency", "contacts/42 edit", "é—✓", &"x".repeat(128)] {
            assert_eq!(LockName::new(name).unwrap().as_str(), name);
        }
        // Characters, not bytes: 128 three-byte characters are fine.
        assert!(LockName::new(&"✓".repeat(128)).is_ok());
    }

    #[test]
    fn empty_long_and_control_character_names_are_invalid() {
        for name in [
            "",
            &"x".repeat(129),
            "a\nb",
            "tab\there",
            "\u{7f}",
            "nul\0",
            "zero\u{200B}width",
            "bidi\u{202E}",
            "line\u{2028}sep",
            "   ",
        ] {
            assert_eq!(code(LockName::new(name)), "invalid_argument", "{name:?}");
        }
    }

    #[test]
    fn a_request_without_options_is_an_exclusive_30_second_lease_waiting_10_seconds() {
        let request = LockRequest::new("a", None, None, None).unwrap();
        assert_eq!(request.mode, LockMode::Exclusive);
        assert_eq!(request.ttl, Duration::from_secs(30));
        assert_eq!(request.wait, Duration::from_secs(10));
    }

    #[test]
    fn lease_and_wait_limits_are_inclusive() {
        assert!(LockRequest::new("a", None, Some(100), Some(0)).is_ok());
        assert!(LockRequest::new("a", None, Some(600_000), Some(60_000)).is_ok());
        assert_eq!(
            code(LockRequest::new("a", None, Some(99), None)),
            "invalid_argument"
        );
        assert_eq!(
            code(LockRequest::new("a", None, Some(600_001), None)),
            "invalid_argument"
        );
        assert_eq!(
            code(LockRequest::new("a", None, None, Some(60_001))),
            "invalid_argument"
        );
        assert_eq!(code(checked_ttl(0)), "invalid_argument");
    }

    #[test]
    fn only_shared_and_shared_are_compatible() {
        use LockMode::*;
        assert!(Shared.compatible_with(Shared));
        assert!(!Shared.compatible_with(Exclusive));
        assert!(!Exclusive.compatible_with(Shared));
        assert!(!Exclusive.compatible_with(Exclusive));
    }

    #[test]
    fn tokens_round_trip_and_foreign_text_names_no_lease() {
        let token = LockToken(17);
        assert_eq!(token.to_string(), "lease-17");
        assert_eq!(LockToken::parse("lease-17"), Some(token));
        assert_eq!(serde_json::to_value(token).unwrap(), "lease-17");
        for text in [
            "",
            "17",
            "lease-",
            "lease-017",
            "lease-+1",
            "lease-x",
            "LEASE-1",
        ] {
            assert_eq!(LockToken::parse(text), None, "{text:?}");
        }
    }
}
