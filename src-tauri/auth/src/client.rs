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
use crate::body::{self, BodyError};
use crate::error::AuthError;
use crate::pkce::Pkce;

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
        if parsed.scheme() == "http" && !is_loopback(&parsed) {
            return Err(AuthError::Config(format!(
                "{base}: plain http would send passwords and tokens unencrypted; use https \
                 (http is accepted only for this computer: localhost, 127.0.0.0/8, ::1)"
            )));
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

    /// Where the project is (`host` or `host:port`): what a user is shown
    /// before typing a password.
    pub fn host(&self) -> String {
        let parsed = reqwest::Url::parse(&self.base).ok();
        let host = parsed.as_ref().and_then(|url| url.host_str()).unwrap_or("");
        match parsed.as_ref().and_then(reqwest::Url::port) {
            Some(port) => format!("{host}:{port}"),
            None => host.to_owned(),
        }
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

    /// The external providers the project has enabled (`google`, `azure`,
    /// `github`, …), from its public settings: the app keeps no list of
    /// its own to drift from the project's.
    pub async fn providers(&self) -> Result<Vec<String>, AuthError> {
        let request = self.request(Method::GET, "settings");
        let bytes = self.send(Call::Settings, request).await?;
        answer::providers(&bytes)
    }

    /// The address the system browser opens to sign in with `provider`,
    /// coming back to `redirect_to` with a code for `challenge`'s verifier.
    pub fn authorize_url(&self, provider: &str, redirect_to: &str, challenge: &str) -> String {
        let mut url = reqwest::Url::parse(&format!("{}/auth/v1/authorize", self.base))
            .expect("the base was checked when the client was made");
        url.query_pairs_mut()
            .append_pair("provider", provider)
            .append_pair("redirect_to", redirect_to)
            .append_pair("code_challenge", challenge)
            .append_pair("code_challenge_method", Pkce::METHOD);
        url.into()
    }

    /// Exchanges an authorization code, once, with its verifier.
    pub async fn exchange_code(
        &self,
        code: &str,
        verifier: &SecretString,
    ) -> Result<Grant, AuthError> {
        let body = json!({ "auth_code": code, "code_verifier": verifier.expose_secret() });
        let request = self
            .request(Method::POST, "token?grant_type=pkce")
            .json(&body);
        let bytes = self.send(Call::CodeExchange, request).await?;
        answer::grant(&bytes, unix_ms())
    }

    /// Emails `email` a sign-in link (coming back to `redirect_to` with a
    /// code for `challenge`'s verifier) and a 6-digit code. No account is
    /// made for an address that has none.
    pub async fn send_sign_in_link(
        &self,
        email: &str,
        redirect_to: &str,
        challenge: &str,
    ) -> Result<(), AuthError> {
        let body = json!({ "email": email, "create_user": false });
        self.send_link(Call::SendLink, "otp", body, redirect_to, challenge)
            .await
    }

    /// Signs in with the 6-digit code from a sign-in email.
    pub async fn verify_code(&self, email: &str, code: &str) -> Result<Grant, AuthError> {
        let body = json!({ "type": "email", "email": email, "token": code });
        let request = self.request(Method::POST, "verify").json(&body);
        let bytes = self.send(Call::VerifyCode, request).await?;
        answer::grant(&bytes, unix_ms())
    }

    /// Emails `email` a password-reset link, coming back to `redirect_to`
    /// with a code for `challenge`'s verifier.
    pub async fn send_recovery(
        &self,
        email: &str,
        redirect_to: &str,
        challenge: &str,
    ) -> Result<(), AuthError> {
        let body = json!({ "email": email });
        self.send_link(Call::Recover, "recover", body, redirect_to, challenge)
            .await
    }

    /// Asks the server at `path` to email a link that comes back to
    /// `redirect_to` with a code for `challenge`'s verifier.
    async fn send_link(
        &self,
        call: Call,
        path: &str,
        mut body: serde_json::Value,
        redirect_to: &str,
        challenge: &str,
    ) -> Result<(), AuthError> {
        body["code_challenge"] = challenge.into();
        body["code_challenge_method"] = Pkce::METHOD.into();
        let request = self
            .request(Method::POST, path)
            .query(&[("redirect_to", redirect_to)])
            .json(&body);
        self.send(call, request).await.map(drop)
    }

    /// Sets the signed-in user's password.
    pub async fn set_password(
        &self,
        access_token: &SecretString,
        password: &SecretString,
    ) -> Result<SessionUser, AuthError> {
        let body = json!({ "password": password.expose_secret() });
        let request = self
            .request(Method::PUT, "user")
            .bearer_auth(access_token.expose_secret())
            .json(&body);
        let bytes = self.send(Call::UpdateUser, request).await?;
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
        let bytes = match body::read_capped(response, BODY_MAX).await {
            Ok(bytes) => bytes,
            Err(BodyError::Transport(error)) => return Err(unreachable(error)),
            Err(BodyError::TooLarge(limit)) => {
                return Err(AuthError::Unavailable {
                    reason: format!("the sign-in server sent {}", BodyError::too_large(limit)),
                    retry_after: None,
                })
            }
        };
        if status.is_success() {
            return Ok(bytes.to_vec());
        }
        let error = answer::server_error(status.as_u16(), &bytes);
        Err(answer::classify(call, error, retry_after))
    }
}

/// Whether `url` names this computer: `localhost`, 127.0.0.0/8 or `::1`.
fn is_loopback(url: &reqwest::Url) -> bool {
    let Some(host) = url.host_str() else {
        return false;
    };
    // An IPv6 host comes in brackets.
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    match bare.parse::<std::net::IpAddr>() {
        Ok(ip) => ip.is_loopback(),
        Err(_) => bare.eq_ignore_ascii_case("localhost"),
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

/// The largest answer read: a session or a user is a few KiB.
const BODY_MAX: usize = 64 * 1024;

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

#[cfg(test)]
mod tests {
    use super::*;

    fn config(url: &str) -> AuthConfig {
        AuthConfig {
            url: url.to_owned(),
            anon_key: "key".to_owned(),
        }
    }

    #[test]
    fn plain_http_is_refused_unless_the_server_is_this_computer() {
        for url in [
            "http://localhost:54321",
            "http://127.0.0.1:9999",
            "http://127.8.9.10",
            "http://[::1]:8000",
            "https://xyz.supabase.co",
        ] {
            assert!(AuthClient::new(config(url)).is_ok(), "{url}");
        }
        for url in [
            "http://xyz.supabase.co",
            "http://192.168.1.20:8000",
            "http://localhost.example.com",
            "http://[::2]",
        ] {
            let error = AuthClient::new(config(url)).unwrap_err().to_string();
            assert!(error.contains("use https"), "{url}: {error}");
        }
    }

    #[test]
    fn the_host_is_what_the_user_is_shown() {
        let client = |url| AuthClient::new(config(url)).unwrap().host();
        assert_eq!(client("https://xyz.supabase.co/"), "xyz.supabase.co");
        assert_eq!(client("http://127.0.0.1:54321"), "127.0.0.1:54321");
    }
}
