//! The Supabase session over IPC on Tauri's mock runtime, against the
//! GoTrue-compatible test server: sign-in, errors, single-flight refresh
//! for many callers, restore, sign-out, and no token in anything a window
//! receives.

mod common;

use std::time::{Duration, Instant};

use axolop_auth::{AuthClient, AuthConfig, AuthError, MemoryFaults, SecretStore, StoredSession};
use axolop_desktop::{configure, session};
use axolop_gotrue::{Endpoint, Fault, GoTrue};
use axolop_postgrest::Project;
use common::{assert_error, eventually, invoke, record_events, snapshot, window, DataDir};
use secrecy::{ExposeSecret, SecretString};
use serde_json::{json, Value};
use tauri::test::{mock_builder, mock_context, noop_assets, MockRuntime};
use tauri::{App, Manager};

const EMAIL: &str = "ada@example.com";
const PASSWORD: &str = "correct horse battery staple";

fn server() -> GoTrue {
    let server = GoTrue::start();
    server.add_user(EMAIL, PASSWORD);
    server
}

fn config(server: &GoTrue) -> AuthConfig {
    AuthConfig {
        url: server.url(),
        anon_key: server.anon_key().to_owned(),
    }
}

/// A mock app in Supabase mode against `server`, keeping the session in
/// `store` and its sign-out marker in a data directory of its own.
fn app_with(server: &GoTrue, store: SecretStore) -> (App<MockRuntime>, DataDir) {
    let dir = DataDir::new("session");
    let app = app_in(server, store, session::Options::in_dir(&dir.0));
    (app, dir)
}

/// A mock app in Supabase mode against `server`, with `store` and `options`.
fn app_in(server: &GoTrue, store: SecretStore, options: session::Options) -> App<MockRuntime> {
    let config = config(server);
    let mut app = configure(mock_builder(), move |app| {
        session::start(app, config, store, options)
    })
    .build(mock_context(noop_assets()))
    .expect("mock app");
    #[allow(deprecated)]
    app.run_iteration(|_, _| {});
    app
}

/// A memory store holding a session an earlier run kept (signed in with
/// the password on `server`), and its refresh token.
fn a_stored_session(server: &GoTrue) -> (SecretStore, SecretString) {
    let client = AuthClient::new(config(server)).unwrap();
    let grant = tauri::async_runtime::block_on(
        client.sign_in(EMAIL, &SecretString::from(PASSWORD.to_owned())),
    )
    .unwrap();
    let store = SecretStore::memory();
    store
        .save(&StoredSession {
            user: grant.user,
            refresh_token: grant.refresh_token.clone(),
        })
        .unwrap();
    (store, grant.refresh_token)
}

fn sign_in(app: &App<MockRuntime>) -> Result<Value, Value> {
    let first = window(app, "crm-1");
    invoke(
        &first,
        "session_sign_in",
        json!({ "email": EMAIL, "password": PASSWORD }),
    )
}

fn status(app: &App<MockRuntime>) -> Value {
    snapshot(&window(app, "crm-1"))["session"]["status"].clone()
}

#[test]
fn signed_out_the_primary_presents_the_sign_in_modal() {
    let server = server();
    let (app, _dir) = app_with(&server, SecretStore::memory());
    // Until the keyring has answered there is no prompt; then the primary
    // presents it.
    eventually("the keyring to answer", || status(&app) == "signed-out");
    let value = snapshot(&window(&app, "crm-1"));
    assert_eq!(
        value["modal"],
        json!({ "required": "sign-in", "presenter": "crm-1" })
    );
}

#[test]
fn signing_in_answers_with_the_session_and_never_a_token() {
    let server = server();
    let (app, _dir) = app_with(&server, SecretStore::memory());
    let received = record_events(&window(&app, "crm-1"));
    let summary = sign_in(&app).unwrap();
    assert_eq!(summary["status"], "signed-in");
    assert_eq!(summary["user"]["email"], EMAIL);
    // Signed in, the next question is the user's agency (none stored here).
    assert_eq!(
        snapshot(&window(&app, "crm-1"))["modal"]["required"],
        "agency-selection"
    );
    eventually("the sign-in to reach the window", || {
        received
            .lock()
            .unwrap()
            .iter()
            .any(|e| e["kind"] == "session-changed")
    });
    let everything = format!(
        "{summary} {} {:?}",
        snapshot(&window(&app, "crm-1")),
        received.lock().unwrap()
    );
    for token in server.issued_tokens() {
        assert!(!everything.contains(&token), "a token reached the window");
    }
    assert!(!everything.contains(PASSWORD));
}

