//! Telling a corrupt database file from other failures, and moving it aside.
//!
//! Invariants:
//! - Only corruption (a file that is not a database, `SQLITE_CORRUPT`, or a
//!   failed `PRAGMA quick_check`) leads to recovery; a busy, read-only or
//!   newer-schema file is reported as an error and never moved.
//! - A corrupt file is moved, never deleted: the user (or support) can still
//!   look at it. Its `-wal`, `-shm` and `-journal` companions move with it
//!   when they are still there (SQLite removes the ones it could read or
//!   discard when the failed connection closes), because SQLite would
//!   otherwise replay a stale journal into the fresh database that takes the
//!   old name.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use rusqlite::{Connection, ErrorCode};

use crate::error::{Result, StoreError};
use crate::private;

/// Files SQLite keeps beside a database, by the suffix added to its name.
pub(crate) const COMPANION_SUFFIXES: [&str; 3] = ["-wal", "-shm", "-journal"];

/// Why an attempt to open a database file did not give a usable store.
#[derive(Debug)]
pub(crate) enum OpenFailure {
    /// The file is damaged; recovery may move it aside.
    Corrupt {
        /// What SQLite reported, for the notice and the logs.
        detail: String,
    },
    /// Anything else: reported to the caller as is.
    Failed(StoreError),
}

impl From<StoreError> for OpenFailure {
    fn from(error: StoreError) -> Self {
        match &error {
            StoreError::Sqlite(sqlite) if is_corruption(sqlite) => Self::Corrupt {
                detail: sqlite.to_string(),
            },
            _ => Self::Failed(error),
        }
    }
}

impl From<rusqlite::Error> for OpenFailure {
    fn from(error: rusqlite::Error) -> Self {
        StoreError::from(error).into()
    }
}

/// Whether SQLite says the file is damaged or not a database at all.
fn is_corruption(error: &rusqlite::Error) -> bool {
    matches!(
        error.sqlite_error_code(),
        Some(ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase)
    )
}

/// How many problems `quick_check` reports at most: enough to say what is
/// wrong, short enough for a log line.
const QUICK_CHECK_MAX_PROBLEMS: u32 = 5;

/// Runs `PRAGMA quick_check`; any answer but a single `ok` is corruption.
///
/// `quick_check` rather than `integrity_check`: it reads every page but skips
/// the index-content comparison, so opening stays fast on a large file.
pub(crate) fn quick_check(conn: &Connection) -> Result<(), OpenFailure> {
    let mut problems = Vec::new();
    conn.pragma(None, "quick_check", QUICK_CHECK_MAX_PROBLEMS, |row| {
        let line: String = row.get(0)?;
        if line != "ok" {
            problems.push(line);
        }
        Ok(())
    })?;
    if problems.is_empty() {
        Ok(())
    } else {
        Err(OpenFailure::Corrupt {
            detail: format!("quick_check: {}", problems.join("; ").replace('\n', "; ")),
        })
    }
}

/// Moves the database at `path` and its companions to
/// `<name>.corrupt-<now_ms>` (with `-2`, `-3`, … added if that name is
/// taken); returns the new path of the database file.
pub(crate) fn move_aside(path: &Path, now_ms: u64) -> Result<PathBuf> {
    let file_name = path
        .file_name()
        .ok_or_else(|| StoreError::invalid(format!("{} does not name a file", path.display())))?;
    let target = free_name(path, file_name, now_ms);
    rename(path, &target)?;
    private::restrict(&target)?;
    for suffix in COMPANION_SUFFIXES {
        let companion = with_suffix(path, suffix);
        if companion.exists() {
            let moved = with_suffix(&target, suffix);
            rename(&companion, &moved)?;
            private::restrict(&moved)?;
        }
    }
    prune(path, file_name);
    Ok(target)
}

/// How many corrupt copies are kept beside the database.
pub const KEPT_CORRUPT_COPIES: usize = 3;

