//! One request in, one reply out: the API key, faults, and the endpoints.
//!
//! Order for every request under `/auth/v1`: find the endpoint and count the
//! call, refuse a missing API key (where the gateway wants one), apply a
//! queued fault, then do the work under the state lock. The clock is read
//! here, once per request, and passed into the logic. Nothing here knows
//! HTTP framing; the server turns a [`Reply`] into a response, or into a
//! reset connection.
//!
//! The sessions endpoints are here; the others are grouped by how a user
//! signs in: [`oauth`] (settings, `/authorize`, the fake provider, the PKCE
//! grant), [`email`] (`/otp`, `/recover`, `/verify`) and [`account`]
//! (`PUT /user`).

mod account;
mod email;
mod oauth;

use std::time::{Duration, SystemTime};

use bytes::Bytes;
use serde_json::{json, Map, Value};

use crate::endpoint::Endpoint;
use crate::error::AuthError;
use crate::fault::Fault;
use crate::query::Query;
use crate::state::{check_api_key, Shared, State};
use crate::tokens::{Bearer, Issued, LogoutScope};

/// What [`Fault::MalformedJson`] answers: a session body cut off early.
const CUT_OFF_JSON: &str = r#"{"access_token":""#;

/// One request, as the routes need it.
#[derive(Debug)]
pub(crate) struct Call {
    pub(crate) method: String,
    pub(crate) path: String,
    pub(crate) query: Option<String>,
    /// The `apikey` header.
    pub(crate) api_key: Option<String>,
    /// The `Authorization` header.
    pub(crate) authorization: Option<String>,
    pub(crate) body: Bytes,
}

impl Call {
    /// The decoded query parameters.
    pub(crate) fn query(&self) -> Query {
        Query::parse(self.query.as_deref().unwrap_or_default())
    }
}

