//! PKCE (RFC 7636) for the sign-ins that go through the system browser:
//! a code verifier kept in this process, and the challenge sent with the
//! browser's request, so that a code caught on its way back to the app is
//! worthless to anyone without the verifier.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};

use crate::error::AuthError;

/// How many random bytes a verifier and a `state` value are made of: 256
/// bits, 43 characters once encoded (RFC 7636 asks for 43 to 128).
const RANDOM_BYTES: usize = 32;

/// A verifier and its challenge.
#[derive(Debug)]
pub struct Pkce {
    verifier: SecretString,
    challenge: String,
}

impl Pkce {
    /// A new verifier, from the operating system's random source.
    pub fn new() -> Result<Self, AuthError> {
        Ok(Self::from_verifier(random_text()?))
    }

    fn from_verifier(verifier: String) -> Self {
        let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
        Self {
            verifier: SecretString::from(verifier),
            challenge,
        }
    }

    /// The challenge sent with the browser's request (`s256`).
    pub fn challenge(&self) -> &str {
        &self.challenge
    }

    /// The verifier, sent once, with the code, to the token endpoint.
    pub fn verifier(&self) -> &SecretString {
        &self.verifier
    }

    /// The method the challenge was made with, as GoTrue names it.
    pub const METHOD: &'static str = "s256";
}

/// A random value that names one flow (`state`): the callback must carry
/// it back, so a link the app did not ask for is refused.
pub fn new_state() -> Result<String, AuthError> {
    random_text()
}

/// [`RANDOM_BYTES`] random bytes, base64url without padding.
fn random_text() -> Result<String, AuthError> {
    let mut bytes = [0u8; RANDOM_BYTES];
    getrandom::fill(&mut bytes)
        .map_err(|error| AuthError::Config(format!("no random source: {error}")))?;
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}

impl PartialEq for Pkce {
    fn eq(&self, other: &Self) -> bool {
        self.verifier.expose_secret() == other.verifier.expose_secret()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_challenge_of_rfc_7636s_example_verifier_is_its_example_challenge() {
        // RFC 7636, appendix B.
        let pkce = Pkce::from_verifier("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk".into());
        assert_eq!(
            pkce.challenge(),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn every_verifier_and_state_is_new_and_43_url_safe_characters() {
        let one = Pkce::new().unwrap();
        let two = Pkce::new().unwrap();
        assert_ne!(one, two);
        let verifier = one.verifier().expose_secret();
        assert_eq!(verifier.len(), 43);
        assert!(verifier
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'));
        assert_ne!(new_state().unwrap(), new_state().unwrap());
    }

    #[test]
    fn the_verifier_does_not_show_in_debug_output() {
        let pkce = Pkce::new().unwrap();
        let shown = format!("{pkce:?}");
        assert!(!shown.contains(pkce.verifier().expose_secret()), "{shown}");
    }
}
