//! The crate's one error enum.
//!
//! Consumers (the shell, the coordinator) match on the variants, never on
//! message text. Every refusal that is the caller's doing (`InvalidArgument`,
//! `NotFound`, `Conflict`) is raised before anything is written, or inside a
//! transaction that is then rolled back, so a refused call changes nothing.

use std::path::PathBuf;

use crate::contact::Contact;

/// Result of a store operation.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Everything a store operation can refuse or fail with.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// An argument is out of its documented range; nothing was written.
    #[error("{reason}")]
    InvalidArgument {
        /// What was wrong, naming the field and its limits.
        reason: String,
    },
    /// No such record (or it belongs to another owner or agency).
    #[error("no {what} with id {id:?}")]
    NotFound {
        /// The kind of record asked for: `"agency"` or `"contact"`.
        what: &'static str,
        /// The id as given.
        id: String,
    },
    /// The contact was changed (or deleted and recreated) since the caller read
    /// it; nothing was written.
    #[error(
        "contact {:?} was changed by {} and is now at version {}; reload it or overwrite it",
        current.id,
        current.updated_by,
        current.version
    )]
    Conflict {
        /// The contact as stored now, so the UI can offer reload or overwrite.
        current: Box<Contact>,
    },
    /// The database was written by a newer version of the app; it was left
    /// untouched.
    #[error(
        "the database at {} has schema version {found}, newer than the {known} this app knows; \
         update the app (the file was left untouched)",
        path.display()
    )]
    NewerSchema {
        /// The database file.
        path: PathBuf,
        /// The schema version found in the file.
        found: u32,
        /// The latest schema version this code knows.
        known: u32,
    },
    /// The file is corrupt even after recovery started a fresh one (a failing
    /// disk); the corrupt original was already moved aside.
    #[error("the database at {} is unreadable: {detail}", path.display())]
    Corrupt {
        /// The database file.
        path: PathBuf,
        /// What SQLite reported.
        detail: String,
    },
    /// SQLite refused or failed.
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// A file operation around the database (moving a corrupt file aside) failed.
    #[error("{context}: {source}")]
    Io {
        /// What was being done, naming the path.
        context: String,
        /// The underlying failure.
        source: std::io::Error,
    },
}

impl StoreError {
    /// An [`InvalidArgument`](StoreError::InvalidArgument) with this reason.
    pub(crate) fn invalid(reason: impl Into<String>) -> Self {
        Self::InvalidArgument {
            reason: reason.into(),
        }
    }

    /// A [`NotFound`](StoreError::NotFound) for this kind of record and id.
    pub(crate) fn not_found(what: &'static str, id: &str) -> Self {
        Self::NotFound {
            what,
            id: id.to_owned(),
        }
    }
}
