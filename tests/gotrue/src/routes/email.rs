//! Signing in by email: `/otp` and `/recover` send a link and a code,
//! `/verify` takes either back.
//!
//! An email belongs to a PKCE flow when the request that sent it had a code
//! challenge: its link token then starts with `pkce_`, and following the
//! link yields an auth code for the PKCE grant instead of a session. A typed
//! code (`POST /verify`) always yields a session, PKCE or not, as in GoTrue.

use std::time::SystemTime;

use serde_json::{json, Value};

use super::{
    json_object, ok, optional_text, redirect_target, session_fragment, session_json, Call, Reply,
};
use crate::error::AuthError;
use crate::flow::{AuthMethod, CodeChallenge};
use crate::mailbox::{self, Email, EmailKind};
use crate::otp::{TokenKind, PKCE_PREFIX};
use crate::redirect::{self, RedirectError};
use crate::state::State;
use crate::tokens::Issued;
use crate::user::UserId;

/// `POST /otp`: a magic link to a confirmed user, or a confirmation to a new
/// or unconfirmed address (creating its user unless `create_user` is false).
/// Answers `{}` either way, as GoTrue does.
pub(super) fn otp(state: &mut State, call: &Call, now: SystemTime) -> Result<Reply, AuthError> {
    let body = json_object(&call.body)?;
    let email = optional_text(&body, "email")?;
    let phone = optional_text(&body, "phone")?;
    let create_user = match body.get("create_user") {
        None | Some(Value::Null) => true,
        Some(Value::Bool(create_user)) => *create_user,
        Some(other) => {
            return Err(AuthError::BadJson {
                reason: format!("expected create_user to be a boolean, not {other}"),
            })
        }
    };
    if email.is_some() && phone.is_some() {
        return Err(AuthError::ValidationFailed {
            reason: "Only an email address or phone number should be provided",
        });
    }
    let challenge = challenge_of(&body)?;
    if !create_user {
        let known = match email {
            Some(email) => state.users.id_of(&valid_email(email)?).is_some(),
            None => phone.is_none(),
        };
        if !known {
            return Err(AuthError::OtpSignupsDisabled);
        }
    }
    let email = match (email, phone) {
        (Some(email), _) => valid_email(email)?,
        (None, Some(_)) => return Err(AuthError::PhoneProviderDisabled),
        (None, None) => {
            return Err(AuthError::ValidationFailed {
                reason: "One of email or phone must be set",
            })
        }
    };
    let redirect_to = redirect_target(state, &call.query());
    let pkce = challenge.is_some();
    let confirmed = state
        .users
        .id_of(&email)
        .filter(|id| state.users.is_confirmed(id));
    if let Some(user) = confirmed {
        if let Some(challenge) = challenge {
            let flow_user = Some(user.clone());
            state.flows.start(
                "magiclink",
                AuthMethod::MagicLink,
                challenge,
                flow_user,
                now,
            );
        }
        send(state, &user, EmailKind::MagicLink, pkce, &redirect_to, now);
    } else {
        let user = state
            .users
            .find_or_sign_up(&email, state.signup_disabled, now)?;
        if let Some(challenge) = challenge {
            let flow_user = Some(user.clone());
            state
                .flows
                .start("email", AuthMethod::EmailSignup, challenge, flow_user, now);
        }
        send(
            state,
            &user,
            EmailKind::Confirmation,
            pkce,
            &redirect_to,
            now,
        );
    }
    Ok(ok(json!({})))
}

/// `POST /recover`: a recovery link to a known address; `{}` for any
/// address, so nobody learns who has an account.
pub(super) fn recover(state: &mut State, call: &Call, now: SystemTime) -> Result<Reply, AuthError> {
    let body = json_object(&call.body)?;
    let email = optional_text(&body, "email")?.ok_or(AuthError::ValidationFailed {
        reason: "Password recovery requires an email",
    })?;
    let email = valid_email(email)?;
    let challenge = challenge_of(&body)?;
    let redirect_to = redirect_target(state, &call.query());
    if let Some(user) = state.users.id_of(&email) {
        let pkce = challenge.is_some();
        if let Some(challenge) = challenge {
            let flow_user = Some(user.clone());
            state
                .flows
                .start("recovery", AuthMethod::Recovery, challenge, flow_user, now);
        }
        send(state, &user, EmailKind::Recovery, pkce, &redirect_to, now);
    }
    Ok(ok(json!({})))
}

