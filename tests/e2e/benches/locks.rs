//! Lock round trips from a real webview through Tauri IPC (release build,
//! real windows under Xvfb).
//!
//! A page acquires and releases a free lock in a loop (`lock_acquire`, then
//! `lock_release`: two IPC calls, each also sending a `lock-changed` event to
//! every open window). For comparison it also times `lock_check`, one IPC
//! call that changes nothing and sends no event.
//!
//! WebKit coarsens page clocks to 1 ms, so single calls cannot be timed;
//! the page times batches of consecutive round trips instead, and the figure
//! is the median over batches of the mean time per round trip.
//!
//! Run with `bash scripts/bench.sh` (it provides the display).

use axolop_e2e::App;
use serde_json::Value;

const BATCHES: usize = 40;
const PER_BATCH: usize = 25;

fn main() {
    let app = App::launch("bench-locks");
    let mut labels = app.labels();
    for windows in [1, 4] {
        while labels.len() < windows {
            labels.push(app.open_window_from(&labels[0]));
        }
        for (what, script) in [
            ("acquire+release", PAIR),
            ("lock_check (one call, no event)", CHECK),
        ] {
            let samples = batches(&app, &labels[0], script);
            report(&format!("{windows} window(s) open, {what}"), samples);
        }
    }
}

fn batches(app: &App, label: &str, body: &str) -> Vec<f64> {
    let script = format!(
        "const done = arguments[arguments.length - 1];
         const invoke = window.__TAURI__.core.invoke;
         const round = async () => {{ {body} }};
         (async () => {{
           for (let i = 0; i < {PER_BATCH}; i++) await round();
           const means = [];
           for (let b = 0; b < {BATCHES}; b++) {{
             const start = performance.now();
             for (let i = 0; i < {PER_BATCH}; i++) await round();
             means.push((performance.now() - start) / {PER_BATCH});
           }}
           return means;
         }})().then(done, (error) => done({{ error: String(error && error.message || error) }}));"
    );
    let value = app.execute_async(label, &script);
    match value {
        Value::Array(means) => means.iter().filter_map(Value::as_f64).collect(),
        other => panic!("the benchmark script failed: {other}"),
    }
}

const PAIR: &str = "const lease = await invoke('lock_acquire', { name: 'bench', waitMs: 0 });
                    await invoke('lock_release', { token: lease.token });";
const CHECK: &str = "await invoke('lock_check', { token: 'lease-1' });";

fn report(what: &str, mut samples: Vec<f64>) {
    samples.sort_by(f64::total_cmp);
    let at = |q: f64| samples[((samples.len() - 1) as f64 * q) as usize];
    println!(
        "locks IPC: {what}: median {:.3} ms per round trip (batch means: min {:.3}, p90 {:.3}; {BATCHES} batches of {PER_BATCH})",
        at(0.5),
        samples[0],
        at(0.9),
    );
}
