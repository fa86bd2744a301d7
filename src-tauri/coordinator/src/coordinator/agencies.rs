//! The coordinator's agency transitions: one selection for every window,
//! changed by compare-and-set and announced as `agency-changed`, with the
//! agency modal re-planned after each.

use super::Coordinator;
use crate::agency::{AgencyRef, AgencySelection, AgencySummary};
use crate::error::{Error, Result};
use crate::event::Event;
use crate::window::WindowLabel;

impl Coordinator {
    /// The agency selection.
    pub fn agency(&self) -> &AgencySelection {
        &self.agency
    }

    /// The selection stored at the end of the last run, or for the user who
    /// just signed in. The version only grows (see
    /// [`AgencySelection::replace`]).
    pub fn agency_restore(&mut self, selection: AgencySelection) {
        if self.agency.replace(selection) {
            self.agency_events();
        }
    }

    /// Window `window` selects `agency` for every window, if the selection
    /// is still at `expected_version` (a stale one is `conflict`, and
    /// nothing changes). This is the one place the version is checked.
    /// Returns the new selection.
    pub fn agency_select(
        &mut self,
        window: &WindowLabel,
        agency: AgencyRef,
        expected_version: Option<u64>,
    ) -> Result<AgencySummary> {
        self.windows.state(window)?;
        self.agency.select(agency, expected_version, window)?;
        self.agency_events();
        Ok(self.agency.summary().clone())
    }

    /// The selected agency, for a call that works in it: a call naming
    /// another agency (`asked`) is refused, so nothing is written to an
    /// agency the windows no longer show.
    pub fn agency_in_use(&self, asked: Option<&str>) -> Result<&AgencyRef> {
        let selected = self
            .agency
            .summary()
            .selected
            .as_ref()
            .ok_or(Error::NoAgencySelected)?;
        match asked {
            Some(asked) if asked != selected.id => Err(Error::AgencyNotSelected {
                asked: asked.to_owned(),
                selected: Some(selected.name.clone()),
            }),
            _ => Ok(selected),
        }
    }

    /// The selection changed: every window learns it, and the agency modal
    /// opens or closes.
    pub(super) fn agency_events(&mut self) {
        self.log
            .stamp(Event::AgencyChanged(self.agency.summary().clone()));
        self.replan_modal();
    }
}
