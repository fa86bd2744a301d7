//! The self-test: a suite of checks of the coordination, run against a
//! running app with temporary CRM windows of its own.
//!
//! The suite always runs in an app of its own: `axolop-desktop
//! --self-test` ([`headless`]), which is also what the diagnostics
//! window's "Run all checks" starts ([`child`]). So it never touches the
//! user's windows, data, locks or heartbeat timeout, and checks the same
//! code on the same machine, display and webview. The one check that needs
//! the user's session (single-flight refresh) runs in the user's app, and
//! only when someone is signed in ([`session`]).
//!
//! - [`lab`]: temporary windows, and lock requests on their behalf.
//! - [`suite`]: the checks.

pub mod child;
pub mod headless;
pub mod lab;
pub mod session;
pub mod suite;

use std::sync::Mutex;
use std::time::Instant;

use serde::{Deserialize, Serialize};
use tauri::{AppHandle, Runtime};
use ts_rs::TS;

use crate::diagnostics::AppFacts;

/// The environment variable that makes one check expect the wrong thing,
/// so that tests can see a failure and its detail (tests only).
pub const BREAK_ENV: &str = "AXOLOP_SELF_TEST_BREAK";

/// One check's outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CheckResult {
    /// Its id (`election`, `lock-fifo`, …).
    pub id: String,
    /// What it checks, for people.
    pub title: String,
    /// Passed, failed or skipped.
    pub outcome: CheckOutcome,
    /// How long it took, in milliseconds.
    pub ms: u64,
    /// What it saw: its figures when it passed, what went wrong when not.
    pub detail: String,
}

/// How a check ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum CheckOutcome {
    /// It saw what it expected.
    Passed,
    /// It did not.
    Failed,
    /// It could not run here (the detail says why).
    Skipped,
}

/// A whole run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CheckReport {
    /// Whether no check failed.
    pub passed: bool,
    /// How long the run took, in milliseconds.
    pub ms: u64,
    /// Every check, in the order run.
    pub checks: Vec<CheckResult>,
    /// The app that ran them.
    pub app: AppFacts,
}

impl CheckReport {
    /// A report of `checks`, run in `ms`.
    pub fn of(checks: Vec<CheckResult>, ms: u64) -> Self {
        Self {
            passed: checks.iter().all(|c| c.outcome != CheckOutcome::Failed),
            ms,
            checks,
            app: AppFacts::here(),
        }
    }

    /// The report as Markdown, for a support ticket.
    pub fn markdown(&self) -> String {
        let mut text = format!(
            "# Axolop CRM self-test: {}\n\nAxolop CRM {} on {} (Tauri {}, {}), {} ms.\n\n\
             | Check | Result | Time | Detail |\n|---|---|---|---|\n",
            if self.passed { "passed" } else { "FAILED" },
            self.app.version,
            self.app.os,
            self.app.tauri,
            self.app.webview,
            self.ms
        );
        for check in &self.checks {
            let outcome = match check.outcome {
                CheckOutcome::Passed => "pass",
                CheckOutcome::Failed => "**FAIL**",
                CheckOutcome::Skipped => "skipped",
            };
            text.push_str(&format!(
                "| {} | {outcome} | {} ms | {} |\n",
                check.title,
                check.ms,
                check.detail.replace('|', "\\|").replace('\n', " ")
            ));
        }
        text
    }

    /// The report as lines for a terminal.
    pub fn text(&self) -> String {
        let mut text = String::new();
        for check in &self.checks {
            let outcome = match check.outcome {
                CheckOutcome::Passed => "PASS",
                CheckOutcome::Failed => "FAIL",
                CheckOutcome::Skipped => "SKIP",
            };
            text.push_str(&format!(
                "{outcome}  {:<32} {:>6} ms  {}\n",
                check.title, check.ms, check.detail
            ));
        }
        text.push_str(&format!(
            "{} in {} ms\n",
            if self.passed {
                "All checks passed"
            } else {
                "Some checks FAILED"
            },
            self.ms
        ));
        text
    }
}

/// The checks of the suite, in order: id and title.
pub const CHECKS: &[(&str, &str)] = &[
    ("election", "Election and failover"),
    ("events", "Events reach every window"),
    ("lock-contention", "Exclusive lock contention"),
    ("lock-fifo", "Waiters served in order"),
    ("lock-deadlock", "Deadlock refused at once"),
    ("lock-lease", "Short lease passes on"),
    ("lock-shared", "Shared holders together"),
    ("health", "Unresponsive window demoted"),
    ("modals", "Prompt presented by the primary"),
];

