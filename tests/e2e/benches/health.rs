//! Window health in the real app (release build, real windows under Xvfb):
//!
//! (a) from a window going silent (its page's last heartbeat) to another
//!     window's page showing itself primary, at the default 5 s timeout;
//!     the median of 10. The page is silenced by turning its beat off, so it
//!     stays answerable to the benchmark.
//! (b) the CPU cost of heartbeats with 16 idle windows, at the default
//!     timeout (pages beat every 2.5 s): every process of the app over 20 s
//!     with the pages beating, then over 20 s with every page's beat off
//!     (measured once the silent windows have been marked unresponsive),
//!     twice each, alternating; the difference of the means is the
//!     heartbeats' cost, in percent of one core.
//!
//! Run with `bash scripts/bench.sh` (it provides the display).

use std::time::Duration;

use axolop_e2e::{wait_for, App, PATIENCE};
use serde_json::json;

const FAILOVERS: usize = 10;
const IDLE_WINDOWS: usize = 16;
const MEASURE: Duration = Duration::from_secs(20);

fn main() {
    let (overall, over_timeout) = silence_to_new_primary();
    axolop_e2e::report_ms(
        "(a) a window goes silent (last beat) -> another shows itself primary, 5 s timeout",
        &overall,
        0,
    );
    axolop_e2e::report_ms("(a) the same, beyond the 5 s timeout", &over_timeout, 0);
    let (beating, silent) = heartbeat_cpu();
    println!("(b) samples, % of a core: beating {beating:.2?}, beats off {silent:.2?}");
    let (beating, silent) = (mean(&beating), mean(&silent));
    println!(
        "(b) {IDLE_WINDOWS} idle windows, whole app: {beating:.2}% of a core beating, {silent:.2}% with beats off; heartbeats cost {:.2}% of a core",
        beating - silent
    );
}

fn set_beating(app: &App, label: &str, beating: bool) {
    app.execute(
        label,
        "window.__axolop.beating = arguments[0]; return true;",
        json!([beating]),
    );
}

fn silence_to_new_primary() -> (Vec<f64>, Vec<f64>) {
    let app = App::launch("bench-health-failover");
    let mut labels = app.labels();
    while labels.len() < 3 {
        labels.push(app.open_window_from(&labels[0]));
    }
    let mut overall = Vec::new();
    let mut over = Vec::new();
    for _ in 0..FAILOVERS {
        let primary = labels
            .iter()
            .find(|label| app.role(label) == "primary")
            .expect("a primary")
            .clone();
        for label in labels.iter().filter(|label| **label != primary) {
            app.execute(
                label,
                "const role = document.querySelector('[data-testid=window-role]');
                 window.__primaryAt = null;
                 window.__watch?.disconnect();
                 window.__watch = new MutationObserver(() => {
                   if (role.textContent === 'primary' && window.__primaryAt === null) window.__primaryAt = Date.now();
                 });
                 window.__watch.observe(role, { childList: true, characterData: true, subtree: true });
                 return true;",
                json!([]),
            );
        }
        // Its last beat is the start: wait for one (a page beats every
        // 2.5 s, and a page just opened may not have beaten yet).
        wait_for("the primary's beat", PATIENCE, || {
            let beat = app.execute(&primary, "return window.__axolop.lastBeatAt;", json!([]));
            Ok((beat.as_f64() > Some(0.0)).then_some(()))
        })
        .unwrap();
        set_beating(&app, &primary, false);
        let successor = wait_for("a new primary", PATIENCE, || {
            Ok(labels
                .iter()
                .filter(|label| **label != primary)
                .find(|label| app.role(label) == "primary")
                .cloned())
        })
        .unwrap();
        let last_beat = app
            .execute(&primary, "return window.__axolop.lastBeatAt;", json!([]))
            .as_f64()
            .unwrap();
        let shown = app
            .execute(&successor, "return window.__primaryAt;", json!([]))
            .as_f64()
            .unwrap();
        overall.push(shown - last_beat);
        over.push(shown - last_beat - 5_000.0);
        set_beating(&app, &primary, true);
        app.wait_role(&primary, "secondary");
    }
    (overall, over)
}

/// Percent of one core used by the whole app over [`MEASURE`].
fn cpu_percent(app: &App) -> f64 {
    let before = app.cpu_seconds();
    std::thread::sleep(MEASURE);
    (app.cpu_seconds() - before) / MEASURE.as_secs_f64() * 100.0
}

/// Percent of one core used with every page beating, and with every beat
/// off, measured alternately.
fn heartbeat_cpu() -> (Vec<f64>, Vec<f64>) {
    let app = App::launch("bench-health-cpu");
    let mut labels = app.labels();
    while labels.len() < IDLE_WINDOWS {
        labels.push(app.open_window_from(&labels[0]));
    }
    let (mut beating, mut silent) = (Vec::new(), Vec::new());
    for _ in 0..2 {
        for label in &labels {
            set_beating(&app, label, true);
        }
        // Back from unresponsive: each window's next beat, then its events.
        std::thread::sleep(Duration::from_secs(5));
        beating.push(cpu_percent(&app));
        for label in &labels {
            set_beating(&app, label, false);
        }
        // Past the 5 s timeout: the windows have been marked unresponsive.
        std::thread::sleep(Duration::from_secs(8));
        silent.push(cpu_percent(&app));
    }
    (beating, silent)
}

fn mean(samples: &[f64]) -> f64 {
    samples.iter().sum::<f64>() / samples.len() as f64
}
