//! The coordinator's agency transitions: one selection for every window,
//! changed by compare-and-set and announced as `agency-changed`.

use super::Coordinator;
use crate::agency::{AgencyRef, AgencySelection};
use crate::error::Result;
use crate::event::{Envelope, Event};
use crate::window::WindowLabel;

impl Coordinator {
    /// The agency selection.
    pub fn agency(&self) -> &AgencySelection {
        &self.agency
    }

    /// The selection stored at the end of the last run (or for the user who
    /// just signed in).
    pub fn agency_restore(&mut self, selection: AgencySelection) -> Vec<Envelope> {
        if selection == self.agency {
            return Vec::new();
        }
        self.agency = selection;
        vec![self
            .log
            .stamp(Event::AgencyChanged(self.agency.summary().clone()))]
    }

    /// Window `window` selects `agency`, if the selection is still at
    /// `expected_version` (a stale one is `conflict`, and nothing changes).
    pub fn agency_select(
        &mut self,
        window: &WindowLabel,
        agency: AgencyRef,
        expected_version: Option<u64>,
    ) -> Result<Vec<Envelope>> {
        self.windows.state(window)?;
        let summary = self
            .agency
            .select(agency, expected_version, window)?
            .clone();
        Ok(vec![self.log.stamp(Event::AgencyChanged(summary))])
    }
}
