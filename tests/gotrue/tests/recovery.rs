//! Password recovery by email, then a new password with `PUT /user`.

mod support;

use axolop_gotrue::EmailKind;
use serde_json::json;
use support::{query_param, server_with_user, Browser, Client, Pkce, EMAIL, PASSWORD};

const RESET: &str = "axolop://auth/reset";
const NEW_PASSWORD: &str = "a brand new passphrase";

/// Recovers [`EMAIL`]'s account through a PKCE link and returns the session.
fn recovered_session(server: &axolop_gotrue::GoTrue, client: &Client) -> serde_json::Value {
    let pkce = Pkce::new();
    let body = json!({
        "email": EMAIL,
        "code_challenge": pkce.challenge,
        "code_challenge_method": "S256",
    });
    let answer = client.recover(body, RESET);
    assert_eq!(answer.status, 200, "{}", answer.text);
    let email = server.last_email_to(EMAIL).expect("a recovery email");
    assert_eq!(email.kind, EmailKind::Recovery);
    let back = Browser::new().redirect(&email.link, 303);
    let code = query_param(&back, "code").unwrap_or_else(|| panic!("no code in {back}"));
    let session = client.exchange(&code, &pkce.verifier);
    assert_eq!(session.status, 200, "{}", session.text);
    session.json()
}

#[test]
fn a_recovered_session_sets_a_new_password_and_the_old_one_stops_working() {
    let server = server_with_user();
    let client = Client::new(&server);

    let session = recovered_session(&server, &client);
    let access = session["access_token"].as_str().unwrap();
    let update = client.update_user(access, json!({ "password": NEW_PASSWORD }));

    assert_eq!(update.status, 200, "{}", update.text);
    assert_eq!(update.json()["email"], EMAIL);
    assert_eq!(update.json()["id"], session["user"]["id"]);
    assert_eq!(
        client.sign_in(EMAIL, PASSWORD).error_code(),
        "invalid_credentials"
    );
    assert_eq!(client.sign_in(EMAIL, NEW_PASSWORD).status, 200);
}

#[test]
fn the_recovery_link_is_a_pkce_link_of_type_recovery() {
    let server = server_with_user();
    let pkce = Pkce::new();
    let body = json!({ "email": EMAIL, "code_challenge": pkce.challenge, "code_challenge_method": "s256" });

    Client::new(&server).recover(body, RESET);

    let email = server.last_email_to(EMAIL).unwrap();
    assert!(email.link.contains("token=pkce_"), "{}", email.link);
    assert_eq!(
        query_param(&email.link, "type").as_deref(),
        Some("recovery")
    );
    assert_eq!(
        query_param(&email.link, "redirect_to").as_deref(),
        Some(RESET)
    );
}

#[test]
fn an_unknown_address_is_answered_alike_and_sent_nothing() {
    let server = server_with_user();

    let answer = Client::new(&server).recover(json!({ "email": "nobody@example.com" }), RESET);

    assert_eq!(answer.status, 200, "{}", answer.text);
    assert_eq!(answer.json(), json!({}));
    assert!(server.emails().is_empty());
}

#[test]
fn recovery_needs_an_email() {
    let server = server_with_user();

    let answer = Client::new(&server).recover(json!({}), RESET);

    assert_eq!(answer.status, 400);
    assert_eq!(answer.error_code(), "validation_failed");
    assert_eq!(answer.field("msg"), "Password recovery requires an email");
}

#[test]
fn a_short_or_unchanged_password_is_refused() {
    let server = server_with_user();
    let client = Client::new(&server);
    let access = client.session_field("access_token");

    let short = client.update_user(&access, json!({ "password": "12345" }));
    let same = client.update_user(&access, json!({ "password": PASSWORD }));

    assert_eq!(short.status, 422);
    assert_eq!(
        short.json(),
        json!({
            "code": 422,
            "error_code": "weak_password",
            "msg": "Password should be at least 6 characters.",
            "weak_password": { "reasons": ["length"] },
        })
    );
    assert_eq!(same.status, 422);
    assert_eq!(same.error_code(), "same_password");
    assert_eq!(client.sign_in(EMAIL, PASSWORD).status, 200);
}

#[test]
fn a_new_password_ends_the_other_sessions_but_not_this_one() {
    let server = server_with_user();
    let client = Client::new(&server);
    let this = client.session();
    let other = client.session();
    let access = this["access_token"].as_str().unwrap();

    client.update_user(access, json!({ "password": NEW_PASSWORD }));

    let other_refresh = client.refresh(other["refresh_token"].as_str().unwrap());
    assert_eq!(other_refresh.error_code(), "session_not_found");
    assert_eq!(client.user(Some(access)).status, 200);
    assert_eq!(
        client
            .refresh(this["refresh_token"].as_str().unwrap())
            .status,
        200
    );
}

#[test]
fn updating_the_user_needs_a_bearer_and_is_counted() {
    let server = server_with_user();

    let answer = Client::new(&server).update_user("", json!({ "password": NEW_PASSWORD }));

    assert_eq!(answer.status, 401);
    assert_eq!(answer.error_code(), "no_authorization");
    assert_eq!(server.stats().update_user_calls, 1);
}

#[test]
fn user_metadata_is_merged() {
    let server = server_with_user();
    let client = Client::new(&server);
    let access = client.session_field("access_token");

    client.update_user(&access, json!({ "data": { "name": "Ada", "team": "crm" } }));
    let answer = client.update_user(&access, json!({ "data": { "team": null } }));

    assert_eq!(answer.json()["user_metadata"], json!({ "name": "Ada" }));
}
