//! `GET /settings`: which sign-in methods a client may offer.

mod support;

use axolop_gotrue::GoTrue;
use serde_json::json;
use support::Client;

#[test]
fn google_azure_and_github_are_enabled_by_default() {
    let server = GoTrue::start();

    let answer = Client::new(&server).settings();

    assert_eq!(answer.status, 200, "{}", answer.text);
    let settings = answer.json();
    let external = &settings["external"];
    for enabled in ["google", "azure", "github", "email"] {
        assert_eq!(external[enabled], true, "{enabled} in {settings}");
    }
    for disabled in [
        "apple",
        "gitlab",
        "phone",
        "anonymous_users",
        "linkedin_oidc",
    ] {
        assert_eq!(external[disabled], false, "{disabled} in {settings}");
    }
    assert_eq!(settings["disable_signup"], false);
    assert_eq!(settings["mailer_autoconfirm"], false);
    assert_eq!(settings["phone_autoconfirm"], false);
    assert_eq!(settings["sms_provider"], "");
    assert_eq!(settings["saml_enabled"], false);
}

#[test]
fn the_settings_follow_what_the_test_enables() {
    let server = GoTrue::start();
    server.set_provider_enabled("apple", true);
    server.set_provider_enabled("github", false);
    server.set_signup_disabled(true);

    let settings = Client::new(&server).settings().json();

    assert_eq!(settings["external"]["apple"], true);
    assert_eq!(settings["external"]["github"], false);
    assert_eq!(settings["external"]["google"], true);
    assert_eq!(settings["disable_signup"], true);
}

#[test]
fn the_settings_need_the_anon_key_and_are_counted() {
    let server = GoTrue::start();

    let answer = Client::with_api_key(&server, None).settings();

    assert_eq!(answer.status, 401);
    assert_eq!(
        answer.json(),
        json!({ "code": 401, "error_code": "no_api_key", "msg": "No API key found in request" })
    );
    assert_eq!(server.stats().settings_calls, 1);
}

#[test]
#[should_panic(expected = "no OAuth provider called \"myspace\"")]
fn enabling_an_unknown_provider_is_a_bug_in_the_test() {
    GoTrue::start().set_provider_enabled("myspace", true);
}
