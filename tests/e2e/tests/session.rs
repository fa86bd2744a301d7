//! The Supabase session across real windows, against the GoTrue-compatible
//! test server and the real Secret Service (gnome-keyring, unlocked in the
//! D-Bus session `scripts/test.sh` starts).

use std::time::{Duration, Instant};

use axolop_e2e::{fresh_data_dir, wait_for, App, PATIENCE};
use axolop_gotrue::GoTrue;
use serde_json::{json, Value};

const EMAIL: &str = "ada@example.com";
const PASSWORD: &str = "e2e-password-7b1c";

fn server(expires_in: Duration) -> GoTrue {
    let server = GoTrue::start();
    server.add_user(EMAIL, PASSWORD);
    server.set_expires_in(expires_in);
    server
}

/// The app in Supabase mode against `server`, keeping the session in the
/// OS keyring.
fn env(server: &GoTrue) -> Vec<(&'static str, String)> {
    vec![
        ("AXOLOP_SUPABASE_URL", server.url()),
        ("AXOLOP_SUPABASE_ANON_KEY", server.anon_key().to_owned()),
        ("AXOLOP_SECRET_STORE", "os".to_owned()),
    ]
}

fn launch(test: &str, server: &GoTrue) -> App {
    let env = env(server);
    let pairs: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    App::launch_with(test, &pairs)
}

fn launch_in(dir: &std::path::Path, server: &GoTrue) -> App {
    let env = env(server);
    let pairs: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    App::launch_in(dir, &pairs)
}

/// The raw session status window `label` shows.
fn status(app: &App, label: &str) -> String {
    app.execute(
        label,
        "const el = document.querySelector('[data-testid=session-status]');
         return el ? el.dataset.status || '' : '';",
        json!([]),
    )
    .as_str()
    .unwrap_or_default()
    .to_owned()
}

fn wait_status(app: &App, label: &str, wanted: &str) {
    wait_for(&format!("{label} to show {wanted}"), PATIENCE, || {
        Ok((status(app, label) == wanted).then_some(()))
    })
    .unwrap();
}

fn exists(app: &App, label: &str, testid: &str) -> bool {
    app.execute(
        label,
        "return !!document.querySelector(`[data-testid=${arguments[0]}]`);",
        json!([testid]),
    ) == json!(true)
}

/// Signs in through the modal of window `label`, as a person would.
fn sign_in_with_the_modal(app: &App, label: &str) {
    wait_for(&format!("the sign-in modal in {label}"), PATIENCE, || {
        Ok(exists(app, label, "sign-in-modal").then_some(()))
    })
    .unwrap();
    app.execute(
        label,
        "const [email, password] = arguments;
         const set = (id, value) => {
           const input = document.querySelector(`[data-testid=${id}]`);
           input.value = value;
           input.dispatchEvent(new Event('input', { bubbles: true }));
         };
         set('sign-in-email', email);
         set('sign-in-password', password);
         document.querySelector('[data-testid=sign-in-submit]').click();
         return true;",
        json!([EMAIL, PASSWORD]),
    );
    wait_status(app, label, "signed-in");
}

#[test]
fn four_windows_stay_signed_in_while_short_tokens_are_refreshed_once_each() {
    let server = server(Duration::from_secs(5));
    let app = launch("session-refresh", &server);
    sign_in_with_the_modal(&app, "crm-1");
    let mut labels = vec!["crm-1".to_owned()];
    for _ in 0..3 {
        labels.push(app.open_window_from("crm-1"));
    }
    let before = server.stats().refreshes;
    let started = Instant::now();
    let mut checks = 0;
    while started.elapsed() < Duration::from_secs(30) {
        for label in &labels {
            assert_eq!(
                status(&app, label),
                "signed-in",
                "{label} after {:?}",
                started.elapsed()
            );
            checks += 1;
        }
        std::thread::sleep(Duration::from_millis(250));
    }
    let stats = server.stats();
    let refreshes = stats.refreshes - before;
    assert!(
        (6..=12).contains(&refreshes),
        "{refreshes} refreshes in 30 s of 5 s tokens"
    );
    assert_eq!(stats.reuses, 0, "no refresh token spent twice");
    assert!(
        server.refresh_uses().iter().all(|&uses| uses <= 1),
        "{:?}",
        server.refresh_uses()
    );
    assert!(checks > 100);

    // No token or password anywhere a window or the logs can see.
    let secrets: Vec<String> = server
        .issued_tokens()
        .into_iter()
        .chain([PASSWORD.to_owned()])
        .collect();
    let mut seen = String::new();
    for label in &labels {
        seen.push_str(&app.readable_state(label));
    }
    for entry in std::fs::read_dir(app.data_dir.join("logs"))
        .unwrap()
        .flatten()
    {
        seen.push_str(&std::fs::read_to_string(entry.path()).unwrap_or_default());
    }
    assert!(seen.contains(EMAIL), "the scan sees what windows show");
    for secret in &secrets {
        assert!(
            !seen.contains(secret.as_str()),
            "a secret leaked ({} chars)",
            secret.len()
        );
    }
}

