//! The schema history, as an ordered list of migrations, and the runner that
//! brings a database up to date.
//!
//! Invariants:
//! - `MIGRATIONS[i]` takes the schema from version `i` to version `i + 1`;
//!   versions are consecutive from 1 and [`SCHEMA_VERSION`] is the last one.
//! - The schema version lives in `PRAGMA user_version` (0 = empty database).
//! - Each migration runs in its own transaction together with the bump of
//!   `user_version`, so a crash leaves the database at a whole version.
//! - A shipped migration is never edited: a change is a new entry at the end.

use std::path::Path;

use rusqlite::{Connection, TransactionBehavior};

use crate::error::{Result, StoreError};

/// One step of the schema history.
pub(crate) struct Migration {
    /// The schema version this step produces.
    pub(crate) version: u32,
    /// The statements, run in one transaction.
    pub(crate) sql: &'static str,
}

/// The schema history, oldest first.
pub(crate) const MIGRATIONS: &[Migration] = &[
    // v1: agencies per owner (the local user key or a Supabase user id), and
    // their contacts with an optimistic-concurrency version.
    Migration {
        version: 1,
        sql: "
            CREATE TABLE agencies (
                id TEXT PRIMARY KEY NOT NULL,
                owner TEXT NOT NULL,
                name TEXT NOT NULL,
                created_at INTEGER
            );
            CREATE TABLE contacts (
                id TEXT PRIMARY KEY NOT NULL,
                agency_id TEXT NOT NULL REFERENCES agencies(id) ON DELETE CASCADE,
                name TEXT NOT NULL,
                email TEXT NOT NULL DEFAULT '',
                phone TEXT NOT NULL DEFAULT '',
                company TEXT NOT NULL DEFAULT '',
                stage TEXT NOT NULL DEFAULT 'lead',
                version INTEGER NOT NULL,
                updated_at INTEGER NOT NULL,
                updated_by TEXT NOT NULL
            );
        ",
    },
    // v2: free-text notes, an index that serves the contact list page by page
    // in its display order (and the agency side of the foreign key), and the
    // persisted agency selection of each owner.
    Migration {
        version: 2,
        sql: "
            ALTER TABLE contacts ADD COLUMN notes TEXT NOT NULL DEFAULT '';
            CREATE INDEX contacts_by_agency_and_name
                ON contacts(agency_id, name COLLATE NOCASE, id);
            CREATE TABLE selections (
                owner TEXT PRIMARY KEY NOT NULL,
                agency_id TEXT NULL REFERENCES agencies(id) ON DELETE SET NULL,
                version INTEGER NOT NULL,
                changed_by TEXT,
                changed_at INTEGER
            );
        ",
    },
    // v3: syncing with Supabase (docs/SYNC.md): the server version each
    // cached contact is based on (NULL: never on the server), the changes
    // still to push (one entry per contact, in the order of its first
    // change), each agency's pull watermark, and the local edits the
    // server's newer version won over, kept for the user.
    Migration {
        version: 3,
        sql: "
            ALTER TABLE contacts ADD COLUMN server_version INTEGER;
            CREATE TABLE outbox (
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                agency_id TEXT NOT NULL REFERENCES agencies(id) ON DELETE CASCADE,
                contact_id TEXT NOT NULL UNIQUE,
                kind TEXT NOT NULL CHECK (kind IN ('insert', 'update', 'delete')),
                base_version INTEGER,
                revision INTEGER NOT NULL DEFAULT 1,
                attempts INTEGER NOT NULL DEFAULT 0
            );
            CREATE INDEX outbox_by_agency ON outbox(agency_id);
            CREATE TABLE sync_cursors (
                agency_id TEXT PRIMARY KEY NOT NULL REFERENCES agencies(id) ON DELETE CASCADE,
                watermark INTEGER NOT NULL
            );
            CREATE TABLE conflicts (
                contact_id TEXT PRIMARY KEY NOT NULL,
                agency_id TEXT NOT NULL REFERENCES agencies(id) ON DELETE CASCADE,
                name TEXT NOT NULL,
                email TEXT NOT NULL,
                phone TEXT NOT NULL,
                company TEXT NOT NULL,
                stage TEXT NOT NULL,
                notes TEXT NOT NULL,
                server_version INTEGER NOT NULL
            );
        ",
    },
    // v4: each window's contact editor draft, kept as typed so a crash loses
    // nothing (keyed by the window id the window layout keeps).
    Migration {
        version: 4,
        sql: "
            CREATE TABLE editor_drafts (
                window_id TEXT PRIMARY KEY NOT NULL,
                agency_id TEXT NOT NULL REFERENCES agencies(id) ON DELETE CASCADE,
                contact_id TEXT,
                base_version INTEGER,
                name TEXT NOT NULL,
                email TEXT NOT NULL,
                phone TEXT NOT NULL,
                company TEXT NOT NULL,
                stage TEXT NOT NULL,
                notes TEXT NOT NULL,
                kept_at INTEGER NOT NULL
            );
            CREATE INDEX editor_drafts_by_agency ON editor_drafts(agency_id);
        ",
    },
];

