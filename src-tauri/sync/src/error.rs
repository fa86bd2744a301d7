//! What went wrong talking to PostgREST, sorted by what the engine does next.

/// A failed request.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SyncError {
    /// The access token expired (PostgREST's `PGRST303`): refresh it through
    /// the session's single flight, then retry once.
    #[error("the access token has expired")]
    TokenExpired,
    /// Any other 401: a token the server does not accept, or no API key.
    #[error("the data server refused the credentials ({code}): {message}")]
    Unauthorized { code: String, message: String },
    /// No connection, a timeout, a cut connection, or a 5xx/503: the change
    /// stays in the outbox and is tried again later.
    #[error("the data server is unavailable: {0}")]
    Unavailable(String),
    /// The server refused this request for good (a 4xx other than 401):
    /// row-level security, a check constraint, a bad value. Retrying the
    /// same request cannot help.
    #[error("the data server refused the change ({status} {code}): {message}")]
    Refused {
        status: u16,
        code: String,
        message: String,
    },
    /// The server answered something this client cannot read.
    #[error("the data server answered something unreadable: {0}")]
    Protocol(String),
    /// The local database failed; the exchange stops where it was.
    #[error("the local database failed: {0}")]
    Store(String),
    /// The client could not be set up (a bad project URL).
    #[error("the data server settings are not usable: {0}")]
    Config(String),
}

pub type Result<T, E = SyncError> = std::result::Result<T, E>;
