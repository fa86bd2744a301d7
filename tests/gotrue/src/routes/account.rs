//! `PUT /user`: the bearer changes their own account.

use std::time::SystemTime;

use serde_json::Value;

use super::email::valid_email;
use super::{bearer, json_object, ok, optional_text, Call, Reply};
use crate::error::AuthError;
use crate::state::State;
use crate::tokens::LogoutScope;

/// Sets a new `password` and merges `data` into `user_metadata`, answering
/// the user. A new password ends the user's other sessions and spends their
/// email tokens, as GoTrue's `UpdatePassword` does; the bearer's session
/// goes on. Changing the email or phone is not served here.
pub(super) fn update_user(
    state: &mut State,
    call: &Call,
    now: SystemTime,
) -> Result<Reply, AuthError> {
    let bearer = bearer(state, call, now)?;
    let body = json_object(&call.body)?;
    let password = match body.get("password") {
        None | Some(Value::Null) => None,
        Some(Value::String(password)) => Some(password.as_str()),
        Some(other) => return Err(not_text("password", other)),
    };
    let data = match body.get("data") {
        None | Some(Value::Null) => None,
        Some(Value::Object(data)) => Some(data),
        Some(other) => {
            return Err(AuthError::BadJson {
                reason: format!("expected data to be an object, not {other}"),
            })
        }
    };
    if let Some(email) = optional_text(&body, "email")? {
        if valid_email(email)? != state.users.email(&bearer.user) {
            return Err(AuthError::NotImplemented {
                feature: "Changing a user's email",
            });
        }
    }
    if optional_text(&body, "phone")?.is_some() {
        return Err(AuthError::NotImplemented {
            feature: "Changing a user's phone",
        });
    }
    if let Some(password) = password {
        state.users.set_password(&bearer.user, password, now)?;
        state.one_time_tokens.clear(&bearer.user);
        state.sessions.log_out(&bearer, LogoutScope::Others);
    }
    if let Some(data) = data {
        state.users.update_metadata(&bearer.user, data, now);
    }
    Ok(ok(state.users.json(&bearer.user)))
}

fn not_text(field: &str, value: &Value) -> AuthError {
    AuthError::BadJson {
        reason: format!("expected {field} to be a string, not {value}"),
    }
}
