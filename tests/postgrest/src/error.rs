//! Refusals, as PostgREST words and numbers them.

use serde_json::{json, Value};

/// A refusal: an HTTP status and PostgREST's error body.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{status} {code}: {message}")]
pub struct ApiError {
    pub status: u16,
    pub code: String,
    pub message: String,
    pub details: Option<String>,
    pub hint: Option<String>,
}

impl ApiError {
    pub(crate) fn new(status: u16, code: &str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code: code.to_owned(),
            message: message.into(),
            details: None,
            hint: None,
        }
    }

    /// A request outside the subset this gateway speaks (PGRST100 is
    /// PostgREST's "could not parse the request").
    pub(crate) fn unsupported(message: impl Into<String>) -> ApiError {
        ApiError::new(400, "PGRST100", message)
    }

    /// A table or function that is not in the schema cache.
    pub(crate) fn not_found(kind: &str, name: &str) -> ApiError {
        let code = if kind == "table" {
            "PGRST205"
        } else {
            "PGRST202"
        };
        ApiError::new(
            404,
            code,
            format!("Could not find the {kind} 'public.{name}' in the schema cache"),
        )
    }

    /// A database error, with the status PostgREST gives its SQLSTATE.
    /// `signed_in` decides a privilege error: 401 for anon, 403 otherwise.
    pub(crate) fn from_database(error: &tokio_postgres::Error, signed_in: bool) -> ApiError {
        let Some(db) = error.as_db_error() else {
            return ApiError::new(
                503,
                "PGRST000",
                format!("Database connection error: {error}"),
            );
        };
        let code = db.code().code();
        let status = match code {
            "42501" if signed_in => 403,
            "42501" => 401,
            "23505" | "23503" => 409,
            "23502" | "23514" | "22P02" | "22001" | "22007" | "22023" | "P0001" => 400,
            "42703" | "42883" => 400,
            _ if code.starts_with("08") || code.starts_with("53") || code.starts_with("57") => 503,
            _ => 500,
        };
        ApiError {
            status,
            code: code.to_owned(),
            message: db.message().to_owned(),
            details: db.detail().map(str::to_owned),
            hint: db.hint().map(str::to_owned),
        }
    }

    /// The JSON body PostgREST answers with.
    pub fn body(&self) -> Value {
        json!({
            "code": self.code,
            "message": self.message,
            "details": self.details,
            "hint": self.hint,
        })
    }
}
