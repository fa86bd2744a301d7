//! CRM data shared through a Supabase project, between two computers:
//! two app instances, each in its own D-Bus session, display and data
//! directory, signed in as two members of one agency against one project
//! (real PostgreSQL, the GoTrue test server and the REST gateway).

use std::time::{Duration, Instant};

use std::collections::BTreeMap;

use axolop_e2e::{alone, fresh_data_dir, wait_for, App, PATIENCE};
use axolop_postgrest::{Fault, Project};
use serde_json::json;

const PASSWORD: &str = "e2e-password-7b1c";

/// How soon a change on one computer must show on the other.
const WITHIN: Duration = Duration::from_secs(5);

/// Ada and Bob, members of Acme, which Ada made on device `a`; Bob's
/// device `b` has Acme selected too.
struct Team {
    project: Project,
    a: App,
    b: App,
}

fn team(test: &str) -> Team {
    let project = Project::start();
    project.add_user("ada@example.com", PASSWORD);
    let bob = project.add_user("bob@example.com", PASSWORD);
    let a = App::launch_computer(&format!("{test}-a"), &project);
    a.sign_in_as("ada@example.com", PASSWORD);
    let agency = a.create_agency("Acme");
    project.add_member(agency["id"].as_str().unwrap(), &bob);
    let b = App::launch_computer(&format!("{test}-b"), &project);
    b.sign_in_as("bob@example.com", PASSWORD);
    b.select_when_synced(&agency);
    Team { project, a, b }
}

/// The sync status window `label` shows: its state and the changes waiting.
fn server_status(app: &App, label: &str) -> (String, u64) {
    let status = app.execute(
        label,
        "const el = document.querySelector('[data-testid=server-status]');
         return el ? [el.dataset.state, Number(el.dataset.waiting)] : ['', 0];",
        json!([]),
    );
    (
        status[0].as_str().unwrap_or_default().to_owned(),
        status[1].as_u64().unwrap_or_default(),
    )
}

/// The live contacts on the server, by name, with how many rows each has.
fn on_server(project: &Project) -> BTreeMap<String, i64> {
    project
        .postgres
        .superuser()
        .query(
            "select name, count(*) from contacts where deleted_at is null group by name",
            &[],
        )
        .unwrap()
        .iter()
        .map(|row| (row.get(0), row.get(1)))
        .collect()
}

/// The names window `label` lists.
fn names(app: &App, label: &str) -> Vec<String> {
    let listed = app.execute(
        label,
        "return [...document.querySelectorAll('[data-testid=contact-row] .contact-name')].map(e => e.textContent);",
        json!([]),
    );
    serde_json::from_value(listed).unwrap_or_default()
}

/// Waits until window `label` lists what `wanted` accepts; how long it took.
fn until_listed(
    app: &App,
    label: &str,
    what: &str,
    wanted: impl Fn(&[String]) -> bool,
) -> Duration {
    let started = Instant::now();
    wait_for(what, PATIENCE, || {
        Ok(wanted(&names(app, label)).then_some(()))
    })
    .unwrap_or_else(|error| panic!("{error}; listed: {:?}", names(app, label)));
    started.elapsed()
}

