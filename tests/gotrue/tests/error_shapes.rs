//! The three error body shapes real GoTrue versions produce.

mod support;

use std::time::Duration;

use axolop_gotrue::{Endpoint, ErrorShape, Fault};
use serde_json::json;
use support::{server_with_user, Client, EMAIL};

#[test]
fn the_current_shape_is_the_default() {
    let server = server_with_user();

    let answer = Client::new(&server).refresh("rt-never-issued");

    assert_eq!(
        answer.json(),
        json!({
            "code": 400,
            "error_code": "refresh_token_not_found",
            "msg": "Invalid Refresh Token: Refresh Token Not Found",
        })
    );
}

#[test]
fn the_legacy_shape_has_an_oauth_error_and_description() {
    let server = server_with_user();
    server.set_error_shape(ErrorShape::Legacy);

    let answer = Client::new(&server).sign_in(EMAIL, "wrong");

    assert_eq!(answer.status, 400);
    assert_eq!(
        answer.json(),
        json!({ "error": "invalid_grant", "error_description": "Invalid login credentials" })
    );
}

#[test]
fn the_plain_shape_has_a_string_code_and_a_message() {
    let server = server_with_user();
    server.set_error_shape(ErrorShape::Plain);

    let answer = Client::new(&server).user(Some("at-never-issued"));

    assert_eq!(answer.status, 403);
    let body = answer.json();
    assert_eq!(body["code"], "bad_jwt");
    assert!(body["message"].as_str().unwrap().starts_with("invalid JWT"));
    assert_eq!(body.as_object().unwrap().len(), 2, "{body}");
}

#[test]
fn the_shape_applies_to_injected_faults_too() {
    let server = server_with_user();
    server.set_error_shape(ErrorShape::Plain);
    let retry_after = Duration::from_secs(3);
    server.inject(Endpoint::Refresh, Fault::TooManyRequests { retry_after }, 1);

    let answer = Client::new(&server).refresh("rt-any");

    assert_eq!(answer.status, 429);
    assert_eq!(answer.retry_after.as_deref(), Some("3"));
    assert_eq!(answer.json()["code"], "over_request_rate_limit");
}

#[test]
fn a_missing_anon_key_follows_the_shape() {
    let server = server_with_user();
    server.set_error_shape(ErrorShape::Legacy);

    let answer = Client::with_api_key(&server, None).user(None);

    assert_eq!(answer.status, 401);
    assert_eq!(answer.json()["error"], "no_api_key");
}
