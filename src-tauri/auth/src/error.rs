//! The crate's one error enum, and what each failure means for a session.
//!
//! The rule the desktop app lives by: a session ends only when the server
//! says its refresh token is revoked, reused or unknown
//! ([`AuthError::Rejected`]). Everything else (no network, timeouts, 5xx,
//! 429, an answer that cannot be read, any other refusal) keeps the session
//! and is retried.

use std::time::Duration;

use axolop_coordinator::session::{RefreshFailure, SignOutReason};

/// Everything an auth call can fail with.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AuthError {
    /// The email and password do not match an account.
    #[error("the email or password is wrong")]
    InvalidCredentials,
    /// A sign-in link or code that was used already, or has expired.
    #[error("the sign-in link or code has expired or was already used")]
    CodeExpired,
    /// The server would not take a new password (too weak, or the same as
    /// before); its message says which rule.
    #[error("the server did not accept this password: {0}")]
    PasswordRefused(String),
    /// The server rejected the refresh token: the session is over.
    #[error("the server ended the session: {0}")]
    Rejected(SignOutReason),
    /// The server could not be reached, timed out, failed (5xx), asked to
    /// slow down (429), or answered something unreadable.
    #[error("the sign-in server is unavailable: {reason}")]
    Unavailable {
        /// What went wrong, for people.
        reason: String,
        /// The server's `Retry-After`, if it sent one.
        retry_after: Option<Duration>,
    },
    /// The server refused the request for another reason.
    #[error("the sign-in server refused the request ({status}{}): {message}", code.as_deref().map(|c| format!(", {c}")).unwrap_or_default())]
    Refused {
        /// The HTTP status.
        status: u16,
        /// The server's error code, if it sent one.
        code: Option<String>,
        /// The server's message.
        message: String,
    },
    /// The client could not be set up (a bad URL in the settings).
    #[error("the sign-in settings are not usable: {0}")]
    Config(String),
    /// The OS keyring failed or holds something unreadable.
    #[error("{0}")]
    Keyring(String),
}

impl AuthError {
    /// What a failed refresh means for the session: only a rejection ends
    /// it.
    pub fn refresh_failure(&self) -> RefreshFailure {
        match self {
            AuthError::Rejected(reason) => RefreshFailure::Rejected(*reason),
            AuthError::Unavailable {
                reason,
                retry_after,
            } => RefreshFailure::Transient {
                reason: reason.clone(),
                retry_after: *retry_after,
            },
            other => RefreshFailure::Transient {
                reason: other.to_string(),
                retry_after: None,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_rejection_ends_a_session() {
        assert_eq!(
            AuthError::Rejected(SignOutReason::Reused).refresh_failure(),
            RefreshFailure::Rejected(SignOutReason::Reused)
        );
        let kept = [
            AuthError::Unavailable {
                reason: "timeout".into(),
                retry_after: Some(Duration::from_secs(3)),
            },
            AuthError::Refused {
                status: 422,
                code: None,
                message: "odd".into(),
            },
            AuthError::InvalidCredentials,
        ];
        for error in kept {
            assert!(
                matches!(error.refresh_failure(), RefreshFailure::Transient { .. }),
                "{error}"
            );
        }
    }
}
