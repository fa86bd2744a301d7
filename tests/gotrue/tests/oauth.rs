//! OAuth sign-in with PKCE: `/authorize`, the fake provider, and the PKCE grant.

mod support;

use std::time::Duration;

use axolop_gotrue::{AuthMethod, GoTrue, DEFAULT_PROVIDER_ACCOUNT};
use serde_json::json;
use support::{
    escape, fragment_param, query_param, server_with_user, Browser, Client, Pkce, EMAIL,
};

/// Where the desktop app wants the browser back, with a query of its own.
const CALLBACK: &str = "axolop://auth/callback?state=xyz";

fn authorize_url(server: &GoTrue, provider: &str, pkce: Option<&Pkce>) -> String {
    let mut url = format!(
        "{}/auth/v1/authorize?provider={provider}&redirect_to={}",
        server.url(),
        escape(CALLBACK)
    );
    if let Some(pkce) = pkce {
        url.push_str(&format!(
            "&code_challenge={}&code_challenge_method=s256",
            pkce.challenge
        ));
    }
    url
}

/// The browser's part: `/authorize`, then the provider; returns where the
/// provider sent the browser back to.
fn sign_in_at(server: &GoTrue, provider: &str, pkce: Option<&Pkce>) -> String {
    let browser = Browser::new();
    let provider_page = browser.redirect(&authorize_url(server, provider, pkce), 302);
    browser.redirect(&provider_page, 302)
}

/// Signs in at `provider` with PKCE and returns the auth code and its verifier.
fn auth_code(server: &GoTrue, provider: &str) -> (String, String) {
    let pkce = Pkce::new();
    let back = sign_in_at(server, provider, Some(&pkce));
    let code = query_param(&back, "code").unwrap_or_else(|| panic!("no code in {back}"));
    (code, pkce.verifier)
}

#[test]
fn a_pkce_sign_in_ends_in_a_session_whose_refresh_token_refreshes() {
    let server = GoTrue::start();
    server.set_provider_account("google", "grace@example.com");
    let pkce = Pkce::new();
    let browser = Browser::new();
    let client = Client::new(&server);

    let provider_page = browser.redirect(&authorize_url(&server, "google", Some(&pkce)), 302);
    let back = browser.redirect(&provider_page, 302);
    let code = query_param(&back, "code").expect("an auth code");
    let answer = client.exchange(&code, &pkce.verifier);

    let google = format!("{}/fake-provider/google/authorize?", server.url());
    assert!(provider_page.starts_with(&google), "{provider_page}");
    assert!(
        query_param(&provider_page, "state").is_some(),
        "{provider_page}"
    );
    assert!(back.starts_with("axolop://auth/callback?"), "{back}");
    assert_eq!(query_param(&back, "state").as_deref(), Some("xyz"));
    assert_eq!(answer.status, 200, "{}", answer.text);
    let session = answer.json();
    assert_eq!(session["token_type"], "bearer");
    assert_eq!(session["user"]["email"], "grace@example.com");
    assert_eq!(session["user"]["app_metadata"]["provider"], "google");
    assert!(session["provider_token"].is_string(), "{session}");
    let refreshed = client.refresh(&answer.field("refresh_token"));
    assert_eq!(refreshed.status, 200, "{}", refreshed.text);
}

#[test]
fn the_flow_state_records_challenge_provider_time_and_user() {
    let server = GoTrue::start();
    let pkce = Pkce::new();

    let back = sign_in_at(&server, "azure", Some(&pkce));
    Client::new(&server).exchange(&query_param(&back, "code").unwrap(), &pkce.verifier);

    let flows = server.flow_states();
    assert_eq!(flows.len(), 1);
    let flow = &flows[0];
    assert_eq!(flow.provider, "azure");
    assert_eq!(flow.method, AuthMethod::OAuth);
    assert_eq!(flow.code_challenge, pkce.challenge);
    assert_eq!(flow.user, server.user_id(DEFAULT_PROVIDER_ACCOUNT));
    assert!(flow.auth_code_issued_at.unwrap() >= flow.created_at);
    assert!(flow.exchanged);
}

#[test]
fn an_auth_code_is_exchanged_only_once() {
    let server = GoTrue::start();
    let (code, verifier) = auth_code(&server, "github");
    let client = Client::new(&server);

    let first = client.exchange(&code, &verifier);
    let second = client.exchange(&code, &verifier);

    assert_eq!(first.status, 200, "{}", first.text);
    assert_eq!(second.status, 404);
    assert_eq!(
        second.json(),
        json!({
            "code": 404,
            "error_code": "flow_state_not_found",
            "msg": "invalid flow state, no valid flow state found",
        })
    );
}

#[test]
fn a_wrong_verifier_is_refused_and_leaves_the_code_usable() {
    let server = GoTrue::start();
    let (code, verifier) = auth_code(&server, "google");
    let client = Client::new(&server);

    let wrong = client.exchange(&code, &Pkce::new().verifier);
    let right = client.exchange(&code, &verifier);

    assert_eq!(wrong.status, 400);
    assert_eq!(
        wrong.json(),
        json!({
            "code": 400,
            "error_code": "bad_code_verifier",
            "msg": "code challenge does not match previously saved code verifier",
        })
    );
    assert_eq!(right.status, 200, "{}", right.text);
}

#[test]
fn an_expired_auth_code_is_refused() {
    let server = GoTrue::start();
    let (code, verifier) = auth_code(&server, "google");
    server.set_flow_state_lifetime(Duration::ZERO);

    let answer = Client::new(&server).exchange(&code, &verifier);

    assert_eq!(answer.status, 422);
    assert_eq!(answer.error_code(), "flow_state_expired");
    assert_eq!(
        answer.field("msg"),
        "invalid flow state, flow state has expired"
    );
}

