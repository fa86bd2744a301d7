//! Logging: `tracing` to size-bounded rotating files, readable by their
//! user only (Unix `0600`), and to stderr when it is a terminal (a desktop
//! launch does not copy the log into the system journal).
//!
//! The filter comes from `RUST_LOG` (default `info`). Files are written
//! synchronously: the volume is small, and a line logged just before a crash
//! must be on disk. At most [`KEPT_FILES`] + 1 files of about [`FILE_BYTES`]
//! each are kept, so logs never take more than ~25 MB.

use std::io::IsTerminal;
use std::path::Path;

use file_rotate::compression::Compression;
use file_rotate::suffix::AppendCount;
use file_rotate::{ContentLimit, FileRotate};
use std::sync::Mutex;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{fmt, EnvFilter};

/// The size at which the current log file is rotated.
pub const FILE_BYTES: usize = 5 * 1024 * 1024;
/// How many rotated files are kept besides the current one.
pub const KEPT_FILES: usize = 4;
/// The current log file's name; rotated ones get `.1`, `.2`, … appended.
pub const FILE_NAME: &str = "axolop-desktop.log";

/// How log files are opened: their user's alone on Unix (`0600`).
fn private_file() -> std::fs::OpenOptions {
    let mut options = std::fs::OpenOptions::new();
    options.read(true).create(true).append(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options
}

/// Makes log files an earlier version left readable by others private.
fn close_up_older_files(dir: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let rotated = (1..=KEPT_FILES).map(|n| format!("{FILE_NAME}.{n}"));
        for name in std::iter::once(FILE_NAME.to_owned()).chain(rotated) {
            // A file that is not there has nothing to close up.
            let _ =
                std::fs::set_permissions(dir.join(name), std::fs::Permissions::from_mode(0o600));
        }
    }
    #[cfg(not(unix))]
    let _ = dir;
}

/// Installs the global subscriber and a panic hook that logs panics.
/// A second call (tests) leaves the first subscriber in place.
pub fn init(dir: &Path) -> crate::Result<()> {
    let file = FileRotate::new(
        dir.join(FILE_NAME),
        AppendCount::new(KEPT_FILES),
        ContentLimit::BytesSurpassed(FILE_BYTES),
        Compression::None,
        Some(private_file()),
    );
    close_up_older_files(dir);
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let installed = tracing_subscriber::registry()
        .with(filter)
        .with(
            std::io::stderr()
                .is_terminal()
                .then(|| fmt::layer().with_writer(std::io::stderr)),
        )
        .with(fmt::layer().with_ansi(false).with_writer(Mutex::new(file)))
        .try_init()
        .is_ok();
    if installed {
        let default_hook = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            tracing::error!(panic = %info, "panic");
            default_hook(info);
        }));
    }
    Ok(())
}
