//! Command arguments that fail with `invalid_argument` in the wire format.
//!
//! Tauri's own argument parsing rejects bad input with a bare string. Every
//! command instead takes its whole argument object as one [`CommandArgs`]
//! type, parsed by [`parse`] before the command runs: unknown fields are
//! refused and the answer is `{code: "invalid_argument", message}`, so a
//! rejected call never touches any state.
//!
//! Each type is also exported to the UI (`ui/bindings/`), so a page that
//! sends a field the app does not take fails the type check.

use axolop_coordinator::modal::ModalKind;
use axolop_coordinator::{LockMode, LockRequest, LockToken};
use axolop_model::EMAIL_MAX_CHARS;
use axolop_store::Stage;
use secrecy::{ExposeSecret, SecretString};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use tauri::ipc::InvokeBody;
use ts_rs::TS;

use crate::error::Error;

/// The whole argument object of a command, parsed strictly.
pub trait CommandArgs: DeserializeOwned + TS + 'static {
    /// What a refusal says instead of serde's message, for arguments that
    /// carry a secret: serde quotes the values it rejects ("invalid type:
    /// integer `1234`"), and a secret must never reach a page or a log.
    /// Declared on the type, so renaming a command cannot drop it.
    const REDACTED: Option<&'static str> = None;
}

/// The arguments of a command that takes none: only `{}` is accepted.
#[derive(Debug, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct NoArgs {}

/// The arguments of `heartbeat`.
#[derive(Debug, Deserialize, TS)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[ts(optional_fields)]
pub struct HeartbeatArgs {
    /// The newest event the page has applied, when it reports one.
    pub applied_seq: Option<u64>,
    /// How many snapshots the page has read (once at load, then once per
    /// gap in the events), when it reports it.
    pub resyncs: Option<u32>,
}

/// The arguments of `lock_acquire`; range checks happen in [`Self::request`].
#[derive(Debug, Deserialize, TS)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[ts(optional_fields)]
pub struct LockAcquireArgs {
    /// The lock's name.
    pub name: String,
    /// `exclusive` (the default) or `shared`.
    pub mode: Option<LockMode>,
    /// The lease time, 100 ms to 10 min (default 30 s).
    pub ttl_ms: Option<u64>,
    /// How long to wait, 0 (try-lock) to 60 s (default 10 s).
    pub wait_ms: Option<u64>,
}

impl LockAcquireArgs {
    /// The checked request.
    pub fn request(&self) -> Result<LockRequest, Error> {
        Ok(LockRequest::new(
            &self.name,
            self.mode,
            self.ttl_ms,
            self.wait_ms,
        )?)
    }
}

/// The arguments of `agency_create` (the store checks the name).
#[derive(Debug, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct AgencyCreateArgs {
    /// The new agency's name.
    pub name: String,
}

/// The arguments of `link_open`.
#[derive(Debug, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct LinkOpenArgs {
    /// The link the user clicked: `http`, `https` or `mailto`.
    pub url: String,
}

/// The arguments of `checks_save`.
#[derive(Debug, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct ChecksSaveArgs {
    /// `json` or `markdown`.
    pub format: crate::checks::ReportFormat,
}

/// The arguments of `window_unsaved`.
#[derive(Debug, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct WindowUnsavedArgs {
    /// What the window's editor holds unsaved changes to ("Jane Doe"), or
    /// `null` when it holds none.
    pub subject: Option<String>,
}

/// The arguments of `quit_answer`.
#[derive(Debug, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct QuitAnswerArgs {
    /// `save`, `discard` or `cancel`.
    pub answer: axolop_coordinator::quit::QuitAnswer,
}

/// The arguments of `update_answer`.
#[derive(Debug, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct UpdateAnswerArgs {
    /// `install`, `later` or `show`.
    pub answer: axolop_coordinator::update::UpdateAnswer,
}

/// The arguments of `window_view`.
#[derive(Debug, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct WindowViewArgs {
    /// What the window shows now.
    pub view: crate::views::WindowView,
}

