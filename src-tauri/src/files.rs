//! Files the app writes for the user (reports): whole or not at all.

use std::io::{self, Write};
use std::path::Path;

use tauri::{AppHandle, Manager, Runtime};

use crate::error::{Error, Result};

/// Saves `bytes` for the user as `name` in their Downloads folder (the
/// app's data directory when there is none), whole; answers the path.
pub fn save_for_user<R: Runtime>(app: &AppHandle<R>, name: &str, bytes: &[u8]) -> Result<String> {
    let dir = app
        .path()
        .download_dir()
        .or_else(|_| app.path().app_data_dir())?;
    let path = dir.join(name);
    write_whole(&path, bytes).map_err(|source| Error::Io {
        context: format!("the report could not be saved to {}", path.display()),
        source,
    })?;
    Ok(path.display().to_string())
}

/// Writes `bytes` to `path` through a temporary file beside it that is
/// synced and then renamed over: a crash or a full disk leaves either the
/// old file or the new one, never half of one. On Unix the file is the
/// user's alone (`0600`): a report may describe their setup.
pub fn write_whole(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = path
        .parent()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "no directory"))?;
    std::fs::create_dir_all(dir)?;
    let name = path
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "no file name"))?;
    let temporary = dir.join(format!(".{}.partial", name.to_string_lossy()));
    let written = (|| {
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(&temporary)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&temporary, path)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    written
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_is_written_whole_and_replaces_the_old_one() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("report.md");
        write_whole(&path, b"first").unwrap();
        write_whole(&path, b"second").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"second");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["report.md"], "no temporary file left");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn a_failed_write_leaves_nothing_behind() {
        let dir = tempfile::tempdir().unwrap();
        let blocker = dir.path().join("taken");
        std::fs::create_dir(&blocker).unwrap();
        // The target is a directory: the rename fails.
        assert!(write_whole(&blocker, b"x").is_err());
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(left.len(), 1, "only the directory that was there");
    }
}
