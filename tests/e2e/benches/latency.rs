//! Latency of the real app (release build, real windows under Xvfb):
//!
//! (a) failover: from the primary window's close request to the new
//!     primary's page having applied `primary-changed`; and from the
//!     primary's web process being killed (SIGKILL, as a crash) to the same,
//!     round trip only (see [`crash_failover`]);
//! (b) events: from the coordinator queueing an event to each page having
//!     applied it, with 3, 4 and 8 windows open. The events are real
//!     `windows-changed` events through the whole delivery path, sent by the
//!     `bench_republish` command (built only with `--features bench`) while no
//!     window is being created or destroyed. Also the main thread's time
//!     handing one event to every page (the app's own trace of it).
//!
//! Each is measured two ways:
//! - **round trip** (echo mode): each page reports every applied event back
//!   at once (a heartbeat carrying its sequence number), and the app stamps
//!   queue, close and report on one monotonic clock in microseconds. The
//!   report travels back over IPC, so this is a strict upper bound of the
//!   one-way time.
//! - **one way** (no echo): the page's own stamp of applying the event
//!   against the app's wall-clock stamp of queueing it. WebKit coarsens page
//!   clocks to 1 ms, so each sample carries ±0.5 ms; half a millisecond is
//!   added to the coarsened stamp, making the error symmetric.
//!
//! Run with `bash scripts/bench.sh` (it provides the display).

use std::collections::HashMap;
use std::time::Duration;

use axolop_e2e::{wait_for, wall_micros, App, PATIENCE};
use serde_json::json;

const FAILOVER_RUNS: usize = 30;
/// Crash runs, one app launch each.
const CRASH_RUNS: usize = 15;
const EVENTS: usize = 60;
/// Spacing of the events, so each is measured on its own.
const EVENT_GAP_MS: u64 = 30;

fn main() {
    for echo in [true, false] {
        let how = if echo { "round trip" } else { "one way" };
        report(
            &format!("(a) failover, close request -> new primary applied primary-changed, {how}"),
            &failover(echo),
        );
    }
    report(
        "(a) crash failover, primary's web process killed -> new primary applied primary-changed, round trip",
        &crash_failover(),
    );
    for windows in [3, 4, 8] {
        for echo in [true, false] {
            let how = if echo { "round trip" } else { "one way" };
            let (per_window, all_windows, main_thread) = events(windows, echo);
            report(
                &format!("(b) {windows} windows, event -> a window applied it, {how}"),
                &per_window,
            );
            report(
                &format!(
                    "(b) {windows} windows, main thread handing one event to every page, {how}"
                ),
                &main_thread,
            );
            report(
                &format!("(b) {windows} windows, event -> every window applied it, {how}"),
                &all_windows,
            );
        }
    }
}

fn launch(name: &str) -> App {
    App::launch_with(name, &[("RUST_LOG", "info,axolop::latency=trace")])
}

fn set_echo(app: &App, label: &str, echo: bool) {
    app.execute(
        label,
        "window.__axolop.echo = arguments[0]; return true;",
        json!([echo]),
    );
}

/// Opens windows until `count` are open.
fn open_windows(app: &App, count: usize, echo: bool) -> Vec<String> {
    let mut labels = app.labels();
    set_echo(app, &labels[0], echo);
    while labels.len() < count {
        let label = app.open_window_from(&labels[0]);
        set_echo(app, &label, echo);
        labels.push(label);
    }
    labels
}

/// The page's applied-event stamps: `(seq, kind, wall-clock ms)`.
fn page_trace(app: &App, label: &str) -> Vec<(u64, String, f64)> {
    let value = app.execute(
        label,
        "return window.__axolop.store.trace.map((e) => [e.seq, e.kind, e.appliedAt]);",
        json!([]),
    );
    value
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|entry| {
            Some((
                entry[0].as_u64()?,
                entry[1].as_str()?.to_owned(),
                entry[2].as_f64()?,
            ))
        })
        .collect()
}

