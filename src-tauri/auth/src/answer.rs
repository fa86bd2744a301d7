//! Reading GoTrue's answers: sessions, users, and errors in whichever of the
//! body shapes the server version uses:
//!
//! - `{"code": 400, "error_code": "refresh_token_already_used", "msg": "…"}`
//!   (current GoTrue);
//! - `{"code": "…", "message": "…"}`;
//! - `{"error": "invalid_grant", "error_description": "…"}` (older GoTrue,
//!   OAuth style), where the kind is only in the description.

use std::time::Duration;

use axolop_coordinator::session::{Grant, SessionUser, SignOutReason};
use secrecy::SecretString;
use serde::Deserialize;
use serde_json::Value;

use crate::body::{printable, MESSAGE_MAX_CHARS};

use crate::error::AuthError;

/// Which call an answer is for: the same error code means different things
/// to a sign-in and to a refresh.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Call {
    /// `POST /auth/v1/token?grant_type=password`.
    Password,
    /// `POST /auth/v1/token?grant_type=refresh_token`.
    Refresh,
    /// `POST /auth/v1/logout`.
    Logout,
    /// `GET /auth/v1/user`.
    User,
    /// `GET /auth/v1/settings`.
    Settings,
    /// `POST /auth/v1/token?grant_type=pkce`.
    CodeExchange,
    /// `POST /auth/v1/otp`.
    SendLink,
    /// `POST /auth/v1/verify` (a typed code).
    VerifyCode,
    /// `POST /auth/v1/recover`.
    Recover,
    /// `PUT /auth/v1/user`.
    UpdateUser,
}

#[derive(Deserialize)]
struct SessionBody {
    access_token: String,
    refresh_token: String,
    expires_in: u64,
    user: UserBody,
}

#[derive(Deserialize)]
struct UserBody {
    id: String,
    #[serde(default)]
    email: Option<String>,
}

impl From<UserBody> for SessionUser {
    fn from(body: UserBody) -> Self {
        SessionUser {
            id: body.id,
            email: body.email,
        }
    }
}

/// The longest token lifetime believed: a day (Supabase allows a week, but
/// an answer claiming more is more likely garbage than policy).
pub const LIFETIME_MAX: Duration = Duration::from_secs(24 * 3600);
/// The longest `Retry-After` obeyed; a longer one waits this long.
pub const RETRY_AFTER_MAX: Duration = Duration::from_secs(10 * 60);

/// A session answer as a grant; `now_unix_ms` dates its expiry for display.
/// The lifetime is kept between 1 s and [`LIFETIME_MAX`].
pub fn grant(body: &[u8], now_unix_ms: u64) -> Result<Grant, AuthError> {
    let session: SessionBody = serde_json::from_slice(body).map_err(unreadable)?;
    let lifetime =
        Duration::from_secs(session.expires_in).clamp(Duration::from_secs(1), LIFETIME_MAX);
    Ok(Grant {
        user: session.user.into(),
        access_token: SecretString::from(session.access_token),
        refresh_token: SecretString::from(session.refresh_token),
        lifetime,
        expires_at_unix_ms: now_unix_ms.saturating_add(lifetime.as_millis() as u64),
    })
}

/// The external providers a project's public settings list as enabled
/// (`google`, `azure`, `github`, …), in name order; not email, phone or
/// anonymous sign-in, which are not providers a browser goes to.
pub fn providers(body: &[u8]) -> Result<Vec<String>, AuthError> {
    #[derive(Deserialize)]
    struct Settings {
        #[serde(default)]
        external: std::collections::BTreeMap<String, Value>,
    }
    let settings: Settings = serde_json::from_slice(body).map_err(unreadable)?;
    Ok(settings
        .external
        .into_iter()
        .filter(|(name, enabled)| {
            enabled.as_bool() == Some(true)
                && !matches!(name.as_str(), "email" | "phone" | "anonymous_users")
                && name.len() <= 32
                && name
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        })
        .map(|(name, _)| name)
        .collect())
}

/// A user answer.
pub fn user(body: &[u8]) -> Result<SessionUser, AuthError> {
    serde_json::from_slice::<UserBody>(body)
        .map(SessionUser::from)
        .map_err(unreadable)
}

fn unreadable(error: serde_json::Error) -> AuthError {
    AuthError::Unavailable {
        reason: format!("the server's answer could not be read ({error})"),
        retry_after: None,
    }
}

/// An error answer, whichever shape it came in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerError {
    /// The HTTP status.
    pub status: u16,
    /// The error code, if the body had one.
    pub code: Option<String>,
    /// The message, or the status when the body had none.
    pub message: String,
}