/// The arguments of `draft_keep`.
#[derive(Debug, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct DraftKeepArgs {
    /// The editor's text as typed, or `null` to drop the window's draft.
    pub draft: Option<axolop_store::EditorDraft>,
}

/// The arguments of `window_zoom`.
#[derive(Debug, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct WindowZoomArgs {
    /// `in`, `out` or `reset`.
    pub step: crate::zoom::ZoomStep,
}

/// The arguments of `agency_select`.
#[derive(Debug, Deserialize, TS)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[ts(optional_fields)]
pub struct AgencySelectArgs {
    /// The agency to select.
    pub agency_id: String,
    /// The selection version the caller saw; a newer one is a conflict.
    pub expected_version: Option<u64>,
}

/// The arguments of `contacts_list`: a page, or (by default) all of them.
#[derive(Debug, Deserialize, TS)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[ts(optional_fields)]
pub struct ContactsListArgs {
    /// How many contacts to skip (default 0).
    pub offset: Option<u64>,
    /// The most to return (default: all).
    pub limit: Option<u64>,
}

/// The arguments of `contact_save`.
#[derive(Debug, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct ContactSaveArgs {
    /// The contact to create or update.
    pub contact: ContactInput,
}

/// A contact as a window sends it: without an id to create one; with its
/// id and the version last read to update it. A contact as listed may be
/// sent back whole: its `updatedAt`, `updatedBy` and `conflict` are the
/// store's to set and are ignored.
#[derive(Debug, Deserialize, TS)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[ts(optional_fields)]
pub struct ContactInput {
    /// The contact to update; absent to create one.
    pub id: Option<String>,
    /// The agency the window means to write in; refused (`conflict`) unless
    /// it is still the selected one.
    pub agency_id: Option<String>,
    /// The version last read; required to update.
    pub version: Option<u64>,
    /// Display name, 1 to 120 characters.
    #[serde(default)]
    pub name: String,
    /// Email address, or empty.
    #[serde(default)]
    pub email: String,
    /// Phone number, or empty.
    #[serde(default)]
    pub phone: String,
    /// Company name, or empty.
    #[serde(default)]
    pub company: String,
    /// Pipeline stage (default `lead`).
    #[serde(default)]
    pub stage: Stage,
    /// Free-text notes, or empty.
    #[serde(default)]
    pub notes: String,
    /// Ignored (set by the store).
    #[serde(default, rename = "updatedAt")]
    #[ts(skip)]
    _updated_at: Option<u64>,
    /// Ignored (set by the store).
    #[serde(default, rename = "updatedBy")]
    #[ts(skip)]
    _updated_by: Option<String>,
    /// Ignored (the store settles a conflict when the contact is saved).
    #[serde(default, rename = "conflict")]
    #[ts(skip)]
    _conflict: Option<bool>,
}

/// The arguments of `contact_delete`.
#[derive(Debug, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct ContactDeleteArgs {
    /// The contact to delete.
    pub id: String,
    /// The version last read; a newer stored one is a `conflict`.
    pub version: u64,
}

/// The arguments of the benchmark-only `bench_seed_contacts`.
#[cfg(feature = "bench")]
#[derive(Debug, Deserialize, TS)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct BenchSeedArgs {
    /// The agency to fill.
    pub agency_id: String,
    /// How many contacts to add.
    pub count: usize,
}

/// The arguments of `contact_get`, `contact_conflict` and
/// `contact_conflict_discard`.
#[derive(Debug, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct ContactIdArgs {
    /// The contact's id.
    pub id: String,
}

/// What to do with changes not yet on the server when signing out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum UnsentChoice {
    /// Stay signed in until they are sent, then sign out.
    Wait,
    /// Sign out now and delete them with the rest of the user's data here.
    Discard,
    /// Do not sign out.
    Stay,
}