/// When window `label`'s page applied its latest `primary-changed` (wall
/// clock, ms).
fn primary_changed_at(app: &App, label: &str) -> f64 {
    page_trace(app, label)
        .into_iter()
        .rev()
        .find(|(_, kind, _)| kind == "primary-changed")
        .map(|(_, _, at)| page_ms(at))
        .expect("the new primary applied primary-changed")
}

/// A coarsened page stamp, centred on the millisecond it stands for.
fn page_ms(stamp: f64) -> f64 {
    stamp.floor() + 0.5
}

fn failover(echo: bool) -> Vec<f64> {
    let app = launch(if echo {
        "bench-failover-echo"
    } else {
        "bench-failover"
    });
    let mut open = open_windows(&app, 3, echo);
    let mut runs = Vec::new();
    for _ in 0..FAILOVER_RUNS {
        let primary = open.remove(0);
        let successor = open[0].clone();
        app.invoke_detached(&primary, "window_close");
        app.wait_role(&successor, "primary");
        wait_for("the old primary to close", PATIENCE, || {
            Ok((!app.labels().contains(&primary)).then_some(()))
        })
        .unwrap();
        let applied = primary_changed_at(&app, &successor);
        runs.push((primary, successor.clone(), applied));
        let label = app.open_window_from(&successor);
        set_echo(&app, &label, echo);
        open.push(label);
    }
    std::thread::sleep(Duration::from_millis(300));
    let log = Log::parse(&app.log());
    runs.iter()
        .map(|(closed, successor, page_applied_ms)| {
            let requested = log
                .first("close requested", |l| {
                    l.get("window") == Some(closed.as_str())
                })
                .unwrap_or_else(|| panic!("no close request of {closed}"));
            if !echo {
                return page_applied_ms - requested.number("wall_us") as f64 / 1000.0;
            }
            let t0 = requested.at_us;
            let change = log
                .first("event queued", |l| {
                    l.at_us >= t0 && l.get("kind") == Some("primary-changed")
                })
                .expect("primary-changed queued");
            let seq = change.seq();
            log.report_delay_ms(successor, seq, t0)
        })
        .collect()
}

/// One crash per launch: WebKitWebDriver ends its session when any page's
/// web process dies, so the app's log tells what follows. Echo is on, so
/// this is a round trip, like (a)'s upper bound: from the kill (the bench's
/// wall clock, put on the app's monotonic clock through the `event queued`
/// line's two stamps) to the app receiving the new primary's report that
/// it applied `primary-changed`.
fn crash_failover() -> Vec<f64> {
    (0..CRASH_RUNS)
        .map(|run| {
            let app = launch(&format!("bench-crash-failover-{run}"));
            let open = open_windows(&app, 3, true);
            std::thread::sleep(Duration::from_millis(300));
            assert_eq!(app.role(&open[0]), "primary");
            // Windows opened one after another: the oldest web process is
            // the first window's, the primary's.
            let primary_process = app.web_processes()[0];
            let killed_wall_us = wall_micros();
            axolop_e2e::kill_now(primary_process);
            wait_for("the new primary's report", PATIENCE, || {
                let log = Log::parse(&app.log());
                let Some(queued) = log.first("event queued", |l| {
                    l.get("kind") == Some("primary-changed")
                        && l.number("wall_us") >= killed_wall_us
                }) else {
                    return Ok(None);
                };
                let killed_us = killed_wall_us - (queued.number("wall_us") - queued.at_us);
                let seq = queued.seq();
                let reported = log.first("event applied", |l| {
                    l.get("window") != Some(open[0].as_str()) && l.number("applied_seq") >= seq
                });
                Ok(reported.map(|line| (line.at_us - killed_us) as f64 / 1000.0))
            })
            .unwrap()
        })
        .collect()
}

