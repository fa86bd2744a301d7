//! The refusals the server answers with, and the body shapes they take.
//!
//! Each [`AuthError`] has a fixed HTTP status and a fixed GoTrue `error_code`,
//! as the real server sends them (`supabase/auth`); the message is its
//! `Display`. How the body looks depends on the GoTrue version a test
//! pretends to be, chosen with [`ErrorShape`]; status and code never change
//! with the shape, so a client can be tested against all three.

use serde_json::{json, Value};

/// Everything the server refuses a request with.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AuthError {
    /// The `apikey` header is missing or not the anon key (401 `no_api_key`).
    #[error("No API key found in request")]
    NoApiKey,
    /// The request body is not a JSON object (400 `bad_json`).
    #[error("Could not parse request body as JSON: {reason}")]
    BadJson {
        /// What the parser objected to.
        reason: String,
    },
    /// A required field is missing or not a string (400 `validation_failed`).
    #[error("{field} is required")]
    MissingField {
        /// The JSON field that was expected.
        field: &'static str,
    },
    /// The token endpoint was asked for a grant it does not serve (400 `validation_failed`).
    #[error("unsupported_grant_type: {grant_type}")]
    UnsupportedGrantType {
        /// The `grant_type` query parameter as sent, empty when absent.
        grant_type: String,
    },
    /// Logout was asked for a scope other than global, local or others (400 `validation_failed`).
    #[error("Unsupported logout scope {scope:?}")]
    UnsupportedScope {
        /// The `scope` query parameter as sent.
        scope: String,
    },
    /// No user has this email and password (400 `invalid_credentials`).
    #[error("Invalid login credentials")]
    InvalidCredentials,
    /// The refresh token was never issued (400 `refresh_token_not_found`).
    #[error("Invalid Refresh Token: Refresh Token Not Found")]
    RefreshTokenNotFound,
    /// The refresh token was presented before; its session is now revoked
    /// (400 `refresh_token_already_used`).
    #[error("Invalid Refresh Token: Already Used")]
    RefreshTokenAlreadyUsed,
    /// The refresh token belongs to a session ended by logout or by reuse
    /// detection (400 `session_not_found`).
    #[error("Invalid Refresh Token: Session Not Found")]
    RefreshSessionEnded,
    /// No `Authorization: Bearer` header (401 `no_authorization`).
    #[error("This endpoint requires a valid Bearer token")]
    NoAuthorization,
    /// The access token is unknown or expired (403 `bad_jwt`).
    #[error("invalid JWT: unable to parse or verify signature, {reason}")]
    BadJwt {
        /// Why the token was not accepted.
        reason: &'static str,
    },
    /// The access token's session was ended by logout or reuse detection (403 `session_not_found`).
    #[error("Session from session_id claim in JWT does not exist")]
    SessionNotFound,
    /// No such route (404 `not_found`).
    #[error("No route for {method} {path}")]
    NotFound {
        /// The request method.
        method: String,
        /// The request path.
        path: String,
    },
    /// A request GoTrue validates and finds wanting, with GoTrue's own
    /// wording (400 `validation_failed`).
    #[error("{reason}")]
    ValidationFailed {
        /// GoTrue's message, e.g. `PKCE flow requires code_challenge_method and code_challenge`.
        reason: &'static str,
    },
    /// `/authorize` named a provider GoTrue does not know (400 `validation_failed`).
    #[error("Unsupported provider: Provider {provider} could not be found")]
    UnknownProvider {
        /// The provider as asked for, lowercased.
        provider: String,
    },
    /// `/authorize` named a known provider that is not enabled (400 `validation_failed`).
    #[error("Unsupported provider: provider is not enabled")]
    ProviderDisabled {
        /// The provider asked for.
        provider: String,
    },
    /// An email address GoTrue cannot parse (400 `validation_failed`).
    #[error("Unable to validate email address: invalid format")]
    InvalidEmail {
        /// The address as sent.
        email: String,
    },
    /// `POST /verify` with a code and an address GoTrue cannot parse
    /// (422 `validation_failed`).
    #[error("Invalid email format")]
    VerifyEmailInvalid,
    /// A phone number was sent; phone sign-in is off (400 `phone_provider_disabled`).
    #[error("Unsupported phone provider")]
    PhoneProviderDisabled,
    /// The PKCE grant lacks its auth code or verifier (400 `validation_failed`).
    #[error("invalid request: both auth code and code verifier should be non-empty")]
    PkceGrantIncomplete,
    /// The auth code was never issued, was exchanged already, or its sign-in
    /// never finished (404 `flow_state_not_found`).
    #[error("invalid flow state, no valid flow state found")]
    FlowStateNotFound,
    /// The auth code's flow is older than the flow-state lifetime (422 `flow_state_expired`).
    #[error("invalid flow state, flow state has expired")]
    FlowStateExpired,
    /// The code verifier does not hash to the flow's code challenge (400 `bad_code_verifier`).
    #[error("code challenge does not match previously saved code verifier")]
    BadCodeVerifier,
    /// A PKCE email link was followed but its user has no flow for it
    /// (400 `flow_state_not_found`).
    #[error("No associated flow state found. No valid flow state found for user.")]
    NoFlowStateForUser,
    /// A typed one-time code is wrong, used or expired (403 `otp_expired`).
    #[error("Token has expired or is invalid")]
    OtpInvalid,
    /// An email link's token is unknown, used or expired (403 `otp_expired`).
    #[error("Email link is invalid or has expired")]
    EmailLinkInvalid,
    /// `/otp` with `create_user: false` for an unknown email (422 `otp_disabled`).
    #[error("Signups not allowed for otp")]
    OtpSignupsDisabled,
    /// A new user would be created while sign-ups are disabled (422 `signup_disabled`).
    #[error("Signups not allowed for this instance")]
    SignupDisabled,
    /// The fake provider was reached with a `state` this server did not
    /// hand out, or one already used (400 `bad_oauth_state`).
    #[error("OAuth callback with invalid state")]
    BadOAuthState,
    /// A new password shorter than GoTrue's minimum (422 `weak_password`).
    #[error("Password should be at least {min_length} characters.")]
    WeakPassword {
        /// The minimum length in characters.
        min_length: usize,
    },
    /// The new password is the current one (422 `same_password`).
    #[error("New password should be different from the old password.")]
    SamePassword,
    /// A GoTrue feature this test server does not serve (501 `not_implemented`;
    /// not a GoTrue code: a test that needs the feature should fail loudly).
    #[error("{feature} is not implemented by this test server")]
    NotImplemented {
        /// What was asked for.
        feature: &'static str,
    },
    /// Injected [`crate::Fault::Status500`], or what GoTrue answers an
    /// unsupported `code_challenge_method` with (500 `unexpected_failure`).
    #[error("Unexpected failure, please check server logs for more information")]
    UnexpectedFailure,
    /// Injected [`crate::Fault::Status503`] (503 `service_unavailable`).
    #[error("Service temporarily unavailable")]
    ServiceUnavailable,
    /// Injected [`crate::Fault::TooManyRequests`] (429 `over_request_rate_limit`).
    #[error("Request rate limit reached")]
    OverRequestRateLimit,
}

