//! The "signed out" marker: an empty file in the data directory, written
//! when the user signs out and removed by their next interactive sign-in.
//!
//! While it exists no stored session is restored, so a keyring that failed
//! to delete the entry (or a crash before it did) cannot bring a session
//! back that the user ended. It holds nothing secret: only its presence
//! counts.

use std::io;
use std::path::{Path, PathBuf};

/// The marker's file name, in the data directory.
const FILE: &str = "signed-out";

/// The marker for one data directory.
#[derive(Debug, Clone)]
pub struct SignOutMarker {
    path: PathBuf,
}

impl SignOutMarker {
    /// The marker in `data_dir`.
    pub fn in_dir(data_dir: &Path) -> Self {
        Self {
            path: data_dir.join(FILE),
        }
    }

    /// Whether the user signed out and has not signed in since.
    pub fn is_set(&self) -> bool {
        self.path.exists()
    }

    /// Records a sign-out, durably: the file and its directory entry reach
    /// the disk before the keyring entry is touched.
    pub fn set(&self) -> io::Result<()> {
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(true)
            .write(true)
            .open(&self.path)?;
        file.sync_all()?;
        if let Some(dir) = self.path.parent() {
            // Directories cannot be opened for syncing on Windows.
            #[cfg(unix)]
            std::fs::File::open(dir)?.sync_all()?;
            #[cfg(not(unix))]
            let _ = dir;
        }
        Ok(())
    }

    /// Records an interactive sign-in (no marker is fine).
    pub fn clear(&self) -> io::Result<()> {
        match std::fs::remove_file(&self.path) {
            Err(error) if error.kind() != io::ErrorKind::NotFound => Err(error),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_marker_is_set_cleared_and_cleared_again() {
        let dir = tempfile::tempdir().unwrap();
        let marker = SignOutMarker::in_dir(dir.path());
        assert!(!marker.is_set());
        marker.set().unwrap();
        marker.set().unwrap();
        assert!(marker.is_set());
        marker.clear().unwrap();
        marker.clear().unwrap();
        assert!(!marker.is_set());
    }

    #[test]
    fn a_marker_that_cannot_be_written_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let marker = SignOutMarker::in_dir(&dir.path().join("missing"));
        assert!(marker.set().is_err());
        assert!(!marker.is_set());
    }
}
