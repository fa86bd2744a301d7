//! Commands of the diagnostics window's self-test.

use serde::Serialize;
use tauri::{Manager, Runtime, Webview};
use ts_rs::TS;

use crate::args::{ChecksSaveArgs, NoArgs};
use crate::checks::{self, CheckReport};
use crate::error::Result;

/// Runs every check in a self-test app of its own, then the session check
/// here; each result reaches the diagnostics window as it comes.
pub async fn checks_run<R: Runtime>(webview: Webview<R>, _args: NoArgs) -> Result<ChecksRun> {
    let report = checks::child::run(webview.app_handle()).await?;
    Ok(ChecksRun {
        markdown: report.markdown(),
        report,
    })
}

/// A run's report, and the same as Markdown (for copying).
#[derive(Debug, Serialize, TS)]
pub struct ChecksRun {
    /// The report.
    pub report: CheckReport,
    /// The report as Markdown.
    pub markdown: String,
}

/// Saves the last report as JSON or Markdown in the Downloads folder;
/// answers the file's path.
pub fn checks_save<R: Runtime>(webview: &Webview<R>, args: ChecksSaveArgs) -> Result<String> {
    checks::save(webview.app_handle(), args.format)
}
