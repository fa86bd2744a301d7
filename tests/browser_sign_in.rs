//! Signing in through the system browser and by email, over IPC on Tauri's
//! mock runtime, against the GoTrue-compatible test server: the test plays
//! the browser (following the authorize address or the emailed link back
//! to `axolop://auth/callback`) and hands the link over as the operating
//! system does, as a later launch's one argument. Each refusal is checked
//! to change nothing, and no code, state, verifier or token reaches a
//! window.

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axolop_auth::callback::SCHEME;
use axolop_auth::{AuthClient, AuthConfig, SecretStore};
use axolop_desktop::{configure, launch, links, session};
use axolop_gotrue::{browser, Endpoint, Fault, GoTrue};
use common::{assert_error, eventually, invoke, record_events, snapshot, window, DataDir};
use secrecy::SecretString;
use serde_json::{json, Value};
use tauri::test::{mock_builder, mock_context, noop_assets, MockRuntime};
use tauri::{App, Manager};

const EMAIL: &str = "ada@example.com";
const PASSWORD: &str = "correct horse battery staple";

/// The app, its data directory, and every address it opened in "the
/// system browser".
struct Desk {
    app: App<MockRuntime>,
    opened: Arc<Mutex<Vec<String>>>,
    events: [Arc<Mutex<Vec<Value>>>; 2],
    _dir: DataDir,
}

impl Desk {
    /// Two windows in Supabase mode against `server`, nobody signed in.
    fn new(server: &GoTrue) -> Desk {
        let dir = DataDir::new("browser-sign-in");
        let config = AuthConfig {
            url: server.url(),
            anon_key: server.anon_key().to_owned(),
        };
        let options = session::Options::in_dir(&dir.0);
        let opened: Arc<Mutex<Vec<String>>> = Arc::default();
        let sink = opened.clone();
        let mut app = configure(mock_builder(), move |app| {
            app.manage(links::Browser::with(move |url| {
                sink.lock().unwrap().push(url.to_string());
                Ok(())
            }));
            session::start(app, config, SecretStore::memory(), options)
        })
        .build(mock_context(noop_assets()))
        .expect("mock app");
        #[allow(deprecated)]
        app.run_iteration(|_, _| {});
        invoke(&window(&app, "crm-1"), "window_open", json!({})).unwrap();
        let events = [
            record_events(&window(&app, "crm-1")),
            record_events(&window(&app, "crm-2")),
        ];
        let desk = Desk {
            app,
            opened,
            events,
            _dir: dir,
        };
        eventually("the keyring read", || desk.status() == "signed-out");
        desk
    }

    fn call(&self, label: &str, command: &str, args: Value) -> Result<Value, Value> {
        invoke(&window(&self.app, label), command, args)
    }

    fn session(&self, label: &str) -> Value {
        snapshot(&window(&self.app, label))["session"].clone()
    }

