//! Creating, updating and deleting contacts, with optimistic concurrency.
//!
//! Invariants:
//! - Every change runs in one transaction (see `Store::write`), and every
//!   refusal happens before the first write or rolls it back: a refused call
//!   changes nothing.
//! - An update or delete names the version the caller last read; it is
//!   applied only if the stored version is still that one. Otherwise the
//!   answer is `Conflict` carrying the stored contact, so no edit is ever
//!   silently overwritten.
//! - A create writes version 1; an accepted update writes the stored version
//!   plus one.

use rusqlite::{params, Connection, OptionalExtension};

use crate::contact::{find_contact, Contact, ContactDraft, ContactFields};
use crate::error::{Result, StoreError};
use crate::id::new_id;
use crate::outbox;
use crate::stage::StageColumn;
use crate::store::Store;
use crate::validation;

impl Store {
    /// Creates a contact (`draft.id` absent; version 1) or updates one
    /// (`draft.id` present; `expected_version` required and must match the
    /// stored version, which is then bumped by one). `window` is the label of
    /// the window making the change.
    ///
    /// Refusals: `InvalidArgument` (a field out of range, a missing expected
    /// version on update, an expected version on create), `NotFound` (no such
    /// contact in this agency, or no such agency on create), `Conflict` (the
    /// stored version differs; it carries the stored contact).
    pub fn save_contact(
        &mut self,
        agency_id: &str,
        draft: &ContactDraft,
        expected_version: Option<u64>,
        window: &str,
        now_ms: u64,
    ) -> Result<Contact> {
        let fields = ContactFields::from_draft(draft)?;
        let window = validation::key("window label", window)?;
        let queue = self.queue_changes;
        match (&draft.id, expected_version) {
            (None, None) => self.write(|tx| {
                require_agency(tx, agency_id)?;
                let contact = fields.into_contact(new_id(), agency_id, 1, window, now_ms);
                insert(tx, &contact)?;
                if queue {
                    outbox::queue_saved(tx, agency_id, &contact.id, true)?;
                }
                Ok(contact)
            }),
            (None, Some(version)) => Err(StoreError::invalid(format!(
                "version ({version}) must be absent when creating a contact (no id)"
            ))),
            (Some(id), None) => Err(StoreError::invalid(format!(
                "version is required to update contact {id:?}: \
                 send the version that was last read"
            ))),
            (Some(id), Some(expected)) => self.write(|tx| {
                let current = current_at(tx, agency_id, id, expected)?;
                let contact =
                    fields.into_contact(current.id, agency_id, expected + 1, window, now_ms);
                update(tx, &contact)?;
                // Saved over the server's version: the kept edit is settled.
                tx.execute("DELETE FROM conflicts WHERE contact_id = ?1", [&contact.id])?;
                if queue {
                    outbox::queue_saved(tx, agency_id, &contact.id, false)?;
                }
                Ok(contact)
            }),
        }
    }

    /// Deletes the contact `id` of `agency_id` if its stored version is
    /// `version`; returns the contact as it was.
    ///
    /// Refusals: `NotFound` (no such contact in this agency), `Conflict` (the
    /// stored version differs; it carries the stored contact).
    pub fn delete_contact(&mut self, agency_id: &str, id: &str, version: u64) -> Result<Contact> {
        let queue = self.queue_changes;
        self.write(|tx| {
            let current = current_at(tx, agency_id, id, version)?;
            if queue {
                let server_version: Option<u64> = tx.query_row(
                    "SELECT server_version FROM contacts WHERE id = ?1",
                    [id],
                    |row| row.get(0),
                )?;
                outbox::queue_deleted(tx, agency_id, id, server_version)?;
            }
            tx.execute(
                "DELETE FROM contacts WHERE agency_id = ?1 AND id = ?2",
                [agency_id, id],
            )?;
            tx.execute("DELETE FROM conflicts WHERE contact_id = ?1", [id])?;
            Ok(current)
        })
    }