/// `GET /verify?token=…&type=…&redirect_to=…`: a followed email link. A
/// missing parameter is a JSON refusal; everything after is a 303 back to
/// `redirect_to`, with `code` (PKCE), the session in the fragment
/// (implicit), or the refusal (in the query too for PKCE links).
pub(super) fn verify_link(
    state: &mut State,
    call: &Call,
    now: SystemTime,
) -> Result<Reply, AuthError> {
    let query = call.query();
    let link_type = query.non_empty("type").ok_or(AuthError::ValidationFailed {
        reason: "Verify requires a verification type",
    })?;
    let token = query
        .non_empty("token")
        .ok_or(AuthError::ValidationFailed {
            reason: "Verify requires a token or a token hash",
        })?;
    let redirect_to = redirect_target(state, &query);
    let pkce = token.starts_with(PKCE_PREFIX);
    let location = match follow_link(state, link_type, token, pkce, now) {
        Ok(Followed::Code(code)) => redirect::with_code(&redirect_to, &code),
        Ok(Followed::Session(issued)) => {
            let mut params = session_fragment(&issued);
            params.set("type", link_type);
            redirect::with_fragment(&redirect_to, &params)
        }
        Err(refusal) => RedirectError::from_link(&refusal).apply(&redirect_to, pkce),
    };
    Ok(Reply::Redirect {
        status: 303,
        location,
    })
}

/// `POST /verify`: `{type, email, token}` with a typed code, or
/// `{type, token_hash}` with a link's token; a session either way.
pub(super) fn verify_otp(
    state: &mut State,
    call: &Call,
    now: SystemTime,
) -> Result<Reply, AuthError> {
    let body = json_object(&call.body)?;
    let text = |field| optional_text(&body, field);
    let link_type = text("type")?.ok_or(AuthError::ValidationFailed {
        reason: "Verify requires a verification type",
    })?;
    let (email, phone) = (text("email")?, text("phone")?);
    let user = match (text("token")?, text("token_hash")?) {
        (Some(code), None) => {
            let email = match (email, phone) {
                (Some(email), None) => {
                    valid_email(email).map_err(|_| AuthError::VerifyEmailInvalid)?
                }
                // No phone user exists here, so no phone code is valid.
                (None, Some(_)) => return Err(AuthError::OtpInvalid),
                _ => {
                    return Err(AuthError::ValidationFailed {
                        reason:
                            "Only an email address or phone number should be provided on verify",
                    })
                }
            };
            let user = state.users.id_of(&email).ok_or(AuthError::OtpInvalid)?;
            let kinds = token_kinds(link_type).unwrap_or_default();
            let lifetime = state.otp_lifetime;
            state
                .one_time_tokens
                .match_code(&user, &email, code, kinds, now, lifetime)
                .ok_or(AuthError::OtpInvalid)?;
            user
        }
        (None, Some(token_hash)) => {
            if email.is_some() || phone.is_some() || text("redirect_to")?.is_some() {
                return Err(AuthError::ValidationFailed {
                    reason: "Only the token_hash and type should be provided",
                });
            }
            linked_user(state, link_type, token_hash, now)?.0
        }
        _ => {
            return Err(AuthError::ValidationFailed {
                reason: "Verify requires either a token or a token hash",
            })
        }
    };
    consume(state, &user, now);
    let issued = state.start_session(user, now);
    Ok(ok(session_json(state, &issued)))
}

/// What following a link yields.
enum Followed {
    /// The auth code of the user's PKCE flow.
    Code(String),
    /// A session, for a link of the implicit flow.
    Session(Issued),
}

