//! Where the app keeps its state and logs.
//!
//! A data directory named in the settings (`AXOLOP_DATA_DIR`) wins (tests
//! isolate with it; logs then go to its `logs/` subdirectory and settings
//! sit in it), otherwise the OS conventions through Tauri's path resolver.

use std::path::PathBuf;

use tauri::{AppHandle, Manager, Runtime};

use crate::error::{Error, Result};

/// The directories the app writes to; both exist once resolved.
#[derive(Debug, Clone)]
pub struct Paths {
    /// State that outlives the process.
    pub data: PathBuf,
    /// Rotating log files.
    pub logs: PathBuf,
    /// Settings the user edits (`settings.json`).
    pub config: PathBuf,
}

impl Paths {
    /// Resolves and creates the directories: under `data_dir` when one is
    /// named, in the OS's places otherwise.
    pub fn resolve<R: Runtime>(app: &AppHandle<R>, data_dir: Option<PathBuf>) -> Result<Self> {
        let paths = match data_dir {
            Some(data) => Self {
                logs: data.join("logs"),
                config: data.clone(),
                data,
            },
            None => Self {
                data: app.path().app_data_dir()?,
                logs: app.path().app_log_dir()?,
                config: app.path().app_config_dir()?,
            },
        };
        for dir in [&paths.data, &paths.logs, &paths.config] {
            create_private_dir(dir)?;
        }
        Ok(paths)
    }
}

/// Creates `dir` (and what leads to it) if needed, and makes it its user's
/// alone on Unix (`0700`): it holds the CRM database and logs. One an
/// earlier version made more open is closed up. On Windows the per-user
/// profile it sits in keeps other users out.
fn create_private_dir(dir: &std::path::Path) -> Result<()> {
    let failed = |what: &str, source| Error::Io {
        context: format!("cannot {what} {}", dir.display()),
        source,
    };
    std::fs::create_dir_all(dir).map_err(|source| failed("create", source))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
            .map_err(|source| failed("make private", source))?;
    }
    Ok(())
}
