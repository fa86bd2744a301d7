//! The GoTrue HTTP client.
//!
//! Every request carries the project's `apikey`. Timeouts are bounded (a
//! refresh that hangs must not hold the session hostage): 5 s to connect,
//! 15 s for a whole call. Tokens go out only in request bodies and the
//! `Authorization` header, and nothing here logs one.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axolop_coordinator::session::{Grant, SessionUser};
use reqwest::header::RETRY_AFTER;
use reqwest::{Method, RequestBuilder, Response};
use secrecy::{ExposeSecret, SecretString};
use serde_json::json;

use crate::answer::{self, Call};
use crate::error::AuthError;

const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
const CALL_TIMEOUT: Duration = Duration::from_secs(15);

/// Where the auth server is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthConfig {
    /// The Supabase project URL, e.g. `https://xyz.supabase.co`.
    pub url: String,
    /// The project's public anon key (sent as `apikey`; not a secret).
    pub anon_key: String,
}

/// A client of one Supabase project's auth server.
#[derive(Debug, Clone)]
pub struct AuthClient {
    http: reqwest::Client,
    base: String,
    anon_key: String,
}

impl AuthClient {
    /// A client for `config`.
    pub fn new(config: AuthConfig) -> Result<Self, AuthError> {
        let base = config.url.trim_end_matches('/').to_owned();
        let parsed =
            reqwest::Url::parse(&base).map_err(|e| AuthError::Config(format!("{base}: {e}")))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(AuthError::Config(format!("{base}: not an http(s) address")));
        }
        let loopback = parsed
            .host_str()
            .is_some_and(|host| matches!(host, "localhost" | "127.0.0.1" | "[::1]" | "::1"));
        if parsed.scheme() == "http" && !loopback {
            tracing::warn!(url = %base, "the sign-in server is reached over plain http: passwords and tokens travel unencrypted");
        }
        let http = reqwest::Client::builder()
            // A redirect would re-send a password or refresh token to
            // wherever it points; the auth API never redirects these calls.
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(CALL_TIMEOUT)
            .user_agent(concat!("axolop-desktop/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| AuthError::Config(e.to_string()))?;
        Ok(Self {
            http,
            base,
            anon_key: config.anon_key,
        })
    }

    /// The HTTP client, for other calls to the same project (the data
    /// API): one connection pool, the same timeouts, no redirects.
    pub fn http(&self) -> reqwest::Client {
        self.http.clone()
    }

    /// Signs in with email and password.
    pub async fn sign_in(&self, email: &str, password: &SecretString) -> Result<Grant, AuthError> {
        let body = json!({ "email": email, "password": password.expose_secret() });
        let request = self
            .request(Method::POST, "token?grant_type=password")
            .json(&body);
        let bytes = self.send(Call::Password, request).await?;
        answer::grant(&bytes, unix_ms())
    }

    /// Spends `refresh_token` for a new grant (the server rotates it).
    pub async fn refresh(&self, refresh_token: &SecretString) -> Result<Grant, AuthError> {
        let body = json!({ "refresh_token": refresh_token.expose_secret() });
        let request = self
            .request(Method::POST, "token?grant_type=refresh_token")
            .json(&body);
        let bytes = self.send(Call::Refresh, request).await?;
        answer::grant(&bytes, unix_ms())
    }

    /// Ends the session on the server (its refresh tokens stop working).
    pub async fn sign_out(&self, access_token: &SecretString) -> Result<(), AuthError> {
        let request = self
            .request(Method::POST, "logout")
            .bearer_auth(access_token.expose_secret());
        self.send(Call::Logout, request).await.map(drop)
    }

    /// The user an access token belongs to.
    pub async fn user(&self, access_token: &SecretString) -> Result<SessionUser, AuthError> {
        let request = self
            .request(Method::GET, "user")
            .bearer_auth(access_token.expose_secret());
        let bytes = self.send(Call::User, request).await?;
        answer::user(&bytes)
    }

    fn request(&self, method: Method, path: &str) -> RequestBuilder {
        self.http
            .request(method, format!("{}/auth/v1/{path}", self.base))
            .header("apikey", &self.anon_key)
    }

    async fn send(&self, call: Call, request: RequestBuilder) -> Result<Vec<u8>, AuthError> {
        let response = request.send().await.map_err(unreachable)?;
        let status = response.status();
        let retry_after = retry_after(&response);
        let bytes = response.bytes().await.map_err(unreachable)?;
        if status.is_success() {
            return Ok(bytes.to_vec());
        }
        let error = answer::server_error(status.as_u16(), &bytes);
        Err(answer::classify(call, error, retry_after))
    }
}

fn retry_after(response: &Response) -> Option<Duration> {
    answer::retry_after(
        response
            .headers()
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok()),
    )
}

/// A transport failure: no connection, a timeout, a dropped connection.
/// The URL is left out of the message (it may carry a query), and reqwest
/// never puts request bodies (where tokens travel) in its errors.
fn unreachable(error: reqwest::Error) -> AuthError {
    let what = if error.is_timeout() {
        "the sign-in server did not answer in time"
    } else if error.is_connect() {
        "the sign-in server cannot be reached"
    } else {
        "the connection to the sign-in server failed"
    };
    let cause = std::error::Error::source(&error)
        .map(|source| format!(" ({source})"))
        .unwrap_or_default();
    AuthError::Unavailable {
        reason: format!("{what}{cause}"),
        retry_after: None,
    }
}

fn unix_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| since.as_millis() as u64)
}
