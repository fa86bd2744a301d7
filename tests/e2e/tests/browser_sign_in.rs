//! Signing in through the browser and by email in the real app, against
//! the GoTrue-compatible test server and the real Secret Service. The test
//! plays the browser: the app hands the authorize address to a stand-in
//! browser (`AXOLOP_BROWSER`, a debug-build setting) that writes it down,
//! and the test follows it, or the emailed link, to the fake provider and
//! back with an HTTP client. The `axolop://auth/callback` link comes back
//! to the app the way the operating system sends it: the app's binary
//! launched a second time with the link as its argument.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use axolop_e2e::{wait_for, App, PATIENCE};
use axolop_gotrue::{browser, GoTrue};
use serde_json::{json, Value};

const EMAIL: &str = "ada@example.com";
const PASSWORD: &str = "e2e-password-7b1c";

/// The stand-in browser: a script that appends each address it is given
/// to a file, and the file.
struct Browser {
    dir: tempfile::TempDir,
}

impl Browser {
    fn new() -> Browser {
        let dir = tempfile::Builder::new()
            .prefix("axolop-browser-")
            .tempdir()
            .unwrap();
        let script = dir.path().join("browser");
        let opened = dir.path().join("opened");
        std::fs::write(
            &script,
            format!(
                "#!/bin/sh\nprintf '%s\\n' \"$1\" >> '{}'\n",
                opened.display()
            ),
        )
        .unwrap();
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
        Browser { dir }
    }

    fn program(&self) -> PathBuf {
        self.dir.path().join("browser")
    }

    /// The last address the app opened.
    fn wait_opened(&self) -> String {
        let file = self.dir.path().join("opened");
        wait_for("the browser to be opened", PATIENCE, || {
            let opened = std::fs::read_to_string(&file).unwrap_or_default();
            Ok(opened.lines().last().map(str::to_owned))
        })
        .unwrap()
    }
}

fn launch(test: &str, server: &GoTrue, browser: &Browser) -> App {
    let program = browser.program();
    let url = server.url();
    App::launch_with(
        test,
        &[
            ("AXOLOP_SUPABASE_URL", url.as_str()),
            ("AXOLOP_SUPABASE_ANON_KEY", server.anon_key()),
            ("AXOLOP_SECRET_STORE", "os"),
            ("AXOLOP_BROWSER", program.to_str().unwrap()),
        ],
    )
}

fn server() -> GoTrue {
    let server = GoTrue::start();
    server.add_user(EMAIL, PASSWORD);
    server.set_provider_account("google", EMAIL);
    server
}

/// The session status window `label` shows.
fn status(app: &App, label: &str) -> String {
    let status = app.execute(
        label,
        "const el = document.querySelector('[data-testid=session-status]');
         return el ? el.dataset.status || '' : '';",
        json!([]),
    );
    status.as_str().unwrap_or_default().to_owned()
}

fn wait_signed_in(app: &App, labels: &[&str]) {
    for label in labels {
        wait_for(&format!("{label} signed in"), PATIENCE, || {
            Ok((status(app, label) == "signed-in").then_some(()))
        })
        .unwrap();
    }
}

/// Waits until `label` shows `[data-testid=<testid>]` (and returns its text).
fn wait_shows(app: &App, label: &str, testid: &str) -> String {
    wait_for(&format!("{testid} in {label}"), PATIENCE, || {
        Ok(app
            .shows(label, testid)
            .then(|| app.text(label, testid).unwrap_or_default()))
    })
    .unwrap()
}

/// Waits until `label`'s page shows `text` anywhere.
fn wait_text(app: &App, label: &str, text: &str) {
    wait_for(&format!("{text:?} in {label}"), PATIENCE, || {
        let body = app.execute(label, "return document.body.innerText;", json!([]));
        Ok(body
            .as_str()
            .unwrap_or_default()
            .contains(text)
            .then_some(()))
    })
    .unwrap();
}

/// Starts recording, in `label`'s page, every coordinator event and
/// anything sent under the deep-link plugin's event name.
fn record(app: &App, label: &str) {
    app.execute(
        label,
        "window.__seen = [];
         const keep = (event) => window.__seen.push(JSON.stringify(event.payload));
         window.__TAURI__.event.listen('coordinator', keep);
         window.__TAURI__.event.listen('deep-link://new-url', keep);
         return true;",
        json!([]),
    );
}

/// Everything a window, the logs or the data directory could show: each
/// page's markup, storage and recorded events, each snapshot, and every
/// file the app wrote.
fn everything_seen(app: &App, labels: &[&str]) -> String {
    let mut seen = String::new();
    for label in labels {
        seen.push_str(&app.readable_state(label));
    }
    read_all(&app.data_dir, &mut seen);
    seen
}

fn read_all(dir: &Path, into: &mut String) {
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            read_all(&path, into);
        } else if let Ok(bytes) = std::fs::read(&path) {
            into.push_str(&String::from_utf8_lossy(&bytes));
        }
    }
}

/// The query parameter `name` of `link`.
fn param(link: &str, name: &str) -> String {
    link.split(['?', '&'])
        .find_map(|pair| pair.strip_prefix(&format!("{name}=")))
        .unwrap_or_default()
        .to_owned()
}

fn assert_none_seen(seen: &str, secrets: &[String]) {
    assert!(seen.contains(EMAIL), "the scan sees what windows show");
    for secret in secrets {
        assert!(
            !secret.is_empty() && !seen.contains(secret.as_str()),
            "a secret reached a window, a file or a log ({} chars)",
            secret.len()
        );
    }
}

