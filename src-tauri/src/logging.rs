//! Logging: `tracing` to stderr and to size-bounded rotating files.
//!
//! The filter comes from `RUST_LOG` (default `info`). Files are written
//! synchronously: the volume is small, and a line logged just before a crash
//! must be on disk. At most [`KEPT_FILES`] + 1 files of about [`FILE_BYTES`]
//! each are kept, so logs never take more than ~25 MB.

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

/// Installs the global subscriber and a panic hook that logs panics.
/// A second call (tests) leaves the first subscriber in place.
pub fn init(dir: &Path) -> crate::Result<()> {
    let file = FileRotate::new(
        dir.join(FILE_NAME),
        AppendCount::new(KEPT_FILES),
        ContentLimit::BytesSurpassed(FILE_BYTES),
        Compression::None,
        None,
    );
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let installed = tracing_subscriber::registry()
        .with(filter)
        .with(fmt::layer().with_writer(std::io::stderr))
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