#[test]
fn bad_sign_ins_get_clear_codes_and_store_nothing() {
    let server = server();
    let (app, _dir) = app_with(&server, SecretStore::memory());
    eventually("the keyring to answer", || status(&app) == "signed-out");
    let first = window(&app, "crm-1");
    let call = |email: &str, password: &str| {
        invoke(
            &first,
            "session_sign_in",
            json!({ "email": email, "password": password }),
        )
    };
    assert_error(call("", PASSWORD), "invalid_argument", &["email"]);
    assert_error(call(EMAIL, ""), "invalid_argument", &["password"]);
    assert_error(
        call(&"a".repeat(321), PASSWORD),
        "invalid_argument",
        &["email"],
    );
    assert_error(
        call(EMAIL, &"p".repeat(1025)),
        "invalid_argument",
        &["password"],
    );
    assert_error(call(EMAIL, "wrong"), "invalid_credentials", &["wrong"]);
    assert_eq!(status(&app), "signed-out");
    assert!(
        app.state::<session::SessionDriver>()
            .stored_session()
            .is_none(),
        "nothing stored"
    );
    assert_eq!(
        server.stats().password_calls,
        1,
        "only the well-formed call reached the server"
    );
}

#[test]
fn an_unreachable_server_is_a_network_error() {
    let server = server();
    let (app, _dir) = app_with(&server, SecretStore::memory());
    server.inject(Endpoint::Password, Fault::ConnectionReset, 1);
    let error = sign_in(&app).unwrap_err();
    assert_eq!(error["code"], "network", "{error}");
}

#[test]
fn fifty_callers_at_expiry_share_exactly_one_refresh() {
    let server = server();
    server.set_expires_in(Duration::from_secs(1));
    let (app, _dir) = app_with(&server, SecretStore::memory());
    sign_in(&app).unwrap();
    // The next token lasts long, so only this expiry's refresh is counted.
    server.set_expires_in(Duration::from_secs(60));
    // The refresh (due at 0.8 s) stays in flight past the expiry at 1 s.
    server.inject(
        Endpoint::Refresh,
        Fault::Delay(Duration::from_millis(800)),
        1,
    );
    let signed_in = Instant::now();
    eventually("the token to expire", || {
        signed_in.elapsed() > Duration::from_millis(1_100)
    });
    let handle = app.handle().clone();
    let callers: Vec<_> = (0..50)
        .map(|_| {
            let handle = handle.clone();
            tauri::async_runtime::spawn(async move { session::access_token(&handle).await })
        })
        .collect();
    let tokens: Vec<String> = callers
        .into_iter()
        .map(|caller| {
            let token = tauri::async_runtime::block_on(caller).unwrap().unwrap();
            token.expose_secret().to_owned()
        })
        .collect();
    assert_eq!(
        server.stats().refresh_calls,
        1,
        "one refresh for fifty callers"
    );
    assert_eq!(server.stats().reuses, 0);
    assert!(
        tokens.iter().all(|t| t == &tokens[0]),
        "every caller got the new token"
    );
    assert!(server.refresh_uses().iter().all(|&uses| uses <= 1));
}

#[test]
fn a_stored_session_is_restored_without_the_password() {
    let server = server();
    let (store, original) = a_stored_session(&server);
    let original = original.expose_secret().to_owned();
    let (app, _dir) = app_with(&server, store);
    eventually("the stored session to be restored", || {
        status(&app) == "signed-in"
    });
    assert_eq!(
        server.stats().password_calls,
        1,
        "no second password sign-in"
    );
    assert_eq!(server.stats().refreshes, 1);
    // The rotated token replaced the spent one in the store.
    eventually("the rotated token to be stored", || {
        app.state::<session::SessionDriver>()
            .stored_session()
            .is_some_and(|kept| kept.refresh_token.expose_secret() != original)
    });
}

