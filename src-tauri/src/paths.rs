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
            std::fs::create_dir_all(dir).map_err(|source| Error::Io {
                context: format!("cannot create {}", dir.display()),
                source,
            })?;
        }
        Ok(paths)
    }
}
