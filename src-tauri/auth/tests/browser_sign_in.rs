//! Sign-ins through the system browser, against the GoTrue-compatible test
//! server over real HTTP, with the test playing the browser: a provider
//! (PKCE), an emailed link (PKCE), the emailed 6-digit code, and a password
//! reset. The code comes back in an `axolop://auth/callback` link, read
//! strictly and accepted once for the flow waiting.

use std::time::{Duration, Instant};

use axolop_auth::callback::{self, Callback};
use axolop_auth::flow::{Flow, FlowKind, Flows, Refusal};
use axolop_auth::{AuthClient, AuthConfig, AuthError};
use axolop_gotrue::GoTrue;
use secrecy::SecretString;

const EMAIL: &str = "ada@example.com";
const PASSWORD: &str = "correct horse battery staple";

fn client(server: &GoTrue) -> AuthClient {
    AuthClient::new(AuthConfig {
        url: server.url(),
        anon_key: server.anon_key().to_owned(),
    })
    .unwrap()
}

/// Follows redirects the way a browser does, until one leaves for the
/// app's own scheme: that link is what the operating system hands the app.
async fn browse(start: &str) -> String {
    let browser = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let mut url = start.to_owned();
    for _ in 0..10 {
        if url.starts_with(callback::SCHEME) {
            return url;
        }
        let answer = browser.get(&url).send().await.unwrap();
        assert!(
            answer.status().is_redirection(),
            "{url}: {}",
            answer.status()
        );
        url = answer.headers()["location"].to_str().unwrap().to_owned();
    }
    panic!("the browser never came back to the app");
}

/// Which email a flow sends.
#[derive(Clone, Copy)]
enum Emailed {
    SignInLink,
    Recovery,
}

/// Starts a flow for `emailed`, has the server email its link to
/// [`EMAIL`], and follows the link as a browser does: the callback the app
/// is handed, and the flow it answers (taken out of `flows`).
async fn follow_emailed_link(
    server: &GoTrue,
    client: &AuthClient,
    flows: &mut Flows,
    emailed: Emailed,
) -> (Callback, Flow) {
    let now = Instant::now();
    let kind = match emailed {
        Emailed::SignInLink => FlowKind::MagicLink,
        Emailed::Recovery => FlowKind::Recovery,
    };
    let flow = flows.start(kind, now).unwrap();
    let redirect = callback::redirect_for(flow.state());
    let challenge = flow.pkce().challenge().to_owned();
    match emailed {
        Emailed::SignInLink => client.send_sign_in_link(EMAIL, &redirect, &challenge).await,
        Emailed::Recovery => client.send_recovery(EMAIL, &redirect, &challenge).await,
    }
    .unwrap();
    let email = server.last_email_to(EMAIL).expect("an email");
    let callback = callback::parse(&browse(&email.link).await).unwrap();
    let flow = flows.accept(&callback, now).unwrap();
    (callback, flow)
}

/// The code a callback carries.
fn code_of(callback: &Callback) -> &str {
    match callback {
        Callback::Code { code, .. } => code,
        Callback::Refused { description, .. } => panic!("refused: {description}"),
    }
}

#[tokio::test]
async fn the_enabled_providers_come_from_the_projects_settings() {
    let server = GoTrue::start();
    let client = client(&server);
    assert_eq!(
        client.providers().await.unwrap(),
        ["azure", "github", "google"]
    );
    server.set_provider_enabled("azure", false);
    assert_eq!(client.providers().await.unwrap(), ["github", "google"]);
}

#[tokio::test]
async fn a_provider_sign_in_comes_back_with_a_code_that_is_exchanged_once() {
    let server = GoTrue::start();
    server.set_provider_account("google", EMAIL);
    let client = client(&server);
    let mut flows = Flows::default();
    let now = Instant::now();
    let flow = flows
        .start(FlowKind::Provider("google".into()), now)
        .unwrap();
    let url = client.authorize_url(
        "google",
        &callback::redirect_for(flow.state()),
        flow.pkce().challenge(),
    );
    let link = browse(&url).await;
    let callback = callback::parse(&link).unwrap();
    let Callback::Code { code, .. } = &callback else {
        panic!("{callback:?}");
    };
    let flow = flows.accept(&callback, now).unwrap();
    let grant = client
        .exchange_code(code, flow.pkce().verifier())
        .await
        .unwrap();
    assert_eq!(grant.user.email.as_deref(), Some(EMAIL));
    assert!(client.refresh(&grant.refresh_token).await.is_ok());

    // The same link again: the app has no flow for it, and the server
    // would not take the code twice either.
    assert_eq!(
        flows.accept(&callback, now).unwrap_err(),
        Refusal::NoneWaiting
    );
    let again = client.exchange_code(code, flow.pkce().verifier()).await;
    assert_eq!(again.unwrap_err(), AuthError::CodeExpired);
}

