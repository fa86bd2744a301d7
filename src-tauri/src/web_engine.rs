//! How the web engine renders, so that each window costs little: on the
//! CPU where there is no GPU.
//!
//! Each window is a web process of its own. On a machine without a GPU
//! (a virtual machine, a remote desktop, a test display), WebKitGTK's
//! accelerated compositing runs OpenGL in software (Mesa's llvmpipe): every
//! web process then loads LLVM and keeps its own GL buffers, about 50 MiB
//! more per window, and repaints through the software rasteriser even when
//! idle. Its CPU renderer draws the same pages for a fraction of that. With
//! a GPU, WebKit's default (compositing on the GPU) stays.

/// WebKitGTK's own switch: any value but `0` renders without compositing.
#[cfg(target_os = "linux")]
const COMPOSITING_OFF: &str = "WEBKIT_DISABLE_COMPOSITING_MODE";

/// Chooses how pages are rendered, before any window (or thread) exists.
/// A user's own `WEBKIT_DISABLE_COMPOSITING_MODE` (`0` forces compositing
/// on) always wins.
pub fn prepare() {
    #[cfg(target_os = "linux")]
    if std::env::var_os(COMPOSITING_OFF).is_none() && !has_gpu() {
        // Read by WebKit when it creates a view's settings; set before
        // Tauri starts any thread, so nothing reads the environment
        // concurrently.
        std::env::set_var(COMPOSITING_OFF, "1");
    }
}

/// Whether a GPU is there to render on: a DRM render node this user may
/// open. Without one, WebKit's compositing would run on llvmpipe.
#[cfg(target_os = "linux")]
fn has_gpu() -> bool {
    let Ok(entries) = std::fs::read_dir("/dev/dri") else {
        return false;
    };
    entries.flatten().any(|entry| {
        entry.file_name().to_string_lossy().starts_with("renderD")
            && std::fs::OpenOptions::new()
                .read(true)
                .write(true)
                .open(entry.path())
                .is_ok()
    })
}