#[test]
fn a_change_on_one_computer_shows_on_the_other_within_seconds() {
    let _alone = alone();
    // Bound, not ignored: the project must outlive the devices.
    let Team {
        project: _project,
        a,
        b,
    } = team("sync-two");

    // Created on A: shows on B.
    let saved = a
        .invoke(
            "crm-1",
            "contact_save",
            json!({ "contact": { "name": "Grace Hopper" } }),
        )
        .unwrap();
    let created = until_listed(&b, "crm-1", "A's contact on B", |names| {
        names == ["Grace Hopper"]
    });

    // Edited on B: shows on A.
    let on_b = b
        .invoke("crm-1", "contact_get", json!({ "id": saved["id"] }))
        .unwrap();
    b.invoke(
        "crm-1",
        "contact_save",
        json!({ "contact": { "id": on_b["id"], "version": on_b["version"], "name": "Grace B. Hopper" } }),
    )
    .unwrap();
    let edited = until_listed(&a, "crm-1", "B's edit on A", |names| {
        names == ["Grace B. Hopper"]
    });

    // Deleted on A: gone from B.
    let on_a = a
        .invoke("crm-1", "contact_get", json!({ "id": saved["id"] }))
        .unwrap();
    a.invoke(
        "crm-1",
        "contact_delete",
        json!({ "id": on_a["id"], "version": on_a["version"] }),
    )
    .unwrap();
    let deleted = until_listed(&b, "crm-1", "A's deletion on B", |names| names.is_empty());

    eprintln!("created {created:?}, edited {edited:?}, deleted {deleted:?}");
    for (what, took) in [
        ("created", created),
        ("edited", edited),
        ("deleted", deleted),
    ] {
        assert!(took < WITHIN, "{what} took {took:?}");
    }
}

#[test]
fn two_computers_editing_one_contact_offline_keep_both_edits_one_on_the_server() {
    let _alone = alone();
    let Team { project, a, b, .. } = team("sync-conflict");
    let saved = a
        .invoke(
            "crm-1",
            "contact_save",
            json!({ "contact": { "name": "Ana" } }),
        )
        .unwrap();
    until_listed(&b, "crm-1", "Ana on B", |names| names == ["Ana"]);

    // Both computers lose the server, and both edit Ana.
    project.gateway.inject(Fault::Reset, 1_000_000);
    for (app, name) in [(&a, "Ana (edited on A)"), (&b, "Ana (edited on B)")] {
        let ana = app
            .invoke("crm-1", "contact_get", json!({ "id": saved["id"] }))
            .unwrap();
        app.invoke(
            "crm-1",
            "contact_save",
            json!({ "contact": { "id": ana["id"], "version": ana["version"], "name": name, "notes": name } }),
        )
        .unwrap();
    }
    for app in [&a, &b] {
        wait_for("offline with the edit waiting", PATIENCE, || {
            Ok((server_status(app, "crm-1") == ("offline".to_owned(), 1)).then_some(()))
        })
        .unwrap();
    }
    project.gateway.clear_faults();

    // One edit lands; the other computer shows the server's, flagged.
    let flagged = |app: &App| {
        app.execute(
            "crm-1",
            "return document.querySelectorAll('[data-testid=contact-conflict-badge]').length;",
            json!([]),
        ) == json!(1)
    };
    let (loser, theirs, mine) = wait_for(
        "one edit on the server, a conflict on the other",
        PATIENCE,
        || {
            let server = on_server(&project);
            Ok(if server.contains_key("Ana (edited on A)") && flagged(&b) {
                Some((&b, "Ana (edited on A)", "Ana (edited on B)"))
            } else if server.contains_key("Ana (edited on B)") && flagged(&a) {
                Some((&a, "Ana (edited on B)", "Ana (edited on A)"))
            } else {
                None
            })
        },
    )
    .unwrap();
    assert_eq!(on_server(&project).len(), 1, "{:?}", on_server(&project));
    assert_eq!(names(loser, "crm-1"), [theirs]);

    // Opened, the editor shows the losing edit's text, kept.
    loser.click("crm-1", "[data-testid=contact-row]");
    wait_for("the kept edit in the editor", PATIENCE, || {
        let shown = loser.value("crm-1", "[data-testid=contact-name]");
        Ok(
            (shown.as_deref() == Some(mine) && loser.shows("crm-1", "contact-conflict"))
                .then_some(()),
        )
    })
    .unwrap();
    assert_eq!(
        loser
            .value("crm-1", "[data-testid=contact-notes]")
            .as_deref(),
        Some(mine)
    );
}

/// How many contacts the crash test saves before its first kill.
const BEFORE_KILLS: usize = 30;
/// How often the app is killed while its outbox drains.
const KILLS: usize = 20;