/// What to answer a request with.
#[derive(Debug)]
pub(crate) enum Reply {
    /// A JSON body; `retry_after` (seconds) goes in a `Retry-After` header.
    Json {
        status: u16,
        body: Value,
        retry_after: Option<u64>,
    },
    /// 204 and no body.
    NoContent,
    /// A redirect (302 or 303) to `location`, with no body.
    Redirect { status: u16, location: String },
    /// 200 claiming JSON, with a body that is not.
    NotJson(&'static str),
    /// No response: the connection is reset.
    Reset,
}

/// Where a request goes.
enum Route {
    Endpoint(Endpoint),
    UnsupportedGrant(String),
    /// The fake OAuth provider's consent page, for the provider named.
    ProviderPage(String),
    Unknown,
}

/// Answers one request.
pub(crate) async fn handle(shared: &Shared, call: &Call) -> Reply {
    let endpoint = match route(call) {
        Route::Endpoint(endpoint) => endpoint,
        Route::UnsupportedGrant(grant_type) => {
            let refusal = check_api_key(call.api_key.as_deref())
                .err()
                .unwrap_or(AuthError::UnsupportedGrantType { grant_type });
            return refuse(shared, refusal);
        }
        Route::Unknown => {
            let not_found = AuthError::NotFound {
                method: call.method.clone(),
                path: call.path.clone(),
            };
            // The gateway wants the key for anything under the API, known or not.
            let refusal = if call.path.starts_with("/auth/v1/") {
                check_api_key(call.api_key.as_deref()).err()
            } else {
                None
            };
            return refuse(shared, refusal.unwrap_or(not_found));
        }
        Route::ProviderPage(provider) => {
            let now = SystemTime::now();
            return oauth::provider_page(&mut shared.lock(), call, &provider, now);
        }
    };

    let admitted = shared.lock().admit(endpoint, call.api_key.as_deref());
    match admitted {
        Err(refusal) => return refuse(shared, refusal),
        Ok(None) => {}
        // The lock is released while waiting, so other calls go on meanwhile.
        Ok(Some(Fault::Delay(delay))) => tokio::time::sleep(delay).await,
        Ok(Some(Fault::Status500)) => return refuse(shared, AuthError::UnexpectedFailure),
        Ok(Some(Fault::Status503)) => return refuse(shared, AuthError::ServiceUnavailable),
        Ok(Some(Fault::TooManyRequests { retry_after })) => {
            let shape = shared.lock().error_shape;
            return Reply::Json {
                status: AuthError::OverRequestRateLimit.status(),
                body: AuthError::OverRequestRateLimit.body(shape),
                retry_after: Some(whole_seconds_up(retry_after)),
            };
        }
        Ok(Some(Fault::ConnectionReset)) => return Reply::Reset,
        Ok(Some(Fault::MalformedJson)) => return Reply::NotJson(CUT_OFF_JSON),
    }

    let now = SystemTime::now();
    let mut state = shared.lock();
    let state = &mut *state;
    let outcome = match endpoint {
        Endpoint::Password => password_grant(state, call, now),
        Endpoint::Refresh => refresh_grant(state, call, now),
        Endpoint::Logout => logout(state, call, now),
        Endpoint::User => current_user(state, call, now),
        Endpoint::Settings => Ok(oauth::settings(state)),
        Endpoint::Authorize => oauth::authorize(state, call, now),
        Endpoint::Pkce => oauth::pkce_grant(state, call, now),
        Endpoint::Otp => email::otp(state, call, now),
        Endpoint::VerifyLink => email::verify_link(state, call, now),
        Endpoint::VerifyOtp => email::verify_otp(state, call, now),
        Endpoint::Recover => email::recover(state, call, now),
        Endpoint::UpdateUser => account::update_user(state, call, now),
    };
    outcome.unwrap_or_else(|refusal| refusal_reply(&refusal, state))
}

fn route(call: &Call) -> Route {
    let endpoint = match (call.method.as_str(), call.path.as_str()) {
        ("POST", "/auth/v1/token") => match call.query().get("grant_type") {
            Some("password") => Endpoint::Password,
            Some("refresh_token") => Endpoint::Refresh,
            Some("pkce") => Endpoint::Pkce,
            other => return Route::UnsupportedGrant(other.unwrap_or_default().to_owned()),
        },
        ("POST", "/auth/v1/logout") => Endpoint::Logout,
        ("GET", "/auth/v1/user") => Endpoint::User,
        ("PUT", "/auth/v1/user") => Endpoint::UpdateUser,
        ("GET", "/auth/v1/settings") => Endpoint::Settings,
        ("GET", "/auth/v1/authorize") => Endpoint::Authorize,
        ("POST", "/auth/v1/otp") => Endpoint::Otp,
        ("GET", "/auth/v1/verify") => Endpoint::VerifyLink,
        ("POST", "/auth/v1/verify") => Endpoint::VerifyOtp,
        ("POST", "/auth/v1/recover") => Endpoint::Recover,
        ("GET", path) => {
            let provider = path
                .strip_prefix("/fake-provider/")
                .and_then(|rest| rest.strip_suffix("/authorize"))
                .filter(|provider| !provider.is_empty() && !provider.contains('/'));
            return match provider {
                Some(provider) => Route::ProviderPage(provider.to_owned()),
                None => Route::Unknown,
            };
        }
        _ => return Route::Unknown,
    };
    Route::Endpoint(endpoint)
}

fn password_grant(state: &mut State, call: &Call, now: SystemTime) -> Result<Reply, AuthError> {
    let body = json_object(&call.body)?;
    let email = string_field(&body, "email")?;
    let password = string_field(&body, "password")?;
    let user = state.users.sign_in(email, password, now)?;
    let issued = state
        .sessions
        .start(user, now, state.expires_in, &mut state.rng);
    Ok(session_reply(state, issued))
}

fn refresh_grant(state: &mut State, call: &Call, now: SystemTime) -> Result<Reply, AuthError> {
    let body = json_object(&call.body)?;
    let refresh_token = string_field(&body, "refresh_token")?;
    let issued = state
        .sessions
        .refresh(refresh_token, now, state.expires_in, &mut state.rng)?;
    Ok(session_reply(state, issued))
}

fn logout(state: &mut State, call: &Call, now: SystemTime) -> Result<Reply, AuthError> {
    // GoTrue ends every session of the user unless told otherwise.
    let scope = match call.query().get("scope") {
        None | Some("global") => LogoutScope::Global,
        Some("local") => LogoutScope::Local,
        Some("others") => LogoutScope::Others,
        Some(other) => {
            return Err(AuthError::UnsupportedScope {
                scope: other.to_owned(),
            })
        }
    };
    let bearer = bearer(state, call, now)?;
    state.sessions.log_out(&bearer, scope);
    Ok(Reply::NoContent)
}

fn current_user(state: &mut State, call: &Call, now: SystemTime) -> Result<Reply, AuthError> {
    let bearer = bearer(state, call, now)?;
    Ok(ok(state.users.json(&bearer.user)))
}

/// The holder of the request's `Authorization: Bearer` access token.
pub(crate) fn bearer(state: &State, call: &Call, now: SystemTime) -> Result<Bearer, AuthError> {
    let token = call
        .authorization
        .as_deref()
        .and_then(|header| header.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim())
        .filter(|token| !token.is_empty())
        .ok_or(AuthError::NoAuthorization)?;
    state.sessions.authenticate(token, now)
}

fn session_reply(state: &State, issued: Issued) -> Reply {
    ok(session_json(state, &issued))
}

/// A session as GoTrue sends it (`AccessTokenResponse`).
pub(crate) fn session_json(state: &State, issued: &Issued) -> Value {
    json!({
        "access_token": issued.access_token,
        "token_type": "bearer",
        "expires_in": issued.expires_in,
        "expires_at": issued.expires_at,
        "refresh_token": issued.refresh_token,
        "user": state.users.json(&issued.user),
    })
}

/// A session's tokens as GoTrue puts them in an implicit-flow redirect's fragment.
pub(crate) fn session_fragment(issued: &Issued) -> Query {
    let mut params = Query::default();
    params.set("access_token", &issued.access_token);
    params.set("token_type", "bearer");
    params.set("expires_in", &issued.expires_in.to_string());
    params.set("expires_at", &issued.expires_at.to_string());
    params.set("refresh_token", &issued.refresh_token);
    params
}

/// Where a browser goes when the request names no `redirect_to`: the site
/// URL. Any `redirect_to` is allowed; there is no allow list here.
pub(crate) fn redirect_target(state: &State, query: &Query) -> String {
    query
        .non_empty("redirect_to")
        .map_or_else(|| state.urls.site.clone(), str::to_owned)
}

pub(crate) fn ok(body: Value) -> Reply {
    Reply::Json {
        status: 200,
        body,
        retry_after: None,
    }
}

fn refuse(shared: &Shared, refusal: AuthError) -> Reply {
    refusal_reply(&refusal, &shared.lock())
}

pub(crate) fn refusal_reply(refusal: &AuthError, state: &State) -> Reply {
    Reply::Json {
        status: refusal.status(),
        body: refusal.body(state.error_shape),
        retry_after: None,
    }
}

pub(crate) fn json_object(body: &[u8]) -> Result<Map<String, Value>, AuthError> {
    match serde_json::from_slice(body) {
        Ok(Value::Object(object)) => Ok(object),
        Ok(_) => Err(AuthError::BadJson {
            reason: "expected a JSON object".to_owned(),
        }),
        Err(error) => Err(AuthError::BadJson {
            reason: error.to_string(),
        }),
    }
}

/// A non-empty string field; anything else counts as missing.
pub(crate) fn string_field<'a>(
    object: &'a Map<String, Value>,
    field: &'static str,
) -> Result<&'a str, AuthError> {
    object
        .get(field)
        .and_then(Value::as_str)
        .filter(|value| !value.is_empty())
        .ok_or(AuthError::MissingField { field })
}

/// An optional string field: `None` when absent, `null` or empty, as Go
/// decodes them; any other type is a body GoTrue cannot decode.
pub(crate) fn optional_text<'a>(
    object: &'a Map<String, Value>,
    field: &'static str,
) -> Result<Option<&'a str>, AuthError> {
    match object.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) => Ok(Some(text.as_str()).filter(|text| !text.is_empty())),
        Some(other) => Err(AuthError::BadJson {
            reason: format!("expected {field} to be a string, not {other}"),
        }),
    }
}

fn whole_seconds_up(duration: Duration) -> u64 {
    duration.as_secs() + u64::from(duration.subsec_nanos() > 0)
}