#[test]
fn a_restart_signs_in_again_from_the_keyring_without_the_password() {
    let server = server(Duration::from_secs(3600));
    let dir = fresh_data_dir("session-restart");
    {
        let app = launch_in(&dir, &server);
        sign_in_with_the_modal(&app, "crm-1");
        wait_for("the session to reach the keyring", PATIENCE, || {
            Ok(app.log().contains("kept in the OS keyring").then_some(()))
        })
        .unwrap();
    }
    let app = launch_in(&dir, &server);
    wait_status(&app, "crm-1", "signed-in");
    assert!(!exists(&app, "crm-1", "sign-in-modal"));
    assert_eq!(
        server.stats().password_calls,
        1,
        "no second password sign-in"
    );
    assert_eq!(
        server.stats().refreshes,
        1,
        "restored with the stored refresh token"
    );
}

#[test]
fn a_kill_right_after_the_sign_in_answers_keeps_the_session() {
    let server = server(Duration::from_secs(3600));
    let dir = fresh_data_dir("session-kill-after-sign-in");
    {
        let app = launch_in(&dir, &server);
        wait_status(&app, "crm-1", "signed-out");
        let summary = app
            .invoke(
                "crm-1",
                "session_sign_in",
                json!({ "email": EMAIL, "password": PASSWORD }),
            )
            .expect("signed in");
        assert_eq!(summary["remembered"], true, "{summary}");
        // Dropping the app ends the driver session: tauri-driver kills the
        // app with SIGKILL at once, with no chance to finish anything.
    }
    let app = launch_in(&dir, &server);
    wait_status(&app, "crm-1", "signed-in");
    assert_eq!(
        server.stats().password_calls,
        1,
        "restored, not asked again"
    );
}

#[test]
fn signing_out_in_one_window_signs_out_every_window() {
    let server = server(Duration::from_secs(3600));
    let app = launch("session-sign-out", &server);
    sign_in_with_the_modal(&app, "crm-1");
    app.open_window_from("crm-1");
    app.open_window_from("crm-1");
    wait_status(&app, "crm-2", "signed-in");
    app.execute(
        "crm-2",
        "document.querySelector('[data-testid=sign-out]').click(); return true;",
        json!([]),
    );
    for label in ["crm-1", "crm-2", "crm-3"] {
        wait_status(&app, label, "signed-out");
    }
    // The sign-in modal is back in the primary only.
    wait_for("the modal in crm-1", PATIENCE, || {
        Ok(exists(&app, "crm-1", "sign-in-modal").then_some(()))
    })
    .unwrap();
    for label in ["crm-2", "crm-3"] {
        assert!(!exists(&app, label, "sign-in-modal"), "{label}");
        wait_for(&format!("{label} to wait"), PATIENCE, || {
            Ok(exists(&app, label, "modal-waiting").then_some(()))
        })
        .unwrap();
    }
    wait_for("the server to be told", PATIENCE, || {
        Ok((server.stats().logout_calls == 1).then_some(()))
    })
    .unwrap();
}

#[test]
fn the_sign_in_modal_is_in_the_primary_only_and_moves_when_it_closes() {
    let server = server(Duration::from_secs(3600));
    let app = launch("session-modal", &server);
    app.open_window_from("crm-1");
    app.open_window_from("crm-1");
    wait_for("the modal in crm-1", PATIENCE, || {
        Ok(exists(&app, "crm-1", "sign-in-modal").then_some(()))
    })
    .unwrap();
    for label in ["crm-2", "crm-3"] {
        assert!(!exists(&app, label, "sign-in-modal"), "{label}");
        assert!(exists(&app, label, "modal-waiting"), "{label}");
    }
    app.close_window("crm-1");
    let moved = Instant::now();
    wait_for("the modal to move to crm-2", PATIENCE, || {
        Ok(exists(&app, "crm-2", "sign-in-modal").then_some(()))
    })
    .unwrap();
    assert!(
        moved.elapsed() < Duration::from_secs(1),
        "moved in {:?}",
        moved.elapsed()
    );
    assert!(!exists(&app, "crm-3", "sign-in-modal"));
    assert!(exists(&app, "crm-3", "modal-waiting"));
    let error: Value = app
        .invoke(
            "crm-3",
            "session_sign_in",
            json!({ "email": EMAIL, "password": "wrong" }),
        )
        .unwrap_err();
    assert_eq!(error["code"], "invalid_credentials");
}

#[test]
fn a_project_over_plain_http_is_refused_at_start_and_every_window_says_why() {
    let app = App::launch_with(
        "session-plain-http",
        &[
            ("AXOLOP_SUPABASE_URL", "http://crm.example.com"),
            ("AXOLOP_SUPABASE_ANON_KEY", "anon-key"),
        ],
    );
    wait_for("the notice", PATIENCE, || {
        Ok(app
            .text("crm-1", "notice")
            .filter(|text| text.contains("use https"))
            .map(drop))
    })
    .unwrap();
    assert_eq!(status(&app, "crm-1"), "local");
}
