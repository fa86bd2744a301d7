//! Email sign-in: `/otp` sends a magic link and a code, `/verify` takes either.

mod support;

use std::time::Duration;

use axolop_gotrue::{Email, EmailKind, GoTrue};
use serde_json::{json, Value};
use support::{fragment_param, query_param, server_with_user, Browser, Client, Pkce, EMAIL};

const CALLBACK: &str = "axolop://auth/callback?state=xyz";

fn otp_body(email: &str, pkce: Option<&Pkce>) -> Value {
    let mut body = json!({ "email": email, "create_user": true });
    if let Some(pkce) = pkce {
        body["code_challenge"] = json!(pkce.challenge);
        body["code_challenge_method"] = json!("s256");
    }
    body
}

/// Asks for a magic link for `email` and returns the email sent.
fn magic_link(server: &GoTrue, email: &str, pkce: Option<&Pkce>) -> Email {
    let answer = Client::new(server).otp(otp_body(email, pkce), CALLBACK);
    assert_eq!(answer.status, 200, "{}", answer.text);
    assert_eq!(answer.json(), json!({}));
    server.last_email_to(email).expect("an email")
}

fn typed(client: &Client, email: &str, code: &str) -> support::Answer {
    client.verify(json!({ "type": "email", "email": email, "token": code }))
}

#[test]
fn a_magic_link_signs_in_through_pkce() {
    let server = server_with_user();
    let pkce = Pkce::new();
    let client = Client::new(&server);

    let email = magic_link(&server, EMAIL, Some(&pkce));
    let back = Browser::new().redirect(&email.link, 303);
    let code = query_param(&back, "code").unwrap_or_else(|| panic!("no code in {back}"));
    let answer = client.exchange(&code, &pkce.verifier);

    assert_eq!(email.to, EMAIL);
    assert_eq!(email.kind, EmailKind::MagicLink);
    let verify = format!("{}/auth/v1/verify?token=pkce_", server.url());
    assert!(email.link.starts_with(&verify), "{}", email.link);
    assert_eq!(
        query_param(&email.link, "type").as_deref(),
        Some("magiclink")
    );
    assert_eq!(
        query_param(&email.link, "redirect_to").as_deref(),
        Some(CALLBACK)
    );
    assert!(back.starts_with("axolop://auth/callback?"), "{back}");
    assert_eq!(query_param(&back, "state").as_deref(), Some("xyz"));
    assert_eq!(answer.status, 200, "{}", answer.text);
    assert_eq!(answer.json()["user"]["email"], EMAIL);
    assert_eq!(client.refresh(&answer.field("refresh_token")).status, 200);
}

#[test]
fn a_typed_code_signs_in_through_verify() {
    let server = server_with_user();
    let client = Client::new(&server);
    let email = magic_link(&server, EMAIL, Some(&Pkce::new()));

    let answer = typed(&client, EMAIL, &email.code);

    assert_eq!(email.code.len(), 6);
    assert!(
        email.code.bytes().all(|b| b.is_ascii_digit()),
        "{}",
        email.code
    );
    assert_eq!(answer.status, 200, "{}", answer.text);
    let session = answer.json();
    assert_eq!(session["user"]["email"], EMAIL);
    assert_eq!(client.user(Some(&answer.field("access_token"))).status, 200);
}

#[test]
fn a_code_or_link_works_once_for_both() {
    let server = server_with_user();
    let client = Client::new(&server);
    let email = magic_link(&server, EMAIL, Some(&Pkce::new()));
    assert_eq!(typed(&client, EMAIL, &email.code).status, 200);

    let code_again = typed(&client, EMAIL, &email.code);
    let link_again = Browser::new().redirect(&email.link, 303);

    assert_eq!(code_again.status, 403);
    assert_eq!(code_again.error_code(), "otp_expired");
    assert_eq!(
        query_param(&link_again, "error_code").as_deref(),
        Some("otp_expired")
    );
    assert_eq!(query_param(&link_again, "code"), None);
}

