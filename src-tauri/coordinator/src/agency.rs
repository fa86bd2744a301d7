//! The agency (tenant) every window works in: one selection for all
//! windows, changed only by compare-and-set on its version.
//!
//! In the browser each tab could hold a different agency and keep writing to
//! the old one after another tab switched. Here the selection is one value
//! with a version: a change names the version it was based on, a stale one
//! is refused, and every window learns of each change.

use serde::Serialize;
use ts_rs::TS;

use crate::error::{Error, Result};
use crate::window::WindowLabel;

/// An agency, as named in the selection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct AgencyRef {
    /// The agency's id.
    pub id: String,
    /// The agency's display name.
    pub name: String,
}

impl From<axolop_model::Agency> for AgencyRef {
    fn from(agency: axolop_model::Agency) -> Self {
        Self {
            id: agency.id,
            name: agency.name,
        }
    }
}

/// The agency selection shared by every window.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AgencySummary {
    /// The selected agency, if any.
    pub selected: Option<AgencyRef>,
    /// Compare-and-set version of the selection.
    pub version: u64,
    /// The window that made the current selection.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub changed_by: Option<WindowLabel>,
}

/// The selection as the coordinator keeps it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AgencySelection {
    summary: AgencySummary,
}

impl AgencySelection {
    /// The selection as stored at the end of the last run.
    pub fn restored(selected: Option<AgencyRef>, version: u64) -> Self {
        Self {
            summary: AgencySummary {
                selected,
                version,
                changed_by: None,
            },
        }
    }

    /// The selection as windows see it.
    pub fn summary(&self) -> &AgencySummary {
        &self.summary
    }

    /// Whether an agency is selected.
    pub fn is_selected(&self) -> bool {
        self.summary.selected.is_some()
    }

    /// The id of the selected agency, if any.
    pub fn selected_id(&self) -> Option<&str> {
        self.summary
            .selected
            .as_ref()
            .map(|agency| agency.id.as_str())
    }

    /// Replaces the selection with `restored` (another user's, or the one
    /// stored at the end of the last run). The version never goes back: a
    /// window that acted on the old selection must learn it is stale, so the
    /// result is at least one past the current version. Returns whether
    /// anything changed.
    pub fn replace(&mut self, restored: AgencySelection) -> bool {
        if restored == *self {
            return false;
        }
        let version = restored
            .summary
            .version
            .max(self.summary.version.saturating_add(1));
        self.summary = AgencySummary {
            version,
            ..restored.summary
        };
        true
    }

    /// Selects `agency` on behalf of window `by`, if the selection is still
    /// at `expected_version` (no expectation: whatever it is now). Every
    /// change bumps the version, even to the same agency, so a window that
    /// acted on an older view always learns it was stale.
    pub fn select(
        &mut self,
        agency: AgencyRef,
        expected_version: Option<u64>,
        by: &WindowLabel,
    ) -> Result<&AgencySummary> {
        if let Some(expected) = expected_version {
            if expected != self.summary.version {
                return Err(Error::StaleSelection {
                    expected,
                    current: self.summary.version,
                });
            }
        }
        self.summary = AgencySummary {
            selected: Some(agency),
            version: self.summary.version + 1,
            changed_by: Some(by.clone()),
        };
        Ok(&self.summary)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn acme() -> AgencyRef {
        AgencyRef {
            id: "a1".into(),
            name: "Acme".into(),
        }
    }

    #[test]
    fn a_selection_bumps_the_version_and_records_the_window() {
        let mut selection = AgencySelection::default();
        let summary = selection
            .select(acme(), Some(0), &WindowLabel::numbered(2))
            .unwrap();
        assert_eq!(summary.version, 1);
        assert_eq!(summary.changed_by, Some(WindowLabel::numbered(2)));
        assert!(selection.is_selected());
    }

    #[test]
    fn a_stale_expected_version_is_refused_and_changes_nothing() {
        let mut selection = AgencySelection::restored(Some(acme()), 4);
        let before = selection.clone();
        let error = selection
            .select(acme(), Some(3), &WindowLabel::numbered(1))
            .unwrap_err();
        assert_eq!(
            error,
            Error::StaleSelection {
                expected: 3,
                current: 4
            }
        );
        assert_eq!(selection, before);
    }

    #[test]
    fn without_an_expectation_the_newest_selection_wins() {
        let mut selection = AgencySelection::restored(Some(acme()), 4);
        assert_eq!(
            selection
                .select(acme(), None, &WindowLabel::numbered(1))
                .unwrap()
                .version,
            5
        );
    }

    #[test]
    fn a_replacement_never_moves_the_version_back() {
        let mut selection = AgencySelection::restored(Some(acme()), 7);
        assert!(selection.replace(AgencySelection::restored(None, 2)));
        assert_eq!(selection.summary().version, 8);
        assert_eq!(selection.summary().selected, None);
        assert!(selection.replace(AgencySelection::restored(Some(acme()), 20)));
        assert_eq!(selection.summary().version, 20);
        assert!(!selection.replace(selection.clone()));
    }
}