#[test]
fn signing_out_ends_the_session_everywhere_and_forgets_it() {
    let server = server();
    let (app, _dir) = app_with(&server, SecretStore::memory());
    sign_in(&app).unwrap();
    eventually("the session to be stored", || {
        app.state::<session::SessionDriver>()
            .stored_session()
            .is_some()
    });
    invoke(&window(&app, "crm-1"), "session_sign_out", json!({})).unwrap();
    assert_eq!(status(&app), "signed-out");
    assert_eq!(
        snapshot(&window(&app, "crm-1"))["session"]["ended"],
        "signed-out"
    );
    assert!(app
        .state::<session::SessionDriver>()
        .stored_session()
        .is_none());
    eventually("the server to be told", || server.stats().logout_calls == 1);
}

#[test]
fn in_local_mode_there_is_nothing_to_sign_in_to() {
    let app = common::app();
    let error = invoke(
        &window(&app, "crm-1"),
        "session_sign_in",
        json!({ "email": EMAIL, "password": PASSWORD }),
    )
    .unwrap_err();
    assert_eq!(error["code"], "not_configured", "{error}");
}

#[test]
fn each_user_finds_their_own_agency_when_they_sign_in_again() {
    // Agencies are made on the server in Supabase mode: the whole project.
    let project = Project::start();
    project.add_user(EMAIL, PASSWORD);
    project.add_user("grace@example.com", PASSWORD);
    let dir = common::DataDir::new("session-agency");
    let app = common::project_app_in(&dir.0, &project);
    let first = window(&app, "crm-1");
    let modal =
        |app: &App<MockRuntime>| snapshot(&window(app, "crm-1"))["modal"]["required"].clone();
    let sign_in_as = |email: &str| {
        invoke(
            &first,
            "session_sign_in",
            json!({ "email": email, "password": PASSWORD }),
        )
        .unwrap();
    };

    sign_in_as(EMAIL);
    assert_eq!(modal(&app), "agency-selection", "Ada has no agency yet");
    let ada = invoke(&first, "agency_create", json!({ "name": "Ada's Agency" })).unwrap();
    invoke(&first, "agency_select", json!({ "agencyId": ada["id"] })).unwrap();
    assert_eq!(modal(&app), Value::Null);

    invoke(&first, "session_sign_out", json!({})).unwrap();
    let agency = snapshot(&first)["agency"].clone();
    assert_eq!(
        agency["selected"],
        Value::Null,
        "the selection left with Ada"
    );
    assert_eq!(modal(&app), "sign-in");

    sign_in_as("grace@example.com");
    assert_eq!(modal(&app), "agency-selection", "Grace chooses her own");
    assert_eq!(
        invoke(&first, "agency_list", json!({})).unwrap(),
        json!([]),
        "Ada's agencies are hers"
    );
    invoke(&first, "session_sign_out", json!({})).unwrap();

    sign_in_as(EMAIL);
    // Her sign-out removed her CRM from this computer, her choice of agency
    // with it; her agencies come back from the server.
    assert_eq!(modal(&app), "agency-selection");
    eventually("Ada's agency back from the server", || {
        invoke(&first, "agency_list", json!({})).unwrap()[0]["name"] == "Ada's Agency"
    });
    invoke(&first, "agency_select", json!({ "agencyId": ada["id"] })).unwrap();
    assert_eq!(modal(&app), Value::Null);
}

#[test]
fn a_window_can_show_where_a_sign_in_sends_the_password() {
    let server = server();
    let (app, _dir) = app_with(&server, SecretStore::memory());
    let host = invoke(&window(&app, "crm-1"), "session_project", json!({})).unwrap();
    assert_eq!(host, server.url().trim_start_matches("http://"));
}

/// The refresh token the keyring holds now.
fn stored_token(app: &App<MockRuntime>) -> SecretString {
    app.state::<session::SessionDriver>()
        .stored_session()
        .expect("a stored session")
        .refresh_token
}

/// Whether the server has ended the session `refresh_token` belongs to:
/// spending it is refused as revoked, reused or unknown.
fn ended_on_server(server: &GoTrue, refresh_token: &SecretString) -> bool {
    let client = AuthClient::new(config(server)).unwrap();
    matches!(
        tauri::async_runtime::block_on(client.refresh(refresh_token)),
        Err(AuthError::Rejected(_))
    )
}

