//! The store itself: one SQLite connection, opened, configured and migrated,
//! with recovery from a corrupt file.
//!
//! Invariants:
//! - Every connection runs with `foreign_keys=ON` and a busy timeout; a file
//!   database asks for WAL mode (readers never block the writer).
//! - Every write goes through `Store::write`: one `BEGIN IMMEDIATE`
//!   transaction, committed only when the whole operation succeeded, so a
//!   refused or failed call leaves the database as it was.
//! - Opening never touches a file whose schema is newer than this code knows.

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, Transaction, TransactionBehavior};

use crate::error::{Result, StoreError};
use crate::migrations::{self, SCHEMA_VERSION};
use crate::private;
use crate::recovery::{self, with_suffix, OpenFailure, COMPANION_SUFFIXES};

/// How long a statement waits for another process's lock before failing busy.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// The local CRM database: agencies, contacts and agency selections.
///
/// Reads take `&self`, writes `&mut self`; the shell shares it behind its own
/// mutex (a `rusqlite::Connection` is `Send` but not `Sync`).
#[derive(Debug)]
pub struct Store {
    conn: Connection,
    /// Whether contact changes are queued for the server (`outbox`).
    pub(crate) queue_changes: bool,
}

/// What [`Store::open`] found, so the app can tell the user plainly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Opened {
    /// No database existed (or the file was empty); a new one was created.
    Fresh,
    /// The database was already at the latest schema.
    Existing,
    /// The database was brought from an older schema to the latest one.
    Migrated {
        /// The schema version found.
        from: u32,
        /// The schema version now.
        to: u32,
    },
    /// The file was corrupt: it was moved aside and a fresh database created.
    Recovered {
        /// Where the corrupt file now is.
        moved_to: PathBuf,
        /// What was wrong with it, as SQLite reported it (for the logs).
        reason: String,
    },
}

impl Opened {
    /// A sentence for the user when something happened they should know about.
    pub fn notice(&self) -> Option<String> {
        match self {
            Self::Recovered { moved_to, .. } => Some(format!(
                "The local CRM database was damaged and could not be read. It was moved to {} \
                 and a new, empty database was started.",
                moved_to.display()
            )),
            Self::Fresh | Self::Existing | Self::Migrated { .. } => None,
        }
    }
}

impl Store {
    /// Opens (or creates) the database at `path`, migrates it to the latest
    /// schema, and recovers from a corrupt file by moving it to
    /// `<name>.corrupt-<now_ms>` and starting a fresh one.
    ///
    /// Fails with [`StoreError::NewerSchema`] (file untouched) when the file
    /// comes from a newer app, and with `Sqlite` or `Io` for anything that is
    /// not corruption (a locked file, a missing permission).
    pub fn open(path: &Path, now_ms: u64) -> Result<(Self, Opened)> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|source| StoreError::Io {
                context: format!("creating the data directory {}", parent.display()),
                source,
            })?;
        }
        private::create(path)?;
        let opened = match connect(path) {
            Ok(opened) => Ok(opened),
            Err(OpenFailure::Failed(error)) => Err(error),
            Err(OpenFailure::Corrupt { detail }) => {
                let moved_to = recovery::move_aside(path, now_ms)?;
                let (store, _) = connect(path).map_err(|failure| match failure {
                    OpenFailure::Failed(error) => error,
                    // A brand-new file cannot be corrupt unless the disk is
                    // failing: report it rather than move files in a loop.
                    OpenFailure::Corrupt { detail } => StoreError::Corrupt {
                        path: path.to_owned(),
                        detail,
                    },
                })?;
                let opened = Opened::Recovered {
                    moved_to,
                    reason: detail,
                };
                Ok((store, opened))
            }
        }?;
        private::restrict(path)?;
        for suffix in COMPANION_SUFFIXES {
            private::restrict(&with_suffix(path, suffix))?;
        }
        Ok(opened)
    }

    /// A private, empty, fully migrated database in memory (for tests).
    pub fn open_in_memory() -> Result<Self> {
        let mut conn = Connection::open_in_memory()?;
        conn.pragma_update(None, "foreign_keys", true)?;
        migrations::migrate(&mut conn, Path::new(":memory:"))?;
        Ok(Self::from_connection(conn))
    }

    fn from_connection(conn: Connection) -> Self {
        Self {
            conn,
            queue_changes: false,
        }
    }

    /// The connection, for reads.
    pub(crate) fn conn(&self) -> &Connection {
        &self.conn
    }

    /// Runs `work` in one immediate transaction, committed only if it
    /// returns `Ok`; an `Err` rolls everything back.
    pub(crate) fn write<T>(
        &mut self,
        work: impl FnOnce(&Transaction<'_>) -> Result<T>,
    ) -> Result<T> {
        // IMMEDIATE: the write lock is taken before the first read, so a
        // read-check-write (the version check) cannot be overtaken by another
        // connection between the check and the write.
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let value = work(&tx)?;
        tx.commit()?;
        Ok(value)
    }
}

/// One attempt at opening, checking, configuring and migrating the file.
fn connect(path: &Path) -> Result<(Store, Opened), OpenFailure> {
    let mut conn = Connection::open(path)?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    // The first read of the header: a file that is not a database fails here.
    let found = migrations::schema_version(&conn)?;
    // Before anything writes (WAL mode rewrites the header): a newer file is
    // left exactly as it was.
    migrations::refuse_newer(found, path)?;
    recovery::quick_check(&conn)?;
    // Where WAL is unavailable (some network file systems) SQLite keeps its
    // rollback journal and answers with that mode; the store works either way.
    let _mode: String =
        conn.pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0))?;
    conn.pragma_update(None, "foreign_keys", true)?;
    // Deleted contacts (and a signed-out user's whole CRM) are overwritten,
    // not left in free pages for anyone who copies the file.
    conn.pragma_update(None, "secure_delete", true)?;
    let from = migrations::migrate(&mut conn, path)?;
    let opened = match from {
        0 => Opened::Fresh,
        SCHEMA_VERSION => Opened::Existing,
        from => Opened::Migrated {
            from,
            to: SCHEMA_VERSION,
        },
    };
    Ok((Store::from_connection(conn), opened))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_store_can_move_to_the_thread_that_owns_it() {
        fn assert_send<T: Send>() {}
        assert_send::<Store>();
    }

    #[test]
    fn an_in_memory_store_is_at_the_latest_schema() {
        let store = Store::open_in_memory().unwrap();
        assert_eq!(
            migrations::schema_version(store.conn()).unwrap(),
            SCHEMA_VERSION
        );
    }

    #[test]
    fn foreign_keys_are_enforced() {
        let store = Store::open_in_memory().unwrap();
        let enabled: bool = store
            .conn()
            .pragma_query_value(None, "foreign_keys", |row| row.get(0))
            .unwrap();
        assert!(enabled);
    }

    #[test]
    fn a_failed_write_is_rolled_back() {
        let mut store = Store::open_in_memory().unwrap();
        let result: Result<()> = store.write(|tx| {
            tx.execute(
                "INSERT INTO agencies (id, owner, name, created_at) VALUES ('a', 'o', 'n', 0)",
                [],
            )?;
            Err(StoreError::invalid("refused after the insert"))
        });
        assert!(result.is_err());
        assert!(store.agencies("o").unwrap().is_empty());
    }
}
