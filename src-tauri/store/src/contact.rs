//! Contacts of an agency: reading them, and turning a draft into validated
//! fields. [`Contact`] and [`ContactDraft`] live in the model crate.
//!
//! Invariants:
//! - Every query is scoped by `agency_id`: a contact of another agency is
//!   `NotFound`, never returned or changed.
//! - The list order is name (case-insensitive, ASCII), then id: total and
//!   stable, so pages neither repeat nor skip a contact. The v2 index
//!   `contacts_by_agency_and_name` serves exactly this order.
//! - `version` starts at 1 and grows by one with every accepted update
//!   (see `contact_changes`).

use rusqlite::{Connection, OptionalExtension, Row};

pub use axolop_model::{Contact, ContactDraft};

use crate::error::{Result, StoreError};
use crate::stage::{Stage, StageColumn};
use crate::store::Store;
use crate::validation::{self, FIELD_MAX_CHARS};

/// The fields of a draft after validation: trimmed, within limits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ContactFields {
    pub(crate) name: String,
    pub(crate) email: String,
    pub(crate) phone: String,
    pub(crate) company: String,
    pub(crate) stage: Stage,
    pub(crate) notes: String,
}

impl ContactFields {
    /// Validates every field of `draft` (not its id).
    pub(crate) fn from_draft(draft: &ContactDraft) -> Result<Self> {
        Ok(Self {
            name: validation::name("contact name", &draft.name)?,
            email: validation::email(&draft.email)?,
            phone: validation::short_text("phone", &draft.phone, FIELD_MAX_CHARS)?,
            company: validation::short_text("company", &draft.company, FIELD_MAX_CHARS)?,
            stage: draft.stage,
            notes: validation::notes(&draft.notes)?,
        })
    }

    /// The stored contact these fields make, with its bookkeeping.
    pub(crate) fn into_contact(
        self,
        id: String,
        agency_id: &str,
        version: u64,
        window: &str,
        now_ms: u64,
    ) -> Contact {
        Contact {
            id,
            agency_id: agency_id.to_owned(),
            name: self.name,
            email: self.email,
            phone: self.phone,
            company: self.company,
            stage: self.stage,
            notes: self.notes,
            version,
            updated_at: now_ms,
            updated_by: window.to_owned(),
            // A save settles any conflict (the store removes the kept edit).
            conflict: false,
        }
    }
}

const CONTACT_COLUMNS: &str =
    "id, agency_id, name, email, phone, company, stage, notes, version, updated_at, updated_by, \
     EXISTS (SELECT 1 FROM conflicts WHERE conflicts.contact_id = contacts.id)";

fn contact_from_row(row: &Row<'_>) -> rusqlite::Result<Contact> {
    Ok(Contact {
        id: row.get(0)?,
        agency_id: row.get(1)?,
        name: row.get(2)?,
        email: row.get(3)?,
        phone: row.get(4)?,
        company: row.get(5)?,
        stage: row.get::<_, StageColumn>(6)?.0,
        notes: row.get(7)?,
        version: row.get(8)?,
        updated_at: row.get(9)?,
        updated_by: row.get(10)?,
        conflict: row.get(11)?,
    })
}

/// The contact `id` of `agency_id`, if there is one (on a connection or
/// inside a transaction).
pub(crate) fn find_contact(
    conn: &Connection,
    agency_id: &str,
    id: &str,
) -> Result<Option<Contact>> {
    let mut statement = conn.prepare_cached(&format!(
        "SELECT {CONTACT_COLUMNS} FROM contacts WHERE agency_id = ?1 AND id = ?2"
    ))?;
    Ok(statement
        .query_row([agency_id, id], contact_from_row)
        .optional()?)
}

impl Store {
    /// One page of the contacts of `agency_id`, by name (case-insensitive),
    /// then id; `offset` contacts are skipped, at most `limit` returned.
    pub fn contacts(&self, agency_id: &str, offset: usize, limit: usize) -> Result<Vec<Contact>> {
        // SQLite counts in i64; a larger page is the same as "all of them".
        let offset = i64::try_from(offset).unwrap_or(i64::MAX);
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let mut statement = self.conn().prepare_cached(&format!(
            "SELECT {CONTACT_COLUMNS} FROM contacts WHERE agency_id = ?1 \
             ORDER BY name COLLATE NOCASE, id LIMIT ?2 OFFSET ?3"
        ))?;
        let contacts = statement
            .query_map(
                rusqlite::params![agency_id, limit, offset],
                contact_from_row,
            )?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(contacts)
    }

    /// Where a contact named `name` with id `id` stands in the list of
    /// `agency_id`'s contacts as [`Self::contacts`] orders it: how many come
    /// before it. A window places a changed contact by it, so the order has
    /// one owner, SQLite's `NOCASE` collation, and no page re-implements it.
    pub fn contact_position(&self, agency_id: &str, name: &str, id: &str) -> Result<u64> {
        Ok(self
            .conn()
            .prepare_cached(
                "SELECT count(*) FROM contacts WHERE agency_id = ?1 \
             AND (name < ?2 COLLATE NOCASE OR (name = ?2 COLLATE NOCASE AND id < ?3))",
            )?
            .query_row([agency_id, name, id], |row| row.get(0))?)
    }

    /// How many contacts `agency_id` has.
    pub fn contact_count(&self, agency_id: &str) -> Result<u64> {
        Ok(self.conn().query_row(
            "SELECT count(*) FROM contacts WHERE agency_id = ?1",
            [agency_id],
            |row| row.get(0),
        )?)
    }

    /// The contact `id` of `agency_id`; `NotFound` if there is none.
    pub fn contact(&self, agency_id: &str, id: &str) -> Result<Contact> {
        find_contact(self.conn(), agency_id, id)?
            .ok_or_else(|| StoreError::not_found("contact", id))
    }
}
