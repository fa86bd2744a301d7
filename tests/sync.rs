//! The sync engine on the mock runtime, against a whole Supabase project
//! (real PostgreSQL with the project's migrations, GoTrue, the REST
//! gateway): saves reach the server, other members' changes reach every
//! window, and changes made offline wait, are counted, and drain in order
//! once the server answers again.
//!
//! Exchanges are started by what starts them in the app (a save, a
//! sign-in, an agency switch) or by [`sync_engine::wake`], the schedule's
//! own call: the schedule itself is timed by the end-to-end tests.

mod common;

use std::time::{Duration, Instant};

use axolop_desktop::{crm, sync_engine};
use axolop_postgrest::{Fault, Project};
use common::{eventually, invoke, project_app_in, record_events, snapshot, window, DataDir};
use serde_json::{json, Value};
use tauri::test::MockRuntime;
use tauri::{App, WebviewWindow};

const PASSWORD: &str = "correct horse battery staple";

/// A project with Ada, and a mock app of hers in Supabase mode, signed in,
/// in a new agency of hers with two windows open.
struct Desk {
    project: Project,
    app: App<MockRuntime>,
    agency: String,
    /// Ada's user id.
    ada: String,
    _dir: DataDir,
}

fn sign_in(app: &App<MockRuntime>) {
    invoke(
        &window(app, "crm-1"),
        "session_sign_in",
        json!({ "email": "ada@example.com", "password": PASSWORD }),
    )
    .unwrap();
}

impl Desk {
    fn new(test: &str) -> Desk {
        Desk::with(test, |_| {})
    }

    /// Like [`Desk::new`], with the project set up by `prepare` first.
    fn with(test: &str, prepare: impl FnOnce(&Project)) -> Desk {
        let project = Project::start();
        prepare(&project);
        let ada = project.add_user("ada@example.com", PASSWORD);
        let dir = DataDir::new(test);
        let app = project_app_in(&dir.0, &project);
        let first = window(&app, "crm-1");
        sign_in(&app);
        let agency = invoke(&first, "agency_create", json!({ "name": "Acme" })).unwrap();
        invoke(&first, "agency_select", json!({ "agencyId": agency["id"] })).unwrap();
        invoke(&first, "window_open", json!({})).unwrap();
        snapshot(&window(&app, "crm-2"));
        Desk {
            agency: agency["id"].as_str().unwrap().to_owned(),
            project,
            app,
            ada,
            _dir: dir,
        }
    }

    fn window(&self, label: &str) -> WebviewWindow<MockRuntime> {
        window(&self.app, label)
    }

    fn sync(&self) -> Value {
        snapshot(&self.window("crm-1"))["sync"].clone()
    }

    fn save(&self, name: &str) -> Value {
        invoke(
            &self.window("crm-1"),
            "contact_save",
            json!({ "contact": { "name": name } }),
        )
        .unwrap()
    }

    /// Ada's agencies and changes waiting, as the store on this computer
    /// has them.
    fn cached(&self) -> (usize, u64) {
        let ada = self.ada.clone();
        crm::now(self.app.handle(), move |store| {
            Ok((store.agencies(&ada)?.len(), store.outbox_len(&ada)?))
        })
        .unwrap()
    }

    /// Rows of the agency on the server: (name, deleted).
    fn on_server(&self) -> Vec<(String, bool)> {
        self.project
            .postgres
            .superuser()
            .query(
                "select name, deleted_at is not null from contacts where agency_id = $1::text::uuid order by name",
                &[&self.agency],
            )
            .unwrap()
            .iter()
            .map(|row| (row.get(0), row.get(1)))
            .collect()
    }
}

#[test]
fn an_agency_made_here_is_made_on_the_server_with_its_creator_as_owner() {
    let desk = Desk::new("sync-agency");
    let owners: Vec<(String, String)> = desk
        .project
        .postgres
        .superuser()
        .query(
            "select a.name, m.role from agencies a join agency_members m on m.agency_id = a.id",
            &[],
        )
        .unwrap()
        .iter()
        .map(|row| (row.get(0), row.get(1)))
        .collect();
    assert_eq!(owners, [("Acme".to_owned(), "owner".to_owned())]);
    eventually("the status to say online", || {
        desk.sync()["state"] == "online"
    });
}

