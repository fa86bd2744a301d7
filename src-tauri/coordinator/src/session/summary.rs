//! What every window sees of the session: never a token.

use serde::Serialize;
use ts_rs::TS;

use super::browser::BrowserSignIn;
use super::grant::{SessionUser, SignOutReason};

/// How the user is signed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum SessionStatus {
    /// No Supabase project is configured: the local user, no tokens.
    Local,
    /// Supabase mode, nobody signed in: the primary window asks for a
    /// password.
    SignedOut,
    /// A stored session is being restored at start, without the password.
    Restoring,
    /// Signed in, with a valid access token or one being refreshed.
    SignedIn,
    /// Signed in, but the auth server cannot be reached: the session is
    /// kept, and the refresh is retried with backoff.
    Offline,
}

/// The session as windows see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SessionSummary {
    /// How the user is signed in.
    pub status: SessionStatus,
    /// Who is signed in (also while restoring or offline).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub user: Option<SessionUser>,
    /// When the current access token expires, in Unix milliseconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub expires_at: Option<u64>,
    /// While signed out: why the last session ended, if one did.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub ended: Option<SignOutReason>,
    /// While signed in: `false` when the OS keyring could not keep the
    /// session, so it lasts only for this run (windows say so plainly).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub remembered: Option<bool>,
    /// While signed out: what went wrong with the OS keyring, if anything
    /// (windows say what it means for the user).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub keyring: Option<KeyringTrouble>,
    /// While signed out: the browser or email sign-in under way, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub browser: Option<BrowserSignIn>,
}

/// What went wrong with the OS keyring while nobody is signed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum KeyringTrouble {
    /// At start the keyring could not be read, or did not answer in time:
    /// a stored session, if any, was not used.
    NotRead,
    /// The ended session could not be removed from the keyring. It is not
    /// restored (the app keeps a "signed out" marker on disk), but the
    /// entry stays until the keyring lets it go.
    NotRemoved,
}

impl SessionSummary {
    /// The summary of local mode.
    pub fn local() -> Self {
        Self {
            status: SessionStatus::Local,
            user: None,
            expires_at: None,
            ended: None,
            remembered: None,
            keyring: None,
            browser: None,
        }
    }
}

/// What changed the session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum SessionCause {
    /// A window signed in.
    SignedIn,
    /// A stored session is being restored.
    Restoring,
    /// The access token was refreshed.
    TokenRefreshed,
    /// A refresh failed for a reason that may pass; retrying.
    Offline,
    /// The session ended (the summary says why).
    SignedOut,
    /// Whether the OS keyring keeps the session changed.
    Storage,
    /// A browser or email sign-in started, moved on, or ended without
    /// signing in.
    Browser,
}

/// The `session-changed` event: what happened, and the session after it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct SessionChange {
    /// What happened.
    pub cause: SessionCause,
    /// The session as it is now.
    #[serde(flatten)]
    pub session: SessionSummary,
}
