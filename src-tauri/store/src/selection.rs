//! Each owner's persisted agency selection.
//!
//! Persistence only: the version compare-and-set, the `agency` lock and the
//! events live in the coordinator, which loads the selection at start and
//! saves every accepted change here.
//!
//! Invariants:
//! - One row per owner; saving replaces it whole.
//! - A selection names an agency of the same owner, or none. Deleting the
//!   agency clears the selection (`ON DELETE SET NULL`) and keeps the version.

use rusqlite::{params, OptionalExtension};

use crate::error::{Result, StoreError};
use crate::store::Store;
use crate::validation;

/// An owner's agency selection as last saved by the coordinator.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StoredSelection {
    /// The selected agency, if any.
    pub agency_id: Option<String>,
    /// The coordinator's selection version (bumped on every change).
    pub version: u64,
    /// The label of the window that made the last change, if known.
    pub changed_by: Option<String>,
    /// When the last change was made, Unix ms, if known.
    pub changed_at: Option<u64>,
}

impl Store {
    /// The saved selection of `owner`, or `None` if none was ever saved.
    pub fn selection(&self, owner: &str) -> Result<Option<StoredSelection>> {
        let selection = self
            .conn()
            .query_row(
                "SELECT agency_id, version, changed_by, changed_at FROM selections WHERE owner = ?1",
                [owner],
                |row| {
                    Ok(StoredSelection {
                        agency_id: row.get(0)?,
                        version: row.get(1)?,
                        changed_by: row.get(2)?,
                        changed_at: row.get(3)?,
                    })
                },
            )
            .optional()?;
        Ok(selection)
    }

    /// Saves (replaces) the selection of `owner`.
    ///
    /// `NotFound` if the selected agency does not exist or is another owner's.
    pub fn save_selection(&mut self, owner: &str, selection: &StoredSelection) -> Result<()> {
        let owner = validation::key("owner", owner)?;
        self.write(|tx| {
            if let Some(agency_id) = &selection.agency_id {
                let owned: Option<i64> = tx
                    .query_row(
                        "SELECT 1 FROM agencies WHERE id = ?1 AND owner = ?2",
                        [agency_id, owner],
                        |row| row.get(0),
                    )
                    .optional()?;
                if owned.is_none() {
                    return Err(StoreError::not_found("agency", agency_id));
                }
            }
            tx.execute(
                "INSERT INTO selections (owner, agency_id, version, changed_by, changed_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5) \
                 ON CONFLICT (owner) DO UPDATE SET agency_id = excluded.agency_id, \
                 version = excluded.version, changed_by = excluded.changed_by, \
                 changed_at = excluded.changed_at",
                params![
                    owner,
                    selection.agency_id,
                    selection.version,
                    selection.changed_by,
                    selection.changed_at
                ],
            )?;
            Ok(())
        })
    }
}