    fn status(&self) -> String {
        self.session("crm-2")["status"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// The step every window shows (`null` when none): both windows'
    /// snapshots agree (read again if a change landed between them).
    fn step(&self) -> Value {
        for _ in 0..100 {
            let first = self.session("crm-1")["browser"].clone();
            if first == self.session("crm-2")["browser"] {
                return first;
            }
        }
        panic!("the windows disagree on the sign-in step");
    }

    /// Hands `link` over as a later launch does.
    fn launch_with(&self, link: &str) {
        let args = ["axolop-desktop".to_owned(), link.to_owned()];
        launch::handed_over(self.app.handle(), &args);
    }

    /// The refusals told so far.
    fn refusals(&self) -> Vec<String> {
        self.events[1]
            .lock()
            .unwrap()
            .iter()
            .filter(|event| event["kind"] == "link-refused")
            .map(|event| event["data"]["message"].as_str().unwrap().to_owned())
            .collect()
    }

    /// Hands `link` over and waits for its refusal, which must mention
    /// `mention`; nothing else may change.
    fn refused(&self, link: &str, mention: &str) {
        let before = (self.status(), self.step(), self.refusals().len());
        self.launch_with(link);
        eventually("the refusal", || self.refusals().len() > before.2);
        let message = self.refusals().last().unwrap().clone();
        assert!(
            message.contains(mention),
            "{message:?} should say {mention:?}"
        );
        assert_eq!((self.status(), self.step()), (before.0, before.1));
    }

    /// Everything the windows were told, as text.
    fn everything_told(&self) -> String {
        let mut told = String::new();
        for events in &self.events {
            told += &serde_json::to_string(&*events.lock().unwrap()).unwrap();
        }
        told + &self.session("crm-1").to_string()
    }

    /// The address opened last in the browser.
    fn last_opened(&self) -> String {
        self.opened
            .lock()
            .unwrap()
            .last()
            .cloned()
            .expect("an address opened")
    }
}

fn server() -> GoTrue {
    let server = GoTrue::start();
    server.add_user(EMAIL, PASSWORD);
    server.set_provider_account("google", EMAIL);
    server
}

/// The query parameter `name` of `link`.
fn param(link: &str, name: &str) -> String {
    let url = tauri::Url::parse(link).unwrap();
    let value = url.query_pairs().find(|(key, _)| key == name);
    value
        .map(|(_, value)| value.into_owned())
        .unwrap_or_default()
}

#[test]
fn a_provider_signs_in_every_window_through_the_browser_and_the_link_works_once() {
    let server = server();
    let desk = Desk::new(&server);
    assert_eq!(
        desk.call("crm-1", "sign_in_providers", json!({})).unwrap(),
        json!(["azure", "github", "google"]),
        "from the project's settings"
    );
    desk.call("crm-1", "sign_in_provider", json!({ "provider": "google" }))
        .unwrap();
    assert_eq!(
        desk.step(),
        json!({ "step": "provider", "provider": "google" })
    );
    let authorize = desk.last_opened();
    assert!(authorize.starts_with(&format!("{}/auth/v1/authorize?", server.url())));
    assert_eq!(param(&authorize, "code_challenge_method"), "s256");

    let link = browser::follow(&authorize, SCHEME);
    let (state, code) = (param(&link, "state"), param(&link, "code"));
    assert!(!state.is_empty() && !code.is_empty(), "{link}");
    desk.launch_with(&link);
    eventually("every window signed in", || desk.status() == "signed-in");
    assert_eq!(desk.session("crm-1")["user"]["email"], EMAIL);
    assert_eq!(desk.step(), Value::Null);
    let stored = desk.app.state::<session::SessionDriver>().stored_session();
    assert_eq!(
        stored.map(|session| session.user.email),
        Some(Some(EMAIL.to_owned())),
        "the refresh token went to the keyring, as with a password"
    );

    // The same link again: nothing waits for it any more.
    desk.refused(&link, "No sign-in is waiting");
    assert_eq!(desk.status(), "signed-in");

    let told = desk.everything_told();
    for secret in [&state, &code] {
        assert!(!told.contains(secret.as_str()), "{secret} reached a window");
    }
    for token in server.issued_tokens() {
        assert!(!told.contains(&token), "a token reached a window");
    }
}

#[test]
fn a_callback_that_is_not_the_waiting_flows_is_refused_and_the_flow_keeps_waiting() {
    let server = server();
    let desk = Desk::new(&server);
    desk.refused(
        "axolop://auth/callback?state=nothing-started&code=abc",
        "No sign-in is waiting",
    );
    desk.call("crm-2", "sign_in_provider", json!({ "provider": "github" }))
        .unwrap();
    let waiting = desk.step();
    desk.refused(
        "axolop://auth/callback?state=someone-elses&code=abc",
        "not from the sign-in that is waiting",
    );
    desk.refused("axolop://settings/open", "not a sign-in link of this app");
    desk.refused("axolop://auth/callback?state=a&state=b&code=c", "damaged");
    desk.refused("https://example.com/phish", "does not open");
    desk.refused("--remote-debugging-port=9222", "does not open");
    assert_eq!(desk.step(), waiting);

    // The waiting flow still signs in.
    let link = browser::follow(&desk.last_opened(), SCHEME);
    desk.launch_with(&link);
    eventually("signed in", || desk.status() == "signed-in");
}

#[test]
fn a_provider_that_refuses_or_a_code_that_expired_ends_the_flow_with_the_reason() {
    let server = server();
    let desk = Desk::new(&server);
    server.set_provider_refuses("google", true);
    desk.call("crm-1", "sign_in_provider", json!({ "provider": "google" }))
        .unwrap();
    let link = browser::follow(&desk.last_opened(), SCHEME);
    desk.launch_with(&link);
    eventually("the refusal", || !desk.refusals().is_empty());
    assert!(
        desk.refusals()[0].starts_with("The sign-in was refused"),
        "{:?}",
        desk.refusals()
    );
    eventually("back to the choices", || desk.step() == Value::Null);
    assert_eq!(desk.status(), "signed-out");

    server.set_provider_refuses("google", false);
    desk.call("crm-1", "sign_in_provider", json!({ "provider": "google" }))
        .unwrap();
    let link = browser::follow(&desk.last_opened(), SCHEME);
    server.set_flow_state_lifetime(Duration::ZERO);
    desk.launch_with(&link);
    eventually("the refusal", || desk.refusals().len() == 2);
    assert!(
        desk.refusals()[1].contains("expired"),
        "{:?}",
        desk.refusals()
    );
    eventually("back to the choices", || desk.step() == Value::Null);
    assert_eq!(desk.status(), "signed-out");
}

#[test]
fn starting_a_sign_in_is_refused_for_an_unknown_provider_and_when_signed_in() {
    let server = server();
    server.set_provider_enabled("azure", false);
    let desk = Desk::new(&server);
    let outcome = desk.call("crm-1", "sign_in_provider", json!({ "provider": "azure" }));
    assert_error(outcome, "invalid_argument", &["does not offer", "azure"]);
    let outcome = desk.call(
        "crm-1",
        "sign_in_provider",
        json!({ "provider": "Go Ogle" }),
    );
    assert_error(outcome, "invalid_argument", &["lowercase"]);
    assert!(desk.opened.lock().unwrap().is_empty());
    assert_eq!(desk.step(), Value::Null);

    desk.call(
        "crm-1",
        "session_sign_in",
        json!({ "email": EMAIL, "password": PASSWORD }),
    )
    .unwrap();
    let outcome = desk.call("crm-1", "sign_in_provider", json!({ "provider": "google" }));
    assert_error(outcome, "conflict", &["sign out first"]);
    assert!(desk.opened.lock().unwrap().is_empty());
}

#[test]
fn cancelling_ends_the_flow_and_its_link_no_longer_signs_in() {
    let server = server();
    let desk = Desk::new(&server);
    desk.call("crm-1", "sign_in_provider", json!({ "provider": "google" }))
        .unwrap();
    desk.call("crm-2", "sign_in_cancel", json!({})).unwrap();
    assert_eq!(desk.step(), Value::Null);
    let link = browser::follow(&desk.last_opened(), SCHEME);
    desk.refused(&link, "No sign-in is waiting");
}

#[test]
fn an_emailed_link_signs_in_and_so_does_its_code_typed_instead() {
    let server = server();
    let desk = Desk::new(&server);
    let outcome = desk.call("crm-1", "sign_in_code", json!({ "code": "123456" }));
    assert_error(outcome, "conflict", &["Email me a sign-in link"]);

    desk.call("crm-1", "sign_in_email_link", json!({ "email": EMAIL }))
        .unwrap();
    assert_eq!(desk.step(), json!({ "step": "email-link", "email": EMAIL }));
    let email = server.last_email_to(EMAIL).expect("the email");
    desk.launch_with(&browser::follow(&email.link, SCHEME));
    eventually("signed in by the link", || desk.status() == "signed-in");

    desk.call("crm-1", "session_sign_out", json!({})).unwrap();
    eventually("signed out", || desk.status() == "signed-out");
    desk.call("crm-1", "sign_in_email_link", json!({ "email": EMAIL }))
        .unwrap();
    let email = server.last_email_to(EMAIL).expect("the second email");
    let wrong = if email.code == "000000" {
        "111111"
    } else {
        "000000"
    };
    let outcome = desk.call("crm-1", "sign_in_code", json!({ "code": wrong }));
    assert_error(
        outcome,
        "invalid_credentials",
        &["expired or was already used"],
    );
    assert_eq!(
        desk.step()["step"],
        "email-link",
        "a wrong code keeps it waiting"
    );
    let outcome = desk.call("crm-1", "sign_in_code", json!({ "code": "12ab" }));
    assert_error(outcome, "invalid_argument", &["6 digits"]);
    let typed = format!("{} {}", &email.code[..3], &email.code[3..]);
    desk.call("crm-2", "sign_in_code", json!({ "code": typed }))
        .unwrap();
    assert_eq!(desk.status(), "signed-in");
    assert_eq!(desk.step(), Value::Null);
    assert!(!desk.everything_told().contains(&email.code));
}

#[test]
fn a_password_reset_asks_for_a_new_password_then_signs_in_with_it() {
    let server = server();
    let desk = Desk::new(&server);
    let outcome = desk.call("crm-1", "password_choose", json!({ "password": "x" }));
    assert_error(outcome, "conflict", &["Forgot password?"]);

    desk.call("crm-1", "password_recover", json!({ "email": EMAIL }))
        .unwrap();
    assert_eq!(desk.step(), json!({ "step": "recovery", "email": EMAIL }));
    let email = server.last_email_to(EMAIL).expect("the reset email");
    desk.launch_with(&browser::follow(&email.link, SCHEME));
    eventually("the new-password step", || {
        desk.step() == json!({ "step": "new-password", "email": EMAIL })
    });
    assert_eq!(
        desk.status(),
        "signed-out",
        "not signed in before the password is set"
    );

    let outcome = desk.call("crm-1", "password_choose", json!({ "password": "abc" }));
    assert_error(
        outcome,
        "invalid_argument",
        &["did not accept this password", "6 characters"],
    );
    assert_eq!(desk.step()["step"], "new-password", "another can be tried");
    let new_password = "a much longer new password";
    desk.call(
        "crm-1",
        "password_choose",
        json!({ "password": new_password }),
    )
    .unwrap();
    assert_eq!(desk.status(), "signed-in");
    assert!(!desk.everything_told().contains(new_password));

    let client = AuthClient::new(AuthConfig {
        url: server.url(),
        anon_key: server.anon_key().to_owned(),
    })
    .unwrap();
    let sign_in = |password: &str| {
        tauri::async_runtime::block_on(
            client.sign_in(EMAIL, &SecretString::from(password.to_owned())),
        )
    };
    assert!(sign_in(new_password).is_ok());
    assert!(sign_in(PASSWORD).is_err(), "the old password is gone");
}

#[test]
fn in_local_mode_a_sign_in_link_is_refused_and_no_window_opens() {
    let app = common::app();
    let events = record_events(&window(&app, "crm-1"));
    let args = [
        "axolop-desktop".to_owned(),
        "axolop://auth/callback?state=s&code=c".to_owned(),
    ];
    launch::handed_over(app.handle(), &args);
    eventually("the refusal", || {
        events
            .lock()
            .unwrap()
            .iter()
            .any(|event| event["kind"] == "link-refused")
    });
    let told = serde_json::to_string(&*events.lock().unwrap()).unwrap();
    assert!(told.contains("local mode"), "{told}");
    assert_eq!(app.webview_windows().len(), 1, "a link opens no window");
}

#[test]
fn a_sign_in_link_that_starts_the_app_is_refused_in_every_window_it_opens() {
    let app = common::app();
    let args = [
        "axolop-desktop".to_owned(),
        "axolop://auth/callback?state=s&code=c".to_owned(),
    ];
    launch::at_start(app.handle(), &args);
    let notices = invoke(&window(&app, "crm-1"), "app_notices", json!({})).unwrap();
    let text = notices.to_string();
    assert!(
        text.contains("started before the app last closed"),
        "{text}"
    );
    assert!(!text.contains("code=c"), "the link is not repeated: {text}");

    let again = invoke(&window(&app, "crm-1"), "app_notices", json!({})).unwrap();
    assert_eq!(again, json!([]), "said once");

    let plain = common::app();
    launch::at_start(plain.handle(), &["axolop-desktop".to_owned()]);
    let notices = invoke(&window(&plain, "crm-1"), "app_notices", json!({})).unwrap();
    assert_eq!(notices, json!([]), "a plain start says nothing");
}

/// The exchange of `link`'s code, held up by the server for a while, and
/// what happens to the session it grants.
fn slow_exchange(server: &GoTrue, desk: &Desk, link: &str) {
    server.inject(Endpoint::Pkce, Fault::Delay(Duration::from_millis(600)), 1);
    let before = server.stats().pkce_calls;
    desk.launch_with(link);
    eventually("the exchange to be under way", || {
        server.stats().pkce_calls > before
    });
}

#[test]
fn a_sign_in_cancelled_while_its_code_is_exchanged_does_not_sign_in() {
    let server = server();
    let desk = Desk::new(&server);
    desk.call("crm-1", "sign_in_provider", json!({ "provider": "google" }))
        .unwrap();
    let link = browser::follow(&desk.last_opened(), SCHEME);
    slow_exchange(&server, &desk, &link);
    desk.call("crm-1", "sign_in_cancel", json!({})).unwrap();
    eventually("the late answer refused", || !desk.refusals().is_empty());
    assert!(
        desk.refusals()[0].contains("cancelled"),
        "{:?}",
        desk.refusals()
    );
    assert_eq!(desk.status(), "signed-out");
    assert_eq!(desk.step(), Value::Null);
    eventually("its session ended on the server", || {
        server.stats().logout_calls == 1
    });
}

#[test]
fn a_password_sign_in_while_a_code_is_exchanged_is_not_replaced_by_it() {
    let server = server();
    let other = "grace@example.com";
    server.add_user(other, PASSWORD);
    server.set_provider_account("google", other);
    let desk = Desk::new(&server);
    desk.call("crm-1", "sign_in_provider", json!({ "provider": "google" }))
        .unwrap();
    let link = browser::follow(&desk.last_opened(), SCHEME);
    slow_exchange(&server, &desk, &link);
    desk.call(
        "crm-2",
        "session_sign_in",
        json!({ "email": EMAIL, "password": PASSWORD }),
    )
    .unwrap();
    eventually("the late answer refused", || !desk.refusals().is_empty());
    assert_eq!(desk.session("crm-1")["user"]["email"], EMAIL, "still Ada");
    eventually("the late session ended on the server", || {
        server.stats().logout_calls == 1
    });
}

#[test]
fn a_new_start_while_an_old_code_fails_keeps_the_new_flow_waiting() {
    let server = server();
    let desk = Desk::new(&server);
    desk.call("crm-1", "sign_in_provider", json!({ "provider": "google" }))
        .unwrap();
    let link = browser::follow(&desk.last_opened(), SCHEME);
    server.set_flow_state_lifetime(Duration::ZERO);
    slow_exchange(&server, &desk, &link);
    desk.call("crm-1", "sign_in_provider", json!({ "provider": "github" }))
        .unwrap();
    eventually("the old code refused", || !desk.refusals().is_empty());
    assert!(
        desk.refusals()[0].contains("expired"),
        "{:?}",
        desk.refusals()
    );
    assert_eq!(
        desk.step(),
        json!({ "step": "provider", "provider": "github" })
    );
    server.set_flow_state_lifetime(Duration::from_secs(300));
    let link = browser::follow(&desk.last_opened(), SCHEME);
    desk.launch_with(&link);
    eventually("the new flow signs in", || desk.status() == "signed-in");
}

#[test]
fn a_sign_in_cancelled_and_started_again_while_its_code_is_exchanged_waits_for_the_new_one() {
    let server = server();
    let desk = Desk::new(&server);
    desk.call("crm-1", "sign_in_provider", json!({ "provider": "google" }))
        .unwrap();
    let old = browser::follow(&desk.last_opened(), SCHEME);
    slow_exchange(&server, &desk, &old);
    desk.call("crm-1", "sign_in_cancel", json!({})).unwrap();
    desk.call("crm-1", "sign_in_provider", json!({ "provider": "google" }))
        .unwrap();
    eventually("the late answer refused", || !desk.refusals().is_empty());
    assert_eq!(desk.status(), "signed-out");
    assert_eq!(
        desk.step(),
        json!({ "step": "provider", "provider": "google" })
    );
    let new = browser::follow(&desk.last_opened(), SCHEME);
    desk.launch_with(&new);
    eventually("the new attempt signs in", || desk.status() == "signed-in");
}
