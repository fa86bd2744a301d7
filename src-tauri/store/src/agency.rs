//! Agencies (tenants), each owned by one user.
//!
//! Invariants:
//! - Every query is scoped by `owner` (the local user key, or the Supabase
//!   user id): an agency of another owner is `NotFound`, never returned.
//! - Names are validated (trimmed, 1 to 120 characters) before any write.
//! - The list is ordered by name, case-insensitively (ASCII), then by id, so
//!   the order is total and stable.

use rusqlite::{params, OptionalExtension, Row};

pub use axolop_model::Agency;

use crate::error::{Result, StoreError};
use crate::id::new_id;
use crate::store::Store;
use crate::validation;

const AGENCY_COLUMNS: &str = "id, name, coalesce(created_at, 0)";

fn agency_from_row(row: &Row<'_>) -> rusqlite::Result<Agency> {
    Ok(Agency {
        id: row.get(0)?,
        name: row.get(1)?,
        created_at: row.get(2)?,
    })
}

/// A new agency named `name` (trimmed and checked as
/// [`Store::create_agency`] checks it), with a new id, not yet stored: for
/// an agency the server must take first (Supabase mode), then cached.
pub fn new_agency(name: &str, now_ms: u64) -> Result<Agency> {
    Ok(Agency {
        id: new_id(),
        name: validation::name("agency name", name)?,
        created_at: now_ms,
    })
}

impl Store {
    /// The agencies of `owner`, by name (case-insensitive), then id.
    pub fn agencies(&self, owner: &str) -> Result<Vec<Agency>> {
        let mut statement = self.conn().prepare_cached(&format!(
            "SELECT {AGENCY_COLUMNS} FROM agencies WHERE owner = ?1 \
             ORDER BY name COLLATE NOCASE, id"
        ))?;
        let agencies = statement
            .query_map([owner], agency_from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(agencies)
    }

    /// The agency `id` of `owner`; `NotFound` if it does not exist or is
    /// another owner's.
    pub fn agency(&self, owner: &str, id: &str) -> Result<Agency> {
        self.conn()
            .query_row(
                &format!("SELECT {AGENCY_COLUMNS} FROM agencies WHERE owner = ?1 AND id = ?2"),
                [owner, id],
                agency_from_row,
            )
            .optional()?
            .ok_or_else(|| StoreError::not_found("agency", id))
    }

    /// Caches an agency `owner` belongs to on the server, under the
    /// server's id and name (a rename there renames it here).
    pub fn cache_agency(&mut self, owner: &str, agency: &Agency) -> Result<()> {
        self.cache_agencies(owner, std::slice::from_ref(agency))
    }

    /// Caches every agency of `agencies` for `owner`, in one transaction
    /// (the sync engine does this at every exchange). A row already cached
    /// as it is is not written again.
    pub fn cache_agencies(&mut self, owner: &str, agencies: &[Agency]) -> Result<()> {
        let owner = validation::key("owner", owner)?;
        for agency in agencies {
            validation::key("id", &agency.id)?;
        }
        self.write(|tx| {
            let mut statement = tx.prepare_cached(
                "INSERT INTO agencies (id, owner, name, created_at) VALUES (?1, ?2, ?3, ?4) \
                 ON CONFLICT (id) DO UPDATE SET name = excluded.name \
                 WHERE agencies.owner = excluded.owner AND agencies.name IS NOT excluded.name",
            )?;
            for agency in agencies {
                statement.execute(params![agency.id, owner, agency.name, agency.created_at])?;
            }
            Ok(())
        })
    }

    /// Removes from this computer every agency cached for `owner` (a
    /// Supabase user who signed out), with their contacts, waiting changes,
    /// pull watermarks and kept conflicts (all cascade), in one
    /// transaction. Returns how many agencies went.
    pub fn forget_owner(&mut self, owner: &str) -> Result<usize> {
        let owner = validation::key("owner", owner)?;
        self.write(|tx| Ok(tx.execute("DELETE FROM agencies WHERE owner = ?1", [owner])?))
    }

    /// Creates an agency named `name` (trimmed) for `owner`, with a new id.
    pub fn create_agency(&mut self, owner: &str, name: &str, now_ms: u64) -> Result<Agency> {
        let owner = validation::key("owner", owner)?;
        let agency = new_agency(name, now_ms)?;
        self.write(|tx| {
            tx.execute(
                "INSERT INTO agencies (id, owner, name, created_at) VALUES (?1, ?2, ?3, ?4)",
                params![agency.id, owner, agency.name, agency.created_at],
            )?;
            Ok(agency)
        })
    }
}
