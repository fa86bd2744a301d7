//! Injected faults: each kind, how long they last, and what they leave alone.

mod support;

use std::io;
use std::time::{Duration, Instant};

use axolop_gotrue::{Endpoint, Fault};
use support::{eventually, server_with_user, Client};

#[test]
fn a_delay_answers_late_but_normally() {
    let server = server_with_user();
    let client = Client::new(&server);
    let refresh = client.session_field("refresh_token");
    server.inject(
        Endpoint::Refresh,
        Fault::Delay(Duration::from_millis(300)),
        1,
    );

    let started = Instant::now();
    let answer = client.refresh(&refresh);

    assert!(started.elapsed() >= Duration::from_millis(300));
    assert_eq!(answer.status, 200, "{}", answer.text);
    assert_eq!(server.stats().refreshes, 1);
}

#[test]
fn a_delayed_call_does_not_hold_up_the_others() {
    let server = server_with_user();
    let client = Client::new(&server);
    let access = client.session_field("access_token");
    server.inject(Endpoint::Refresh, Fault::Delay(Duration::from_secs(1)), 1);

    std::thread::scope(|scope| {
        let delayed = scope.spawn(|| Client::new(&server).refresh("rt-any"));
        eventually("the delayed call to arrive", Duration::from_secs(5), || {
            (server.stats().refresh_calls == 1).then_some(())
        });

        assert_eq!(client.user(Some(&access)).status, 200);
        assert!(!delayed.is_finished(), "the other call is answered first");
    });
}

#[test]
fn status_500_answers_unexpected_failure() {
    let server = server_with_user();
    server.inject(Endpoint::Password, Fault::Status500, 1);

    let answer = Client::new(&server).sign_in_user();

    assert_eq!(answer.status, 500);
    assert_eq!(answer.error_code(), "unexpected_failure");
}

#[test]
fn status_503_answers_service_unavailable() {
    let server = server_with_user();
    server.inject(Endpoint::User, Fault::Status503, 1);

    let answer = Client::new(&server).user(None);

    assert_eq!(answer.status, 503);
    assert_eq!(answer.error_code(), "service_unavailable");
}

#[test]
fn too_many_requests_says_when_to_retry_in_whole_seconds() {
    let server = server_with_user();
    let retry_after = Duration::from_millis(1200);
    server.inject(Endpoint::Refresh, Fault::TooManyRequests { retry_after }, 1);

    let answer = Client::new(&server).refresh("rt-any");

    assert_eq!(answer.status, 429);
    assert_eq!(answer.retry_after.as_deref(), Some("2"));
    assert_eq!(answer.error_code(), "over_request_rate_limit");
}

#[test]
fn a_connection_reset_is_a_transport_error_without_any_response() {
    let server = server_with_user();
    server.inject(Endpoint::Refresh, Fault::ConnectionReset, 1);

    let outcome = Client::new(&server).try_refresh("rt-any");

    match outcome {
        Err(ureq::Error::Io(error)) => {
            assert_eq!(error.kind(), io::ErrorKind::ConnectionReset, "{error}")
        }
        other => panic!("expected a reset connection, got {other:?}"),
    }
}

#[test]
fn malformed_json_is_a_200_that_does_not_parse() {
    let server = server_with_user();
    server.inject(Endpoint::Password, Fault::MalformedJson, 1);

    let answer = Client::new(&server).sign_in_user();

    assert_eq!(answer.status, 200);
    assert_eq!(answer.content_type.as_deref(), Some("application/json"));
    assert!(serde_json::from_str::<serde_json::Value>(&answer.text).is_err());
    assert!(server.issued_tokens().is_empty(), "no session was made");
}

#[test]
fn a_fault_lasts_for_the_given_number_of_calls() {
    let server = server_with_user();
    let client = Client::new(&server);
    server.inject(Endpoint::Password, Fault::Status503, 2);

    let statuses: Vec<u16> = (0..3).map(|_| client.sign_in_user().status).collect();

    assert_eq!(statuses, [503, 503, 200]);
    assert_eq!(server.stats().password_calls, 3);
}

#[test]
fn a_faulted_refresh_leaves_the_token_unused() {
    let server = server_with_user();
    let client = Client::new(&server);
    let refresh = client.session_field("refresh_token");
    server.inject(Endpoint::Refresh, Fault::Status500, 1);

    let faulted = client.refresh(&refresh);
    let retried = client.refresh(&refresh);

    assert_eq!(faulted.status, 500);
    assert_eq!(retried.status, 200, "{}", retried.text);
    assert_eq!(server.refresh_uses(), [1, 0]);
    assert_eq!(server.stats().refresh_calls, 2);
}

#[test]
fn a_request_without_the_anon_key_does_not_use_up_a_fault() {
    let server = server_with_user();
    server.inject(Endpoint::User, Fault::Status500, 1);

    let keyless = Client::with_api_key(&server, None).user(None);
    let keyed = Client::new(&server).user(None);

    assert_eq!(keyless.status, 401);
    assert_eq!(keyed.status, 500);
}

#[test]
fn cleared_faults_are_forgotten() {
    let server = server_with_user();
    server.inject(Endpoint::Password, Fault::Status500, 5);
    server.inject(Endpoint::Refresh, Fault::ConnectionReset, 5);

    server.clear_faults();

    assert_eq!(Client::new(&server).sign_in_user().status, 200);
}

#[test]
fn faults_apply_only_to_their_endpoint() {
    let server = server_with_user();
    server.inject(Endpoint::Logout, Fault::Status500, 1);

    assert_eq!(Client::new(&server).sign_in_user().status, 200);
}

#[test]
fn an_open_endpoint_takes_its_fault_without_the_anon_key() {
    let server = server_with_user();
    server.inject(Endpoint::Authorize, Fault::Status503, 1);
    let url = format!("{}/auth/v1/authorize?provider=google", server.url());

    let faulted = support::Browser::new().open(&url);
    let normal = support::Browser::new().open(&url);

    assert_eq!(faulted.status, 503);
    assert_eq!(faulted.error_code(), "service_unavailable");
    assert_eq!(normal.status, 302);
    assert_eq!(server.stats().calls(Endpoint::Authorize), 2);
}
