//! Window labels and states, and the summary of a window that every UI lists.

use std::fmt;
use std::sync::Arc;

use serde::Serialize;
use ts_rs::TS;

/// The label of a CRM window: `crm-1`, `crm-2`, …
///
/// Labels are never reused within a run, so a late event about a closed window
/// can never be mistaken for a newer one. Cloning is a reference-count bump.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, TS)]
#[ts(type = "string")]
pub struct WindowLabel(Arc<str>);

impl WindowLabel {
    /// The prefix every CRM window label starts with.
    pub const PREFIX: &'static str = "crm-";

    /// The label of the `number`th window opened in this run.
    pub fn numbered(number: u64) -> Self {
        Self(format!("{}{number}", Self::PREFIX).into())
    }

    /// The window number in the label, if it is a CRM window label.
    pub fn number(&self) -> Option<u64> {
        let digits = self.0.strip_prefix(Self::PREFIX)?;
        if digits.starts_with('0') {
            return None;
        }
        digits.parse().ok()
    }

    /// The label as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl From<&str> for WindowLabel {
    fn from(label: &str) -> Self {
        Self(label.into())
    }
}

impl fmt::Display for WindowLabel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A window named in a command result: `{ label }`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct WindowRef {
    /// The window's label.
    pub label: WindowLabel,
}

/// Where a window is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum WindowState {
    /// Created; its page has not yet taken its first snapshot.
    Loading,
    /// Its page is running and in sync with the coordinator.
    Ready,
    /// Its page stopped answering; it can neither be primary nor hold locks.
    Unresponsive,
}

impl WindowState {
    /// Whether a window in this state may be elected primary at all.
    pub fn is_electable(self) -> bool {
        !matches!(self, WindowState::Unresponsive)
    }
}

/// One entry of the window list every UI shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct WindowSummary {
    /// The window's label.
    pub label: WindowLabel,
    /// Where the window is in its life.
    pub state: WindowState,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbered_labels_round_trip_their_number() {
        let label = WindowLabel::numbered(17);
        assert_eq!(label.as_str(), "crm-17");
        assert_eq!(label.number(), Some(17));
    }

    #[test]
    fn foreign_labels_have_no_number() {
        for text in ["main", "crm-", "crm-x", "crm-01", "CRM-1"] {
            assert_eq!(WindowLabel::from(text).number(), None, "{text}");
        }
    }

    #[test]
    fn only_unresponsive_windows_are_unelectable() {
        assert!(WindowState::Loading.is_electable());
        assert!(WindowState::Ready.is_electable());
        assert!(!WindowState::Unresponsive.is_electable());
    }
}
