//! The Supabase session in the real app (release build, real windows under
//! Xvfb, the GoTrue-compatible test server):
//!
//! - **refresh calls per issued token** with 1, 4 and 16 windows open, over
//!   20 s of 2-second tokens: every refresh token the server issued and then
//!   superseded was spent exactly once (target 1.0: never twice, never lost);
//! - **sign-in → every window applied it**: from the page calling
//!   `session_sign_in` to the last window applying the `session-changed`
//!   event, on the pages' wall clocks (WebKit coarsens them to 1 ms), median
//!   of 10 sign-ins.
//!
//! Run with `bash scripts/bench.sh` (it provides the display).

use std::time::{Duration, Instant};

use axolop_e2e::App;
use axolop_gotrue::GoTrue;
use serde_json::{json, Value};

const EMAIL: &str = "bench@example.com";
const PASSWORD: &str = "bench-password";
const RUN: Duration = Duration::from_secs(20);
const SIGN_INS: usize = 10;

fn main() {
    for windows in [1usize, 4, 16] {
        let server = GoTrue::start();
        server.add_user(EMAIL, PASSWORD);
        server.set_expires_in(Duration::from_secs(2));
        let url = server.url();
        let app = App::launch_with(
            &format!("bench-session-{windows}"),
            &[
                ("AXOLOP_SUPABASE_URL", &url),
                ("AXOLOP_SUPABASE_ANON_KEY", server.anon_key()),
                ("AXOLOP_SECRET_STORE", "memory"),
            ],
        );
        let mut labels = app.labels();
        while labels.len() < windows {
            labels.push(app.open_window_from(&labels[0]));
        }

        let mut spans = Vec::new();
        for _ in 0..SIGN_INS {
            spans.push(sign_in_span(&app, &labels));
            app.invoke(&labels[0], "session_sign_out", json!({}))
                .unwrap();
        }
        spans.sort_by(f64::total_cmp);

        app.invoke(
            &labels[0],
            "session_sign_in",
            json!({ "email": EMAIL, "password": PASSWORD }),
        )
        .unwrap();
        let before = server.refresh_uses().len();
        let started = Instant::now();
        while started.elapsed() < RUN {
            std::thread::sleep(Duration::from_millis(200));
        }
        let uses = server.refresh_uses();
        // Tokens issued during the run and already superseded: all but the
        // newest, which is still live.
        let spent = &uses[before.saturating_sub(1)..uses.len() - 1];
        let per_token = spent.iter().sum::<usize>() as f64 / spent.len().max(1) as f64;
        println!(
            "session: {windows:>2} windows: refresh calls per issued token {per_token:.3} \
             ({} tokens over {} s of 2 s tokens, max uses of one token {}, reuses {}); \
             sign-in -> every window applied it: median {:.1} ms (min {:.1}, max {:.1}; {SIGN_INS} sign-ins)",
            spent.len(),
            RUN.as_secs(),
            spent.iter().max().unwrap_or(&0),
            server.stats().reuses,
            spans[SIGN_INS / 2],
            spans[0],
            spans[SIGN_INS - 1],
        );
    }
}

/// Signs in from the first window; returns the ms until the last window
/// applied the `session-changed` event that followed.
fn sign_in_span(app: &App, labels: &[String]) -> f64 {
    let script = format!(
        "const done = arguments[arguments.length - 1];
         const start = performance.timeOrigin + performance.now();
         window.__TAURI__.core.invoke('session_sign_in', {{ email: {EMAIL:?}, password: {PASSWORD:?} }})
           .then(() => done(start), (error) => done({{ error }}));"
    );
    let started = app.execute_async(&labels[0], &script);
    let Some(started) = started.as_f64() else {
        panic!("sign-in failed: {started}");
    };
    labels
        .iter()
        .map(|label| applied_after(app, label, started) - started)
        .fold(0.0, f64::max)
}

/// When window `label` applied the first `session-changed` after `after`.
fn applied_after(app: &App, label: &str, after: f64) -> f64 {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let found: Value = app.execute(
            label,
            "const [after] = arguments;
             const hit = window.__axolop.store.trace.find(
               (t) => t.kind === 'session-changed' && t.appliedAt >= after - 1);
             return hit ? hit.appliedAt : null;",
            json!([after]),
        );
        if let Some(at) = found.as_f64() {
            return at;
        }
        assert!(
            Instant::now() < deadline,
            "{label} never applied the sign-in"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}
