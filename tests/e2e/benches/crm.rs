//! The CRM in the real app (release build, real windows under Xvfb):
//!
//! (a) agency switch: from a window calling `agency_select` to every one of
//!     8 windows showing the new agency's name (`[data-testid=current-agency]`
//!     changed in the DOM, which the next frame paints); the median of 40
//!     switches between two agencies.
//! (b) first paint of a 10,000-contact list, with one window open:
//!     switching to an agency with 10,000 contacts, from the call to the
//!     first contact rows in the DOM, and to the whole list loaded; the
//!     median of 10.
//! (c) scrolling that list: a jump to a random place, from setting the
//!     scroll position to the rows there being in the DOM after the next
//!     animation frame (the list renders in that frame); the median of 60,
//!     next to the same wait for one frame with no scrolling, which is what
//!     the display itself costs under Xvfb.
//!
//! Page clocks are the wall clock coarsened to 1 ms by WebKit, so figures
//! across windows carry ±1 ms. Contacts are seeded by the bench-only
//! `bench_seed_contacts` command (`--features bench`).
//!
//! Run with `bash scripts/bench.sh` (it provides the display).

use std::time::Duration;

use axolop_e2e::{wait_for, App, PATIENCE};
use serde_json::{json, Value};

const WINDOWS: usize = 8;
const SWITCHES: usize = 40;
const CONTACTS: usize = 10_000;
const LIST_RUNS: usize = 10;
const SCROLLS: usize = 60;

fn main() {
    let app = App::launch("bench-crm");
    let mut labels = app.labels();
    while labels.len() < WINDOWS {
        labels.push(app.open_window_from(&labels[0]));
    }
    let first = labels[0].clone();
    let acme = create(&app, &first, "Acme");
    let globex = create(&app, &first, "Globex");
    select(&app, &first, &acme);
    std::thread::sleep(Duration::from_millis(1000));

    report(
        &format!("(a) agency switch, agency_select -> all {WINDOWS} windows show it"),
        &agency_switches(&app, &labels, [&acme, &globex]),
    );

    // The list figures are for one window: with eight, every window loads
    // the 10,000 contacts at once, and two cores share the work.
    for label in &labels[1..] {
        app.close_window(label);
    }
    let big = create(&app, &first, "Big Agency");
    let seeded = app
        .invoke(
            &first,
            "bench_seed_contacts",
            json!({ "agencyId": big["id"], "count": CONTACTS }),
        )
        .expect("bench_seed_contacts (build with --features bench)");
    assert_eq!(seeded, json!(CONTACTS));
    let (first_paint, complete) = list_loads(&app, &first, &acme, &big);
    report(
        &format!("(b) switch to {CONTACTS} contacts -> first rows in the DOM"),
        &first_paint,
    );
    report(
        &format!("(b) switch to {CONTACTS} contacts -> all {CONTACTS} loaded"),
        &complete,
    );
    std::thread::sleep(Duration::from_millis(1000));
    let (jumps, idle) = scroll_jumps(&app, &first);
    report(
        &format!("(c) scroll jump in {CONTACTS} contacts -> rows there after the next frame"),
        &jumps,
    );
    report("(c) one frame with no scrolling, for comparison", &idle);
}

fn create(app: &App, label: &str, name: &str) -> Value {
    app.invoke(label, "agency_create", json!({ "name": name }))
        .expect("agency_create")
}

fn select(app: &App, label: &str, agency: &Value) {
    app.invoke(label, "agency_select", json!({ "agencyId": agency["id"] }))
        .expect("agency_select");
}

/// Installs in window `label` a watcher that stamps when the shown agency
/// becomes `name`.
fn watch_agency(app: &App, label: &str, name: &str) {
    app.execute(
        label,
        "const name = arguments[0];
         const el = document.querySelector('[data-testid=current-agency]');
         window.__shownAt = null;
         const stamp = () => {
           if (el.textContent === name && window.__shownAt === null) {
             window.__shownAt = performance.timeOrigin + performance.now();
           }
         };
         window.__agencyWatch?.disconnect();
         window.__agencyWatch = new MutationObserver(stamp);
         window.__agencyWatch.observe(el, { childList: true, characterData: true, subtree: true });
         return true;",
        json!([name]),
    );
}