fn follow_link(
    state: &mut State,
    link_type: &str,
    token: &str,
    pkce: bool,
    now: SystemTime,
) -> Result<Followed, AuthError> {
    let (user, kind) = linked_user(state, link_type, token, now)?;
    if !pkce {
        consume(state, &user, now);
        return Ok(Followed::Session(state.start_session(user, now)));
    }
    let method = match (link_type, kind) {
        ("recovery", _) => AuthMethod::Recovery,
        (_, TokenKind::Confirmation) => AuthMethod::EmailSignup,
        (_, TokenKind::Recovery) => AuthMethod::MagicLink,
    };
    // A link without its flow is refused before the token is used, as
    // GoTrue's transaction rolls back.
    let code = state.flows.issue_code(&user, method, now)?;
    consume(state, &user, now);
    Ok(Followed::Code(code))
}

/// The user whose live link token of `link_type` is `token`, and its kind.
fn linked_user(
    state: &State,
    link_type: &str,
    token: &str,
    now: SystemTime,
) -> Result<(UserId, TokenKind), AuthError> {
    let kinds = token_kinds(link_type).ok_or(AuthError::ValidationFailed {
        reason: "Invalid email verification type",
    })?;
    state
        .one_time_tokens
        .find_link(token, kinds, now, state.otp_lifetime)
        .ok_or(AuthError::EmailLinkInvalid)
}

/// The token slots a verification `type` may use, in the order GoTrue checks them.
fn token_kinds(link_type: &str) -> Option<&'static [TokenKind]> {
    match link_type {
        "signup" | "invite" => Some(&[TokenKind::Confirmation]),
        "magiclink" | "recovery" => Some(&[TokenKind::Recovery]),
        "email" => Some(&[TokenKind::Confirmation, TokenKind::Recovery]),
        _ => None,
    }
}

/// A link or code of `user` was used: the address is confirmed and every
/// token of the user is spent.
fn consume(state: &mut State, user: &UserId, now: SystemTime) {
    state.one_time_tokens.clear(user);
    state.users.confirm(user, now);
}

/// Issues a token and emails it to `user`.
fn send(
    state: &mut State,
    user: &UserId,
    kind: EmailKind,
    pkce: bool,
    redirect_to: &str,
    now: SystemTime,
) {
    let token_kind = match kind {
        EmailKind::Confirmation => TokenKind::Confirmation,
        EmailKind::MagicLink | EmailKind::Recovery => TokenKind::Recovery,
    };
    let to = state.users.email(user).to_owned();
    let issued = state
        .one_time_tokens
        .issue(user, &to, token_kind, pkce, now, &mut state.rng);
    let link = mailbox::verify_link(&state.urls.external, kind, &issued.link_token, redirect_to);
    state.mailbox.send(Email {
        to,
        kind,
        link,
        code: issued.code,
        sent_at: now,
    });
}

fn challenge_of(body: &serde_json::Map<String, Value>) -> Result<Option<CodeChallenge>, AuthError> {
    CodeChallenge::from_params(
        optional_text(body, "code_challenge")?,
        optional_text(body, "code_challenge_method")?,
    )
}

/// `email` lowercased if GoTrue would accept it (`validateEmail`).
pub(super) fn valid_email(email: &str) -> Result<String, AuthError> {
    if email.is_empty() {
        return Err(AuthError::ValidationFailed {
            reason: "An email address is required",
        });
    }
    if email.len() > 255 {
        return Err(AuthError::ValidationFailed {
            reason: "An email address is too long",
        });
    }
    if !is_email_format(email) {
        return Err(AuthError::InvalidEmail {
            email: email.to_owned(),
        });
    }
    Ok(email.to_lowercase())
}

/// The address format `checkmail.ValidateFormat` accepts.
fn is_email_format(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    let local_ok = !local.is_empty()
        && local
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || ".!#$%&'*+/=?^_`{|}~-".contains(c));
    let label_ok = |label: &str| {
        (1..=63).contains(&label.len())
            && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            && !label.starts_with('-')
            && !label.ends_with('-')
    };
    local_ok && domain.split('.').all(label_ok)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_formats_are_checked_like_checkmail() {
        assert!(is_email_format("ada.lovelace+crm@example.co.uk"));
        assert!(!is_email_format("ada"));
        assert!(!is_email_format("ada@"));
        assert!(!is_email_format("ada@-example.com"));
        assert!(!is_email_format("a b@example.com"));
        assert_eq!(valid_email("Ada@Example.com").unwrap(), "ada@example.com");
    }
}