/// Removes all but the [`KEPT_CORRUPT_COPIES`] newest corrupt copies of
/// the database at `path` (with their companions): each holds a whole CRM,
/// and a file that keeps going bad must not fill the disk. Best effort: a
/// copy that cannot be removed stays, and the database opens anyway.
fn prune(path: &Path, file_name: &std::ffi::OsStr) {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let prefix = format!("{}.corrupt-", file_name.to_string_lossy());
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    // `<name>.corrupt-<ms>[-n]`, newest first: by time, then by number.
    let mut copies: Vec<((u64, u32), PathBuf)> = entries
        .flatten()
        .filter_map(|entry| {
            let name = entry.file_name().to_string_lossy().into_owned();
            let stamp = name.strip_prefix(&prefix)?;
            let (ms, n) = match stamp.split_once('-') {
                Some((ms, n)) => (ms.parse().ok()?, n.parse().ok()?),
                None => (stamp.parse().ok()?, 1),
            };
            Some(((ms, n), entry.path()))
        })
        .collect();
    copies.sort_by_key(|(stamp, _)| std::cmp::Reverse(*stamp));
    for (_, old) in copies.into_iter().skip(KEPT_CORRUPT_COPIES) {
        let _ = std::fs::remove_file(&old);
        for suffix in COMPANION_SUFFIXES {
            let _ = std::fs::remove_file(with_suffix(&old, suffix));
        }
    }
}

/// The first `<name>.corrupt-<now_ms>[-n]` beside `path` that is not taken.
fn free_name(path: &Path, file_name: &std::ffi::OsStr, now_ms: u64) -> PathBuf {
    let mut base = file_name.to_owned();
    base.push(format!(".corrupt-{now_ms}"));
    let mut candidate = path.with_file_name(&base);
    let mut n = 2u32;
    while candidate.exists() {
        let mut numbered = base.clone();
        numbered.push(format!("-{n}"));
        candidate = path.with_file_name(numbered);
        n += 1;
    }
    candidate
}

/// `path` with `suffix` appended to its last component (`a.db` → `a.db-wal`).
pub(crate) fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = OsString::from(path.as_os_str());
    name.push(suffix);
    PathBuf::from(name)
}

fn rename(from: &Path, to: &Path) -> Result<()> {
    std::fs::rename(from, to).map_err(|source| StoreError::Io {
        context: format!(
            "moving corrupt database file {} to {}",
            from.display(),
            to.display()
        ),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_suffix_is_appended_to_the_whole_file_name() {
        let path = Path::new("/data/crm.sqlite3");
        assert_eq!(
            with_suffix(path, "-wal"),
            PathBuf::from("/data/crm.sqlite3-wal")
        );
    }

    #[test]
    fn moving_aside_takes_the_journal_files_along() {
        let temp = tempfile::Builder::new()
            .prefix("axolop-store-move-aside-")
            .tempdir()
            .unwrap();
        let dir = temp.path();
        let path = dir.join("crm.db");
        for (name, text) in [
            ("crm.db", "db"),
            ("crm.db-wal", "wal"),
            ("crm.db-shm", "shm"),
        ] {
            std::fs::write(dir.join(name), text).unwrap();
        }

        let moved_to = move_aside(&path, 42).unwrap();

        assert_eq!(moved_to, dir.join("crm.db.corrupt-42"));
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(
            names,
            [
                "crm.db.corrupt-42",
                "crm.db.corrupt-42-shm",
                "crm.db.corrupt-42-wal"
            ]
        );
    }

    #[test]
    fn a_busy_database_is_not_corruption() {
        let busy = rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_BUSY),
            None,
        );
        assert!(!is_corruption(&busy));
    }

    #[test]
    fn a_file_that_is_not_a_database_is_corruption() {
        let not_a_database = rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_NOTADB),
            None,
        );
        assert!(is_corruption(&not_a_database));
    }
}