fn agency_switches(app: &App, labels: &[String], agencies: [&Value; 2]) -> Vec<f64> {
    let mut samples = Vec::new();
    for run in 0..SWITCHES {
        let target = agencies[(run + 1) % 2];
        let name = target["name"].as_str().unwrap();
        for label in labels {
            watch_agency(app, label, name);
        }
        let from = &labels[run % labels.len()];
        app.focus_driver_on(from);
        let sent = app
            .driver
            .execute_async(
                "const [id, done] = arguments;
                 const sent = performance.timeOrigin + performance.now();
                 window.__TAURI__.core.invoke('agency_select', { agencyId: id })
                   .then(() => done(sent), (error) => done(String(error.message)));",
                json!([target["id"]]),
            )
            .expect("agency_select");
        let sent = sent.as_f64().unwrap_or_else(|| panic!("{sent}"));
        let mut slowest = f64::MIN;
        for label in labels {
            let shown = wait_for(&format!("{label} to show {name}"), PATIENCE, || {
                Ok(app
                    .execute(label, "return window.__shownAt;", json!([]))
                    .as_f64())
            })
            .unwrap();
            slowest = slowest.max(shown - sent);
        }
        samples.push(slowest);
    }
    samples
}

fn list_loads(app: &App, label: &str, small: &Value, big: &Value) -> (Vec<f64>, Vec<f64>) {
    let mut first_paint = Vec::new();
    let mut complete = Vec::new();
    for _ in 0..LIST_RUNS {
        select(app, label, small);
        wait_for("the small agency", PATIENCE, || {
            Ok((app.text(label, "contact-count").as_deref() == Some("0")).then_some(()))
        })
        .unwrap();
        let times = app.execute_async(
            label,
            &format!(
                "const done = arguments[arguments.length - 1];
                 const list = document.querySelector('[data-testid=contact-list]');
                 const start = performance.now();
                 let painted = null;
                 const seen = new MutationObserver(() => {{
                   if (painted === null && list.querySelector('[data-testid=contact-row][data-id]:not([data-id=\"\"])')) {{
                     painted = performance.now() - start;
                   }}
                 }});
                 seen.observe(list, {{ childList: true, subtree: true, attributes: true }});
                 window.__TAURI__.core.invoke('agency_select', {{ agencyId: {id} }}).catch((e) => done(String(e.message)));
                 const poll = () => {{
                   const contacts = window.__axolop.contacts;
                   if (painted !== null && contacts.complete && contacts.total === {CONTACTS}) {{
                     seen.disconnect();
                     done([painted, performance.now() - start]);
                   }} else setTimeout(poll, 2);
                 }};
                 poll();",
                id = big["id"],
            ),
        );
        let pair = times.as_array().unwrap_or_else(|| panic!("{times}"));
        first_paint.push(pair[0].as_f64().unwrap());
        complete.push(pair[1].as_f64().unwrap());
    }
    (first_paint, complete)
}

fn scroll_jumps(app: &App, label: &str) -> (Vec<f64>, Vec<f64>) {
    let times = app.execute_async(
        label,
        &format!(
            "const done = arguments[arguments.length - 1];
             const list = document.querySelector('[data-testid=contact-list]');
             const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
             (async () => {{
               const samples = [];
               for (let i = 0; i < {SCROLLS}; i++) {{
                 const index = Math.floor(Math.random() * {CONTACTS});
                 const start = performance.now();
                 list.scrollTop = index * 36;
                 list.dispatchEvent(new Event('scroll'));
                 await frame();
                 const top = Math.floor(list.scrollTop / 36);
                 const rows = [...list.querySelectorAll('[data-testid=contact-row]')];
                 const shown = rows.some((row) => row.style.transform === `translateY(${{top * 36}}px)` && row.dataset.id);
                 if (!shown) throw new Error('row ' + top + ' not rendered');
                 samples.push(performance.now() - start);
               }}
               const idle = [];
               for (let i = 0; i < {SCROLLS}; i++) {{
                 const start = performance.now();
                 await frame();
                 idle.push(performance.now() - start);
               }}
               done([samples, idle]);
             }})().catch((error) => done(String(error)));"
        ),
    );
    let series = |value: &Value| -> Vec<f64> {
        value
            .as_array()
            .unwrap_or_else(|| panic!("{times}"))
            .iter()
            .map(|v| v.as_f64().unwrap())
            .collect()
    };
    (series(&times[0]), series(&times[1]))
}

fn report(what: &str, samples: &[f64]) {
    axolop_e2e::report_ms(what, samples, 1);
}
