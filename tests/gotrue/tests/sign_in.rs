//! The password grant, and the anon key every request needs.

mod support;

use std::time::{SystemTime, UNIX_EPOCH};

use axolop_gotrue::GoTrue;
use serde_json::json;
use support::{server_with_user, Client, EMAIL, PASSWORD};

#[test]
fn the_right_password_returns_a_bearer_session_for_the_user() {
    let server = GoTrue::start();
    let id = server.add_user(EMAIL, PASSWORD);
    let client = Client::new(&server);
    let before = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();

    let answer = client.sign_in(EMAIL, PASSWORD);

    assert_eq!(answer.status, 200, "{}", answer.text);
    assert_eq!(answer.content_type.as_deref(), Some("application/json"));
    let session = answer.json();
    assert_eq!(session["token_type"], "bearer");
    assert_eq!(session["expires_in"], 3600);
    let expires_at = session["expires_at"]
        .as_u64()
        .expect("expires_at in unix seconds");
    assert!(
        (before + 3599..=before + 3601).contains(&expires_at),
        "{expires_at}"
    );
    assert_eq!(session["user"]["id"], id.as_str());
    assert_eq!(session["user"]["email"], EMAIL);
    assert_eq!(session["user"]["aud"], "authenticated");
    assert_eq!(session["user"]["role"], "authenticated");
    assert_eq!(
        server.issued_tokens(),
        [answer.field("access_token"), answer.field("refresh_token")]
    );
    assert_eq!(server.stats().tokens_issued, 2);
}

#[test]
fn the_email_matches_whatever_its_case() {
    let server = server_with_user();

    let answer = Client::new(&server).sign_in(&EMAIL.to_uppercase(), PASSWORD);

    assert_eq!(answer.status, 200, "{}", answer.text);
    assert_eq!(answer.json()["user"]["email"], EMAIL);
}

#[test]
fn a_wrong_password_is_invalid_credentials() {
    let server = server_with_user();

    let answer = Client::new(&server).sign_in(EMAIL, "wrong");

    assert_eq!(answer.status, 400);
    assert_eq!(
        answer.json(),
        json!({ "code": 400, "error_code": "invalid_credentials", "msg": "Invalid login credentials" })
    );
    assert!(server.issued_tokens().is_empty());
}

#[test]
fn an_unknown_email_is_invalid_credentials() {
    let server = server_with_user();

    let answer = Client::new(&server).sign_in("nobody@example.com", PASSWORD);

    assert_eq!(answer.status, 400);
    assert_eq!(answer.error_code(), "invalid_credentials");
}

#[test]
fn a_missing_password_is_a_validation_failure() {
    let server = server_with_user();

    let answer = Client::new(&server).sign_in(EMAIL, "");

    assert_eq!(answer.status, 400);
    assert_eq!(answer.error_code(), "validation_failed");
}

#[test]
fn a_request_without_the_anon_key_is_refused_but_counted() {
    let server = server_with_user();

    let answer = Client::with_api_key(&server, None).sign_in(EMAIL, PASSWORD);

    assert_eq!(answer.status, 401);
    assert_eq!(answer.error_code(), "no_api_key");
    assert_eq!(answer.json()["code"], 401);
    assert_eq!(server.stats().password_calls, 1);
    assert!(server.issued_tokens().is_empty());
}

#[test]
fn a_request_with_another_key_is_refused() {
    let server = server_with_user();

    let answer = Client::with_api_key(&server, Some("someone-elses-key")).user(None);

    assert_eq!(answer.status, 401);
    assert_eq!(answer.error_code(), "no_api_key");
}

#[test]
fn servers_are_independent() {
    let first = server_with_user();
    let second = GoTrue::start();

    let answer = Client::new(&second).sign_in(EMAIL, PASSWORD);

    assert_ne!(first.url(), second.url());
    assert_eq!(answer.error_code(), "invalid_credentials");
}
