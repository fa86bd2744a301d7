//! Access tokens as Supabase issues them: HS256 JSON Web Tokens signed with
//! the project's JWT secret, carrying the user (`sub`), the database role
//! PostgREST switches to (`role`), the audience and the expiry.
//!
//! The PostgREST gateway checks them with [`verify`], as PostgREST does:
//! the signature and the expiry, nothing else. A token therefore stays
//! valid until it expires, even after its session ended; that is how
//! Supabase behaves, and why the app learns of a revoked session from its
//! next refresh, not from its data requests.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha2::Sha256;

/// The secret both test servers share (Supabase: Settings → API → JWT secret).
pub const JWT_SECRET: &str = "axolop-test-jwt-secret-0123456789abcdef";

/// Why a token was refused, worded as PostgREST words it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JwtError {
    /// Not three base64url parts of JSON, or not HS256.
    #[error("JWSError (CompactDecodeError Invalid number of parts: Expected 3 parts; got {0})")]
    Malformed(usize),
    /// The header or claims are not the JSON of a token.
    #[error("JWSError JWSInvalidJSON")]
    InvalidJson,
    /// Signed with another secret or another algorithm.
    #[error("JWSError JWSInvalidSignature")]
    InvalidSignature,
    /// `exp` is not after now.
    #[error("JWT expired")]
    Expired,
}

impl JwtError {
    /// PostgREST's error code for this refusal (all are HTTP 401).
    pub fn code(&self) -> &'static str {
        match self {
            JwtError::Expired => "PGRST303",
            _ => "PGRST301",
        }
    }
}

type HmacSha256 = Hmac<Sha256>;

/// The claims of an access token for `user` in `session`, issued and
/// expiring at the given unix seconds. `token_id` keeps two tokens issued
/// in one second distinct.
pub fn access_claims(
    user: &str,
    session: &str,
    issued_at: u64,
    expires_at: u64,
    token_id: &str,
) -> Value {
    json!({
        "aud": "authenticated",
        "exp": expires_at,
        "iat": issued_at,
        "jti": token_id,
        "sub": user,
        "role": "authenticated",
        "aal": "aal1",
        "session_id": session,
        "is_anonymous": false,
    })
}

/// Signs `claims` with HS256 and `secret`.
pub fn sign(claims: &Value, secret: &str) -> String {
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256","typ":"JWT"}"#);
    let payload = URL_SAFE_NO_PAD.encode(claims.to_string());
    let signing_input = format!("{header}.{payload}");
    let signature = URL_SAFE_NO_PAD.encode(mac(secret, &signing_input).finalize().into_bytes());
    format!("{signing_input}.{signature}")
}

/// The claims of `token` if `secret` signed it with HS256 and it has not
/// expired at `now` (unix seconds).
pub fn verify(token: &str, secret: &str, now: u64) -> Result<Value, JwtError> {
    let parts: Vec<&str> = token.split('.').collect();
    let [header, payload, signature] = parts[..] else {
        return Err(JwtError::Malformed(parts.len()));
    };
    let decode_json = |part: &str| -> Result<Value, JwtError> {
        let bytes = URL_SAFE_NO_PAD
            .decode(part)
            .map_err(|_| JwtError::InvalidJson)?;
        serde_json::from_slice(&bytes).map_err(|_| JwtError::InvalidJson)
    };
    if decode_json(header)?["alg"] != "HS256" {
        return Err(JwtError::InvalidSignature);
    }
    let signature = URL_SAFE_NO_PAD
        .decode(signature)
        .map_err(|_| JwtError::InvalidSignature)?;
    mac(secret, &format!("{header}.{payload}"))
        .verify_slice(&signature)
        .map_err(|_| JwtError::InvalidSignature)?;
    let claims = decode_json(payload)?;
    match claims["exp"].as_u64() {
        Some(exp) if exp > now => Ok(claims),
        _ => Err(JwtError::Expired),
    }
}

fn mac(secret: &str, input: &str) -> HmacSha256 {
    let mut mac =
        HmacSha256::new_from_slice(secret.as_bytes()).expect("HMAC takes a key of any length");
    mac.update(input.as_bytes());
    mac
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(exp: u64) -> String {
        sign(&access_claims("u-1", "s-1", 100, exp, "t-1"), JWT_SECRET)
    }

    #[test]
    fn a_signed_token_verifies_until_it_expires() {
        let claims = verify(&token(200), JWT_SECRET, 199).unwrap();
        assert_eq!(claims["sub"], "u-1");
        assert_eq!(claims["role"], "authenticated");
        assert_eq!(verify(&token(200), JWT_SECRET, 200), Err(JwtError::Expired));
    }

    #[test]
    fn another_secret_or_a_changed_claim_fails_the_signature() {
        assert_eq!(
            verify(&token(200), "another-secret", 150),
            Err(JwtError::InvalidSignature)
        );
        let token = token(200);
        let [header, _, signature]: [&str; 3] =
            token.split('.').collect::<Vec<_>>().try_into().unwrap();
        let forged =
            URL_SAFE_NO_PAD.encode(access_claims("u-2", "s-1", 100, 200, "t-1").to_string());
        assert_eq!(
            verify(&format!("{header}.{forged}.{signature}"), JWT_SECRET, 150),
            Err(JwtError::InvalidSignature)
        );
    }

    #[test]
    fn garbage_is_malformed() {
        assert_eq!(
            verify("at-opaque", JWT_SECRET, 0),
            Err(JwtError::Malformed(1))
        );
        assert_eq!(verify("a.b.c", JWT_SECRET, 0), Err(JwtError::InvalidJson));
        assert_eq!(JwtError::Expired.code(), "PGRST303");
        assert_eq!(JwtError::InvalidSignature.code(), "PGRST301");
    }
}