impl AuthError {
    /// The HTTP status this refusal is answered with.
    pub fn status(&self) -> u16 {
        match self {
            AuthError::BadJson { .. }
            | AuthError::MissingField { .. }
            | AuthError::UnsupportedGrantType { .. }
            | AuthError::UnsupportedScope { .. }
            | AuthError::InvalidCredentials
            | AuthError::RefreshTokenNotFound
            | AuthError::RefreshTokenAlreadyUsed
            | AuthError::RefreshSessionEnded
            | AuthError::ValidationFailed { .. }
            | AuthError::UnknownProvider { .. }
            | AuthError::ProviderDisabled { .. }
            | AuthError::InvalidEmail { .. }
            | AuthError::PhoneProviderDisabled
            | AuthError::PkceGrantIncomplete
            | AuthError::BadCodeVerifier
            | AuthError::NoFlowStateForUser
            | AuthError::BadOAuthState => 400,
            AuthError::NoApiKey | AuthError::NoAuthorization => 401,
            AuthError::BadJwt { .. }
            | AuthError::SessionNotFound
            | AuthError::OtpInvalid
            | AuthError::EmailLinkInvalid => 403,
            AuthError::NotFound { .. } | AuthError::FlowStateNotFound => 404,
            AuthError::FlowStateExpired
            | AuthError::OtpSignupsDisabled
            | AuthError::SignupDisabled
            | AuthError::WeakPassword { .. }
            | AuthError::SamePassword
            | AuthError::VerifyEmailInvalid => 422,
            AuthError::OverRequestRateLimit => 429,
            AuthError::UnexpectedFailure => 500,
            AuthError::NotImplemented { .. } => 501,
            AuthError::ServiceUnavailable => 503,
        }
    }