#[test]
fn a_provider_sign_in_comes_back_through_a_second_launch_and_signs_in_every_window() {
    let server = server();
    let stand_in = Browser::new();
    let app = launch("browser-provider", &server, &stand_in);
    let second = app.open_window_from("crm-1");
    app.wait_ready(&second);
    for label in ["crm-1", second.as_str()] {
        record(&app, label);
    }
    wait_shows(&app, "crm-1", "sign-in-modal");
    wait_for("the providers", PATIENCE, || {
        Ok(app.shows("crm-1", "sign-in-provider").then_some(()))
    })
    .unwrap();
    // Escape backs out of the browser step (a real key press).
    app.click("crm-1", "[data-provider=github]");
    wait_text(&app, "crm-1", "Sign in with GitHub");
    app.type_keys("crm-1", "Escape");
    wait_shows(&app, "crm-1", "sign-in-email");
    app.click("crm-1", "[data-provider=google]");
    let step = wait_shows(&app, "crm-1", "sign-in-step");
    assert!(step.contains("Sign in with Google"), "{step}");
    wait_text(&app, "crm-1", "Continue in your browser…");
    assert!(
        app.shows(&second, "modal-waiting"),
        "the other window keeps waiting"
    );
    assert!(!app.shows(&second, "sign-in-modal"));

    // A stray argument first: refused, no window, the flow still waits.
    app.launch_again(&["--open-everything"]);
    wait_text(&app, "crm-1", "does not open");
    let link = browser::follow(&stand_in.wait_opened(), "axolop");
    app.launch_again(&[&link]);
    wait_signed_in(&app, &["crm-1", &second]);
    assert_eq!(app.labels().len(), 2, "the link opened no window");

    // The same link again: refused, still signed in.
    app.launch_again(&[&link]);
    wait_text(&app, "crm-1", "No sign-in is waiting");
    assert_eq!(status(&app, &second), "signed-in");

    let mut secrets = server.issued_tokens();
    secrets.extend([
        param(&link, "code"),
        param(&link, "state"),
        PASSWORD.to_owned(),
    ]);
    let seen = everything_seen(&app, &["crm-1", &second]);
    assert!(
        !seen.contains("axolop://auth"),
        "the link reached a window or a file"
    );
    assert!(seen.contains("session-changed"), "the scan sees the events");
    assert_none_seen(&seen, &secrets);
}

#[test]
fn an_emailed_link_or_its_typed_code_signs_in_every_window() {
    let server = server();
    let stand_in = Browser::new();
    let app = launch("browser-email", &server, &stand_in);
    let second = app.open_window_from("crm-1");
    app.wait_ready(&second);
    record(&app, "crm-1");
    wait_shows(&app, "crm-1", "sign-in-modal");
    app.fill("crm-1", "[data-testid=sign-in-email]", EMAIL);
    app.click("crm-1", "[data-testid=sign-in-email-link]");
    wait_text(&app, "crm-1", "We sent a sign-in link to ada@example.com");
    let email = server.last_email_to(EMAIL).expect("the email");
    app.launch_again(&[&browser::follow(&email.link, "axolop")]);
    wait_signed_in(&app, &["crm-1", &second]);

    app.invoke("crm-1", "session_sign_out", json!({})).unwrap();
    wait_shows(&app, "crm-1", "sign-in-modal");
    app.fill("crm-1", "[data-testid=sign-in-email]", EMAIL);
    app.click("crm-1", "[data-testid=sign-in-email-link]");
    wait_shows(&app, "crm-1", "sign-in-code");
    let typed = server.last_email_to(EMAIL).expect("the second email").code;
    app.fill("crm-1", "[data-testid=sign-in-code]", &typed);
    app.click("crm-1", "[data-testid=sign-in-code-submit]");
    wait_signed_in(&app, &["crm-1", &second]);

    let mut secrets = server.issued_tokens();
    secrets.push(typed);
    let seen = everything_seen(&app, &["crm-1", &second]);
    assert!(seen.contains("session-changed"), "the scan sees the events");
    assert_none_seen(&seen, &secrets);
}

#[test]
fn a_password_reset_link_opens_choose_a_new_password_in_the_primary_and_signs_in() {
    let server = server();
    let stand_in = Browser::new();
    let app = launch("browser-reset", &server, &stand_in);
    let second = app.open_window_from("crm-1");
    app.wait_ready(&second);
    wait_shows(&app, "crm-1", "sign-in-modal");
    app.fill("crm-1", "[data-testid=sign-in-email]", EMAIL);
    app.click("crm-1", "[data-testid=sign-in-forgot]");
    wait_text(&app, "crm-1", "reset your password");
    let email = server.last_email_to(EMAIL).expect("the reset email");
    app.launch_again(&[&browser::follow(&email.link, "axolop")]);
    wait_text(&app, "crm-1", "Choose a new password");
    assert!(app.shows(&second, "modal-waiting"));
    assert_eq!(
        status(&app, &second),
        "signed-out",
        "not before the password is set"
    );

    let new_password = "a brand new e2e password";
    app.fill("crm-1", "[data-testid=new-password]", new_password);
    app.fill("crm-1", "[data-testid=new-password-again]", new_password);
    app.click("crm-1", "[data-testid=new-password-submit]");
    wait_signed_in(&app, &["crm-1", &second]);

    let mut secrets = server.issued_tokens();
    secrets.push(new_password.to_owned());
    assert_none_seen(&everything_seen(&app, &["crm-1", &second]), &secrets);
    let seen: Value = app
        .invoke("crm-1", "coordinator_snapshot", json!({}))
        .unwrap();
    assert_eq!(seen["session"]["user"]["email"], EMAIL);
}
