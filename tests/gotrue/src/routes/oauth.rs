//! Signing in through an external provider: the settings that list the
//! providers, `/authorize`, the fake provider's page, and the PKCE grant.

use std::time::SystemTime;

use serde_json::{json, Map, Value};

use super::{
    json_object, ok, optional_text, redirect_target, session_fragment, session_json, Call, Reply,
};
use crate::error::AuthError;
use crate::flow::{AuthMethod, CodeChallenge};
use crate::provider::{self, Attempt};
use crate::query::Query;
use crate::redirect::{self, RedirectError};
use crate::state::State;

/// `GET /settings`: GoTrue's `Settings`, with the providers the test enabled.
pub(super) fn settings(state: &State) -> Reply {
    let mut external = Map::new();
    external.insert("anonymous_users".to_owned(), Value::Bool(false));
    for name in provider::KNOWN {
        let enabled = state.providers.is_enabled(name);
        external.insert(name.to_owned(), Value::Bool(enabled));
    }
    external.insert("email".to_owned(), Value::Bool(true));
    external.insert("phone".to_owned(), Value::Bool(false));
    ok(json!({
        "external": external,
        "disable_signup": state.signup_disabled,
        "mailer_autoconfirm": false,
        "phone_autoconfirm": false,
        "sms_provider": "",
        "saml_enabled": false,
    }))
}

/// `GET /authorize?provider=…`: records the sign-in (and its PKCE flow, if
/// the client sent a code challenge) and sends the browser to the
/// provider. Checks in GoTrue's order: the provider, then the PKCE parameters.
pub(super) fn authorize(
    state: &mut State,
    call: &Call,
    now: SystemTime,
) -> Result<Reply, AuthError> {
    let query = call.query();
    let provider = state
        .providers
        .check(query.get("provider").unwrap_or_default())?;
    let redirect_to = redirect_target(state, &query);
    let challenge = CodeChallenge::from_params(
        query.non_empty("code_challenge"),
        query.non_empty("code_challenge_method"),
    )?;
    let flow = challenge.map(|challenge| {
        state
            .flows
            .start(provider, AuthMethod::OAuth, challenge, None, now)
    });
    let attempt = Attempt {
        provider,
        redirect_to,
        flow,
    };
    let oauth_state = state.providers.begin(attempt, &mut state.rng);
    let mut params = Query::default();
    params.set("client_id", &format!("axolop-test-{provider}"));
    params.set(
        "redirect_uri",
        &format!("{}/auth/v1/callback", state.urls.external),
    );
    params.set("response_type", "code");
    params.set("state", &oauth_state);
    Ok(Reply::Redirect {
        status: 302,
        location: format!(
            "{}/fake-provider/{provider}/authorize?{}",
            state.urls.own,
            params.encode()
        ),
    })
}

/// `GET /fake-provider/<name>/authorize?state=…`: the provider's consent and
/// GoTrue's callback in one. Sends the browser back to the sign-in's
/// `redirect_to` with `code` (PKCE) or the session in the fragment
/// (implicit), or with the refusal, all with 302 as GoTrue's callback does.
/// A `state` not handed out for this provider goes to the site URL with
/// `bad_oauth_state` and 303, as GoTrue answers a callback it cannot read.
pub(super) fn provider_page(state: &mut State, call: &Call, name: &str, now: SystemTime) -> Reply {
    let attempt = call
        .query()
        .get("state")
        .and_then(|oauth_state| state.providers.take(oauth_state))
        .filter(|attempt| attempt.provider == name);
    let Some(attempt) = attempt else {
        let refusal = RedirectError::from_callback(&AuthError::BadOAuthState);
        return Reply::Redirect {
            status: 303,
            location: refusal.apply_to_query(&state.urls.site),
        };
    };
    let back = |location| Reply::Redirect {
        status: 302,
        location,
    };
    if state.providers.refuses(attempt.provider) {
        let refusal = RedirectError::from_provider("access_denied", provider::CONSENT_DENIED);
        return back(refusal.apply(&attempt.redirect_to, true));
    }
    let email = state.providers.account(attempt.provider).to_owned();
    let signed_in =
        state
            .users
            .sign_in_external(&email, attempt.provider, state.signup_disabled, now);
    let user = match signed_in {
        Ok(user) => user,
        Err(refusal) => {
            let refusal = RedirectError::from_callback(&refusal);
            return back(refusal.apply(&attempt.redirect_to, true));
        }
    };
    let random: String = (0..24).map(|_| state.rng.alphanumeric()).collect();
    let provider_token = format!("{}-access-token-{random}", attempt.provider);
    match attempt.flow {
        Some(flow) => {
            let code = state.flows.finish_oauth(flow, user, provider_token, now);
            back(redirect::with_code(&attempt.redirect_to, &code))
        }
        None => {
            let issued = state.start_session(user, now);
            let mut params = session_fragment(&issued);
            params.set("provider_token", &provider_token);
            back(redirect::with_fragment(&attempt.redirect_to, &params))
        }
    }
}

/// `POST /token?grant_type=pkce`: a session for an auth code and its
/// verifier, with the provider's token when the flow was OAuth.
pub(super) fn pkce_grant(
    state: &mut State,
    call: &Call,
    now: SystemTime,
) -> Result<Reply, AuthError> {
    let body = json_object(&call.body)?;
    let auth_code = optional_text(&body, "auth_code")?;
    let verifier = optional_text(&body, "code_verifier")?;
    let (Some(auth_code), Some(verifier)) = (auth_code, verifier) else {
        return Err(AuthError::PkceGrantIncomplete);
    };
    let exchange = state
        .flows
        .exchange(auth_code, verifier, now, state.flow_state_lifetime)?;
    let issued = state.start_session(exchange.user, now);
    let mut session = session_json(state, &issued);
    if let Some(provider_token) = exchange.provider_token {
        session["provider_token"] = Value::String(provider_token);
    }
    Ok(ok(session))
}
