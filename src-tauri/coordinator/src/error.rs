//! The crate's one error enum, and the fixed set of codes errors carry on the wire.
//!
//! Consumers match on [`ErrorCode`], never on message text. The shell maps
//! every error it returns to a [`WireError`] in exactly one place.

use serde::Serialize;
use ts_rs::TS;

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
}

impl Error {
    /// The stable code this error carries on the wire.
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::UnknownWindow { .. } | Error::NoPrimary => ErrorCode::NotFound,
            Error::WindowExists { .. } => ErrorCode::Conflict,
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
    /// The platform failed (window creation, webview); the state is unchanged.
    Internal,
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
