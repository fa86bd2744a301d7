//! The auth client against the GoTrue-compatible test server, over real
//! HTTP: sign-in, rotation, sign-out, every fault, and what each means for
//! the session (kept and retried, or ended).

use std::time::{Duration, Instant};

use axolop_auth::{AuthClient, AuthConfig, AuthError};
use axolop_coordinator::agency::AgencySelection;
use axolop_coordinator::session::{Session, SessionStatus, SignOutReason};
use axolop_coordinator::Coordinator;
use axolop_gotrue::{Endpoint, ErrorShape, Fault, GoTrue};
use secrecy::{ExposeSecret, SecretString};

const EMAIL: &str = "ada@example.com";
const PASSWORD: &str = "correct horse battery staple";

fn server() -> GoTrue {
    let server = GoTrue::start();
    server.add_user(EMAIL, PASSWORD);
    server
}

fn client(server: &GoTrue) -> AuthClient {
    AuthClient::new(AuthConfig {
        url: server.url(),
        anon_key: server.anon_key().to_owned(),
    })
    .unwrap()
}

fn password() -> SecretString {
    SecretString::from(PASSWORD.to_owned())
}

#[tokio::test]
async fn signing_in_grants_tokens_for_the_user_and_a_wrong_password_does_not() {
    let server = server();
    let client = client(&server);
    server.set_expires_in(Duration::from_secs(5));
    let grant = client.sign_in(EMAIL, &password()).await.unwrap();
    assert_eq!(grant.user.email.as_deref(), Some(EMAIL));
    assert_eq!(grant.lifetime, Duration::from_secs(5));
    assert_eq!(client.user(&grant.access_token).await.unwrap(), grant.user);
    let wrong = client
        .sign_in(EMAIL, &SecretString::from("nope".to_owned()))
        .await;
    assert_eq!(wrong.unwrap_err(), AuthError::InvalidCredentials);
}

#[tokio::test]
async fn a_refresh_rotates_the_token_and_spending_one_twice_is_rejected_as_reuse_in_every_shape() {
    for shape in [ErrorShape::Current, ErrorShape::Legacy, ErrorShape::Plain] {
        let server = server();
        server.set_error_shape(shape);
        let client = client(&server);
        let first = client.sign_in(EMAIL, &password()).await.unwrap();
        let second = client.refresh(&first.refresh_token).await.unwrap();
        assert_ne!(
            second.refresh_token.expose_secret(),
            first.refresh_token.expose_secret()
        );
        let reused = client.refresh(&first.refresh_token).await.unwrap_err();
        assert_eq!(
            reused,
            AuthError::Rejected(SignOutReason::Reused),
            "{shape:?}"
        );
        assert_eq!(server.stats().reuses, 1);
    }
}

#[tokio::test]
async fn after_sign_out_the_refresh_token_is_rejected() {
    let server = server();
    let client = client(&server);
    let grant = client.sign_in(EMAIL, &password()).await.unwrap();
    client.sign_out(&grant.access_token).await.unwrap();
    let error = client.refresh(&grant.refresh_token).await.unwrap_err();
    assert!(matches!(error, AuthError::Rejected(_)), "{error}");
}

#[tokio::test]
async fn an_unreachable_server_is_unavailable_with_a_plain_reason() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let client = AuthClient::new(AuthConfig {
        url: format!("http://127.0.0.1:{port}"),
        anon_key: "key".into(),
    })
    .unwrap();
    let error = client.sign_in(EMAIL, &password()).await.unwrap_err();
    assert!(
        matches!(&error, AuthError::Unavailable { reason, .. } if reason.contains("cannot be reached")),
        "{error}"
    );
}

#[tokio::test]
async fn bad_settings_are_refused_before_any_call() {
    for url in ["not a url", "ftp://example.com"] {
        let error = AuthClient::new(AuthConfig {
            url: url.into(),
            anon_key: "k".into(),
        })
        .unwrap_err();
        assert!(matches!(error, AuthError::Config(_)), "{url}: {error}");
    }
}