#[test]
fn a_sign_in_answers_only_once_the_keyring_has_answered() {
    let server = server();
    let store = SecretStore::memory_with(MemoryFaults {
        delay: Duration::from_millis(300),
        fail_saves: true,
        ..MemoryFaults::default()
    });
    let (app, _dir) = app_with(&server, store);
    eventually("the keyring to answer", || status(&app) == "signed-out");
    let summary = sign_in(&app).unwrap();
    // Told only after the write: it failed, so the session lasts this run.
    assert_eq!(summary["status"], "signed-in");
    assert_eq!(summary["remembered"], false, "{summary}");
}

#[test]
fn a_failed_save_leaves_no_spent_token_in_the_keyring() {
    let server = server();
    server.set_expires_in(Duration::from_secs(1));
    let (app, _dir) = app_with(&server, SecretStore::memory());
    let summary = sign_in(&app).unwrap();
    assert_eq!(summary["remembered"], true, "kept before the answer");
    let first = stored_token(&app);
    // The refresh rotates the token; the keyring then refuses the new one.
    app.state::<session::SessionDriver>()
        .store()
        .set_faults(MemoryFaults {
            fail_saves: true,
            ..MemoryFaults::default()
        });
    eventually("the refresh, and the failed save", || {
        snapshot(&window(&app, "crm-1"))["session"]["remembered"] == false
    });
    assert_eq!(server.stats().refreshes, 1, "the stored token was spent");
    drop(first);
    assert!(
        app.state::<session::SessionDriver>()
            .stored_session()
            .is_none(),
        "the spent token is gone: the next launch asks for a sign-in instead of \
         reusing it, which would end the session everywhere"
    );
    assert_eq!(status(&app), "signed-in", "kept for this run");
}

#[test]
fn a_keyring_that_never_answers_falls_back_to_signed_out_with_a_reason() {
    let server = server();
    let store = SecretStore::memory_with(MemoryFaults {
        delay: Duration::from_secs(60),
        ..MemoryFaults::default()
    });
    let dir = DataDir::new("session-hung-keyring");
    let options = session::Options {
        keyring_timeout: Duration::from_millis(300),
        ..session::Options::in_dir(&dir.0)
    };
    let started = Instant::now();
    let app = app_in(&server, store, options);
    eventually("the sign-in prompt", || status(&app) == "signed-out");
    assert!(started.elapsed() < Duration::from_secs(10));
    let value = snapshot(&window(&app, "crm-1"));
    assert_eq!(value["session"]["keyring"], "not-read", "{value}");
    assert_eq!(value["modal"]["required"], "sign-in");
}

#[test]
fn signing_out_offline_ends_the_session_on_the_server_once_it_answers() {
    let server = server();
    let (app, _dir) = app_with(&server, SecretStore::memory());
    sign_in(&app).unwrap();
    let token = stored_token(&app);
    server.inject(Endpoint::Logout, Fault::ConnectionReset, 1);
    invoke(&window(&app, "crm-1"), "session_sign_out", json!({})).unwrap();
    assert_eq!(status(&app), "signed-out", "signed out here at once");
    eventually("the retried logout", || server.stats().logout_calls >= 2);
    assert!(ended_on_server(&server, &token));
}

#[test]
fn signing_out_while_restoring_ends_the_session_with_its_refresh_token() {
    let server = server();
    let (store, _) = a_stored_session(&server);
    // The restore cannot reach the server: no access token yet.
    server.inject(Endpoint::Refresh, Fault::ConnectionReset, 1);
    let (app, _dir) = app_with(&server, store);
    eventually("the offline restore", || status(&app) == "offline");
    invoke(&window(&app, "crm-1"), "session_sign_out", json!({})).unwrap();
    assert_eq!(status(&app), "signed-out");
    eventually("the server to be told", || server.stats().logout_calls == 1);
    assert!(
        server.refresh_uses().iter().all(|&uses| uses <= 1),
        "the stored token was spent once, to end its session"
    );
}

