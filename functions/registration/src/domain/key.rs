//! How a registration is named: its key, a one-way function of the event and the
//! lower-cased address, which its confirmation tokens carry.

use crate::domain::EmailAddress;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

/// Bytes of SHA-256 kept in a registration key: 128 bits, so two addresses of one
/// event never share a key in practice.
const KEY_BYTES: usize = 16;

/// Length of a key's id in unpadded base64url.
pub const KEY_CHARS: usize = 22;

/// One event's registration for one address. The same address always gives the
/// same key (so a conditional put is the uniqueness check), and the address
/// cannot be read back from a key or a link.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RegistrationKey {
    event_id: String,
    id: String,
}

impl RegistrationKey {
    /// The key of an event's registration for an address (case-insensitive).
    pub fn for_address(event_id: &str, email: &EmailAddress) -> Self {
        let mut digest = Sha256::new();
        digest.update(event_id.as_bytes());
        digest.update(b"\n");
        digest.update(email.normalized().as_bytes());
        Self {
            event_id: event_id.to_owned(),
            id: URL_SAFE_NO_PAD.encode(&digest.finalize()[..KEY_BYTES]),
        }
    }

    /// The key named by an id (as a token carries it) within an event; `None`
    /// when the id cannot be one of ours.
    pub fn from_id(event_id: &str, id: &str) -> Option<Self> {
        (is_id(id) && !event_id.contains('#')).then(|| Self {
            event_id: event_id.to_owned(),
            id: id.to_owned(),
        })
    }

    /// A key read back from the store, which only ever holds well-formed ones.
    pub(crate) fn from_stored(event_id: &str, id: &str) -> Self {
        Self {
            event_id: event_id.to_owned(),
            id: id.to_owned(),
        }
    }

    pub fn event_id(&self) -> &str {
        &self.event_id
    }

    /// The event-independent part, as a confirmation token carries it.
    pub fn id(&self) -> &str {
        &self.id
    }
}

/// Whether `text` is the exact unpadded base64url encoding of a key's bytes.
pub(crate) fn is_id(text: &str) -> bool {
    text.len() == KEY_CHARS
        && URL_SAFE_NO_PAD
            .decode(text)
            .is_ok_and(|bytes| bytes.len() == KEY_BYTES)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn email(text: &str) -> EmailAddress {
        EmailAddress::parse(text).unwrap()
    }

    /// Stored keys must not change with a library upgrade: an address registered
    /// before must still meet its own key.
    #[test]
    fn the_key_is_truncated_sha256_of_event_and_lower_cased_address() {
        let key = RegistrationKey::for_address("bnr-li-ion-2022", &email("Ada@Example.org"));
        assert_eq!(
            key.id(),
            URL_SAFE_NO_PAD.encode(&Sha256::digest(b"bnr-li-ion-2022\nada@example.org")[..16])
        );
        assert_eq!(key.id().len(), KEY_CHARS);
        assert_eq!(key.event_id(), "bnr-li-ion-2022");
        assert_ne!(
            RegistrationKey::for_address("one-event", &email("ada@example.org")).id(),
            RegistrationKey::for_address("another-event", &email("ada@example.org")).id()
        );
    }

    #[test]
    fn an_id_names_the_same_key_again_and_malformed_ids_name_none() {
        let key = RegistrationKey::for_address("e", &email("a@b.org"));
        assert_eq!(RegistrationKey::from_id("e", key.id()), Some(key.clone()));
        for bad in [
            "",
            "abc",
            "!!!!!!!!!!!!!!!!!!!!!!",
            &format!("{}A", key.id()),
        ] {
            assert_eq!(RegistrationKey::from_id("e", bad), None, "{bad}");
        }
        assert_eq!(RegistrationKey::from_id("a#b", key.id()), None);
    }
}