/// Reads an error body of any of the three shapes (or none).
pub fn server_error(status: u16, body: &[u8]) -> ServerError {
    let value: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    let text = |key: &str| value.get(key).and_then(Value::as_str).map(str::to_owned);
    let code = text("error_code")
        .or_else(|| text("code"))
        .or_else(|| text("error"));
    let message = text("msg")
        .or_else(|| text("message"))
        .or_else(|| text("error_description"))
        .unwrap_or_else(|| format!("HTTP {status}"));
    // The server's words reach windows and the log: one bounded line each.
    ServerError {
        status,
        code: code.map(|code| printable(&code, 64)),
        message: printable(&message, MESSAGE_MAX_CHARS),
    }
}

/// What an error answer to `call` means.
pub fn classify(call: Call, error: ServerError, retry_after: Option<Duration>) -> AuthError {
    let ServerError {
        status,
        code,
        message,
    } = error;
    if status == 429 || status >= 500 {
        return AuthError::Unavailable {
            reason: format!("the server answered {status}: {message}"),
            retry_after,
        };
    }
    let code_is = |wanted: &[&str]| {
        code.as_deref()
            .is_some_and(|code| wanted.iter().any(|w| code.eq_ignore_ascii_case(w)))
    };
    let says = |words: &str| message.to_ascii_lowercase().contains(words);
    match call {
        Call::Password if code_is(&["invalid_credentials", "invalid_grant"]) => {
            AuthError::InvalidCredentials
        }
        // A link or code used already, or too late (GoTrue keeps a flow
        // five minutes, an emailed code an hour).
        Call::CodeExchange | Call::VerifyCode
            if code_is(&["flow_state_not_found", "flow_state_expired", "otp_expired"]) =>
        {
            AuthError::CodeExpired
        }
        // The project's password rules, or the password it has already.
        Call::UpdateUser if code_is(&["weak_password", "same_password"]) => {
            AuthError::PasswordRefused(message)
        }
        Call::Refresh if code_is(&["refresh_token_already_used"]) => {
            AuthError::Rejected(SignOutReason::Reused)
        }
        Call::Refresh if code_is(&["refresh_token_not_found"]) => {
            AuthError::Rejected(SignOutReason::Unknown)
        }
        Call::Refresh
            if code_is(&[
                "session_not_found",
                "session_expired",
                "user_not_found",
                "user_banned",
            ]) =>
        {
            AuthError::Rejected(SignOutReason::Revoked)
        }
        // Older servers say only `invalid_grant`, and the kind in words.
        Call::Refresh if code_is(&["invalid_grant"]) => {
            AuthError::Rejected(if says("already used") {
                SignOutReason::Reused
            } else if says("not found") {
                SignOutReason::Unknown
            } else {
                SignOutReason::Revoked
            })
        }
        _ => AuthError::Refused {
            status,
            code,
            message,
        },
    }
}

