//! Confirmation tokens. A token names its registration and carries a secret: the
//! 22 characters of the registration's one-way key (see [`RegistrationKey`])
//! followed by 43 characters of secret, 256 random bits of which only a SHA-256
//! hash is ever stored. Both are unpadded base64url, so the token needs no
//! escaping in a link and has no separator for a mail client to cut at.
//! Confirming is then one key lookup of the registration, with no separate token
//! item to write at registration time.
//!
//! A token then names its registration's program: `.` and the program's id
//! follow (neither part can hold a `.`). A token without one was emailed
//! before programs were data; it names the deployment's own program.

use crate::domain::key::{KEY_CHARS, RegistrationKey};
use crate::platform::clock::random_bytes;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

const SECRET_BYTES: usize = 32;
/// Length of [`SECRET_BYTES`] in unpadded base64url.
const SECRET_CHARS: usize = 43;

/// What separates the key and secret from the program's id.
const PROGRAM_SEPARATOR: char = '.';

/// The value in a confirmation link.
#[derive(Clone, PartialEq, Eq)]
pub struct ActionToken {
    /// The key's [`KEY_CHARS`] characters, then the secret's [`SECRET_CHARS`],
    /// then (in every token made since programs are data) `.` and the
    /// program's id.
    value: String,
}

impl ActionToken {
    /// A new token for the registration at `key`, naming its program.
    pub fn generate(key: &RegistrationKey) -> Self {
        let secret = URL_SAFE_NO_PAD.encode(random_bytes::<SECRET_BYTES>());
        Self {
            value: format!("{}{secret}{PROGRAM_SEPARATOR}{}", key.id(), key.event_id()),
        }
    }

    /// A token as it came back in a link; `None` when it cannot be one of ours.
    pub fn parse(value: &str) -> Option<Self> {
        let (body, program) = match value.split_once(PROGRAM_SEPARATOR) {
            Some((body, program)) => (body, Some(program)),
            None => (value, None),
        };
        if program.is_some_and(|program| !is_program_id(program)) {
            return None;
        }
        let value = body;
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
            value: match program {
                Some(program) => format!("{body}{PROGRAM_SEPARATOR}{program}"),
                None => body.to_owned(),
            },
        })
    }

    /// The id of the program the token names; `None` for a token emailed
    /// before tokens named their program.
    pub fn program(&self) -> Option<&str> {
        self.value
            .split_once(PROGRAM_SEPARATOR)
            .map(|(_, program)| program)
    }

    /// The key of the registration this token is for: in the program it
    /// names, else (a token from before) in `unnamed`'s.
    pub fn key(&self, unnamed: Option<&str>) -> Option<RegistrationKey> {
        let program = self.program().or(unnamed)?;
        RegistrationKey::from_id(program, self.parts().0)
    }

    /// The stored form of the secret: SHA-256, unpadded base64url.
    pub fn hash(&self) -> String {
        URL_SAFE_NO_PAD.encode(Sha256::digest(self.parts().1.as_bytes()))
    }

    pub fn expose(&self) -> &str {
        &self.value
    }

    /// The key's id and the secret.
    fn parts(&self) -> (&str, &str) {
        self.value[..KEY_CHARS + SECRET_CHARS].split_at(KEY_CHARS)
    }
}

/// Whether `text` can be a program's id: as `EVENT_ID` allows (1–64 of
/// `a–z`, `0–9` and `-`), which every published program's id also is.
fn is_program_id(text: &str) -> bool {
    (1..=64).contains(&text.len())
        && text
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

impl std::fmt::Debug for ActionToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ActionToken(<redacted>)")
    }
}

/// Compare two token hashes without stopping at the first difference.
pub(crate) fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |diff, (x, y)| diff | (x ^ y))
            == 0
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
        let (key, rest) = a.expose().split_at(22);
        let (secret, program) = rest.split_once('.').unwrap();
        assert_eq!(key, KEY);
        assert_eq!(program, "e");
        assert_eq!(a.program(), Some("e"));
        assert_eq!(a.key(None), Some(the_key()));
        assert_eq!(a.key(Some("other")), Some(the_key()), "the token's program");
        assert_eq!(secret.len(), 43);
        assert_eq!(URL_SAFE_NO_PAD.decode(secret).unwrap().len(), 32);
        assert_ne!(a, b);
        assert_ne!(a.hash(), b.hash());
    }

    #[test]
    fn the_hash_is_stable_and_is_not_the_token() {
        let token = ActionToken::generate(&the_key());
        let again = ActionToken::parse(token.expose()).unwrap();
        assert_eq!(again.key(None), Some(the_key()));
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
        let named = ActionToken::parse(
            "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAE.li-ion",
        )
        .unwrap();
        assert_eq!(named.hash(), token.hash(), "the program is not the secret");
    }

    /// Links emailed before tokens named their program still find their
    /// registration: in the deployment's own program.
    #[test]
    fn a_token_without_a_program_names_the_deployments_own() {
        let old = format!("{KEY}{}", "A".repeat(42) + "E");
        let token = ActionToken::parse(&old).unwrap();
        assert_eq!(token.program(), None);
        assert_eq!(token.key(Some("e")), Some(the_key()));
        assert_eq!(token.key(None), None, "no own program: no registration");
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
        let bad_program = format!("{}.Not A Slug", &token.expose()[..65]);
        let empty_program = format!("{}.", &token.expose()[..65]);
        let two_programs = format!("{}.a.b", &token.expose()[..65]);
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
            &bad_program,
            &empty_program,
            &two_programs,
        ] {
            assert!(ActionToken::parse(bad).is_none(), "{bad}");
        }
    }
}