/// The arguments of `session_sign_out`: none the first time; the user's
/// answer when the primary asked about changes not yet sent.
#[derive(Debug, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(optional_fields)]
pub struct SignOutArgs {
    /// What to do with changes not yet on the server.
    pub unsent: Option<UnsentChoice>,
}

/// The arguments of `modal_draft_report`.
#[derive(Debug, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct ModalDraftArgs {
    /// The modal the text was typed into.
    pub kind: ModalKind,
    /// The text so far (never a password).
    pub text: String,
}

/// The longest password accepted; far above any real one.
const PASSWORD_MAX_CHARS: usize = 1024;

/// The arguments of `session_sign_in`. The password goes straight into a
/// secret: redacted in `Debug`, wiped when dropped.
#[derive(Debug, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct SignInArgs {
    /// The account's email.
    pub email: String,
    /// The account's password.
    #[ts(type = "string")]
    pub password: SecretString,
}

impl SignInArgs {
    /// The trimmed email and the password, both 1 to their limit in
    /// characters.
    pub fn checked(self) -> Result<(String, SecretString), Error> {
        Ok((
            checked_email(&self.email)?,
            checked_password(self.password)?,
        ))
    }
}

/// `email` trimmed, if it has 1 to [`EMAIL_MAX_CHARS`] characters.
fn checked_email(email: &str) -> Result<String, Error> {
    let email = email.trim();
    let chars = email.chars().count();
    if chars == 0 || chars > EMAIL_MAX_CHARS {
        return Err(invalid(format!(
            "the email must have 1 to {EMAIL_MAX_CHARS} characters"
        )));
    }
    Ok(email.to_owned())
}

/// `password`, if it has 1 to [`PASSWORD_MAX_CHARS`] characters.
fn checked_password(password: SecretString) -> Result<SecretString, Error> {
    let chars = password.expose_secret().chars().count();
    if chars == 0 || chars > PASSWORD_MAX_CHARS {
        return Err(invalid(format!(
            "the password must have 1 to {PASSWORD_MAX_CHARS} characters"
        )));
    }
    Ok(password)
}

/// A refusal of an argument's value, saying why.
pub fn invalid(reason: String) -> Error {
    Error::Coordinator(axolop_coordinator::Error::InvalidArgument { reason })
}

/// The arguments of `sign_in_email_link` and `password_recover`.
#[derive(Debug, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct EmailArgs {
    /// Where the link goes.
    pub email: String,
}

impl EmailArgs {
    /// The trimmed email, 1 to its limit in characters, with an `@`.
    pub fn checked(self) -> Result<String, Error> {
        let email = checked_email(&self.email)?;
        if !email.contains('@') {
            return Err(invalid("the email must be an address, with an @".into()));
        }
        Ok(email)
    }
}

/// The longest provider name accepted (GoTrue's are a word: `google`).
const PROVIDER_MAX_CHARS: usize = 64;

/// The arguments of `sign_in_provider`.
#[derive(Debug, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct SignInProviderArgs {
    /// The provider, as the project's settings name it.
    pub provider: String,
}

impl SignInProviderArgs {
    /// The name, if it could be a provider's: 1 to 64 lowercase letters,
    /// digits, `-` or `_`.
    pub fn checked(self) -> Result<String, Error> {
        let ok = (1..=PROVIDER_MAX_CHARS).contains(&self.provider.len())
            && self
                .provider
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
        if !ok {
            return Err(invalid(format!(
                "a provider is 1 to {PROVIDER_MAX_CHARS} lowercase letters, digits, - or _"
            )));
        }
        Ok(self.provider)
    }
}

/// The arguments of `sign_in_code`.
#[derive(Debug, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct SignInCodeArgs {
    /// The one-time code from the sign-in email.
    pub code: String,
}

impl SignInCodeArgs {
    /// The code without spaces: 6 to 10 digits (GoTrue's length is set
    /// per project, 6 by default).
    pub fn checked(self) -> Result<String, Error> {
        let code: String = self.code.chars().filter(|c| !c.is_whitespace()).collect();
        if !(6..=10).contains(&code.len()) || !code.bytes().all(|b| b.is_ascii_digit()) {
            return Err(invalid(
                "the code is the 6 digits from the sign-in email".into(),
            ));
        }
        Ok(code)
    }
}

