//! The crate's one error enum, and the fixed set of codes errors carry on the wire.
//!
//! Consumers match on [`ErrorCode`], never on message text. The shell maps
//! every error it returns to a [`WireError`] in exactly one place.

use std::time::Duration;

use serde::Serialize;
use ts_rs::TS;

use crate::lock::{Cycle, EndReason, LockName, LockSummary};
use crate::window::WindowLabel;

/// Result of a coordinator operation.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything a coordinator operation can refuse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The window is not (or no longer) registered.
    #[error("no open window is labelled {label}")]
    UnknownWindow {
        /// The label that was asked for.
        label: WindowLabel,
    },
    /// No window is primary (none is open and responsive).
    #[error("no window is primary right now")]
    NoPrimary,
    /// A window with this label is already registered.
    #[error("a window labelled {label} is already open")]
    WindowExists {
        /// The label that is taken.
        label: WindowLabel,
    },
    /// An argument is out of its documented range.
    #[error("{reason}")]
    InvalidArgument {
        /// What was wrong, naming the field and its limits.
        reason: String,
    },
    /// A try-lock found the lock held or awaited by others.
    #[error("lock {:?} is not free: {}", summary.name.as_str(), describe(summary))]
    LockUnavailable {
        /// Who holds and awaits it.
        summary: LockSummary,
    },
    /// A wait for a lock ran out.
    #[error("gave up waiting for lock {:?} after {} ms", name.as_str(), waited.as_millis())]
    LockTimeout {
        /// The lock waited for.
        name: LockName,
        /// How long the request waited.
        waited: Duration,
    },
    /// The token names no live lease of the calling window.
    #[error("lease {token} is not held by this window (released, expired, or never granted)")]
    LockNotHeld {
        /// The token as given (at most 32 characters of it).
        token: String,
    },
    /// Waiting would close a cycle of windows waiting on each other.
    #[error("deadlock: {cycle}; the request was refused and the others keep waiting")]
    Deadlock {
        /// The cycle the wait would have closed.
        cycle: Cycle,
    },
    /// A window asked for a lock it already holds or awaits: it would wait
    /// for itself (a cycle of one).
    #[error(
        "deadlock: {window} already {} lock {:?}; asking again would wait for itself",
        if *held { "holds" } else { "waits for" },
        name.as_str()
    )]
    AlreadyRequested {
        /// The lock asked for again.
        name: LockName,
        /// The window that asked.
        window: WindowLabel,
        /// Whether it holds the lock (rather than waits for it).
        held: bool,
    },
    /// A window asked for more locks than one window may hold or await.
    #[error("{window} already holds or awaits {limit} locks, the most one window may")]
    TooMany {
        /// The window that asked.
        window: WindowLabel,
        /// The limit.
        limit: usize,
    },
    /// As many windows are open as the app allows.
    #[error("{limit} windows are open, the most Axolop opens at once: close one to open another")]
    TooManyWindows {
        /// The limit.
        limit: usize,
    },
    /// A wait ended because its window went away or stopped responding.
    #[error("the wait for lock {:?} was cancelled: {reason}", name.as_str())]
    WaitCancelled {
        /// The lock waited for.
        name: LockName,
        /// What happened to the window.
        reason: EndReason,
    },
    /// A window declared unresponsive asked for a lock (a request it sent
    /// before it hung, handled after): it holds nothing until it beats again.
    #[error(
        "{window} stopped responding and gave up its locks; it can take locks again once it responds"
    )]
    WindowUnresponsive {
        /// The window that asked.
        window: WindowLabel,
    },
    /// The agency selection moved on since the caller looked.
    #[error(
        "the agency selection changed meanwhile (version {current}, not {expected}); look again"
    )]
    StaleSelection {
        /// The version the caller based its change on.
        expected: u64,
        /// The version now.
        current: u64,
    },
    /// No agency is selected, and the call needs one.
    #[error("no agency is selected; choose one first")]
    NoAgencySelected,
    /// A change was aimed at an agency that is no longer the selected one.
    #[error(
        "agency {asked:?} is no longer selected{}; nothing was changed",
        selected.as_ref().map(|now| format!(" (every window now works in {now:?})")).unwrap_or_default()
    )]
    AgencyNotSelected {
        /// The agency the change was aimed at.
        asked: String,
        /// The name of the agency selected now, if any.
        selected: Option<String>,
    },
    /// The app is shutting down.
    #[error("the app is shutting down")]
    Shutdown,
    /// No Supabase project is configured: there is nothing to sign in to.
    #[error(
        "no Supabase project is configured (set AXOLOP_SUPABASE_URL and AXOLOP_SUPABASE_ANON_KEY)"
    )]
    NotConfigured,
    /// Nobody is signed in.
    #[error("nobody is signed in")]
    SignedOut,
    /// Someone is signed in already: a new sign-in starts after signing out.
    #[error("someone is signed in already; sign out first")]
    SignedIn,
    /// The stored session is still being read at start.
    #[error("the saved session is still being restored; try again in a moment")]
    Restoring,
    /// The step the request belongs to is not under way.
    #[error("{reason}")]
    NotWaiting {
        /// What the user should do instead.
        reason: String,
    },
    /// The session ended while the caller waited for a token.
    #[error("the session ended: {reason}")]
    SessionEnded {
        /// Why it ended.
        reason: crate::session::SignOutReason,
    },
    /// The auth server cannot be reached; the session is kept and the
    /// refresh retried.
    #[error("the auth server cannot be reached ({reason}); retrying")]
    Network {
        /// What went wrong.
        reason: String,
    },
}