#[test]
fn every_acknowledged_save_reaches_the_server_once_however_often_the_app_is_killed() {
    let _alone = alone();
    let project = Project::start();
    project.add_user("ada@example.com", PASSWORD);
    let dir = fresh_data_dir("sync-crash");
    let seed = fastrand::u64(..);
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut acked: Vec<String> = Vec::new();
    let save = |app: &App, acked: &mut Vec<String>| {
        let name = format!("Crash {:03}", acked.len());
        app.invoke(
            "crm-1",
            "contact_save",
            json!({ "contact": { "name": name } }),
        )
        .unwrap();
        acked.push(name);
    };

    // Saved offline: all of it waits in the outbox.
    let app = App::launch_computer_in(&dir, &project);
    app.sign_in_as("ada@example.com", PASSWORD);
    app.create_agency("Acme");
    project.gateway.inject(Fault::Reset, 1_000_000);
    for _ in 0..BEFORE_KILLS {
        save(&app, &mut acked);
    }
    app.kill_app();
    drop(app);
    project.gateway.clear_faults();

    // Each run drains some (every request a little slow), saves two more,
    // and is killed at a random moment.
    for kill in 0..KILLS {
        project
            .gateway
            .inject(Fault::Delay(Duration::from_millis(40)), 1_000_000);
        let app = App::launch_computer_in(&dir, &project);
        app.sign_in_as("ada@example.com", PASSWORD);
        save(&app, &mut acked);
        save(&app, &mut acked);
        std::thread::sleep(Duration::from_millis(rng.u64(0..600)));
        app.kill_app();
        drop(app);
        project.gateway.clear_faults();
        let duplicated: Vec<_> = on_server(&project)
            .into_iter()
            .filter(|(_, count)| *count > 1)
            .collect();
        assert!(
            duplicated.is_empty(),
            "seed {seed}, kill {kill}: {duplicated:?}"
        );
    }

    let app = App::launch_computer_in(&dir, &project);
    app.sign_in_as("ada@example.com", PASSWORD);
    wait_for("every acknowledged save on the server", PATIENCE, || {
        Ok((on_server(&project).len() == acked.len()).then_some(()))
    })
    .unwrap_or_else(|error| {
        panic!(
            "seed {seed}: {error}; server has {:?}",
            on_server(&project).len()
        )
    });
    let expected: BTreeMap<String, i64> = acked.iter().map(|name| (name.clone(), 1)).collect();
    assert_eq!(
        on_server(&project),
        expected,
        "seed {seed}: each exactly once"
    );
    wait_for("nothing waiting", PATIENCE, || {
        Ok((server_status(&app, "crm-1") == ("online".to_owned(), 0)).then_some(()))
    })
    .unwrap();
}

#[test]
fn one_engine_makes_the_same_requests_per_interval_with_one_window_and_with_eight() {
    let _alone = alone();
    let project = Project::start();
    project.add_user("ada@example.com", PASSWORD);
    let app = App::launch_computer("sync-one-engine", &project);
    app.sign_in_as("ada@example.com", PASSWORD);
    app.create_agency("Acme");
    let per_interval = |what: &str| {
        // Settle, then count over four intervals of 3 s.
        std::thread::sleep(Duration::from_secs(2));
        let before = project.gateway.stats().requests;
        std::thread::sleep(Duration::from_secs(12));
        let requests = project.gateway.stats().requests - before;
        eprintln!("{what}: {requests} requests in 12 s");
        requests as f64 / 4.0
    };
    let one = per_interval("1 window");
    let mut label = "crm-1".to_owned();
    for _ in 0..7 {
        label = app.open_window_from(&label);
    }
    assert_eq!(app.labels().len(), 8);
    let eight = per_interval("8 windows");
    assert!(one >= 1.0, "the engine polls: {one} requests per interval");
    // Equal but for where the 12 s cut an exchange (3 requests each).
    assert!(
        (eight - one).abs() <= 0.75,
        "{one} requests per interval with 1 window, {eight} with 8"
    );
}
