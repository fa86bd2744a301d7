//! "Run all checks" in the diagnostics window: the suite runs in a
//! self-test app of its own (`--self-test --json-lines`), whose windows
//! open and close beside the user's; each result reaches the diagnostics
//! window as it comes. The session check then runs in the user's app.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

use serde::Deserialize;
use tauri::{AppHandle, Emitter, Manager, Runtime};

use super::{session, CheckReport, CheckResult, LastReport};
use crate::diagnostics;
use crate::error::{Error, Result};

/// The event each result sends the diagnostics window.
pub const PROGRESS_EVENT: &str = "checks-progress";
/// The longest a whole run may take.
const RUN_TIMEOUT: Duration = Duration::from_secs(180);

/// One line of the self-test's output.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
enum Line {
    Check(CheckResult),
    Report(CheckReport),
}

/// Runs the suite in a self-test app, then the session check here; keeps
/// and returns the report.
pub async fn run<R: Runtime>(app: &AppHandle<R>) -> Result<CheckReport> {
    let progress_app = app.clone();
    let suite = tauri::async_runtime::spawn_blocking(move || {
        run_child(|result| tell(&progress_app, result))
    });
    let mut report = tokio::time::timeout(RUN_TIMEOUT + Duration::from_secs(5), suite)
        .await
        .map_err(|_| {
            io(
                "the self-test did not finish",
                std::io::ErrorKind::TimedOut.into(),
            )
        })?
        .map_err(|error| {
            io(
                "the self-test stopped",
                std::io::Error::other(error.to_string()),
            )
        })??;
    let session = session::check(app).await;
    tell(app, &session);
    report.checks.push(session);
    report = CheckReport::of(report.checks, report.ms);
    if let Some(last) = app.try_state::<LastReport>() {
        *last.0.lock().unwrap_or_else(|p| p.into_inner()) = Some(report.clone());
    }
    Ok(report)
}

/// Starts `axolop-desktop --self-test --json-lines` on its own data and
/// in local mode, and reads its results.
fn run_child(progress: impl Fn(&CheckResult)) -> Result<CheckReport> {
    let exe = std::env::current_exe().map_err(|e| io("the app's own path is unknown", e))?;
    let mut child = Command::new(exe)
        .args([super::headless::FLAG, "--json-lines"])
        .env_remove("AXOLOP_DATA_DIR")
        .env_remove("AXOLOP_SUPABASE_URL")
        .env_remove("AXOLOP_SUPABASE_ANON_KEY")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| io("the self-test could not start", e))?;
    let stdout = child.stdout.take().expect("stdout is piped");
    let pid = child.id();
    // A self-test that hangs is ended, so the run always answers. The
    // watchdog stops as soon as the output ends, before the child is
    // reaped, so it can never signal a reused process id.
    let (done, finished) = std::sync::mpsc::channel::<()>();
    let watchdog = std::thread::spawn(move || {
        if finished.recv_timeout(RUN_TIMEOUT) == Err(std::sync::mpsc::RecvTimeoutError::Timeout) {
            kill(pid);
        }
    });
    let mut report = None;
    for line in BufReader::new(stdout).lines() {
        let Ok(line) = line else { break };
        match serde_json::from_str::<Line>(&line) {
            Ok(Line::Check(result)) => progress(&result),
            Ok(Line::Report(whole)) => report = Some(whole),
            Err(_) => tracing::debug!("a self-test line that is no result"),
        }
    }
    drop(done);
    let _ = watchdog.join();
    let status = child
        .wait()
        .map_err(|e| io("the self-test could not be waited for", e))?;
    report.ok_or_else(|| {
        io(
            "the self-test ended without a report",
            std::io::Error::other(format!("it exited with {status}")),
        )
    })
}

#[cfg(unix)]
fn kill(pid: u32) {
    // SAFETY: kill has no memory preconditions; a stale pid is an error.
    unsafe {
        libc::kill(pid as libc::pid_t, libc::SIGKILL);
    }
}

#[cfg(not(unix))]
fn kill(pid: u32) {
    let _ = Command::new("taskkill")
        .args(["/F", "/PID", &pid.to_string()])
        .status();
}

/// Tells the diagnostics window of a result.
fn tell<R: Runtime>(app: &AppHandle<R>, result: &CheckResult) {
    let target = tauri::EventTarget::webview_window(diagnostics::LABEL);
    if let Err(error) = app.emit_to(target, PROGRESS_EVENT, result) {
        tracing::debug!(%error, "a check's result did not reach the diagnostics window");
    }
}

fn io(context: &str, source: std::io::Error) -> Error {
    Error::Io {
        context: context.into(),
        source,
    }
}