#[test]
fn an_exchange_without_code_or_verifier_is_a_validation_failure() {
    let server = GoTrue::start();

    let answer = Client::new(&server).exchange("", "some-verifier");

    assert_eq!(answer.status, 400);
    assert_eq!(answer.error_code(), "validation_failed");
    assert_eq!(
        answer.field("msg"),
        "invalid request: both auth code and code verifier should be non-empty"
    );
    assert_eq!(server.stats().pkce_calls, 1);
}

#[test]
fn a_refusing_provider_sends_the_browser_back_with_access_denied() {
    let server = GoTrue::start();
    server.set_provider_refuses("google", true);

    let back = sign_in_at(&server, "google", Some(&Pkce::new()));

    assert!(back.starts_with("axolop://auth/callback?"), "{back}");
    assert_eq!(
        query_param(&back, "error").as_deref(),
        Some("access_denied")
    );
    assert!(query_param(&back, "error_description").is_some(), "{back}");
    assert_eq!(
        query_param(&back, "error_code"),
        None,
        "a provider's refusal has no code"
    );
    assert_eq!(query_param(&back, "state").as_deref(), Some("xyz"));
    assert_eq!(query_param(&back, "code"), None);
    assert_eq!(
        fragment_param(&back, "error").as_deref(),
        Some("access_denied")
    );
    assert_eq!(server.user_id(DEFAULT_PROVIDER_ACCOUNT), None);
}

#[test]
fn a_disabled_provider_is_unsupported() {
    let server = GoTrue::start();
    server.set_provider_enabled("github", false);

    let answer = Browser::new().open(&authorize_url(&server, "github", Some(&Pkce::new())));

    assert_eq!(answer.status, 400);
    assert_eq!(
        answer.json(),
        json!({
            "code": 400,
            "error_code": "validation_failed",
            "msg": "Unsupported provider: provider is not enabled",
        })
    );
    assert!(server.flow_states().is_empty());
}

#[test]
fn an_unknown_provider_could_not_be_found() {
    let server = GoTrue::start();

    let answer = Browser::new().open(&authorize_url(&server, "MySpace", None));

    assert_eq!(answer.status, 400);
    assert_eq!(answer.error_code(), "validation_failed");
    assert_eq!(
        answer.field("msg"),
        "Unsupported provider: Provider myspace could not be found"
    );
}

#[test]
fn half_a_pkce_pair_is_refused() {
    let server = GoTrue::start();
    let url = format!(
        "{}&code_challenge={}",
        authorize_url(&server, "google", None),
        Pkce::new().challenge
    );

    let answer = Browser::new().open(&url);

    assert_eq!(answer.status, 400);
    assert_eq!(
        answer.field("msg"),
        "PKCE flow requires code_challenge_method and code_challenge"
    );
}

#[test]
fn a_provider_signs_an_existing_user_in_and_links_itself() {
    let server = server_with_user();
    server.set_provider_account("google", EMAIL);
    let (code, verifier) = auth_code(&server, "google");

    let session = Client::new(&server).exchange(&code, &verifier).json();

    assert_eq!(
        session["user"]["id"],
        server.user_id(EMAIL).unwrap().as_str()
    );
    assert_eq!(
        session["user"]["app_metadata"]["providers"],
        json!(["email", "google"])
    );
}

#[test]
fn with_sign_ups_disabled_a_new_account_is_denied_with_a_code() {
    let server = GoTrue::start();
    server.set_signup_disabled(true);

    let back = sign_in_at(&server, "google", Some(&Pkce::new()));

    assert_eq!(
        query_param(&back, "error").as_deref(),
        Some("access_denied")
    );
    assert_eq!(
        query_param(&back, "error_code").as_deref(),
        Some("signup_disabled")
    );
    assert_eq!(
        query_param(&back, "error_description").as_deref(),
        Some("Signups not allowed for this instance")
    );
}

#[test]
fn without_a_challenge_the_session_comes_back_in_the_fragment() {
    let server = GoTrue::start();

    let back = sign_in_at(&server, "google", None);

    assert!(back.starts_with(&format!("{CALLBACK}#")), "{back}");
    assert_eq!(
        fragment_param(&back, "token_type").as_deref(),
        Some("bearer")
    );
    assert!(fragment_param(&back, "provider_token").is_some(), "{back}");
    let refresh = fragment_param(&back, "refresh_token").expect("a refresh token");
    assert_eq!(Client::new(&server).refresh(&refresh).status, 200);
    assert!(server.flow_states().is_empty());
}

#[test]
fn the_provider_page_takes_each_state_once() {
    let server = GoTrue::start();
    server.set_site_url("http://app.test");
    let browser = Browser::new();
    let provider_page =
        browser.redirect(&authorize_url(&server, "google", Some(&Pkce::new())), 302);
    browser.redirect(&provider_page, 302);

    let again = browser.redirect(&provider_page, 303);

    assert!(again.starts_with("http://app.test?"), "{again}");
    assert_eq!(
        query_param(&again, "error_code").as_deref(),
        Some("bad_oauth_state")
    );
    assert_eq!(
        query_param(&again, "error").as_deref(),
        Some("invalid_request")
    );
}

#[test]
fn authorize_needs_no_anon_key_and_is_counted() {
    let server = GoTrue::start();

    sign_in_at(&server, "google", Some(&Pkce::new()));

    assert_eq!(server.stats().authorize_calls, 1);
}