/// A `Retry-After` header in seconds (the form rate limiters send), at most
/// [`RETRY_AFTER_MAX`].
pub fn retry_after(header: Option<&str>) -> Option<Duration> {
    let seconds: u64 = header?.trim().parse().ok()?;
    Some(Duration::from_secs(seconds).min(RETRY_AFTER_MAX))
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret;

    fn refresh_error(status: u16, body: &str) -> AuthError {
        classify(Call::Refresh, server_error(status, body.as_bytes()), None)
    }

    #[test]
    fn the_enabled_providers_are_read_from_the_settings_and_nothing_else() {
        let body = br#"{"external":{"anonymous_users":true,"apple":false,"azure":true,"email":true,"github":true,"google":true,"phone":false,"Bad Name":true},"disable_signup":false}"#;
        assert_eq!(providers(body).unwrap(), ["azure", "github", "google"]);
        assert_eq!(providers(b"{}").unwrap(), Vec::<String>::new());
        assert!(providers(b"not json").is_err());
    }

    #[test]
    fn a_new_password_the_project_refuses_says_which_rule() {
        let weak = server_error(
            422,
            br#"{"code":422,"error_code":"weak_password","msg":"Password should be at least 6 characters.","weak_password":{"reasons":["length"]}}"#,
        );
        let error = classify(Call::UpdateUser, weak, None);
        assert_eq!(
            error.to_string(),
            "the server did not accept this password: Password should be at least 6 characters."
        );
        let other = server_error(
            422,
            br#"{"code":422,"error_code":"weak_password","msg":"x"}"#,
        );
        assert!(
            matches!(
                classify(Call::Password, other, None),
                AuthError::Refused { .. }
            ),
            "only a password change is about the new password"
        );
    }

    #[test]
    fn a_used_or_expired_code_says_so() {
        for code in ["flow_state_not_found", "flow_state_expired"] {
            let body =
                format!(r#"{{"code":404,"error_code":"{code}","msg":"invalid flow state"}}"#);
            let error = classify(Call::CodeExchange, server_error(404, body.as_bytes()), None);
            assert_eq!(error, AuthError::CodeExpired);
        }
        let typed = server_error(
            403,
            br#"{"code":403,"error_code":"otp_expired","msg":"Token has expired or is invalid"}"#,
        );
        assert_eq!(
            classify(Call::VerifyCode, typed, None),
            AuthError::CodeExpired
        );
        let mismatch = server_error(400, br#"{"code":400,"error_code":"bad_code_verifier","msg":"code challenge does not match previously saved code verifier"}"#);
        assert!(matches!(
            classify(Call::CodeExchange, mismatch, None),
            AuthError::Refused { status: 400, .. }
        ));
    }

    #[test]
    fn the_three_error_shapes_read_alike() {
        let current = server_error(400, br#"{"code":400,"error_code":"refresh_token_already_used","msg":"Invalid Refresh Token: Already Used"}"#);
        let plain = server_error(400, br#"{"code":"refresh_token_already_used","message":"Invalid Refresh Token: Already Used"}"#);
        let legacy = server_error(400, br#"{"error":"invalid_grant","error_description":"Invalid Refresh Token: Already Used"}"#);
        assert_eq!(current.code.as_deref(), Some("refresh_token_already_used"));
        assert_eq!(current, plain);
        assert_eq!(legacy.code.as_deref(), Some("invalid_grant"));
        for error in [current, plain, legacy] {
            assert_eq!(
                classify(Call::Refresh, error, None),
                AuthError::Rejected(SignOutReason::Reused)
            );
        }
    }

    #[test]
    fn a_refresh_ends_the_session_only_for_revoked_reused_or_unknown_tokens() {
        assert_eq!(
            refresh_error(400, r#"{"error_code":"refresh_token_not_found","msg":"x"}"#),
            AuthError::Rejected(SignOutReason::Unknown)
        );
        assert_eq!(
            refresh_error(403, r#"{"error_code":"session_not_found","msg":"x"}"#),
            AuthError::Rejected(SignOutReason::Revoked)
        );
        assert_eq!(
            refresh_error(
                400,
                r#"{"error":"invalid_grant","error_description":"Invalid Refresh Token: Refresh Token Not Found"}"#
            ),
            AuthError::Rejected(SignOutReason::Unknown)
        );
        assert!(matches!(
            refresh_error(422, r#"{"error_code":"validation_failed","msg":"x"}"#),
            AuthError::Refused { status: 422, .. }
        ));
    }

    #[test]
    fn server_failures_and_rate_limits_are_unavailable_with_their_retry_after() {
        for status in [500, 502, 503] {
            assert!(matches!(
                refresh_error(status, "oops"),
                AuthError::Unavailable { .. }
            ));
        }
        let limited = classify(
            Call::Refresh,
            server_error(429, b""),
            retry_after(Some("7")),
        );
        assert_eq!(
            limited,
            AuthError::Unavailable {
                reason: "the server answered 429: HTTP 429".into(),
                retry_after: Some(Duration::from_secs(7))
            }
        );
        assert_eq!(retry_after(Some("Wed, 21 Oct 2026 07:28:00 GMT")), None);
        assert_eq!(retry_after(Some("99999999999")), Some(RETRY_AFTER_MAX));
    }

    #[test]
    fn a_wrong_password_is_invalid_credentials_in_either_shape() {
        for body in [
            r#"{"code":400,"error_code":"invalid_credentials","msg":"Invalid login credentials"}"#,
            r#"{"error":"invalid_grant","error_description":"Invalid login credentials"}"#,
        ] {
            let error = classify(Call::Password, server_error(400, body.as_bytes()), None);
            assert_eq!(error, AuthError::InvalidCredentials, "{body}");
        }
    }

    #[test]
    fn a_session_answer_becomes_a_grant_and_an_unreadable_one_is_unavailable() {
        let body = br#"{"access_token":"at","token_type":"bearer","expires_in":5,"expires_at":1,"refresh_token":"rt","user":{"id":"u1","email":"a@b.c","aud":"authenticated"}}"#;
        let grant = grant(body, 1_000).unwrap();
        assert_eq!(grant.access_token.expose_secret(), "at");
        assert_eq!(grant.refresh_token.expose_secret(), "rt");
        assert_eq!(grant.lifetime, Duration::from_secs(5));
        assert_eq!(grant.expires_at_unix_ms, 6_000);
        assert_eq!(grant.user.email.as_deref(), Some("a@b.c"));
        assert!(matches!(
            super::grant(b"{not json", 0),
            Err(AuthError::Unavailable { .. })
        ));
    }
}
