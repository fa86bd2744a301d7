//! The changes still to push to the server (docs/SYNC.md, "Pushing"), and
//! where each agency's next pull starts ("Pulling").
//!
//! Invariants:
//! - Changes are queued only while [`Store::set_queue_changes`] is on (the
//!   app turns it on in Supabase mode), and in the same transaction as the
//!   change itself: a refused or failed save queues nothing.
//! - One entry per contact. Later changes of the same contact update its
//!   entry (bumping its `revision`) and keep its place, so entries come out
//!   in the order of each contact's first change.
//! - An entry names what to push, not the values: the engine sends the
//!   contact as it is when it pushes.
//! - An entry leaves only through [`Store::outbox_pushed`] with the revision
//!   that was pushed; if the contact changed meanwhile, the entry stays,
//!   now based on the version the server just gave.

use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ValueRef};
use rusqlite::{params, OptionalExtension, Transaction};

use crate::error::Result;
use crate::store::Store;

/// What the server must be told about a contact.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeKind {
    /// A contact the server has never had (or may have, from an attempt
    /// whose answer was lost): insert it under its id, ignoring a duplicate.
    Insert,
    /// An edit based on `base_version`.
    Update,
    /// A deletion based on `base_version`: a tombstone on the server.
    Delete,
}

impl ChangeKind {
    fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Insert => "insert",
            ChangeKind::Update => "update",
            ChangeKind::Delete => "delete",
        }
    }
}

impl FromSql for ChangeKind {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        match value.as_str()? {
            "insert" => Ok(ChangeKind::Insert),
            "update" => Ok(ChangeKind::Update),
            "delete" => Ok(ChangeKind::Delete),
            other => Err(FromSqlError::Other(
                format!("unknown outbox kind {other:?}").into(),
            )),
        }
    }
}

/// One contact's change waiting to be pushed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxEntry {
    /// Its place in line.
    pub seq: u64,
    pub agency_id: String,
    pub contact_id: String,
    pub kind: ChangeKind,
    /// The server version the change builds on (none for an insert).
    pub base_version: Option<u64>,
    /// Bumped by every later change of the contact.
    pub revision: u64,
    /// Pushes tried so far.
    pub attempts: u32,
}

impl Store {
    /// Whether contact changes are queued for the server from now on.
    pub fn set_queue_changes(&mut self, on: bool) {
        self.queue_changes = on;
    }

