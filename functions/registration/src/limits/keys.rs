//! The key that turns a source address or a mailbox into a counter's name: an
//! HMAC, so that the table (or a copy of it, or its backups) holds no address
//! and cannot be reversed without the key, which lives outside the table.

use super::Mailbox;
use crate::config::LimitsKey;
use crate::platform::window::{HourWindow, UtcDay};
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

/// The address a request came from (`requestContext.http.sourceIp`). Never
/// stored, logged or printed: only its keyed hash leaves this type (and the
/// in-memory rate limit keeps it as it came, in the instance's memory only).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct SourceAddress(String);

impl SourceAddress {
    /// An IPv6 address counts as its /64: one host or home network is given a
    /// whole /64 and could otherwise count as 2^64 sources.
    pub fn new(address: impl Into<String>) -> Self {
        let address = address.into();
        match address.parse::<std::net::Ipv6Addr>() {
            Ok(v6) if v6.to_ipv4_mapped().is_none() => {
                let prefix = u128::from(v6) & !((1u128 << 64) - 1);
                Self(format!("{}/64", std::net::Ipv6Addr::from(prefix)))
            }
            _ => Self(address),
        }
    }
}

impl std::fmt::Debug for SourceAddress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SourceAddress(<redacted>)")
    }
}

/// The counters' names; the key itself and how it is configured are
/// [`LimitsKey`]'s, in the configuration.
impl LimitsKey {
    /// A source address's name in the counters of one hour window: a window's
    /// names cannot be linked to another's without the key.
    pub fn source(&self, window: HourWindow, source: &SourceAddress) -> String {
        self.hash(&["source", &window.id().to_string(), &source.0])
    }

    /// A mailbox's name in the counters of one UTC day.
    pub fn mailbox(&self, day: UtcDay, mailbox: &Mailbox) -> String {
        self.hash(&["mailbox", &day.to_string(), mailbox.as_str()])
    }

    /// HMAC-SHA-256 of the parts (each length-prefixed, so no two lists of parts
    /// give the same input), in hex.
    fn hash(&self, parts: &[&str]) -> String {
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(self.secret())
            .expect("HMAC takes a key of any length");
        for part in parts {
            mac.update(&(part.len() as u64).to_be_bytes());
            mac.update(part.as_bytes());
        }
        mac.finalize()
            .into_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_address_shows_only_as_a_keyed_hash_that_changes_with_the_window_and_the_key() {
        let at: jiff::Timestamp = "2022-09-20T04:59:30Z".parse().unwrap();
        let window = HourWindow::of(at);
        let next = HourWindow::of(window.end());
        let address = SourceAddress::new("203.0.113.7");
        assert!(!format!("{address:?}").contains("203.0"));
        let key = LimitsKey::from_secret(&"k".repeat(32)).unwrap();
        let hash = key.source(window, &address);
        assert_eq!(hash.len(), 64);
        assert!(!hash.contains("203"));
        assert_eq!(hash, key.source(window, &address));
        assert_ne!(hash, key.source(next, &address));
        let other_key = LimitsKey::from_secret(&"j".repeat(32)).unwrap();
        assert_ne!(hash, other_key.source(window, &address));
        assert_ne!(hash, key.source(window, &SourceAddress::new("203.0.113.8")));
        assert!(!format!("{key:?}").contains("kkkk"));
    }

    #[test]
    fn an_ipv6_address_counts_as_its_64_and_ipv4_as_itself() {
        assert_eq!(
            SourceAddress::new("2001:db8:1:2:aaaa::1"),
            SourceAddress::new("2001:db8:1:2:ffff:ffff:ffff:ffff")
        );
        assert_ne!(
            SourceAddress::new("2001:db8:1:2::1"),
            SourceAddress::new("2001:db8:1:3::1")
        );
        assert_ne!(
            SourceAddress::new("203.0.113.7"),
            SourceAddress::new("203.0.113.8")
        );
    }

    #[test]
    fn a_short_secret_is_refused_and_the_local_key_is_marked_local() {
        assert!(LimitsKey::from_secret(&"k".repeat(31)).is_none());
        assert!(!LimitsKey::from_secret(&"k".repeat(32)).unwrap().is_local());
        assert!(LimitsKey::local("registrations").is_local());
    }
}