/// Per event, in milliseconds: the delay to each window, to the last
/// window, and the main thread's time handing it to every page.
fn events(windows: usize, echo: bool) -> (Vec<f64>, Vec<f64>, Vec<f64>) {
    let app = launch(&format!("bench-events-{windows}-{echo}"));
    let resident = open_windows(&app, windows, echo);
    // Let the new pages settle before measuring.
    std::thread::sleep(Duration::from_millis(1500));
    let first_seq = Log::parse(&app.log())
        .lines
        .iter()
        .filter(|l| l.message == "event queued")
        .map(Line::seq)
        .max()
        .unwrap_or(0);
    app.focus_driver_on(&resident[0]);
    let sent = app
        .driver
        .execute_async(
            "const [count, gap, done] = arguments;
             (async () => {
               for (let i = 0; i < count; i++) {
                 await window.__TAURI__.core.invoke('bench_republish');
                 await new Promise((resolve) => setTimeout(resolve, gap));
               }
               done(count);
             })().catch((error) => done(String(error)));",
            json!([EVENTS, EVENT_GAP_MS]),
        )
        .expect("republish events");
    assert_eq!(
        sent,
        json!(EVENTS),
        "bench_republish failed (build with --features bench): {sent}"
    );
    std::thread::sleep(Duration::from_millis(500));
    let log = Log::parse(&app.log());
    let traces: HashMap<&String, Vec<(u64, String, f64)>> = resident
        .iter()
        .map(|label| (label, page_trace(&app, label)))
        .collect();

    let mut per_window = Vec::new();
    let mut all_windows = Vec::new();
    for queued in log
        .lines
        .iter()
        .filter(|l| l.message == "event queued" && l.seq() > first_seq)
    {
        let seq = queued.seq();
        let mut slowest = f64::MIN;
        for label in &resident {
            let millis = if echo {
                log.report_delay_ms(label, seq, queued.at_us)
            } else {
                let applied = traces[label]
                    .iter()
                    .find(|(applied_seq, _, _)| *applied_seq == seq)
                    .unwrap_or_else(|| panic!("{label} never applied {seq}"));
                page_ms(applied.2) - queued.number("wall_us") as f64 / 1000.0
            };
            slowest = slowest.max(millis);
            per_window.push(millis);
        }
        all_windows.push(slowest);
    }
    // Batches of one event, from the first event measured.
    let first_at_us = log
        .first("event queued", |l| l.seq() > first_seq)
        .map_or(u64::MAX, |l| l.at_us);
    let main_thread = log
        .lines
        .iter()
        .filter(|l| l.message == "batch handed to webviews" && l.at_us >= first_at_us)
        .filter(|l| l.number("events") == 1 && l.number("windows") as usize >= windows)
        .map(|l| l.number("main_us") as f64 / 1000.0)
        .collect();
    (per_window, all_windows, main_thread)
}

fn report(what: &str, samples: &[f64]) {
    axolop_e2e::report_ms(what, samples, 2);
}

/// One `axolop::latency` line: its message, monotonic stamp and fields.
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
                let words: Vec<&str> = rest.split(' ').collect();
                let first_field = words.iter().position(|w| w.contains('='))?;
                let fields: HashMap<String, String> = words[first_field..]
                    .iter()
                    .filter_map(|w| w.split_once('='))
                    .map(|(k, v)| (k.to_owned(), v.trim_matches('"').to_owned()))
                    .collect();
                Some(Line {
                    message: words[..first_field].join(" "),
                    at_us: fields.get("at_us")?.parse().ok()?,
                    fields,
                })
            })
            .collect();
        Log { lines }
    }

    /// Milliseconds from `since_us` until `window` first reported having
    /// applied event `seq` (or a later one).
    fn report_delay_ms(&self, window: &str, seq: u64, since_us: u64) -> f64 {
        let reported = self
            .first("event applied", |l| {
                l.at_us >= since_us
                    && l.get("window") == Some(window)
                    && l.number("applied_seq") >= seq
            })
            .unwrap_or_else(|| panic!("{window} never reported {seq}"));
        (reported.at_us - since_us) as f64 / 1000.0
    }

    fn first(&self, message: &str, matches: impl Fn(&Line) -> bool) -> Option<&Line> {
        self.lines
            .iter()
            .find(|line| line.message == message && matches(line))
    }
}