#[test]
fn a_save_reaches_the_server_and_a_change_made_there_reaches_every_window() {
    let desk = Desk::new("sync-both-ways");
    desk.save("Grace Hopper");
    eventually("the contact on the server", || {
        desk.on_server() == [("Grace Hopper".to_owned(), false)]
    });

    // Another member (or Ada on another computer) adds one on the server.
    let second = record_events(&desk.window("crm-2"));
    desk.project
        .postgres
        .superuser()
        .execute(
            "insert into contacts (agency_id, name) values ($1::text::uuid, 'Barbara Liskov')",
            &[&desk.agency],
        )
        .unwrap();
    sync_engine::wake(desk.app.handle());
    eventually("the other member's contact in window 2", || {
        second.lock().unwrap().iter().any(|event| {
            event["kind"] == "contacts-changed"
                && event["data"]["by"].is_null()
                && event["data"]["change"]["contact"]["name"] == "Barbara Liskov"
        })
    });
    let listed = invoke(&desk.window("crm-2"), "contacts_list", json!({})).unwrap();
    let names: Vec<&str> = listed["contacts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|contact| contact["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Barbara Liskov", "Grace Hopper"]);
    assert_eq!(desk.sync()["waiting"], 0);
}

#[test]
fn changes_made_offline_are_counted_in_every_window_and_drain_in_order_once_the_server_is_back() {
    let desk = Desk::new("sync-offline");
    let old: Vec<Value> = (1..=3).map(|n| desk.save(&format!("Old {n}"))).collect();
    eventually("the first three on the server", || {
        desk.on_server().len() == 3 && desk.sync()["waiting"] == 0
    });
    let old: Vec<Value> = old
        .iter()
        .map(|contact| {
            invoke(
                &desk.window("crm-1"),
                "contact_get",
                json!({ "id": contact["id"] }),
            )
            .unwrap()
        })
        .collect();

    desk.project.gateway.inject(Fault::Reset, 1_000_000);
    for n in 0..20 {
        desk.save(&format!("Contact {n:02}"));
    }
    for contact in &old {
        invoke(
            &desk.window("crm-2"),
            "contact_delete",
            json!({ "id": contact["id"], "version": contact["version"] }),
        )
        .unwrap();
    }
    eventually("every window to show 23 waiting, offline", || {
        ["crm-1", "crm-2"].iter().all(|label| {
            let sync = snapshot(&desk.window(label))["sync"].clone();
            sync["state"] == "offline" && sync["waiting"] == 23
        })
    });
    assert_eq!(desk.on_server().len(), 3, "nothing got through");

    desk.project.gateway.clear_faults();
    eventually("the outbox drained", || desk.sync()["waiting"] == 0);
    let mut expected: Vec<(String, bool)> = (0..20)
        .map(|n| (format!("Contact {n:02}"), false))
        .collect();
    expected.extend((1..=3).map(|n| (format!("Old {n}"), true)));
    assert_eq!(
        desk.on_server(),
        expected,
        "each once; the old three deleted"
    );
    // In the order they were made: the server stamps each write's
    // transaction, and the saves were pushed one after another.
    let order: Vec<String> = desk
        .project
        .postgres
        .superuser()
        .query(
            "select name from contacts where agency_id = $1::text::uuid and name like 'Contact%' order by change_seq",
            &[&desk.agency],
        )
        .unwrap()
        .iter()
        .map(|row| row.get(0))
        .collect();
    let made: Vec<String> = (0..20).map(|n| format!("Contact {n:02}")).collect();
    assert_eq!(order, made);
    assert_eq!(desk.sync()["state"], "online");
}

#[test]
fn a_token_the_server_calls_expired_is_refreshed_once_and_the_exchange_runs_again() {
    // Tokens live 20 s, refreshed by the app 4 s before they end; the data
    // server's clock runs 10 s ahead, so from 10 s on it calls the token
    // expired while the app still counts it fresh.
    let desk = Desk::with("sync-expired", |project| {
        project.gotrue.set_expires_in(Duration::from_secs(20));
        project.gateway.set_clock_ahead(Duration::from_secs(10));
    });
    let signed_in = Instant::now();
    eventually("online first", || desk.sync()["state"] == "online");
    let refreshes = desk.project.gotrue.stats().refreshes;
    std::thread::sleep(Duration::from_millis(10_500).saturating_sub(signed_in.elapsed()));

    let refused = desk.project.gateway.stats().refused;
    desk.save("Grace Hopper");
    eventually("the contact on the server", || {
        desk.on_server() == [("Grace Hopper".to_owned(), false)]
    });
    assert!(
        signed_in.elapsed() < Duration::from_secs(16),
        "before the scheduled refresh"
    );
    assert_eq!(
        desk.project.gotrue.stats().refreshes,
        refreshes + 1,
        "one refresh, then the same requests again"
    );
    assert!(
        desk.project.gateway.stats().refused > refused,
        "the server did refuse the token"
    );
    assert_eq!(desk.sync()["state"], "online");
}

#[test]
fn signing_out_pushes_what_waits_then_leaves_nothing_of_the_user_on_this_computer() {
    let desk = Desk::new("sync-sign-out");
    desk.project
        .gateway
        .inject(Fault::Delay(Duration::from_millis(300)), 3);
    desk.save("Grace Hopper");
    invoke(&desk.window("crm-1"), "session_sign_out", json!({})).unwrap();
    assert_eq!(
        desk.on_server(),
        [("Grace Hopper".to_owned(), false)],
        "pushed before the session ended"
    );
    assert_eq!(desk.cached(), (0, 0), "nothing of Ada's is left here");
    assert_eq!(desk.sync()["state"], "off");
}

/// Desk with two changes that cannot reach the server, and a sign-out
/// asked for: the primary asks what to do with them.
fn asked_to_sign_out_with_unsent_changes(test: &str) -> Desk {
    let desk = Desk::new(test);
    eventually("online first", || desk.sync()["state"] == "online");
    desk.project.gateway.inject(Fault::Reset, 1_000_000);
    desk.save("Grace Hopper");
    desk.save("Barbara Liskov");
    let outcome = invoke(&desk.window("crm-2"), "session_sign_out", json!({})).unwrap();
    assert_eq!(outcome, "asking");
    let modal = snapshot(&desk.window("crm-2"))["modal"].clone();
    assert_eq!(
        modal,
        json!({ "required": "unsent-changes", "presenter": "crm-1" }),
        "the primary asks, whoever asked to sign out"
    );
    assert_eq!(
        snapshot(&desk.window("crm-1"))["session"]["status"],
        "signed-in"
    );
    desk
}

#[test]
fn waiting_signs_out_once_the_changes_are_sent_and_then_leaves_nothing_here() {
    let desk = asked_to_sign_out_with_unsent_changes("sync-sign-out-wait");
    let outcome = invoke(
        &desk.window("crm-1"),
        "session_sign_out",
        json!({ "unsent": "wait" }),
    )
    .unwrap();
    assert_eq!(outcome, "waiting");
    assert_eq!(
        snapshot(&desk.window("crm-1"))["modal"]["required"],
        Value::Null
    );
    assert_eq!(desk.sync()["signingOut"], true);
    assert_eq!(desk.cached(), (1, 2));

    desk.project.gateway.clear_faults();
    eventually("signed out once sent", || {
        snapshot(&desk.window("crm-1"))["session"]["status"] == "signed-out"
    });
    assert_eq!(desk.on_server().len(), 2);
    eventually("nothing of Ada's left", || desk.cached() == (0, 0));
}

#[test]
fn discarding_signs_out_at_once_and_deletes_the_unsent_changes_with_the_rest() {
    let desk = asked_to_sign_out_with_unsent_changes("sync-sign-out-discard");
    let outcome = invoke(
        &desk.window("crm-1"),
        "session_sign_out",
        json!({ "unsent": "discard" }),
    )
    .unwrap();
    assert_eq!(outcome, "signed-out");
    assert_eq!(
        snapshot(&desk.window("crm-1"))["session"]["status"],
        "signed-out"
    );
    assert_eq!(desk.cached(), (0, 0));
    desk.project.gateway.clear_faults();
    assert!(desk.on_server().is_empty());
}

#[test]
fn staying_signed_in_keeps_everything_and_the_changes_go_when_the_server_is_back() {
    let desk = asked_to_sign_out_with_unsent_changes("sync-sign-out-stay");
    let outcome = invoke(
        &desk.window("crm-1"),
        "session_sign_out",
        json!({ "unsent": "stay" }),
    )
    .unwrap();
    assert_eq!(outcome, "stayed");
    assert_eq!(
        snapshot(&desk.window("crm-1"))["modal"]["required"],
        Value::Null
    );
    assert_eq!(
        snapshot(&desk.window("crm-1"))["session"]["status"],
        "signed-in"
    );
    desk.project.gateway.clear_faults();
    sync_engine::wake(desk.app.handle());
    eventually("both on the server", || desk.on_server().len() == 2);
}

#[test]
fn an_edit_that_loses_to_a_newer_one_on_the_server_is_kept_as_a_conflict_until_the_user_decides() {
    let desk = Desk::new("sync-conflict");
    let ana = desk.save("Ana");
    eventually("Ana on the server", || desk.on_server().len() == 1);
    let ana = invoke(
        &desk.window("crm-1"),
        "contact_get",
        json!({ "id": ana["id"] }),
    )
    .unwrap();

    // Offline here, Ana is edited; meanwhile someone else edits her on the
    // server.
    desk.project.gateway.inject(Fault::Reset, 1_000_000);
    invoke(
        &desk.window("crm-1"),
        "contact_save",
        json!({ "contact": { "id": ana["id"], "version": ana["version"], "name": "Ana (mine)", "notes": "Met at the fair" } }),
    )
    .unwrap();
    desk.project
        .postgres
        .superuser()
        .execute(
            "update contacts set name = 'Ana (theirs)' where id = $1::text::uuid",
            &[&ana["id"].as_str().unwrap()],
        )
        .unwrap();
    desk.project.gateway.clear_faults();
    sync_engine::wake(desk.app.handle());

    let get = || {
        invoke(
            &desk.window("crm-2"),
            "contact_get",
            json!({ "id": ana["id"] }),
        )
        .unwrap()
    };
    eventually("theirs in the cache, flagged", || {
        let contact = get();
        contact["name"] == "Ana (theirs)" && contact["conflict"] == true
    });
    assert_eq!(desk.on_server(), [("Ana (theirs)".to_owned(), false)]);
    let mine = invoke(
        &desk.window("crm-2"),
        "contact_conflict",
        json!({ "id": ana["id"] }),
    )
    .unwrap();
    assert_eq!(
        (mine["name"].as_str(), mine["notes"].as_str()),
        (Some("Ana (mine)"), Some("Met at the fair"))
    );
    eventually("nothing waiting", || desk.sync()["waiting"] == 0);

    // Overwrite with mine: saved over their version, pushed, settled.
    let theirs = get();
    let mut overwrite = mine.clone();
    overwrite["version"] = theirs["version"].clone();
    invoke(
        &desk.window("crm-2"),
        "contact_save",
        json!({ "contact": overwrite }),
    )
    .unwrap();
    eventually("mine on the server", || {
        desk.on_server() == [("Ana (mine)".to_owned(), false)]
    });
    assert_eq!(get()["conflict"], false);
    assert_eq!(
        invoke(
            &desk.window("crm-2"),
            "contact_conflict",
            json!({ "id": ana["id"] })
        )
        .unwrap(),
        Value::Null
    );
}

#[test]
fn a_session_ended_on_the_server_signs_out_and_its_changes_wait_for_the_same_users_next_sign_in() {
    // Tokens live 5 s: the app refreshes after 4 s, and that refresh is
    // refused once the dashboard has signed Ada out everywhere.
    let desk = Desk::with("sync-revoked", |project| {
        project.gotrue.set_expires_in(Duration::from_secs(5));
    });
    eventually("online first", || desk.sync()["state"] == "online");
    desk.project.gateway.inject(Fault::Reset, 1_000_000);
    desk.save("Grace Hopper");
    desk.project.gotrue.end_sessions_of("ada@example.com");
    for _ in 0..1_000 {
        if snapshot(&desk.window("crm-1"))["session"]["status"] == "signed-out" {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(
        snapshot(&desk.window("crm-1"))["session"]["status"],
        "signed-out"
    );
    assert_eq!(desk.cached(), (1, 1), "the change and the cache are kept");
    assert_eq!(desk.sync()["state"], "off");

    desk.project.gateway.clear_faults();
    sign_in(&desk.app);
    eventually("the kept change on the server", || {
        desk.on_server() == [("Grace Hopper".to_owned(), false)]
    });
}

#[test]
fn a_first_sync_of_a_large_agency_says_how_far_it_is_and_windows_read_it_in_a_few_events() {
    let desk = Desk::new("sync-first");
    // A second agency of Ada's, made elsewhere, with 2,500 contacts.
    let big: String = {
        let mut db = desk.project.postgres.superuser();
        let mut tx = db.transaction().unwrap();
        tx.execute(
            "select set_config('request.jwt.claims', json_build_object('sub', $1::text)::text, true)",
            &[&desk.ada],
        )
        .unwrap();
        let id: String = tx
            .query_one(
                "insert into agencies (name) values ('Big') returning id::text",
                &[],
            )
            .unwrap()
            .get(0);
        tx.execute(
            "insert into contacts (agency_id, name) select $1::text::uuid, 'Contact ' || n from generate_series(1, 2500) n",
            &[&id],
        )
        .unwrap();
        tx.commit().unwrap();
        id
    };
    sync_engine::wake(desk.app.handle());
    eventually("the new agency listed", || {
        invoke(&desk.window("crm-1"), "agency_list", json!({}))
            .unwrap()
            .as_array()
            .unwrap()
            .len()
            == 2
    });
    let events = record_events(&desk.window("crm-2"));
    invoke(
        &desk.window("crm-1"),
        "agency_select",
        json!({ "agencyId": big }),
    )
    .unwrap();
    eventually("all 2,500 cached", || {
        invoke(
            &desk.window("crm-2"),
            "contacts_list",
            json!({ "limit": 1 }),
        )
        .unwrap()["total"]
            == 2500
    });
    eventually("synced", || desk.sync()["state"] == "online");
    let events = events.lock().unwrap();
    let progress: Vec<(u64, u64)> = events
        .iter()
        .filter(|event| event["kind"] == "sync-changed")
        .filter_map(|event| {
            let progress = &event["data"]["progress"];
            Some((progress["rows"].as_u64()?, progress["total"].as_u64()?))
        })
        .collect();
    assert_eq!(progress, [(1000, 2500), (2000, 2500)]);
    let contact_events = events
        .iter()
        .filter(|event| event["kind"] == "contacts-changed")
        .count();
    assert_eq!(
        contact_events, 3,
        "one `refreshed` per page, not one per contact"
    );
    assert!(events
        .iter()
        .any(|event| event["data"]["change"]["op"] == "refreshed"));
}

#[test]
fn another_user_on_this_computer_never_sends_or_removes_what_waits_for_the_last_one() {
    let desk = Desk::with("sync-two-users", |project| {
        project.gotrue.set_expires_in(Duration::from_secs(5));
    });
    desk.project.add_user("bob@example.com", PASSWORD);
    eventually("online first", || desk.sync()["state"] == "online");
    desk.project.gateway.inject(Fault::Reset, 1_000_000);
    desk.save("Grace Hopper");
    // Ada's session ends on the server: her change stays for her.
    desk.project.gotrue.end_sessions_of("ada@example.com");
    eventually("Ada signed out", || {
        snapshot(&desk.window("crm-1"))["session"]["status"] == "signed-out"
    });
    desk.project.gateway.clear_faults();

    // Bob signs in on the same computer, syncs, and signs out.
    invoke(
        &desk.window("crm-1"),
        "session_sign_in",
        json!({ "email": "bob@example.com", "password": PASSWORD }),
    )
    .unwrap();
    sync_engine::wake(desk.app.handle());
    eventually("Bob online", || desk.sync()["state"] == "online");
    assert_eq!(desk.sync()["waiting"], 0, "Ada's change is not Bob's");
    assert!(desk.on_server().is_empty(), "nor sent with his token");
    assert_eq!(
        invoke(&desk.window("crm-1"), "session_sign_out", json!({})).unwrap(),
        "signed-out"
    );
    assert_eq!(desk.cached(), (1, 1), "his sign-out leaves hers alone");

    // Ada, back, sends it.
    sign_in(&desk.app);
    eventually("Ada's change on the server", || {
        desk.on_server() == [("Grace Hopper".to_owned(), false)]
    });
}
