//! The shell's one error enum, and the only place errors become wire errors.

use axolop_auth::AuthError;
use axolop_coordinator::{ErrorCode, WireError};
use serde::{Serialize, Serializer};

/// Result of a shell operation.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything a command can fail with.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The coordinator refused the request.
    #[error(transparent)]
    Coordinator(#[from] axolop_coordinator::Error),
    /// The arguments were malformed, unknown or out of range.
    #[error("invalid arguments for `{command}`: {reason}")]
    InvalidArgument {
        /// The command that was called.
        command: &'static str,
        /// What was wrong with them.
        reason: String,
    },
    /// Tauri or the webview failed (e.g. a window could not be created).
    #[error("the desktop platform failed: {0}")]
    Platform(#[from] tauri::Error),
    /// The Supabase settings are unusable.
    #[error("{reason}")]
    Settings {
        /// What is wrong, naming the setting.
        reason: String,
    },
    /// The auth server or the keyring failed.
    #[error(transparent)]
    Auth(#[from] axolop_auth::AuthError),
    /// The local CRM store refused or failed.
    #[error(transparent)]
    Store(#[from] axolop_store::StoreError),
    /// The Supabase project's data server failed or refused.
    #[error(transparent)]
    Sync(#[from] axolop_sync::SyncError),
    /// The local CRM store could not be opened at start (the log says why).
    #[error("the CRM database is not available: {reason}")]
    StoreUnavailable {
        /// What went wrong.
        reason: String,
    },
    /// Setting up files or directories failed.
    #[error("{context}: {source}")]
    Io {
        /// What the shell was doing.
        context: String,
        /// The underlying failure.
        source: std::io::Error,
    },
}

impl Error {
    /// The `{code, message}` a webview receives.
    pub fn to_wire(&self) -> WireError {
        match self {
            Error::Coordinator(error) => error.clone().into(),
            Error::InvalidArgument { .. } => {
                WireError::new(ErrorCode::InvalidArgument, self.to_string())
            }
            Error::Platform(_) | Error::Io { .. } => {
                WireError::new(ErrorCode::Internal, self.to_string())
            }
            Error::Settings { .. } => WireError::new(ErrorCode::NotConfigured, self.to_string()),
            Error::Auth(error) => WireError::new(auth_code(error), self.to_string()),
            Error::Store(error) => WireError::new(store_code(error), self.to_string()),
            Error::StoreUnavailable { .. } => WireError::new(ErrorCode::Internal, self.to_string()),
            Error::Sync(error) => WireError::new(sync_code(error), self.to_string()),
        }
    }
}

impl Serialize for Error {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.to_wire().serialize(serializer)
    }
}

/// The wire code of an auth failure.
fn auth_code(error: &AuthError) -> ErrorCode {
    match error {
        // A used or expired link or code is a credential that no longer
        // works, as a wrong password is.
        AuthError::InvalidCredentials | AuthError::CodeExpired => ErrorCode::InvalidCredentials,
        AuthError::Unavailable { .. } => ErrorCode::Network,
        AuthError::Rejected(_) => ErrorCode::SignedOut,
        AuthError::Refused { .. } | AuthError::PasswordRefused(_) => ErrorCode::InvalidArgument,
        AuthError::Config(_) => ErrorCode::NotConfigured,
        AuthError::Keyring(_) => ErrorCode::Internal,
        _ => ErrorCode::Internal,
    }
}

/// The wire code of a store failure.
fn store_code(error: &axolop_store::StoreError) -> ErrorCode {
    use axolop_store::StoreError;
    match error {
        StoreError::InvalidArgument { .. } => ErrorCode::InvalidArgument,
        StoreError::NotFound { .. } => ErrorCode::NotFound,
        StoreError::Conflict { .. } => ErrorCode::Conflict,
        _ => ErrorCode::Internal,
    }
}

/// The wire code of a data server failure.
fn sync_code(error: &axolop_sync::SyncError) -> ErrorCode {
    use axolop_sync::SyncError;
    match error {
        SyncError::Unavailable(_) => ErrorCode::Network,
        SyncError::TokenExpired | SyncError::Unauthorized { .. } => ErrorCode::SignedOut,
        SyncError::Refused { .. } => ErrorCode::InvalidArgument,
        SyncError::Config(_) => ErrorCode::NotConfigured,
        SyncError::Protocol(_) | SyncError::Store(_) => ErrorCode::Internal,
    }
}