/// The latest schema version this code knows (and writes).
pub const SCHEMA_VERSION: u32 = MIGRATIONS.len() as u32;

/// The schema version recorded in the database (0 for an empty one).
pub(crate) fn schema_version(conn: &Connection) -> Result<u32> {
    Ok(conn.pragma_query_value(None, "user_version", |row| row.get(0))?)
}

/// Refuses a database whose schema is newer than this code knows.
pub(crate) fn refuse_newer(found: u32, path: &Path) -> Result<()> {
    if found > SCHEMA_VERSION {
        return Err(StoreError::NewerSchema {
            path: path.to_owned(),
            found,
            known: SCHEMA_VERSION,
        });
    }
    Ok(())
}

/// Applies every migration the database lacks; returns the version it started at.
pub(crate) fn migrate(conn: &mut Connection, path: &Path) -> Result<u32> {
    let from = schema_version(conn)?;
    refuse_newer(from, path)?;
    for migration in MIGRATIONS.iter().filter(|m| m.version > from) {
        // IMMEDIATE takes the write lock up front, so two processes opening
        // the same file cannot both apply a step; the re-read below makes the
        // loser skip what the winner already did.
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        if schema_version(&tx)? < migration.version {
            tx.execute_batch(migration.sql)?;
            tx.pragma_update(None, "user_version", migration.version)?;
        }
        tx.commit()?;
    }
    Ok(from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_consecutive_from_one() {
        let versions: Vec<u32> = MIGRATIONS.iter().map(|m| m.version).collect();
        let expected: Vec<u32> = (1..=SCHEMA_VERSION).collect();
        assert_eq!(versions, expected);
    }

    #[test]
    fn an_empty_database_reaches_the_latest_version() {
        let mut conn = Connection::open_in_memory().unwrap();
        let from = migrate(&mut conn, Path::new(":memory:")).unwrap();
        assert_eq!(from, 0);
        assert_eq!(schema_version(&conn).unwrap(), SCHEMA_VERSION);
    }

    #[test]
    fn migrating_twice_changes_nothing_the_second_time() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn, Path::new(":memory:")).unwrap();
        let from = migrate(&mut conn, Path::new(":memory:")).unwrap();
        assert_eq!(from, SCHEMA_VERSION);
    }

    #[test]
    fn a_failing_step_leaves_the_previous_version() {
        let mut conn = Connection::open_in_memory().unwrap();
        // A table named like one v1 creates makes step 1 fail half way.
        conn.execute_batch("CREATE TABLE contacts (x INTEGER)")
            .unwrap();
        assert!(migrate(&mut conn, Path::new(":memory:")).is_err());
        assert_eq!(schema_version(&conn).unwrap(), 0);
        let agencies: i64 = conn
            .query_row(
                "SELECT count(*) FROM sqlite_schema WHERE name = 'agencies'",
                [],
                |row| row.get(0),
            )
            .unwrap();
        assert_eq!(agencies, 0, "the half-applied step was rolled back");
    }
}