    /// Inserts many new contacts in one transaction (seeding, benchmarks);
    /// returns how many were inserted.
    ///
    /// A draft with an id keeps it (it must be free); one without gets a new
    /// random id. All drafts are validated first: one bad draft refuses the
    /// whole batch, naming its index.
    pub fn insert_contacts(
        &mut self,
        agency_id: &str,
        drafts: &[ContactDraft],
        window: &str,
        now_ms: u64,
    ) -> Result<usize> {
        let window = validation::key("window label", window)?;
        let mut batch = Vec::with_capacity(drafts.len());
        for (index, draft) in drafts.iter().enumerate() {
            let at_index = |error: StoreError| match error {
                StoreError::InvalidArgument { reason } => StoreError::InvalidArgument {
                    reason: format!("drafts[{index}]: {reason}"),
                },
                other => other,
            };
            let id = match &draft.id {
                Some(id) => Some(validation::key("id", id).map_err(at_index)?),
                None => None,
            };
            batch.push((id, ContactFields::from_draft(draft).map_err(at_index)?));
        }
        self.write(|tx| {
            require_agency(tx, agency_id)?;
            for (index, (id, fields)) in batch.into_iter().enumerate() {
                let id = id.map_or_else(new_id, str::to_owned);
                let contact = fields.into_contact(id, agency_id, 1, window, now_ms);
                insert(tx, &contact).map_err(|error| match error {
                    StoreError::Sqlite(sqlite) if is_duplicate_id(&sqlite) => StoreError::invalid(
                        format!("drafts[{index}]: id {:?} is already taken", contact.id),
                    ),
                    other => other,
                })?;
            }
            Ok(drafts.len())
        })
    }
}

/// The stored contact, if it exists in this agency and is at `expected`.
fn current_at(conn: &Connection, agency_id: &str, id: &str, expected: u64) -> Result<Contact> {
    let current =
        find_contact(conn, agency_id, id)?.ok_or_else(|| StoreError::not_found("contact", id))?;
    if current.version != expected {
        return Err(StoreError::Conflict {
            current: Box::new(current),
        });
    }
    Ok(current)
}

/// Refuses a create in an agency that does not exist (rather than surfacing
/// the foreign-key failure SQLite would raise).
pub(crate) fn require_agency(conn: &Connection, agency_id: &str) -> Result<()> {
    let exists: Option<i64> = conn
        .query_row("SELECT 1 FROM agencies WHERE id = ?1", [agency_id], |row| {
            row.get(0)
        })
        .optional()?;
    match exists {
        Some(_) => Ok(()),
        None => Err(StoreError::not_found("agency", agency_id)),
    }
}

pub(crate) fn insert(conn: &Connection, contact: &Contact) -> Result<()> {
    let mut statement = conn.prepare_cached(
        "INSERT INTO contacts (id, agency_id, name, email, phone, company, stage, notes, \
         version, updated_at, updated_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?;
    statement.execute(params![
        contact.id,
        contact.agency_id,
        contact.name,
        contact.email,
        contact.phone,
        contact.company,
        StageColumn(contact.stage),
        contact.notes,
        contact.version,
        contact.updated_at,
        contact.updated_by
    ])?;
    Ok(())
}

/// Writes every field of `contact` over its stored row (same agency, same
/// id).
pub(crate) fn update(conn: &Connection, contact: &Contact) -> Result<()> {
    let mut statement = conn.prepare_cached(
        "UPDATE contacts SET name = ?1, email = ?2, phone = ?3, company = ?4, stage = ?5, \
         notes = ?6, version = ?7, updated_at = ?8, updated_by = ?9 \
         WHERE agency_id = ?10 AND id = ?11",
    )?;
    statement.execute(params![
        contact.name,
        contact.email,
        contact.phone,
        contact.company,
        StageColumn(contact.stage),
        contact.notes,
        contact.version,
        contact.updated_at,
        contact.updated_by,
        contact.agency_id,
        contact.id
    ])?;
    Ok(())
}

fn is_duplicate_id(error: &rusqlite::Error) -> bool {
    error.sqlite_extended_error_code() == Some(rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY)
}
