//! Commands of the diagnostics window, and the one that opens it.

use tauri::{Manager, Runtime, Webview};

use crate::args::NoArgs;
use crate::diagnostics::{self, DiagnosticsView};
use crate::error::Result;
use crate::report;

/// The coordination as the diagnostics window shows it (its capability
/// only).
pub fn diagnostics_snapshot<R: Runtime>(
    webview: &Webview<R>,
    _args: NoArgs,
) -> Result<DiagnosticsView> {
    diagnostics::view(webview.app_handle())
}

/// Saves a diagnostic report (one .zip, no credentials, no email, no
/// contact data) in the Downloads folder; answers its path.
pub async fn report_save<R: Runtime>(webview: Webview<R>, _args: NoArgs) -> Result<String> {
    let app = webview.app_handle().clone();
    tauri::async_runtime::spawn_blocking(move || report::save(&app))
        .await
        .map_err(|error| crate::error::Error::Io {
            context: "the report could not be built".into(),
            source: std::io::Error::other(error.to_string()),
        })?
}

/// Opens the diagnostics window, or focuses it (Ctrl+Shift+D in a CRM
/// window's page, when the menu does not see the keys).
pub fn diagnostics_open<R: Runtime>(webview: &Webview<R>, _args: NoArgs) -> Result<()> {
    diagnostics::show_in_background(webview.app_handle());
    Ok(())
}
