//! Commands of the diagnostics window, and the one that opens it.

use tauri::{Manager, Runtime, Webview};

use crate::args::NoArgs;
use crate::diagnostics::{self, DiagnosticsView};
use crate::error::Result;

/// The coordination as the diagnostics window shows it (its capability
/// only).
pub fn diagnostics_snapshot<R: Runtime>(
    webview: &Webview<R>,
    _args: NoArgs,
) -> Result<DiagnosticsView> {
    diagnostics::view(webview.app_handle())
}

/// Opens the diagnostics window, or focuses it (Ctrl+Shift+D in a CRM
/// window's page, when the menu does not see the keys).
pub fn diagnostics_open<R: Runtime>(webview: &Webview<R>, _args: NoArgs) -> Result<()> {
    diagnostics::show_in_background(webview.app_handle());
    Ok(())
}