#[tokio::test]
async fn a_code_needs_its_own_verifier_and_expires() {
    let server = GoTrue::start();
    let client = client(&server);
    let mut flows = Flows::default();
    let now = Instant::now();
    let flow = flows
        .start(FlowKind::Provider("github".into()), now)
        .unwrap();
    let url = client.authorize_url(
        "github",
        &callback::redirect_for(flow.state()),
        flow.pkce().challenge(),
    );
    let Callback::Code { code, .. } = callback::parse(&browse(&url).await).unwrap() else {
        panic!("no code");
    };
    let other = axolop_auth::pkce::Pkce::new().unwrap();
    let wrong = client
        .exchange_code(&code, other.verifier())
        .await
        .unwrap_err();
    assert!(
        matches!(&wrong, AuthError::Refused { code: Some(code), .. } if code == "bad_code_verifier"),
        "{wrong:?}"
    );
    server.set_flow_state_lifetime(Duration::ZERO);
    let late = client.exchange_code(&code, flow.pkce().verifier()).await;
    assert_eq!(late.unwrap_err(), AuthError::CodeExpired);
}

#[tokio::test]
async fn a_provider_that_refuses_comes_back_with_its_reason() {
    let server = GoTrue::start();
    server.set_provider_refuses("azure", true);
    let client = client(&server);
    let mut flows = Flows::default();
    let flow = flows
        .start(FlowKind::Provider("azure".into()), Instant::now())
        .unwrap();
    let url = client.authorize_url(
        "azure",
        &callback::redirect_for(flow.state()),
        flow.pkce().challenge(),
    );
    let callback = callback::parse(&browse(&url).await).unwrap();
    assert!(
        matches!(&callback, Callback::Refused { description, .. } if !description.is_empty()),
        "{callback:?}"
    );
}

#[tokio::test]
async fn an_emailed_link_and_an_emailed_code_each_sign_in() {
    let server = GoTrue::start();
    server.add_user(EMAIL, PASSWORD);
    let client = client(&server);
    let mut flows = Flows::default();

    let (callback, flow) =
        follow_emailed_link(&server, &client, &mut flows, Emailed::SignInLink).await;
    let grant = client
        .exchange_code(code_of(&callback), flow.pkce().verifier())
        .await
        .unwrap();
    assert_eq!(grant.user.email.as_deref(), Some(EMAIL));

    // The code from a new email, typed instead of following its link.
    let flow = flows.start(FlowKind::MagicLink, Instant::now()).unwrap();
    let redirect = callback::redirect_for(flow.state());
    client
        .send_sign_in_link(EMAIL, &redirect, flow.pkce().challenge())
        .await
        .unwrap();
    let email = server.last_email_to(EMAIL).unwrap();
    assert_eq!(email.code.len(), 6);
    let wrong = if email.code == "000000" {
        "111111"
    } else {
        "000000"
    };
    assert_eq!(
        client.verify_code(EMAIL, wrong).await.unwrap_err(),
        AuthError::CodeExpired
    );
    let grant = client.verify_code(EMAIL, &email.code).await.unwrap();
    assert_eq!(grant.user.email.as_deref(), Some(EMAIL));
    assert_eq!(
        client.verify_code(EMAIL, &email.code).await.unwrap_err(),
        AuthError::CodeExpired,
        "a code works once"
    );
}

#[tokio::test]
async fn a_password_reset_signs_in_and_sets_the_new_password() {
    let server = GoTrue::start();
    server.add_user(EMAIL, PASSWORD);
    let client = client(&server);
    let mut flows = Flows::default();
    let (callback, flow) =
        follow_emailed_link(&server, &client, &mut flows, Emailed::Recovery).await;
    assert_eq!(flow.kind, FlowKind::Recovery);
    let grant = client
        .exchange_code(code_of(&callback), flow.pkce().verifier())
        .await
        .unwrap();
    let new = SecretString::from("a new and longer passphrase".to_owned());
    client
        .set_password(&grant.access_token, &new)
        .await
        .unwrap();
    assert!(client.sign_in(EMAIL, &new).await.is_ok());
    let old = client
        .sign_in(EMAIL, &SecretString::from(PASSWORD.to_owned()))
        .await;
    assert_eq!(old.unwrap_err(), AuthError::InvalidCredentials);

    // An unknown address gets no email, and the answer does not say so.
    client
        .send_recovery(
            "nobody@example.com",
            callback::CALLBACK,
            flow.pkce().challenge(),
        )
        .await
        .unwrap();
    assert!(server.last_email_to("nobody@example.com").is_none());
}