/// The arguments of `password_choose`. The password goes straight into a
/// secret.
#[derive(Debug, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct PasswordChooseArgs {
    /// The new password.
    #[ts(type = "string")]
    pub password: SecretString,
}

impl PasswordChooseArgs {
    /// The password, 1 to its limit in characters.
    pub fn checked(self) -> Result<SecretString, Error> {
        checked_password(self.password)
    }
}

/// The longest token text accepted; a real token is far shorter.
const TOKEN_MAX_CHARS: usize = 64;

/// The arguments of `lock_release` and `lock_check`.
#[derive(Debug, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct LockTokenArgs {
    /// The lease's token, as `lock_acquire` returned it.
    pub token: String,
}

impl LockTokenArgs {
    /// The token, or `None` for text that names no lease this app could
    /// have issued; text too long to be a token is `invalid_argument`.
    pub fn token(&self) -> Result<Option<LockToken>, Error> {
        token_in(&self.token)
    }

    /// The token of a lease that must exist: text that names none is
    /// `lock_not_held`, like an expired token.
    pub fn lease_token(&self) -> Result<LockToken, Error> {
        lease_token_in(&self.token)
    }
}

/// The arguments of `lock_extend`.
#[derive(Debug, Deserialize, TS)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct LockExtendArgs {
    /// The lease's token.
    pub token: String,
    /// The new lease time from now, 100 ms to 10 min (checked by the
    /// coordinator).
    pub ttl_ms: u64,
}

impl LockExtendArgs {
    /// The token of a lease that must exist (see [`LockTokenArgs::lease_token`]).
    pub fn lease_token(&self) -> Result<LockToken, Error> {
        lease_token_in(&self.token)
    }
}

fn token_in(text: &str) -> Result<Option<LockToken>, Error> {
    if text.chars().count() > TOKEN_MAX_CHARS {
        return Err(axolop_coordinator::Error::InvalidArgument {
            reason: format!("a lock token has at most {TOKEN_MAX_CHARS} characters"),
        }
        .into());
    }
    Ok(LockToken::parse(text))
}

fn lease_token_in(text: &str) -> Result<LockToken, Error> {
    token_in(text)?.ok_or_else(|| {
        axolop_coordinator::Error::LockNotHeld {
            token: text.to_owned(),
        }
        .into()
    })
}

impl CommandArgs for NoArgs {}
impl CommandArgs for HeartbeatArgs {}
impl CommandArgs for LockAcquireArgs {}
impl CommandArgs for LockTokenArgs {}
impl CommandArgs for LockExtendArgs {}
impl CommandArgs for AgencyCreateArgs {}
impl CommandArgs for AgencySelectArgs {}
impl CommandArgs for LinkOpenArgs {}
impl CommandArgs for WindowZoomArgs {}
impl CommandArgs for WindowUnsavedArgs {}
impl CommandArgs for QuitAnswerArgs {}
impl CommandArgs for UpdateAnswerArgs {}
impl CommandArgs for WindowViewArgs {}
impl CommandArgs for DraftKeepArgs {
    // A draft is what the user typed about a person: a refusal names the
    // shape expected, never a value.
    const REDACTED: Option<&'static str> = Some(
        "expected {draft: {agencyId, baseVersion, fields: {name, email, phone, company, stage, notes}} or null}",
    );
}
impl CommandArgs for ChecksSaveArgs {}
impl CommandArgs for ContactsListArgs {}
impl CommandArgs for ContactIdArgs {}
impl CommandArgs for ContactSaveArgs {}
impl CommandArgs for ContactDeleteArgs {}
impl CommandArgs for ModalDraftArgs {}
impl CommandArgs for SignOutArgs {}
impl CommandArgs for EmailArgs {}
impl CommandArgs for SignInProviderArgs {}
impl CommandArgs for SignInCodeArgs {
    const REDACTED: Option<&'static str> = Some("expected {code}, a string, and nothing else");
}
impl CommandArgs for PasswordChooseArgs {
    const REDACTED: Option<&'static str> = Some("expected {password}, a string, and nothing else");
}
impl CommandArgs for SignInArgs {
    const REDACTED: Option<&'static str> =
        Some("expected {email, password}, both strings, and nothing else");
}
#[cfg(feature = "bench")]
impl CommandArgs for BenchSeedArgs {}

