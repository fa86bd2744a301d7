//! Latency of the real app, measured on the coordinator's monotonic clock:
//!
//! (a) failover: from the primary window's close request to the new
//!     primary's page having applied `primary-changed`;
//! (b) events: from the coordinator queueing an event to each page having
//!     applied it, with 4 and with 8 windows open.
//!
//! Pages run in "echo" mode: each applied event is reported back at once
//! (a heartbeat carrying its sequence number), and the app logs queue,
//! close and apply stamps at `axolop::latency=trace`. A page's report
//! travels back over IPC, so every figure is an upper bound on the one-way
//! time. Run with `bash scripts/bench.sh` (needs a display: it makes one).

use std::collections::HashMap;
use std::time::Duration;

use axolop_e2e::{wait_for, App, PATIENCE};
use serde_json::json;

const FAILOVER_RUNS: usize = 25;
const EVENT_CYCLES: usize = 12;

fn main() {
    let failover = failover_latencies();
    report(
        "(a) failover, close request -> new primary applied primary-changed",
        &failover,
    );
    for windows in [4, 8] {
        let (per_window, all_windows) = event_latencies(windows);
        report(
            &format!("(b) event -> one window's page applied it, {windows} windows"),
            &per_window,
        );
        report(
            &format!("(b) event -> every one of {windows} windows applied it"),
            &all_windows,
        );
    }
}

fn launch(name: &str) -> App {
    App::launch_with(name, &[("RUST_LOG", "info,axolop::latency=trace")])
}

fn echo_on(app: &App, label: &str) {
    app.execute(
        label,
        "window.__axolop.echo = true; return true;",
        json!([]),
    );
}

/// Opens windows until `count` are open, each echoing.
fn open_windows(app: &App, count: usize) -> Vec<String> {
    let mut labels = app.labels();
    echo_on(app, &labels[0]);
    while labels.len() < count {
        let label = app.open_window_from(&labels[0]);
        echo_on(app, &label);
        labels.push(label);
    }
    labels
}

fn failover_latencies() -> Vec<f64> {
    let app = launch("bench-failover");
    let mut open = open_windows(&app, 3);
    let mut expected = Vec::new();
    for _ in 0..FAILOVER_RUNS {
        let primary = open.remove(0);
        let successor = open[0].clone();
        app.invoke_detached(&primary, "window_close");
        app.wait_role(&successor, "primary");
        wait_for("the old primary to close", PATIENCE, || {
            Ok((!app.labels().contains(&primary)).then_some(()))
        })
        .unwrap();
        expected.push((primary, successor.clone()));
        let label = app.open_window_from(&successor);
        echo_on(&app, &label);
        open.push(label);
    }
    std::thread::sleep(Duration::from_millis(300));
    let log = Log::parse(&app.log());
    expected
        .iter()
        .map(|(closed, successor)| {
            let requested = log
                .first("close requested", |l| {
                    l.get("window") == Some(closed.as_str())
                })
                .unwrap_or_else(|| panic!("no close request of {closed}"));
            let t0 = requested.at_us;
            let change = log
                .first("event queued", |l| {
                    l.at_us >= t0 && l.get("kind") == Some("primary-changed")
                })
                .expect("primary-changed queued");
            let seq = change.seq();
            let applied = log
                .first("event applied", |l| {
                    l.at_us >= t0
                        && l.get("window") == Some(successor.as_str())
                        && l.applied_seq() >= seq
                })
                .unwrap_or_else(|| panic!("{successor} never applied {seq}"));
            (applied.at_us - t0) as f64 / 1000.0
        })
        .collect()
}

/// Per (event, window) latencies, and per event the time until every window
/// had applied it; in milliseconds.
fn event_latencies(windows: usize) -> (Vec<f64>, Vec<f64>) {
    let app = launch(&format!("bench-events-{windows}"));
    let resident = open_windows(&app, windows);
    let first_seq = Log::parse(&app.log())
        .lines
        .iter()
        .filter(|l| l.message == "event queued")
        .map(Line::seq)
        .max()
        .unwrap_or(0);
    for _ in 0..EVENT_CYCLES {
        let extra = app.open_window_from(&resident[0]);
        app.close_window(&extra);
    }
    std::thread::sleep(Duration::from_millis(300));
    let log = Log::parse(&app.log());

    let mut per_window = Vec::new();
    let mut all_windows = Vec::new();
    for queued in log
        .lines
        .iter()
        .filter(|l| l.message == "event queued" && l.seq() > first_seq)
    {
        let seq = queued.seq();
        let mut slowest = 0u64;
        for label in &resident {
            let applied = log
                .first("event applied", |l| {
                    l.at_us >= queued.at_us
                        && l.get("window") == Some(label.as_str())
                        && l.applied_seq() >= seq
                })
                .unwrap_or_else(|| panic!("{label} never applied {seq}"));
            let micros = applied.at_us - queued.at_us;
            slowest = slowest.max(micros);
            per_window.push(micros as f64 / 1000.0);
        }
        all_windows.push(slowest as f64 / 1000.0);
    }
    (per_window, all_windows)
}

fn report(what: &str, samples: &[f64]) {
    let mut sorted = samples.to_vec();
    sorted.sort_by(f64::total_cmp);
    let at = |q: f64| sorted[((sorted.len() - 1) as f64 * q).round() as usize];
    println!(
        "{what}: median {:.3} ms, p95 {:.3} ms, min {:.3} ms, max {:.3} ms ({} samples)",
        at(0.5),
        at(0.95),
        sorted[0],
        sorted[sorted.len() - 1],
        sorted.len()
    );
}

/// One `axolop::latency` line: its message, stamp and fields.
struct Line {
    message: String,
    at_us: u64,
    fields: HashMap<String, String>,
}

impl Line {
    fn get(&self, key: &str) -> Option<&str> {
        self.fields.get(key).map(String::as_str)
    }

    fn number(&self, key: &str) -> u64 {
        self.get(key).and_then(|v| v.parse().ok()).unwrap_or(0)
    }

    fn seq(&self) -> u64 {
        self.number("seq")
    }

    fn applied_seq(&self) -> u64 {
        self.number("applied_seq")
    }
}

struct Log {
    lines: Vec<Line>,
}

impl Log {
    /// Reads lines like `... TRACE axolop::latency: event queued seq=5 kind="x" at_us=12`.
    fn parse(text: &str) -> Self {
        let lines = text
            .lines()
            .filter_map(|line| line.split_once("axolop::latency: ").map(|(_, rest)| rest))
            .filter_map(|rest| {
                let start = rest.find(|c: char| c.is_ascii_alphanumeric() && rest.contains('='))?;
                let words: Vec<&str> = rest[start..].split(' ').collect();
                let first_field = words.iter().position(|w| w.contains('='))?;
                let message = words[..first_field].join(" ");
                let fields: HashMap<String, String> = words[first_field..]
                    .iter()
                    .filter_map(|w| w.split_once('='))
                    .map(|(k, v)| (k.to_owned(), v.trim_matches('"').to_owned()))
                    .collect();
                let at_us = fields.get("at_us")?.parse().ok()?;
                Some(Line {
                    message,
                    at_us,
                    fields,
                })
            })
            .collect();
        Log { lines }
    }

    fn first(&self, message: &str, matches: impl Fn(&Line) -> bool) -> Option<&Line> {
        self.lines
            .iter()
            .find(|line| line.message == message && matches(line))
    }
}
