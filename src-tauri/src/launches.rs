//! Launches that never got a window ready. If the windows the layout
//! reopens crash the app before the first of them is ready, reopening them
//! again would crash it again: after two such launches in a row the next
//! one opens a single window and says why.
//!
//! The count lives in `unready-launches` in the data directory: raised
//! (and synced) before any window opens, removed when the first window's
//! page is ready.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use tauri::{AppHandle, Manager, Runtime};

use crate::files;

/// The file, in the data directory.
const FILE: &str = "unready-launches";
/// How many launches in a row may end before a window is ready before the
/// next one stops reopening the layout.
pub const CRASHES_BEFORE_SAFE_START: u32 = 2;

/// What the user is told when the layout was not reopened.
pub const NOTICE: &str = "The previous windows were not restored: Axolop CRM closed unexpectedly twice while opening them.";

/// This launch, managed as Tauri state.
pub struct Launch {
    dir: PathBuf,
    ready: AtomicBool,
}

/// How many launches in a row ended before a window was ready.
fn unready(dir: &Path) -> u32 {
    std::fs::read_to_string(dir.join(FILE))
        .ok()
        .and_then(|text| text.trim().parse().ok())
        .unwrap_or(0)
}

/// Counts a launch as not ready yet; answers how many were before it.
fn count(dir: &Path) -> u32 {
    let before = unready(dir);
    if let Err(error) = files::write_whole(&dir.join(FILE), (before + 1).to_string().as_bytes()) {
        tracing::warn!(%error, "the launch could not be counted");
    }
    before
}

/// The launch got a window ready: the count starts again.
fn clear(dir: &Path) {
    match std::fs::remove_file(dir.join(FILE)) {
        Ok(()) => {}
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
        Err(error) => tracing::warn!(%error, "the launch could not be marked ready"),
    }
}

/// Counts this launch as not ready yet; answers whether the layout may be
/// reopened (fewer than [`CRASHES_BEFORE_SAFE_START`] launches before it
/// ended unready).
pub fn begin<R: Runtime>(app: &AppHandle<R>, dir: &Path) -> bool {
    let before = count(dir);
    app.manage(Launch {
        dir: dir.to_owned(),
        ready: AtomicBool::new(false),
    });
    let restore = before < CRASHES_BEFORE_SAFE_START;
    if !restore {
        tracing::warn!(
            launches = before,
            "launches ended before a window was ready: one window opens"
        );
    }
    restore
}

/// A window's page is ready: this launch got there (once per launch).
pub fn window_ready<R: Runtime>(app: &AppHandle<R>) {
    let Some(launch) = app.try_state::<Launch>() else {
        return;
    };
    if launch.ready.swap(true, Ordering::SeqCst) {
        return;
    }
    clear(&launch.dir);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_count_reads_what_begin_writes_and_nonsense_counts_as_none() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(unready(dir.path()), 0);
        std::fs::write(dir.path().join(FILE), "2\n").unwrap();
        assert_eq!(unready(dir.path()), 2);
        std::fs::write(dir.path().join(FILE), "many").unwrap();
        assert_eq!(unready(dir.path()), 0);
    }

    #[test]
    fn two_unready_launches_in_a_row_stop_the_third_from_restoring() {
        let dir = tempfile::tempdir().unwrap();
        let restores = |dir: &Path| count(dir) < CRASHES_BEFORE_SAFE_START;
        assert!(restores(dir.path()), "first launch");
        clear(dir.path());
        assert!(restores(dir.path()), "ready before: counts from zero");
        assert!(restores(dir.path()), "one crash before");
        assert!(!restores(dir.path()), "two crashes before");
        clear(dir.path());
        assert!(restores(dir.path()));
    }
}
