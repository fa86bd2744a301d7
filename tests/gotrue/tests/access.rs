//! Access tokens: the current user, expiry, and logout.

mod support;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use support::{eventually, server_with_user, Client, EMAIL};

#[test]
fn the_user_endpoint_returns_the_bearers_user() {
    let server = server_with_user();
    let client = Client::new(&server);
    let session = client.session();

    let answer = client.user(session["access_token"].as_str());

    assert_eq!(answer.status, 200, "{}", answer.text);
    let user = answer.json();
    assert_eq!(user, session["user"]);
    assert_eq!(user["email"], EMAIL);
    assert_eq!(user["aud"], "authenticated");
    assert_eq!(user["role"], "authenticated");
    assert_eq!(server.stats().user_calls, 1);
}

#[test]
fn the_user_endpoint_needs_a_bearer_token() {
    let server = server_with_user();

    let answer = Client::new(&server).user(None);

    assert_eq!(answer.status, 401);
    assert_eq!(answer.error_code(), "no_authorization");
}

#[test]
fn an_unknown_access_token_is_a_bad_jwt() {
    let server = server_with_user();

    let answer = Client::new(&server).user(Some("at-never-issued"));

    assert_eq!(answer.status, 403);
    assert_eq!(answer.error_code(), "bad_jwt");
}

#[test]
fn an_access_token_stops_working_once_expires_in_has_passed() {
    let server = server_with_user();
    server.set_expires_in(Duration::from_secs(1));
    let client = Client::new(&server);
    let session = client.session();
    let access = session["access_token"].as_str().unwrap();
    assert_eq!(session["expires_in"], 1);
    assert_eq!(client.user(Some(access)).status, 200);

    // The server's clock is the real one, so this waits about a second.
    let expired = eventually("the token to expire", Duration::from_secs(5), || {
        let answer = client.user(Some(access));
        (answer.status != 200).then_some(answer)
    });

    assert_eq!(expired.status, 403);
    assert_eq!(expired.error_code(), "bad_jwt");
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    assert!(
        now >= session["expires_at"].as_u64().unwrap(),
        "expires_at is never late"
    );
}

#[test]
fn a_refreshed_session_gets_the_lifetime_set_since() {
    let server = server_with_user();
    let client = Client::new(&server);
    let refresh = client.session_field("refresh_token");

    server.set_expires_in(Duration::from_secs(90));

    assert_eq!(client.refresh(&refresh).json()["expires_in"], 90);
}

#[test]
fn logout_ends_the_session_for_refresh_and_user_alike() {
    let server = server_with_user();
    let client = Client::new(&server);
    let session = client.session();
    let access = session["access_token"].as_str().unwrap();

    let answer = client.logout(access, None);

    assert_eq!(answer.status, 204);
    assert!(answer.text.is_empty());
    let refresh = client.refresh(session["refresh_token"].as_str().unwrap());
    assert_eq!(refresh.status, 400);
    assert_eq!(refresh.error_code(), "session_not_found");
    let user = client.user(Some(access));
    assert_eq!(user.status, 403);
    assert_eq!(user.error_code(), "session_not_found");
    assert_eq!(server.stats().logout_calls, 1);
}

#[test]
fn logout_with_an_unknown_token_is_refused() {
    let server = server_with_user();

    let answer = Client::new(&server).logout("at-never-issued", None);

    assert_eq!(answer.status, 403);
    assert_eq!(answer.error_code(), "bad_jwt");
}

#[test]
fn logout_by_default_ends_every_session_of_the_user() {
    let server = server_with_user();
    let client = Client::new(&server);
    let laptop = client.session();
    let phone = client.session();

    client.logout(laptop["access_token"].as_str().unwrap(), None);

    assert_eq!(client.user(phone["access_token"].as_str()).status, 403);
}

#[test]
fn local_logout_leaves_the_users_other_sessions_alive() {
    let server = server_with_user();
    let client = Client::new(&server);
    let laptop = client.session();
    let phone = client.session();

    let answer = client.logout(laptop["access_token"].as_str().unwrap(), Some("local"));

    assert_eq!(answer.status, 204);
    assert_eq!(client.user(laptop["access_token"].as_str()).status, 403);
    assert_eq!(client.user(phone["access_token"].as_str()).status, 200);
    assert_eq!(
        client
            .refresh(phone["refresh_token"].as_str().unwrap())
            .status,
        200
    );
}
