//! What the auth server grants, as the coordinator holds it.
//!
//! Tokens are [`SecretString`]s: their `Debug` prints a placeholder, they
//! cannot be serialised, and their memory is wiped when dropped. Nothing
//! that reaches a window (snapshot, event, command result) can hold one.

use std::time::Duration;

use secrecy::SecretString;
use serde::Serialize;
use ts_rs::TS;

use super::keyring::Revocation;

/// The signed-in user, as windows see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct SessionUser {
    /// The auth server's user id.
    pub id: String,
    /// The user's email, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub email: Option<String>,
}

/// A fresh pair of tokens from a sign-in or a refresh.
#[derive(Debug, Clone)]
pub struct Grant {
    /// Whose tokens these are.
    pub user: SessionUser,
    /// Sent with every API call; lives in memory only.
    pub access_token: SecretString,
    /// Spent (once) to get the next grant; the shell keeps it in the OS
    /// keyring.
    pub refresh_token: SecretString,
    /// How long the access token lasts from the moment it was received.
    pub lifetime: Duration,
    /// When the access token expires, in Unix milliseconds, for display.
    pub expires_at_unix_ms: u64,
}

impl Grant {
    /// What ends this grant's session on the server, should the app not
    /// use it (a late answer, a sign-in refused at the last moment).
    pub fn revocation(&self) -> Revocation {
        Revocation {
            access: Some(self.access_token.clone()),
            refresh_token: Some(self.refresh_token.clone()),
        }
    }
}

/// Why a refresh failed, as the shell classifies the auth server's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefreshFailure {
    /// The server could not be reached or answered 5xx or 429: keep the
    /// session and try again later, no sooner than `retry_after` if given.
    Transient {
        /// What went wrong, for people.
        reason: String,
        /// The server's `Retry-After`, if it sent one.
        retry_after: Option<Duration>,
    },
    /// The server says the refresh token is revoked, reused or unknown: the
    /// session is over.
    Rejected(SignOutReason),
}

/// Why a session ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum SignOutReason {
    /// The user signed out (in any window).
    SignedOut,
    /// The server revoked the session (signed out elsewhere, or an admin).
    Revoked,
    /// The refresh token had been used already: the server revoked the whole
    /// session as a precaution.
    Reused,
    /// The server does not know the refresh token (for example, a stored
    /// session from before the server was reset).
    Unknown,
}

impl std::fmt::Display for SignOutReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            SignOutReason::SignedOut => "you signed out",
            SignOutReason::Revoked => "the server ended the session",
            SignOutReason::Reused => {
                "the session's refresh token was used twice, so the server ended it"
            }
            SignOutReason::Unknown => "the server no longer knows this session",
        })
    }
}
