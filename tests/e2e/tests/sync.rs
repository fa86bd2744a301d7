//! CRM data shared through a Supabase project, between two computers:
//! two app instances, each in its own D-Bus session, display and data
//! directory, signed in as two members of one agency against one project
//! (real PostgreSQL, the GoTrue test server and the REST gateway).

use std::time::{Duration, Instant};

use axolop_e2e::{alone, wait_for, App, PATIENCE};
use axolop_postgrest::Project;
use serde_json::{json, Value};

const PASSWORD: &str = "e2e-password-7b1c";

/// How soon a change on one computer must show on the other.
const WITHIN: Duration = Duration::from_secs(5);

fn device(test: &str, project: &Project) -> App {
    let url = project.url();
    App::launch_device(
        test,
        &[
            ("AXOLOP_SUPABASE_URL", &url),
            ("AXOLOP_SUPABASE_ANON_KEY", project.anon_key()),
        ],
    )
}

/// Signs `email` in from window `crm-1`, once the app asks for a sign-in.
fn sign_in(app: &App, email: &str) {
    wait_for(&format!("{email}'s sign-in"), PATIENCE, || {
        Ok(app
            .invoke(
                "crm-1",
                "session_sign_in",
                json!({ "email": email, "password": PASSWORD }),
            )
            .ok())
    })
    .unwrap();
}

/// Selects `agency` once the device has it from the server.
fn select(app: &App, agency: &Value) {
    wait_for("the agency from the server", PATIENCE, || {
        Ok(app
            .invoke(
                "crm-1",
                "agency_select",
                json!({ "agencyId": agency["id"] }),
            )
            .ok())
    })
    .unwrap();
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
    let project = Project::start();
    project.add_user("ada@example.com", PASSWORD);
    let bob = project.add_user("bob@example.com", PASSWORD);

    let a = device("sync-two-a", &project);
    sign_in(&a, "ada@example.com");
    let agency = a
        .invoke("crm-1", "agency_create", json!({ "name": "Acme" }))
        .unwrap();
    a.invoke(
        "crm-1",
        "agency_select",
        json!({ "agencyId": agency["id"] }),
    )
    .unwrap();
    project.add_member(agency["id"].as_str().unwrap(), &bob);

    let b = device("sync-two-b", &project);
    sign_in(&b, "bob@example.com");
    select(&b, &agency);

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