/// "held by crm-1 (exclusive), 2 waiting".
fn describe(summary: &LockSummary) -> String {
    let holders: Vec<_> = summary.holders.iter().map(|h| h.as_str()).collect();
    let mut text = if holders.is_empty() {
        "others are queued for it".to_owned()
    } else {
        format!("held by {} ({})", holders.join(", "), summary.mode)
    };
    if !summary.waiting.is_empty() {
        text.push_str(&format!(", {} waiting", summary.waiting.len()));
    }
    text
}

impl Error {
    /// The stable code this error carries on the wire.
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::UnknownWindow { .. } | Error::NoPrimary => ErrorCode::NotFound,
            Error::WindowExists { .. }
            | Error::StaleSelection { .. }
            | Error::NoAgencySelected
            | Error::AgencyNotSelected { .. } => ErrorCode::Conflict,
            Error::InvalidArgument { .. } => ErrorCode::InvalidArgument,
            Error::LockUnavailable { .. }
            | Error::WaitCancelled { .. }
            | Error::WindowUnresponsive { .. } => ErrorCode::LockUnavailable,
            Error::LockTimeout { .. } => ErrorCode::LockTimeout,
            Error::LockNotHeld { .. } => ErrorCode::LockNotHeld,
            Error::Deadlock { .. } | Error::AlreadyRequested { .. } => ErrorCode::Deadlock,
            Error::TooMany { .. } | Error::TooManyWindows { .. } => ErrorCode::TooMany,
            Error::Shutdown => ErrorCode::Internal,
            Error::NotConfigured => ErrorCode::NotConfigured,
            Error::SignedOut | Error::SessionEnded { .. } => ErrorCode::SignedOut,
            Error::SignedIn | Error::Restoring | Error::NotWaiting { .. } => ErrorCode::Conflict,
            Error::Network { .. } => ErrorCode::Network,
        }
    }
}

/// The fixed, documented set of error codes a command can answer with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ErrorCode {
    /// The arguments were missing, unknown, of the wrong type or out of range.
    InvalidArgument,
    /// The named thing (window, lock, agency, contact) does not exist.
    NotFound,
    /// The request contradicts the current state (stale version, taken name).
    Conflict,
    /// A try-lock found the lock taken, or a wait was cancelled because the
    /// window went away.
    LockUnavailable,
    /// A wait for a lock ran out.
    LockTimeout,
    /// The lease token is unknown, expired, released, or another window's.
    LockNotHeld,
    /// Waiting would close a cycle of waiting windows (the message names it).
    Deadlock,
    /// A per-window limit was reached (256 locks held or awaited).
    TooMany,
    /// Wrong email or password; nothing was stored.
    InvalidCredentials,
    /// The auth server cannot be reached (or keeps failing); the session, if
    /// any, is kept.
    Network,
    /// No Supabase project is configured (local mode).
    NotConfigured,
    /// Nobody is signed in (or the session just ended).
    SignedOut,
    /// The platform failed (window creation, webview); the state is unchanged.
    Internal,
}

impl ErrorCode {
    /// The code as on the wire (`"lock_timeout"`), for logs.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::InvalidArgument => "invalid_argument",
            ErrorCode::NotFound => "not_found",
            ErrorCode::Conflict => "conflict",
            ErrorCode::LockUnavailable => "lock_unavailable",
            ErrorCode::LockTimeout => "lock_timeout",
            ErrorCode::LockNotHeld => "lock_not_held",
            ErrorCode::Deadlock => "deadlock",
            ErrorCode::TooMany => "too_many",
            ErrorCode::InvalidCredentials => "invalid_credentials",
            ErrorCode::Network => "network",
            ErrorCode::NotConfigured => "not_configured",
            ErrorCode::SignedOut => "signed_out",
            ErrorCode::Internal => "internal",
        }
    }
}

/// An error as a webview receives it: `{ code, message }`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct WireError {
    /// What went wrong, for programs.
    pub code: ErrorCode,
    /// What went wrong, for people.
    pub message: String,
}

impl WireError {
    /// An error with the given code and message.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }
}

impl From<Error> for WireError {
    fn from(error: Error) -> Self {
        Self::new(error.code(), error.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_reads_in_logs_as_it_does_on_the_wire() {
        // The generated `ErrorCode.ts` lists every code the wire carries.
        let generated = include_str!("../../../ui/bindings/ErrorCode.ts");
        let codes = [
            ErrorCode::InvalidArgument,
            ErrorCode::NotFound,
            ErrorCode::Conflict,
            ErrorCode::LockUnavailable,
            ErrorCode::LockTimeout,
            ErrorCode::LockNotHeld,
            ErrorCode::Deadlock,
            ErrorCode::TooMany,
            ErrorCode::InvalidCredentials,
            ErrorCode::Network,
            ErrorCode::NotConfigured,
            ErrorCode::SignedOut,
            ErrorCode::Internal,
        ];
        for code in codes {
            let wire = serde_json::to_value(code).unwrap();
            assert_eq!(wire, code.as_str());
            assert!(generated.contains(&format!("\"{}\"", code.as_str())));
        }
        assert_eq!(generated.matches('|').count() + 1, codes.len());
    }
}