    /// The GoTrue `error_code`, the part of the body clients should match on.
    pub fn code(&self) -> &'static str {
        match self {
            AuthError::NoApiKey => "no_api_key",
            AuthError::BadJson { .. } => "bad_json",
            AuthError::MissingField { .. }
            | AuthError::UnsupportedGrantType { .. }
            | AuthError::UnsupportedScope { .. }
            | AuthError::ValidationFailed { .. }
            | AuthError::UnknownProvider { .. }
            | AuthError::ProviderDisabled { .. }
            | AuthError::InvalidEmail { .. }
            | AuthError::VerifyEmailInvalid
            | AuthError::PkceGrantIncomplete => "validation_failed",
            AuthError::PhoneProviderDisabled => "phone_provider_disabled",
            AuthError::FlowStateNotFound | AuthError::NoFlowStateForUser => "flow_state_not_found",
            AuthError::FlowStateExpired => "flow_state_expired",
            AuthError::BadCodeVerifier => "bad_code_verifier",
            AuthError::OtpInvalid | AuthError::EmailLinkInvalid => "otp_expired",
            AuthError::OtpSignupsDisabled => "otp_disabled",
            AuthError::SignupDisabled => "signup_disabled",
            AuthError::BadOAuthState => "bad_oauth_state",
            AuthError::WeakPassword { .. } => "weak_password",
            AuthError::SamePassword => "same_password",
            AuthError::NotImplemented { .. } => "not_implemented",
            AuthError::InvalidCredentials => "invalid_credentials",
            AuthError::RefreshTokenNotFound => "refresh_token_not_found",
            AuthError::RefreshTokenAlreadyUsed => "refresh_token_already_used",
            AuthError::RefreshSessionEnded | AuthError::SessionNotFound => "session_not_found",
            AuthError::NoAuthorization => "no_authorization",
            AuthError::BadJwt { .. } => "bad_jwt",
            AuthError::NotFound { .. } => "not_found",
            AuthError::UnexpectedFailure => "unexpected_failure",
            AuthError::ServiceUnavailable => "service_unavailable",
            AuthError::OverRequestRateLimit => "over_request_rate_limit",
        }
    }

    /// The OAuth 2 `error` of the legacy shape: grant refusals are `invalid_grant`
    /// and malformed requests `invalid_request`, as old GoTrue sent them; the
    /// rest had no OAuth name and carry their code.
    fn oauth_error(&self) -> &'static str {
        match self {
            AuthError::InvalidCredentials
            | AuthError::RefreshTokenNotFound
            | AuthError::RefreshTokenAlreadyUsed
            | AuthError::RefreshSessionEnded
            | AuthError::FlowStateNotFound
            | AuthError::FlowStateExpired
            | AuthError::BadCodeVerifier
            | AuthError::OtpInvalid => "invalid_grant",
            AuthError::BadJson { .. }
            | AuthError::MissingField { .. }
            | AuthError::UnsupportedGrantType { .. }
            | AuthError::UnsupportedScope { .. }
            | AuthError::ValidationFailed { .. }
            | AuthError::UnknownProvider { .. }
            | AuthError::ProviderDisabled { .. }
            | AuthError::InvalidEmail { .. }
            | AuthError::VerifyEmailInvalid
            | AuthError::PkceGrantIncomplete => "invalid_request",
            other => other.code(),
        }
    }

    /// The response body for this refusal in `shape`.
    ///
    /// A weak password also says why, in every shape, as GoTrue adds
    /// `weak_password.reasons` to its error body.
    pub fn body(&self, shape: ErrorShape) -> Value {
        let mut body = self.shaped_body(shape);
        if let AuthError::WeakPassword { .. } = self {
            body["weak_password"] = json!({ "reasons": ["length"] });
        }
        body
    }

    fn shaped_body(&self, shape: ErrorShape) -> Value {
        let message = self.to_string();
        match shape {
            ErrorShape::Current => {
                json!({ "code": self.status(), "error_code": self.code(), "msg": message })
            }
            ErrorShape::Legacy => {
                json!({ "error": self.oauth_error(), "error_description": message })
            }
            ErrorShape::Plain => json!({ "code": self.code(), "message": message }),
        }
    }
}

/// How error bodies look; real GoTrue versions and proxies differ.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ErrorShape {
    /// `{"code": 400, "error_code": "invalid_credentials", "msg": "…"}`: GoTrue 2.x.
    #[default]
    Current,
    /// `{"error": "invalid_grant", "error_description": "…"}`: older GoTrue on the token endpoint.
    Legacy,
    /// `{"code": "invalid_credentials", "message": "…"}`: a string code and a message.
    Plain,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_current_shape_carries_status_code_and_message() {
        let body = AuthError::RefreshTokenAlreadyUsed.body(ErrorShape::Current);
        assert_eq!(
            body,
            json!({
                "code": 400,
                "error_code": "refresh_token_already_used",
                "msg": "Invalid Refresh Token: Already Used",
            })
        );
    }

    #[test]
    fn the_legacy_shape_names_grant_refusals_invalid_grant() {
        let body = AuthError::InvalidCredentials.body(ErrorShape::Legacy);
        assert_eq!(
            body,
            json!({ "error": "invalid_grant", "error_description": "Invalid login credentials" })
        );
    }

    #[test]
    fn the_plain_shape_carries_the_code_as_a_string() {
        let body = AuthError::SessionNotFound.body(ErrorShape::Plain);
        assert_eq!(body["code"], "session_not_found");
        assert!(body["message"].is_string());
    }
}