/// Runs every check of the suite in this app, telling `progress` of each
/// result as it comes.
pub async fn run_suite<R: Runtime>(
    app: &AppHandle<R>,
    progress: impl Fn(&CheckResult),
) -> CheckReport {
    let broken = std::env::var(BREAK_ENV).ok();
    let started = Instant::now();
    let mut results = Vec::new();
    for &(id, title) in CHECKS {
        let began = Instant::now();
        let outcome = match id {
            "election" => suite::election(app).await,
            "events" => suite::events(app).await,
            "lock-contention" => suite::lock_contention(app).await,
            "lock-fifo" => suite::lock_fifo(app, broken.as_deref() == Some(id)).await,
            "lock-deadlock" => suite::lock_deadlock(app).await,
            "lock-lease" => suite::lock_lease(app).await,
            "lock-shared" => suite::lock_shared(app).await,
            "health" => suite::health(app).await,
            "modals" => suite::modals(app).await,
            other => Err(format!("no check named {other}")),
        };
        let result = result_of(id, title, began, outcome);
        progress(&result);
        results.push(result);
        // Let the closed windows of one check go before the next opens its own.
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    CheckReport::of(results, millis_since(started))
}

/// A check's result from its outcome.
pub fn result_of(
    id: &str,
    title: &str,
    began: Instant,
    outcome: Result<String, lab::Failure>,
) -> CheckResult {
    let (outcome, detail) = match outcome {
        Ok(detail) => (CheckOutcome::Passed, detail),
        Err(detail) => (CheckOutcome::Failed, detail),
    };
    CheckResult {
        id: id.to_owned(),
        title: title.to_owned(),
        outcome,
        ms: millis_since(began),
        detail,
    }
}

fn millis_since(start: Instant) -> u64 {
    axolop_coordinator::diagnostics::millis(start.elapsed())
}

/// The last report of this run of the app, for saving and the support
/// report; managed as Tauri state.
#[derive(Default)]
pub struct LastReport(pub Mutex<Option<CheckReport>>);

impl LastReport {
    /// The last report, if checks ran.
    pub fn get(&self) -> Option<CheckReport> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

/// How a report is saved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum ReportFormat {
    /// The report as JSON.
    Json,
    /// The report as a Markdown table.
    Markdown,
}

/// Saves the last report in the Downloads folder (the data directory when
/// there is none), whole or not at all; answers the file's path.
pub fn save<R: Runtime>(app: &AppHandle<R>, format: ReportFormat) -> crate::Result<String> {
    use tauri::Manager;
    let report = app
        .try_state::<LastReport>()
        .and_then(|last| last.get())
        .ok_or(crate::Error::Coordinator(
            axolop_coordinator::Error::InvalidArgument {
                reason: "no checks have run yet: run them first".into(),
            },
        ))?;
    let (text, extension) = match format {
        ReportFormat::Json => (
            serde_json::to_string_pretty(&report).unwrap_or_default(),
            "json",
        ),
        ReportFormat::Markdown => (report.markdown(), "md"),
    };
    let name = format!("axolop-self-test-{}.{extension}", crate::timing::unix_ms());
    crate::files::save_for_user(app, &name, text.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(id: &str, outcome: CheckOutcome, detail: &str) -> CheckResult {
        CheckResult {
            id: id.into(),
            title: id.into(),
            outcome,
            ms: 12,
            detail: detail.into(),
        }
    }

    #[test]
    fn a_report_fails_when_a_check_fails_and_says_so_in_every_form() {
        let report = CheckReport::of(
            vec![
                check("election", CheckOutcome::Passed, "fine"),
                check(
                    "lock-fifo",
                    CheckOutcome::Failed,
                    "granted a | b\nout of order",
                ),
                check("session", CheckOutcome::Skipped, "nobody signed in"),
            ],
            40,
        );
        assert!(!report.passed);
        let markdown = report.markdown();
        assert!(markdown.starts_with("# Axolop CRM self-test: FAILED"));
        assert!(
            markdown.contains("| lock-fifo | **FAIL** | 12 ms | granted a \\| b out of order |")
        );
        assert!(report.text().contains("FAIL  lock-fifo"));
        let passing = CheckReport::of(vec![check("events", CheckOutcome::Passed, "ok")], 5);
        assert!(passing.passed);
        assert!(passing.text().ends_with("All checks passed in 5 ms\n"));
    }
}