    /// The first `limit` entries of `owner` (changes to their agencies), in
    /// line. Another user's entries wait for that user: pushed with this
    /// user's token they would land as this user's, or be refused and lost.
    pub fn outbox(&self, owner: &str, limit: usize) -> Result<Vec<OutboxEntry>> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let mut statement = self.conn().prepare_cached(
            "SELECT o.seq, o.agency_id, o.contact_id, o.kind, o.base_version, o.revision, o.attempts \
             FROM outbox o JOIN agencies a ON a.id = o.agency_id \
             WHERE a.owner = ?1 ORDER BY o.seq LIMIT ?2",
        )?;
        let rows = statement.query_map(rusqlite::params![owner, limit], |row| {
            Ok(OutboxEntry {
                seq: row.get(0)?,
                agency_id: row.get(1)?,
                contact_id: row.get(2)?,
                kind: row.get(3)?,
                base_version: row.get(4)?,
                revision: row.get(5)?,
                attempts: row.get(6)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// How many changes of `owner` wait ("Offline: N changes waiting").
    pub fn outbox_len(&self, owner: &str) -> Result<u64> {
        Ok(self.conn().query_row(
            "SELECT count(*) FROM outbox o JOIN agencies a ON a.id = o.agency_id \
             WHERE a.owner = ?1",
            [owner],
            |row| row.get(0),
        )?)
    }

    /// Records that a push of entry `seq` is being tried: an insert tried
    /// once may have landed, which a later deletion must allow for.
    pub fn outbox_attempted(&mut self, seq: u64) -> Result<()> {
        self.write(|tx| {
            tx.execute(
                "UPDATE outbox SET attempts = attempts + 1 WHERE seq = ?1",
                [seq],
            )?;
            Ok(())
        })
    }

    /// Drops `entry` from the line whatever happened to its contact since:
    /// the server refused it for good.
    pub fn outbox_drop(&mut self, entry: &OutboxEntry) -> Result<()> {
        self.write(|tx| {
            tx.execute("DELETE FROM outbox WHERE seq = ?1", [entry.seq])?;
            Ok(())
        })
    }

    /// Records the server's answer to `entry`'s push: the contact is now at
    /// `server_version` there (none for a deletion). Returns whether the
    /// entry left the line; it stays when the contact changed since `entry`
    /// was read, as an update of the version just pushed.
    pub fn outbox_pushed(
        &mut self,
        entry: &OutboxEntry,
        server_version: Option<u64>,
    ) -> Result<bool> {
        self.write(|tx| {
            let revision: Option<u64> = tx
                .query_row(
                    "SELECT revision FROM outbox WHERE seq = ?1",
                    [entry.seq],
                    |row| row.get(0),
                )
                .optional()?;
            let done = revision == Some(entry.revision);
            if done {
                tx.execute("DELETE FROM outbox WHERE seq = ?1", [entry.seq])?;
            } else if revision.is_some() {
                tx.execute(
                    "UPDATE outbox SET base_version = ?2, \
                     kind = CASE kind WHEN 'insert' THEN 'update' ELSE kind END \
                     WHERE seq = ?1",
                    params![entry.seq, server_version],
                )?;
            }
            if let Some(version) = server_version {
                tx.execute(
                    "UPDATE contacts SET server_version = ?2 WHERE id = ?1",
                    params![entry.contact_id, version],
                )?;
            }
            Ok(done)
        })
    }
}

impl Store {
    /// Where the next pull of `agency_id` starts (0: from the beginning).
    pub fn pull_watermark(&self, agency_id: &str) -> Result<i64> {
        Ok(self
            .conn()
            .query_row(
                "SELECT watermark FROM sync_cursors WHERE agency_id = ?1",
                [agency_id],
                |row| row.get(0),
            )
            .optional()?
            .unwrap_or(0))
    }

    /// Records that every page of a pull of `agency_id` is in, so the next
    /// one starts at `watermark`.
    pub fn set_pull_watermark(&mut self, agency_id: &str, watermark: i64) -> Result<()> {
        self.write(|tx| {
            tx.execute(
                "INSERT INTO sync_cursors (agency_id, watermark) VALUES (?1, ?2) \
                 ON CONFLICT (agency_id) DO UPDATE SET watermark = excluded.watermark",
                params![agency_id, watermark],
            )?;
            Ok(())
        })
    }
}

/// Queues the push of a contact just created (`created`) or edited.
pub(crate) fn queue_saved(
    tx: &Transaction<'_>,
    agency_id: &str,
    contact_id: &str,
    created: bool,
) -> Result<()> {
    let kind = if created {
        ChangeKind::Insert
    } else {
        ChangeKind::Update
    };
    tx.execute(
        "INSERT INTO outbox (agency_id, contact_id, kind, base_version) \
         VALUES (?1, ?2, ?3, (SELECT server_version FROM contacts WHERE id = ?2)) \
         ON CONFLICT (contact_id) DO UPDATE SET revision = revision + 1",
        params![agency_id, contact_id, kind.as_str()],
    )?;
    Ok(())
}

/// Queues the deletion of a contact whose server version was
/// `server_version` (read before the row went).
pub(crate) fn queue_deleted(
    tx: &Transaction<'_>,
    agency_id: &str,
    contact_id: &str,
    server_version: Option<u64>,
) -> Result<()> {
    let pending: Option<(String, u32)> = tx
        .query_row(
            "SELECT kind, attempts FROM outbox WHERE contact_id = ?1",
            [contact_id],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .optional()?;
    match pending {
        // Never sent: the server never heard of it, and need not.
        Some((kind, 0)) if kind == "insert" => {
            tx.execute("DELETE FROM outbox WHERE contact_id = ?1", [contact_id])?;
        }
        // Sent at least once: it may be there, at version 1.
        Some((kind, _)) if kind == "insert" => {
            tx.execute(
                "UPDATE outbox SET kind = 'delete', base_version = 1, revision = revision + 1 \
                 WHERE contact_id = ?1",
                [contact_id],
            )?;
        }
        Some(_) => {
            tx.execute(
                "UPDATE outbox SET kind = 'delete', revision = revision + 1 WHERE contact_id = ?1",
                [contact_id],
            )?;
        }
        None => {
            tx.execute(
                "INSERT INTO outbox (agency_id, contact_id, kind, base_version) \
                 VALUES (?1, ?2, 'delete', ?3)",
                params![agency_id, contact_id, server_version],
            )?;
        }
    }
    Ok(())
}
