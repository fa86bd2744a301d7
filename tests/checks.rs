//! The self-test's report commands on the mock runtime: saving before any
//! run is refused clearly and writes nothing; a kept report is saved whole,
//! as JSON or Markdown.

mod common;

use axolop_desktop::checks::{CheckOutcome, CheckReport, CheckResult, LastReport};
use common::{assert_error, invoke, window};
use serde_json::json;
use tauri::Manager;

#[test]
fn a_report_is_saved_whole_and_only_once_there_is_one() {
    let app = common::app();
    let first = window(&app, "crm-1");
    let downloads = app.path().download_dir().ok();
    let before = |dir: &Option<std::path::PathBuf>| {
        dir.as_ref()
            .and_then(|d| std::fs::read_dir(d).ok())
            .map(|entries| entries.count())
    };
    let count = before(&downloads);
    assert_error(
        invoke(&first, "checks_save", json!({ "format": "markdown" })),
        "invalid_argument",
        &["run them first"],
    );
    assert_eq!(before(&downloads), count, "nothing written");
    assert_error(
        invoke(&first, "checks_save", json!({ "format": "pdf" })),
        "invalid_argument",
        &["format"],
    );

    let report = CheckReport::of(
        vec![CheckResult {
            id: "election".into(),
            title: "Election and failover".into(),
            outcome: CheckOutcome::Passed,
            ms: 40,
            detail: "crm-1 closed, crm-2 primary in 12 ms".into(),
        }],
        50,
    );
    *app.state::<LastReport>().0.lock().unwrap() = Some(report.clone());
    for (format, check) in [
        ("json", "\"outcome\": \"passed\""),
        ("markdown", "| Election and failover | pass |"),
    ] {
        let path = invoke(&first, "checks_save", json!({ "format": format })).unwrap();
        let path = std::path::PathBuf::from(path.as_str().unwrap());
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::remove_file(&path).unwrap();
        assert!(text.contains(check), "{format}: {text}");
        if format == "json" {
            let read: CheckReport = serde_json::from_str(&text).unwrap();
            assert_eq!(read, report);
        }
    }
}
