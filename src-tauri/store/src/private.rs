//! The database's files are its user's alone: on Unix the file, its `-wal`
//! and `-shm`, and any corrupt copy moved aside are `0600` (a CRM holds
//! other people's names, emails and notes). On Windows the per-user profile
//! the data directory sits in already keeps other users out.

use std::path::Path;

use crate::error::{Result, StoreError};

/// Creates an empty database file at `path` that only its owner may read,
/// unless one is there: SQLite gives the `-wal` and `-shm` it creates the
/// database file's mode. (An empty file is an empty database to SQLite.)
pub(crate) fn create(path: &Path) -> Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        let created = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(path);
        match created {
            Ok(_) => Ok(()),
            Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
            Err(source) => Err(StoreError::Io {
                context: format!("creating the database file {}", path.display()),
                source,
            }),
        }
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        Ok(())
    }
}

/// Makes the file at `path`, if there is one, readable and writable by its
/// owner only: files an earlier version left more open are closed up.
pub(crate) fn restrict(path: &Path) -> Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        match std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)) {
            Ok(()) => Ok(()),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(source) => Err(StoreError::Io {
                context: format!("making {} private", path.display()),
                source,
            }),
        }
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        Ok(())
    }
}
