//! CRM data shared through a Supabase project, in the real app (release
//! build, real windows under Xvfb), two computers (app instances with their
//! own D-Bus session, display and data directory) against one project
//! (real PostgreSQL, the GoTrue test server and the REST gateway):
//!
//! (a) a save on computer A until the contact is listed in a window of
//!     computer B: median and p95 of 20 saves, one after another. B pulls
//!     every 3 s (a window has the focus), so the figure is dominated by
//!     where in B's interval the save lands: about 1.5 s on average.
//! (b) idle and online, with nothing to send: requests and bytes (HTTP/1.1
//!     heads and bodies, both ways) per minute at the data API, with 1
//!     window and with 8, over one minute each.
//! (c) a first sync of an agency of 10,000 contacts in the app: from
//!     selecting it to its first rows in the window, and to all of them
//!     cached (the window's count), with the requests it took.
//! (d) the app's memory with those 10,000 contacts cached and listed, one
//!     window: resident (RSS) and proportional (PSS) sizes of the app and
//!     its web processes.
//!
//! Run with `bash scripts/bench.sh` (it provides the display).

use std::time::{Duration, Instant};

use axolop_e2e::{report_ms, wait_for, App, PATIENCE};
use axolop_postgrest::Project;
use serde_json::json;

const PASSWORD: &str = "bench-password-4d2a";
const SAVES: usize = 20;
const CONTACTS: i64 = 10_000;

fn listed(app: &App, name: &str) -> bool {
    app.execute(
        "crm-1",
        "return [...document.querySelectorAll('[data-testid=contact-row] .contact-name')].some(e => e.textContent === arguments[0]);",
        json!([name]),
    ) == json!(true)
}

fn shown_count(app: &App) -> u64 {
    app.text("crm-1", "contact-count")
        .and_then(|text| text.trim().replace(',', "").parse().ok())
        .unwrap_or(0)
}

fn main() {
    let project = Project::start();
    project.add_user("ada@example.com", PASSWORD);
    let bob = project.add_user("bob@example.com", PASSWORD);
    let a = App::launch_computer("bench-sync-a", &project);
    a.sign_in_as("ada@example.com", PASSWORD);
    let acme = a
        .invoke("crm-1", "agency_create", json!({ "name": "Acme" }))
        .unwrap();
    a.invoke("crm-1", "agency_select", json!({ "agencyId": acme["id"] }))
        .unwrap();
    project.add_member(acme["id"].as_str().unwrap(), &bob);
    let b = App::launch_computer("bench-sync-b", &project);
    b.sign_in_as("bob@example.com", PASSWORD);
    b.select_when_synced(&acme);
    std::thread::sleep(Duration::from_secs(2));

    // (a)
    let mut delays = Vec::new();
    for n in 0..SAVES {
        // Each sorts first, so it is listed in the rows B's window shows
        // (the list renders only those).
        let name = format!("{:02} Bench contact", SAVES - n);
        let started = Instant::now();
        a.invoke(
            "crm-1",
            "contact_save",
            json!({ "contact": { "name": name } }),
        )
        .unwrap();
        wait_for("the save on B", PATIENCE, || {
            Ok(listed(&b, &name).then_some(()))
        })
        .unwrap();
        delays.push(started.elapsed().as_secs_f64() * 1000.0);
        // Each save lands anywhere in B's 3 s interval: right after one of
        // B's pulls (where the last save was seen) plus up to a whole one.
        std::thread::sleep(Duration::from_millis(fastrand::u64(0..3_000)));
    }
    report_ms("(a) save on A -> listed in a window of B", &delays, 0);
    drop(b);

    // (b)
    let mut label = "crm-1".to_owned();
    for windows in [1, 8] {
        while a.labels().len() < windows {
            label = a.open_window_from(&label);
        }
        std::thread::sleep(Duration::from_secs(3));
        let before = project.gateway.stats();
        std::thread::sleep(Duration::from_secs(60));
        let after = project.gateway.stats();
        println!(
            "(b) idle and online, {windows} window(s): {} requests and {:.1} KiB per minute ({} KiB in, {} KiB out)",
            after.requests - before.requests,
            (after.bytes_in + after.bytes_out - before.bytes_in - before.bytes_out) as f64 / 1024.0,
            (after.bytes_in - before.bytes_in) / 1024,
            (after.bytes_out - before.bytes_out) / 1024,
        );
    }
    drop(a);

    // (c) and (d): Bob's computer, new, and an agency that already has
    // 10,000 contacts on the server.
    let big = big_agency(&project, &bob);
    let c = App::launch_computer("bench-sync-c", &project);
    c.sign_in_as("bob@example.com", PASSWORD);
    wait_for("the big agency listed", PATIENCE, || {
        let agencies = c.invoke("crm-1", "agency_list", json!({})).unwrap();
        Ok(agencies
            .as_array()
            .unwrap()
            .iter()
            .any(|agency| agency["id"] == big.as_str())
            .then_some(()))
    })
    .unwrap();
    let before = project.gateway.stats().requests;
    let started = Instant::now();
    c.invoke("crm-1", "agency_select", json!({ "agencyId": big }))
        .unwrap();
    wait_for("first rows", PATIENCE, || {
        Ok(c.shows("crm-1", "contact-row").then_some(()))
    })
    .unwrap();
    let first_rows = started.elapsed();
    wait_for(
        "every contact cached and counted",
        Duration::from_secs(120),
        || Ok((shown_count(&c) == CONTACTS as u64).then_some(())),
    )
    .unwrap();
    let all = started.elapsed();
    println!(
        "(c) first sync of {CONTACTS} contacts in the app: first rows shown {:.0} ms, all cached {:.0} ms, {} requests",
        first_rows.as_secs_f64() * 1000.0,
        all.as_secs_f64() * 1000.0,
        project.gateway.stats().requests - before,
    );
    std::thread::sleep(Duration::from_secs(5));
    let memory = c.app_memory();
    println!(
        "(d) memory with {CONTACTS} contacts cached, 1 window: RSS {:.0} MiB, PSS {:.0} MiB ({} processes)",
        memory.rss_kib as f64 / 1024.0,
        memory.pss_kib as f64 / 1024.0,
        memory.processes
    );
}

/// An agency of Bob's with 10,000 contacts, made on the server as Bob
/// (the claims the gateway would set), so he is its owner.
fn big_agency(project: &Project, bob: &str) -> String {
    let mut db = project.postgres.superuser();
    let mut tx = db.transaction().unwrap();
    tx.execute(
        "select set_config('request.jwt.claims', json_build_object('sub', $1::text, 'role', 'authenticated')::text, true)",
        &[&bob],
    )
    .unwrap();
    let id: String = tx
        .query_one(
            "insert into agencies (name) values ('Big Agency') returning id::text",
            &[],
        )
        .unwrap()
        .get(0);
    tx.execute(
        "insert into contacts (agency_id, name, company) select $1::text::uuid, 'Contact ' || lpad(n::text, 5, '0'), 'Company ' || (n % 97) from generate_series(1, $2::bigint) n",
        &[&id, &CONTACTS],
    )
    .unwrap();
    tx.commit().unwrap();
    id
}