/// One fault on the refresh endpoint, and what the session does about it.
async fn session_after_fault(fault: Fault) -> (SessionStatus, Option<Duration>, AuthError) {
    let server = server();
    let client = client(&server);
    let grant = client.sign_in(EMAIL, &password()).await.unwrap();
    let now = Instant::now();
    let mut coordinator = Coordinator::with_session(Session::supabase());
    coordinator
        .session_signed_in(AgencySelection::default(), grant, now)
        .unwrap();
    let due = now + Duration::from_secs(3600);
    let job = coordinator.session_refresh_due(due).unwrap();
    server.inject(Endpoint::Refresh, fault, 1);
    let error = client.refresh(&job.refresh_token).await.unwrap_err();
    coordinator.session_refresh_failed(job.id, error.refresh_failure(), 0.0, due);
    let retry = coordinator.next_deadline().map(|at| at - due);
    (coordinator.session().summary().status, retry, error)
}

#[tokio::test]
async fn every_server_fault_keeps_the_session_and_schedules_a_retry() {
    let faults = [
        Fault::Status500,
        Fault::Status503,
        Fault::TooManyRequests {
            retry_after: Duration::from_secs(3),
        },
        Fault::ConnectionReset,
        Fault::MalformedJson,
    ];
    for fault in faults {
        let (status, retry, error) = session_after_fault(fault).await;
        assert!(
            matches!(error, AuthError::Unavailable { .. }),
            "{fault:?}: {error}"
        );
        assert_eq!(status, SessionStatus::Offline, "{fault:?}: kept, offline");
        let retry = retry.expect("a retry is scheduled");
        let least = if matches!(fault, Fault::TooManyRequests { .. }) {
            Duration::from_secs(3)
        } else {
            Duration::from_millis(250)
        };
        assert!(retry >= least, "{fault:?}: retry in {retry:?}");
    }
}

#[tokio::test]
async fn a_delay_shorter_than_the_timeout_is_only_slow() {
    let server = server();
    let client = client(&server);
    let grant = client.sign_in(EMAIL, &password()).await.unwrap();
    server.inject(
        Endpoint::Refresh,
        Fault::Delay(Duration::from_millis(300)),
        1,
    );
    let started = Instant::now();
    client.refresh(&grant.refresh_token).await.unwrap();
    assert!(started.elapsed() >= Duration::from_millis(300));
}

#[tokio::test]
async fn a_reused_token_ends_the_session() {
    let server = server();
    let client = client(&server);
    let grant = client.sign_in(EMAIL, &password()).await.unwrap();
    client.refresh(&grant.refresh_token).await.unwrap();
    let now = Instant::now();
    let mut coordinator = Coordinator::with_session(Session::supabase());
    coordinator
        .session_signed_in(AgencySelection::default(), grant, now)
        .unwrap();
    let job = coordinator
        .session_refresh_due(now + Duration::from_secs(3600))
        .unwrap();
    let error = client.refresh(&job.refresh_token).await.unwrap_err();
    coordinator.session_refresh_failed(job.id, error.refresh_failure(), 0.0, now);
    let summary = coordinator.session().summary();
    assert_eq!(
        (summary.status, summary.ended),
        (SessionStatus::SignedOut, Some(SignOutReason::Reused))
    );
}

#[test]
fn a_rogue_server_can_neither_flood_the_app_nor_forge_its_log_lines() {
    let message = format!("denied\n2026-01-01 INFO forged line {}", "x".repeat(10_000));
    let body = serde_json::json!({ "error_code": "nope", "msg": message }).to_string();
    let url = axolop_gotrue::rogue::serve(vec![
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 1073741824\r\n\r\n{".to_owned(),
        format!(
            "HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
            body.len()
        ),
    ]);
    let client = AuthClient::new(AuthConfig {
        url,
        anon_key: "key".to_owned(),
    })
    .unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let password = SecretString::from(PASSWORD);

    let huge = runtime
        .block_on(client.sign_in(EMAIL, &password))
        .unwrap_err();
    assert!(
        matches!(&huge, AuthError::Unavailable { reason, .. } if reason.contains("larger than 64 KiB")),
        "{huge:?}"
    );
    let forged = runtime
        .block_on(client.sign_in(EMAIL, &password))
        .unwrap_err()
        .to_string();
    assert!(!forged.contains('\n'), "{forged}");
    assert!(
        forged.contains("denied 2026-01-01 INFO forged line"),
        "{forged}"
    );
    assert!(
        forged.chars().count() < 500,
        "{} characters",
        forged.chars().count()
    );
}
