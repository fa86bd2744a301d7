//! Applying what a pull brought from the server to the cache (docs/SYNC.md,
//! "Pulling").
//!
//! Invariants:
//! - A page is applied in one transaction: all of it or none.
//! - The server's row is taken as it is (the server checked it): no local
//!   validation can hide a contact someone entered elsewhere.
//! - A contact with a change waiting in the outbox is left alone: its push
//!   meets the server's version and settles it (docs/SYNC.md, "Conflicts").
//! - Applying a row the cache already has at that server version changes
//!   nothing, so a pull that repeats rows is harmless.
//! - Every row the cache changes bumps the local version, so windows
//!   editing it see a conflict rather than overwrite it.

use rusqlite::{params, OptionalExtension, Transaction};

use crate::contact::{find_contact, Contact, ContactDraft};
use crate::contact_changes::{insert, require_agency, update};
use crate::error::Result;
use crate::outbox::OutboxEntry;
use crate::stage::{Stage, StageColumn};
use crate::store::Store;

/// A contact as the server has it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerContact {
    pub id: String,
    pub name: String,
    pub email: String,
    pub phone: String,
    pub company: String,
    pub stage: Stage,
    pub notes: String,
    /// The server's version.
    pub version: u64,
    /// The server's clock, Unix ms.
    pub updated_at: u64,
    /// The user who wrote it.
    pub updated_by: String,
    /// A tombstone: the contact was deleted.
    pub deleted: bool,
}

/// What applying a row did to the cache, for the windows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pulled {
    /// The contact is now this (new, or changed).
    Saved(Contact),
    /// The contact, as it was, is gone.
    Deleted(Contact),
}

impl Store {
    /// Applies one page of a pull of `agency_id`; returns what changed, in
    /// the page's order.
    pub fn apply_pulled(&mut self, agency_id: &str, rows: &[ServerContact]) -> Result<Vec<Pulled>> {
        self.write(|tx| {
            require_agency(tx, agency_id)?;
            let mut changes = Vec::new();
            for row in rows {
                if let Some(change) = apply_row(tx, agency_id, row)? {
                    changes.push(change);
                }
            }
            Ok(changes)
        })
    }
}

impl Store {
    /// Settles a push the server refused as a conflict (`entry` was based
    /// on a version it no longer has; `server` is its row now): the
    /// server's row goes into the cache, the local edit is kept as the
    /// contact's conflict for the user (see [`Store::conflict`]), and the
    /// entry leaves the line.
    pub fn settle_conflict(
        &mut self,
        entry: &OutboxEntry,
        server: &ServerContact,
    ) -> Result<Option<Pulled>> {
        self.write(|tx| {
            if let Some(mine) = find_contact(tx, &entry.agency_id, &entry.contact_id)? {
                tx.execute(
                    "INSERT OR REPLACE INTO conflicts \
                     (contact_id, agency_id, name, email, phone, company, stage, notes, server_version) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                    params![
                        mine.id,
                        mine.agency_id,
                        mine.name,
                        mine.email,
                        mine.phone,
                        mine.company,
                        StageColumn(mine.stage),
                        mine.notes,
                        server.version
                    ],
                )?;
            }
            tx.execute("DELETE FROM outbox WHERE seq = ?1", [entry.seq])?;
            // The cached row is the local edit: the server's replaces it,
            // whatever server version the cache last knew.
            tx.execute(
                "UPDATE contacts SET server_version = NULL WHERE id = ?1",
                [&entry.contact_id],
            )?;
            apply_row(tx, &entry.agency_id, server)
        })
    }

    /// Drops the kept edit of contact `id` of `agency_id` (the user took
    /// the server's version); returns the contact as it stands.
    pub fn discard_conflict(&mut self, agency_id: &str, id: &str) -> Result<Contact> {
        self.write(|tx| {
            tx.execute(
                "DELETE FROM conflicts WHERE contact_id = ?1 AND agency_id = ?2",
                [id, agency_id],
            )?;
            find_contact(tx, agency_id, id)?
                .ok_or_else(|| crate::error::StoreError::not_found("contact", id))
        })
    }

    /// The local edit of contact `id` that a newer server version won
    /// over, if one is kept, as a draft the editor can offer again.
    pub fn conflict(&self, id: &str) -> Result<Option<ContactDraft>> {
        Ok(self
            .conn()
            .query_row(
                "SELECT name, email, phone, company, stage, notes FROM conflicts WHERE contact_id = ?1",
                [id],
                |row| {
                    Ok(ContactDraft {
                        id: Some(id.to_owned()),
                        name: row.get(0)?,
                        email: row.get(1)?,
                        phone: row.get(2)?,
                        company: row.get(3)?,
                        stage: row.get::<_, StageColumn>(4)?.0,
                        notes: row.get(5)?,
                    })
                },
            )
            .optional()?)
    }
}

fn apply_row(tx: &Transaction<'_>, agency_id: &str, row: &ServerContact) -> Result<Option<Pulled>> {
    let waiting: Option<i64> = tx
        .query_row(
            "SELECT 1 FROM outbox WHERE contact_id = ?1",
            [&row.id],
            |r| r.get(0),
        )
        .optional()?;
    if waiting.is_some() {
        return Ok(None);
    }
    let cached = find_contact(tx, agency_id, &row.id)?;
    let server_version: Option<u64> = match cached {
        Some(_) => tx.query_row(
            "SELECT server_version FROM contacts WHERE id = ?1",
            [&row.id],
            |r| r.get(0),
        )?,
        None => None,
    };
    if server_version.is_some_and(|known| known >= row.version) {
        return Ok(None);
    }
    match (cached, row.deleted) {
        (None, true) => Ok(None),
        (Some(gone), true) => {
            tx.execute("DELETE FROM contacts WHERE id = ?1", [&row.id])?;
            Ok(Some(Pulled::Deleted(gone)))
        }
        (cached, false) => {
            let contact = Contact {
                id: row.id.clone(),
                agency_id: agency_id.to_owned(),
                name: row.name.clone(),
                email: row.email.clone(),
                phone: row.phone.clone(),
                company: row.company.clone(),
                stage: row.stage,
                notes: row.notes.clone(),
                version: cached.as_ref().map_or(1, |c| c.version + 1),
                updated_at: row.updated_at,
                updated_by: row.updated_by.clone(),
                conflict: tx.query_row(
                    "SELECT EXISTS (SELECT 1 FROM conflicts WHERE contact_id = ?1)",
                    [&row.id],
                    |r| r.get(0),
                )?,
            };
            if cached.is_some() {
                update(tx, &contact)?;
            } else {
                insert(tx, &contact)?;
            }
            tx.execute(
                "UPDATE contacts SET server_version = ?2 WHERE id = ?1",
                params![contact.id, row.version],
            )?;
            Ok(Some(Pulled::Saved(contact)))
        }
    }
}