/// Parses a command's payload; a missing payload counts as `{}`.
pub fn parse<T: CommandArgs>(command: &'static str, payload: &InvokeBody) -> Result<T, Error> {
    let invalid = |reason: String| Error::InvalidArgument {
        command,
        reason: T::REDACTED.map_or(reason, str::to_owned),
    };
    match payload {
        InvokeBody::Json(serde_json::Value::Null) => {
            serde_json::from_value(serde_json::json!({})).map_err(|e| invalid(e.to_string()))
        }
        // serde would read a struct from an array too (`["Acme"]`): the
        // arguments are an object, named field by field.
        InvokeBody::Json(value) if !value.is_object() => {
            Err(invalid("expected a JSON object of arguments".into()))
        }
        // The error names the field it is about ("contact.stage: unknown
        // variant …"), not only what was wrong with it.
        InvokeBody::Json(value) => serde_path_to_error::deserialize(value).map_err(|e| {
            let path = e.path().to_string();
            let inner = e.into_inner();
            invalid(if path == "." {
                inner.to_string()
            } else {
                format!("{path}: {inner}")
            })
        }),
        InvokeBody::Raw(_) => Err(invalid("expected a JSON object of arguments".into())),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn no_args_accepts_an_empty_object_or_nothing() {
        assert!(parse::<NoArgs>("c", &InvokeBody::Json(json!({}))).is_ok());
        assert!(parse::<NoArgs>("c", &InvokeBody::Json(json!(null))).is_ok());
    }

    #[test]
    fn unknown_fields_are_invalid_arguments_naming_the_command_and_field() {
        let error = parse::<NoArgs>("window_open", &InvokeBody::Json(json!({"label": "crm-9"})))
            .unwrap_err();
        let wire = error.to_wire();
        assert_eq!(serde_json::to_value(wire.code).unwrap(), "invalid_argument");
        assert!(wire.message.contains("window_open"), "{}", wire.message);
        assert!(wire.message.contains("label"), "{}", wire.message);
    }

    #[test]
    fn secret_arguments_are_refused_by_shape_whatever_the_command_is_called() {
        let payload = InvokeBody::Json(json!({"email": "a@b.c", "password": 73_519}));
        for command in ["session_sign_in", "renamed_sign_in"] {
            let message = parse::<SignInArgs>(command, &payload)
                .unwrap_err()
                .to_wire()
                .message;
            assert!(!message.contains("73519"), "{message}");
            assert!(message.contains("{email, password}"), "{message}");
        }
        // Arguments without a secret say exactly what was wrong.
        let message =
            parse::<AgencyCreateArgs>("agency_create", &InvokeBody::Json(json!({"name": 73_519})))
                .unwrap_err()
                .to_wire()
                .message;
        assert!(message.contains("73519"), "{message}");
    }

    #[test]
    fn non_objects_and_raw_bodies_are_invalid_arguments() {
        let positional = InvokeBody::Json(json!(["Acme"]));
        let error = parse::<AgencyCreateArgs>("agency_create", &positional).unwrap_err();
        assert!(matches!(error, Error::InvalidArgument { .. }), "{error}");
        for body in [
            InvokeBody::Json(json!([1, 2])),
            InvokeBody::Json(json!("x")),
            InvokeBody::Raw(vec![1, 2, 3]),
        ] {
            let error = parse::<NoArgs>("heartbeat", &body).unwrap_err();
            assert!(matches!(error, Error::InvalidArgument { .. }), "{error}");
        }
    }
}