#[test]
fn a_wrong_code_has_expired_or_is_invalid() {
    let server = server_with_user();
    let email = magic_link(&server, EMAIL, None);
    let wrong = if email.code == "000000" {
        "000001"
    } else {
        "000000"
    };

    let answer = typed(&Client::new(&server), EMAIL, wrong);

    assert_eq!(answer.status, 403);
    assert_eq!(
        answer.json(),
        json!({ "code": 403, "error_code": "otp_expired", "msg": "Token has expired or is invalid" })
    );
}

#[test]
fn an_expired_code_and_link_are_refused() {
    let server = server_with_user();
    let email = magic_link(&server, EMAIL, Some(&Pkce::new()));
    server.set_otp_lifetime(Duration::ZERO);

    let code = typed(&Client::new(&server), EMAIL, &email.code);
    let back = Browser::new().redirect(&email.link, 303);

    assert_eq!(code.status, 403);
    assert_eq!(code.error_code(), "otp_expired");
    assert!(back.starts_with("axolop://auth/callback?"), "{back}");
    assert_eq!(
        query_param(&back, "error").as_deref(),
        Some("access_denied")
    );
    assert_eq!(
        query_param(&back, "error_code").as_deref(),
        Some("otp_expired")
    );
    assert_eq!(
        query_param(&back, "error_description").as_deref(),
        Some("Email link is invalid or has expired")
    );
    assert_eq!(query_param(&back, "state").as_deref(), Some("xyz"));
    assert_eq!(
        fragment_param(&back, "error_code").as_deref(),
        Some("otp_expired")
    );
}

#[test]
fn a_new_address_is_sent_a_confirmation_that_signs_it_up() {
    let server = GoTrue::start();
    let client = Client::new(&server);

    let email = magic_link(&server, "new@example.com", None);
    let answer = typed(&client, "new@example.com", &email.code);

    assert_eq!(email.kind, EmailKind::Confirmation);
    assert_eq!(query_param(&email.link, "type").as_deref(), Some("signup"));
    assert_eq!(answer.status, 200, "{}", answer.text);
    let user = &answer.json()["user"];
    assert_eq!(
        user["id"],
        server.user_id("new@example.com").unwrap().as_str()
    );
    assert!(user["email_confirmed_at"].is_string(), "{user}");
}

#[test]
fn without_create_user_an_unknown_address_is_refused() {
    let server = GoTrue::start();

    let answer = Client::new(&server).otp(
        json!({ "email": "nobody@example.com", "create_user": false }),
        CALLBACK,
    );

    assert_eq!(answer.status, 422);
    assert_eq!(answer.error_code(), "otp_disabled");
    assert_eq!(answer.field("msg"), "Signups not allowed for otp");
    assert!(server.emails().is_empty());
    assert_eq!(server.user_id("nobody@example.com"), None);
}

#[test]
fn an_implicit_magic_link_brings_the_session_in_the_fragment() {
    let server = server_with_user();
    let email = magic_link(&server, EMAIL, None);

    let back = Browser::new().redirect(&email.link, 303);

    assert!(!email.link.contains("token=pkce_"), "{}", email.link);
    assert!(back.starts_with(&format!("{CALLBACK}#")), "{back}");
    assert_eq!(fragment_param(&back, "type").as_deref(), Some("magiclink"));
    let access = fragment_param(&back, "access_token").expect("an access token");
    assert_eq!(Client::new(&server).user(Some(&access)).status, 200);
}

#[test]
fn a_verify_link_without_a_type_is_a_json_refusal() {
    let server = GoTrue::start();

    let answer = Browser::new().open(&format!("{}/auth/v1/verify?token=abc", server.url()));

    assert_eq!(answer.status, 400);
    assert_eq!(answer.error_code(), "validation_failed");
    assert_eq!(answer.field("msg"), "Verify requires a verification type");
}
