//! Confirmation tokens: 256 random bits sent to the participant, of which only a
//! SHA-256 hash is ever stored.

use crate::clock::random_bytes;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

/// The secret in a confirmation link.
#[derive(Clone, PartialEq, Eq)]
pub struct ConfirmationToken(String);

impl ConfirmationToken {
    const BYTES: usize = 32;
    /// Length of 32 bytes in unpadded base64url.
    const CHARS: usize = 43;

    pub fn generate() -> Self {
        Self(URL_SAFE_NO_PAD.encode(random_bytes::<{ Self::BYTES }>()))
    }

    /// A token as it came back in a link; `None` when it cannot be one of ours.
    pub fn parse(value: &str) -> Option<Self> {
        let ok = value.len() == Self::CHARS
            && URL_SAFE_NO_PAD
                .decode(value)
                .is_ok_and(|bytes| bytes.len() == Self::BYTES);
        ok.then(|| Self(value.to_owned()))
    }

    /// The stored form: SHA-256, unpadded base64url.
    pub fn hash(&self) -> String {
        URL_SAFE_NO_PAD.encode(Sha256::digest(self.0.as_bytes()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for ConfirmationToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ConfirmationToken(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_carry_256_random_bits_and_differ() {
        let a = ConfirmationToken::generate();
        let b = ConfirmationToken::generate();
        assert_eq!(a.expose().len(), 43);
        assert_eq!(URL_SAFE_NO_PAD.decode(a.expose()).unwrap().len(), 32);
        assert_ne!(a, b);
        assert_ne!(a.hash(), b.hash());
    }

    #[test]
    fn the_hash_is_stable_and_is_not_the_token() {
        let token = ConfirmationToken::generate();
        let again = ConfirmationToken::parse(token.expose()).unwrap();
        assert_eq!(token.hash(), again.hash());
        assert_ne!(token.hash(), token.expose());
        assert!(!format!("{token:?}").contains(token.expose()));
    }

    /// The stored form must not change with a library upgrade: links already
    /// emailed are found by the hash stored when they were sent.
    #[test]
    fn the_hash_is_sha256_in_unpadded_base64url() {
        let token =
            ConfirmationToken::parse("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAE").unwrap();
        assert_eq!(token.hash(), "GuswXq5j7W6smrJtRu8UatSPWuWcYIzUERXsSxm1zXI");
    }

    #[test]
    fn malformed_tokens_are_refused() {
        let token = ConfirmationToken::generate();
        let mut tampered = token.expose().to_owned();
        tampered.push('A');
        for bad in ["", "abc", tampered.as_str(), &"!".repeat(43)] {
            assert!(ConfirmationToken::parse(bad).is_none(), "{bad}");
        }
    }
}
