//! Confirmation tokens. A token names its registration and carries a secret: the
//! 22 characters of the registration's one-way key (see [`RegistrationKey`])
//! followed by 43 characters of secret, 256 random bits of which only a SHA-256
//! hash is ever stored. Both are unpadded base64url, so the token needs no
//! escaping in a link and has no separator for a mail client to cut at.
//! Confirming is then one key lookup of the registration, with no separate token
//! item to write at registration time.

use crate::domain::key::{KEY_CHARS, RegistrationKey};
use crate::platform::clock::random_bytes;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

const SECRET_BYTES: usize = 32;
/// Length of [`SECRET_BYTES`] in unpadded base64url.
const SECRET_CHARS: usize = 43;

/// The value in a confirmation link.
#[derive(Clone, PartialEq, Eq)]
pub struct ActionToken {
    /// The key's [`KEY_CHARS`] characters, then the secret's [`SECRET_CHARS`].
    value: String,
}

impl ActionToken {
    /// A new token for the registration at `key`.
    pub fn generate(key: &RegistrationKey) -> Self {
        let secret = URL_SAFE_NO_PAD.encode(random_bytes::<SECRET_BYTES>());
        Self {
            value: format!("{}{secret}", key.id()),
        }
    }

    /// A token as it came back in a link; `None` when it cannot be one of ours.
    pub fn parse(value: &str) -> Option<Self> {
        if value.len() != KEY_CHARS + SECRET_CHARS || !value.is_ascii() {
            return None;
        }
        // The lengths are right by now; each part must also be the exact encoding
        // of its bytes.
        let (key, secret) = value.split_at(KEY_CHARS);
        let decodes_to = |text: &str, bytes: usize| {
            URL_SAFE_NO_PAD
                .decode(text)
                .is_ok_and(|decoded| decoded.len() == bytes)
        };
        let ok = decodes_to(secret, SECRET_BYTES) && crate::domain::key::is_id(key);
        ok.then(|| Self {
            value: value.to_owned(),
        })
    }

    /// The key of the registration this token is for, within an event.
    pub fn key(&self, event_id: &str) -> Option<RegistrationKey> {
        RegistrationKey::from_id(event_id, self.parts().0)
    }

    /// The stored form of the secret: SHA-256, unpadded base64url.
    pub fn hash(&self) -> String {
        URL_SAFE_NO_PAD.encode(Sha256::digest(self.parts().1.as_bytes()))
    }

    pub fn expose(&self) -> &str {
        &self.value
    }

    fn parts(&self) -> (&str, &str) {
        self.value.split_at(KEY_CHARS)
    }
}

impl std::fmt::Debug for ActionToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ActionToken(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "AAAAAAAAAAAAAAAAAAAAAA";

    fn the_key() -> RegistrationKey {
        RegistrationKey::from_id("e", KEY).unwrap()
    }

    #[test]
    fn tokens_carry_their_key_and_256_random_bits_and_differ() {
        let a = ActionToken::generate(&the_key());
        let b = ActionToken::generate(&the_key());
        let (key, secret) = a.expose().split_at(22);
        assert_eq!(key, KEY);
        assert_eq!(a.key("e"), Some(the_key()));
        assert_eq!(secret.len(), 43);
        assert_eq!(URL_SAFE_NO_PAD.decode(secret).unwrap().len(), 32);
        assert_ne!(a, b);
        assert_ne!(a.hash(), b.hash());
    }

    #[test]
    fn the_hash_is_stable_and_is_not_the_token() {
        let token = ActionToken::generate(&the_key());
        let again = ActionToken::parse(token.expose()).unwrap();
        assert_eq!(again.key("e"), Some(the_key()));
        assert_eq!(token.hash(), again.hash());
        assert!(!token.expose().contains(&token.hash()));
        assert!(!format!("{token:?}").contains(token.expose()));
    }

    /// The stored form must not change with a library upgrade: links already
    /// emailed are checked against the hash stored when they were sent.
    #[test]
    fn the_hash_is_sha256_of_the_secret_in_unpadded_base64url() {
        let token =
            ActionToken::parse("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAE")
                .unwrap();
        assert_eq!(token.hash(), "GuswXq5j7W6smrJtRu8UatSPWuWcYIzUERXsSxm1zXI");
    }

    #[test]
    fn malformed_tokens_are_refused() {
        let token = ActionToken::generate(&the_key());
        let (key, secret) = token.expose().split_at(22);
        let longer = format!("{}A", token.expose());
        let shorter = &token.expose()[1..];
        let separated = format!("{key}.{}", &secret[1..]);
        let bad_chars = format!("{key}{}", "!".repeat(43));
        // 43 base64url characters can hold 258 bits: the last must leave the
        // surplus bits zero, or the text is not the encoding of 32 bytes.
        let surplus_bits = format!("{key}{}B", &secret[..42]);
        let multibyte = format!("{}é", &token.expose()[..63]);
        for bad in [
            "",
            "abc",
            longer.as_str(),
            shorter,
            secret,
            &separated,
            &bad_chars,
            &surplus_bits,
            &multibyte,
        ] {
            assert!(ActionToken::parse(bad).is_none(), "{bad}");
        }
    }
}
