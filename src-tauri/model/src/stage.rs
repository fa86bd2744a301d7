//! The pipeline stage of a contact.
//!
//! Its text name (`"lead"`, `"won"`, …) is what the UI sees in JSON and what
//! the store writes, so the database stays readable and a new stage needs no
//! data migration. A name this code does not know is no stage, never a
//! silent default.

use std::fmt;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Where a contact is in the sales pipeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum Stage {
    /// Not contacted yet.
    #[default]
    Lead,
    /// First contact made.
    Contacted,
    /// Interested and able to buy.
    Qualified,
    /// An offer is out.
    Proposal,
    /// Became a customer.
    Won,
    /// Will not buy.
    Lost,
}

impl Stage {
    /// Every stage, in pipeline order.
    pub const ALL: [Stage; 6] = [
        Stage::Lead,
        Stage::Contacted,
        Stage::Qualified,
        Stage::Proposal,
        Stage::Won,
        Stage::Lost,
    ];

    /// The stage's name as stored and as sent to the UI.
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Lead => "lead",
            Stage::Contacted => "contacted",
            Stage::Qualified => "qualified",
            Stage::Proposal => "proposal",
            Stage::Won => "won",
            Stage::Lost => "lost",
        }
    }

    /// The stage with this name, if there is one.
    pub fn from_name(name: &str) -> Option<Stage> {
        Stage::ALL.into_iter().find(|stage| stage.as_str() == name)
    }
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stored_name_matches_the_json_name() {
        for stage in Stage::ALL {
            let json = serde_json::to_string(&stage).unwrap();
            assert_eq!(json, format!("\"{}\"", stage.as_str()));
        }
    }

    #[test]
    fn every_name_reads_back_as_its_stage() {
        for stage in Stage::ALL {
            assert_eq!(Stage::from_name(stage.as_str()), Some(stage));
        }
    }

    #[test]
    fn the_default_stage_is_lead() {
        assert_eq!(Stage::default(), Stage::Lead);
    }

    #[test]
    fn an_unknown_name_is_no_stage() {
        assert_eq!(Stage::from_name("Lead"), None);
    }
}
