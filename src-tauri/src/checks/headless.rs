//! `axolop-desktop --self-test [--json]`: the app starts with no window of
//! its own and a data directory of its own (removed at the end), runs the
//! suite, prints the report and exits 0 when every check passed, 1 when
//! one failed. For IT after installing, and for the package tests.

use std::io::Write;
use std::path::{Path, PathBuf};

use tauri::{AppHandle, Manager, Runtime};

use axolop_coordinator::health::{HeartbeatTimeout, MIN_TIMEOUT};

use super::{run_suite, CheckResult};
use crate::hub::Hub;

/// The flag that runs the self-test.
pub const FLAG: &str = "--self-test";

/// How the self-test prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output {
    /// One line per check and a summary (`--self-test`).
    Text,
    /// The report as one JSON document (`--self-test --json`).
    Json,
    /// A JSON line per check as it ends, then the report: what the
    /// diagnostics window reads from the self-test it starts
    /// (`--self-test --json-lines`).
    JsonLines,
}

/// The app runs the self-test instead of opening a window; managed as
/// Tauri state.
#[derive(Debug)]
pub struct Headless {
    output: Output,
    data_dir: PathBuf,
}

/// The self-test's output, if `args` ask for the self-test.
pub fn requested(args: impl IntoIterator<Item = String>) -> Option<Output> {
    let args: Vec<String> = args.into_iter().skip(1).collect();
    if !args.iter().any(|arg| arg == FLAG) {
        return None;
    }
    Some(if args.iter().any(|arg| arg == "--json-lines") {
        Output::JsonLines
    } else if args.iter().any(|arg| arg == "--json") {
        Output::Json
    } else {
        Output::Text
    })
}

impl Headless {
    /// A self-test printing as `output`, in a fresh data directory under
    /// the system's temporary directory.
    pub fn new(output: Output) -> std::io::Result<Self> {
        let data_dir = std::env::temp_dir().join(format!(
            "axolop-self-test-{}-{}",
            std::process::id(),
            crate::timing::unix_ms()
        ));
        std::fs::create_dir_all(&data_dir)?;
        Ok(Self { output, data_dir })
    }

    /// Where this run keeps its state.
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }
}

/// Whether this app runs the self-test (and so opens no window of its own).
pub fn is_headless<R: Runtime>(app: &AppHandle<R>) -> bool {
    app.try_state::<Headless>().is_some()
}

/// Runs the suite, prints the report, and exits the process. Windows
/// count as unresponsive after the shortest timeout, so the health check
/// takes seconds.
pub fn start<R: Runtime>(app: &AppHandle<R>) {
    let _ = app.state::<Hub>().transact(|coordinator, _| {
        coordinator.set_heartbeat_timeout(HeartbeatTimeout::from_millis(
            MIN_TIMEOUT.as_millis() as u64
        )?);
        Ok(())
    });
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let headless = app.state::<Headless>();
        let output = headless.output;
        let report = run_suite(&app, |result| progress(output, result)).await;
        let mut stdout = std::io::stdout().lock();
        let printed = match output {
            Output::Text => write!(stdout, "{}", report.text()),
            Output::Json => writeln!(
                stdout,
                "{}",
                serde_json::to_string_pretty(&report).unwrap_or_default()
            ),
            Output::JsonLines => writeln!(stdout, "{}", serde_json::json!({ "report": report })),
        };
        let _ = printed.and_then(|()| stdout.flush());
        // The database is still open; Unix removes the files anyway, and
        // Windows leaves the directory for the system's temp cleanup.
        let _ = std::fs::remove_dir_all(headless.data_dir());
        std::process::exit(if report.passed { 0 } else { 1 });
    });
}

/// Tells the diagnostics window's self-test of each check as it ends.
fn progress(output: Output, result: &CheckResult) {
    if output == Output::JsonLines {
        let mut stdout = std::io::stdout().lock();
        let _ = writeln!(stdout, "{}", serde_json::json!({ "check": result }));
        let _ = stdout.flush();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|a| (*a).to_owned()).collect()
    }

    #[test]
    fn the_flags_choose_the_output() {
        assert_eq!(requested(args(&["axolop-desktop"])), None);
        assert_eq!(
            requested(args(&["axolop-desktop", "--self-test"])),
            Some(Output::Text)
        );
        assert_eq!(
            requested(args(&["axolop-desktop", "--json", "--self-test"])),
            Some(Output::Json)
        );
        assert_eq!(
            requested(args(&["axolop-desktop", "--self-test", "--json-lines"])),
            Some(Output::JsonLines)
        );
        assert_eq!(requested(args(&["--self-test"])), None, "the program name");
    }
}