#[test]
fn after_a_sign_out_the_keyring_could_not_forget_the_session_is_not_restored() {
    let server = server();
    let dir = DataDir::new("session-marker");
    let first = app_in(
        &server,
        SecretStore::memory(),
        session::Options::in_dir(&dir.0),
    );
    eventually("the keyring to answer", || status(&first) == "signed-out");
    sign_in(&first).unwrap();
    let driver = first.state::<session::SessionDriver>();
    driver.store().set_faults(MemoryFaults {
        fail_clears: true,
        ..MemoryFaults::default()
    });
    invoke(&window(&first, "crm-1"), "session_sign_out", json!({})).unwrap();
    eventually("the user to be told", || {
        snapshot(&window(&first, "crm-1"))["session"]["keyring"] == "not-removed"
    });
    let left = driver.stored_session().expect("the entry the keyring kept");
    eventually("the server to be told", || server.stats().logout_calls == 1);

    // The next launch finds the entry, and the sign-out marker.
    let store = SecretStore::memory();
    store.save(&left).unwrap();
    let second = app_in(&server, store, session::Options::in_dir(&dir.0));
    eventually("the sign-in prompt", || status(&second) == "signed-out");
    eventually("the entry to be removed", || {
        second
            .state::<session::SessionDriver>()
            .stored_session()
            .is_none()
    });
    assert_eq!(server.stats().password_calls, 1);

    // An interactive sign-in lifts the marker: the launch after restores.
    sign_in(&second).unwrap();
    let kept = second
        .state::<session::SessionDriver>()
        .stored_session()
        .unwrap();
    let store = SecretStore::memory();
    store.save(&kept).unwrap();
    let third = app_in(&server, store, session::Options::in_dir(&dir.0));
    eventually("the session to be restored", || {
        status(&third) == "signed-in"
    });
}

#[test]
fn a_sign_in_over_a_session_ends_the_one_it_replaced() {
    let server = server();
    let (app, _dir) = app_with(&server, SecretStore::memory());
    sign_in(&app).unwrap();
    let replaced = stored_token(&app);
    sign_in(&app).unwrap();
    eventually("the server to be told", || server.stats().logout_calls == 1);
    assert!(ended_on_server(&server, &replaced));
    assert_eq!(status(&app), "signed-in");
}

#[test]
fn the_self_tests_session_check_sees_one_refresh_for_twenty_callers() {
    use axolop_desktop::checks::{session as check, CheckOutcome};
    let server = server();
    let (app, _dir) = app_with(&server, SecretStore::memory());
    let skipped = tauri::async_runtime::block_on(check::check(app.handle()));
    assert_eq!(skipped.outcome, CheckOutcome::Skipped, "{}", skipped.detail);
    sign_in(&app).unwrap();
    let result = tauri::async_runtime::block_on(check::check(app.handle()));
    assert_eq!(result.outcome, CheckOutcome::Passed, "{}", result.detail);
    assert_eq!(
        server.stats().refreshes,
        1,
        "exactly one refresh reached the server"
    );
    assert!(server.refresh_uses().iter().all(|&uses| uses <= 1));
}

#[test]
fn a_clean_exit_waits_for_the_refresh_and_its_keyring_write() {
    let server = server();
    server.set_expires_in(Duration::from_secs(1));
    let (app, _dir) = app_with(&server, SecretStore::memory());
    sign_in(&app).unwrap();
    let first = stored_token(&app);
    // The refresh (due at 0.8 s) is slow, and so is the keyring after it.
    server.inject(
        Endpoint::Refresh,
        Fault::Delay(Duration::from_millis(600)),
        1,
    );
    app.state::<session::SessionDriver>()
        .store()
        .set_faults(MemoryFaults {
            delay: Duration::from_millis(400),
            ..MemoryFaults::default()
        });
    eventually("the refresh to go out", || {
        server.stats().refreshes == 1 || {
            app.state::<axolop_desktop::Hub>()
                .read(|c| c.session().is_refreshing())
        }
    });
    // Quit now: the exit waits for the answer and the write.
    session::finish_before_exit(app.handle());
    app.state::<session::SessionDriver>()
        .store()
        .set_faults(MemoryFaults::default());
    let kept = stored_token(&app);
    assert_ne!(
        kept.expose_secret(),
        first.expose_secret(),
        "the rotated token reached the keyring before the exit went on"
    );
}
