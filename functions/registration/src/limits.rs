//! Limits on a public form that sends email: hour windows, and the source
//! address a request came from, known only as a keyed hash.

use crate::store::{LimitCounter, RegistrationStore, StoreError};
use hmac::{Hmac, KeyInit, Mac};
use jiff::{SignedDuration, Timestamp};
use sha2::Sha256;

/// One clock hour, `[start, start + 1 h)`: what the per-hour limits count in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct HourWindow {
    start: Timestamp,
}

impl HourWindow {
    pub const LENGTH: SignedDuration = SignedDuration::from_hours(1);

    /// The window `at` falls in.
    pub fn of(at: Timestamp) -> Self {
        let second = at.as_second();
        let start = second - second.rem_euclid(3600);
        Self {
            start: Timestamp::from_second(start).unwrap_or(at),
        }
    }

    pub fn start(self) -> Timestamp {
        self.start
    }

    pub fn end(self) -> Timestamp {
        self.start.checked_add(Self::LENGTH).unwrap_or(self.start)
    }

    /// Whole seconds from `now` until the window ends (at least 1): a `Retry-After`.
    pub fn seconds_left(self, now: Timestamp) -> u64 {
        let left = self.end().as_second() - now.as_second();
        u64::try_from(left).unwrap_or(0).max(1)
    }

    /// The window's id in keys: its start in epoch seconds.
    pub fn id(self) -> i64 {
        self.start.as_second()
    }
}

/// The address a request came from (`requestContext.http.sourceIp`). Never
/// stored, logged or printed: only its keyed hash leaves this type.
#[derive(Clone, PartialEq, Eq)]
pub struct SourceAddress(String);

impl SourceAddress {
    pub fn new(address: impl Into<String>) -> Self {
        Self(address.into())
    }

    /// HMAC-SHA-256 of the address under `secret` (a random value of the hour
    /// window, kept only in the table until it expires), in hex.
    pub fn keyed_hash(&self, secret: &[u8]) -> String {
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(secret)
            .expect("HMAC takes a key of any length");
        mac.update(self.0.as_bytes());
        mac.finalize()
            .into_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }
}

impl std::fmt::Debug for SourceAddress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SourceAddress(<redacted>)")
    }
}

/// What a per-source check decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admission {
    Admitted,
    /// The source passed its limit for this hour: try again after this many seconds.
    TooMany {
        retry_after_secs: u64,
    },
}

/// The per-hour limits of `register`, counted in the store across every instance.
#[derive(Debug)]
pub struct Limits {
    pub registrations_per_source: u32,
    pub confirmation_emails: u32,
    /// The current window's secret, read once per window per instance.
    secret: std::sync::Mutex<Option<(HourWindow, Vec<u8>)>>,
}

impl Limits {
    pub fn new(registrations_per_source: u32, confirmation_emails: u32) -> Self {
        Self {
            registrations_per_source,
            confirmation_emails,
            secret: std::sync::Mutex::default(),
        }
    }

    /// Count a new registration from `source`, unless it passed its limit.
    pub async fn admit(
        &self,
        store: &impl RegistrationStore,
        event_id: &str,
        source: &SourceAddress,
        now: Timestamp,
    ) -> Result<Admission, StoreError> {
        let window = HourWindow::of(now);
        let secret = self.secret(store, event_id, window).await?;
        let source = source.keyed_hash(&secret);
        let counter = LimitCounter::Registrations { source: &source };
        let limit = self.registrations_per_source;
        Ok(
            if store.take_slot(event_id, window, counter, limit).await? {
                Admission::Admitted
            } else {
                Admission::TooMany {
                    retry_after_secs: window.seconds_left(now),
                }
            },
        )
    }

    /// Count one confirmation email `register` sends itself; `false` when the
    /// hour's cap is reached and the email must wait for the paced run.
    pub async fn take_confirmation_email(
        &self,
        store: &impl RegistrationStore,
        event_id: &str,
        now: Timestamp,
    ) -> Result<bool, StoreError> {
        let window = HourWindow::of(now);
        let counter = LimitCounter::ConfirmationEmails;
        store
            .take_slot(event_id, window, counter, self.confirmation_emails)
            .await
    }

    async fn secret(
        &self,
        store: &impl RegistrationStore,
        event_id: &str,
        window: HourWindow,
    ) -> Result<Vec<u8>, StoreError> {
        let cached = self.lock().as_ref().filter(|(w, _)| *w == window).cloned();
        if let Some((_, secret)) = cached {
            return Ok(secret);
        }
        let secret = store.window_secret(event_id, window).await?;
        *self.lock() = Some((window, secret.clone()));
        Ok(secret)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<(HourWindow, Vec<u8>)>> {
        self.secret
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_window_is_the_clock_hour_and_tells_the_seconds_left() {
        let at: Timestamp = "2022-09-20T04:59:30Z".parse().unwrap();
        let window = HourWindow::of(at);
        assert_eq!(window.start().to_string(), "2022-09-20T04:00:00Z");
        assert_eq!(window.end().to_string(), "2022-09-20T05:00:00Z");
        assert_eq!(window.seconds_left(at), 30);
        assert_eq!(window.seconds_left(window.end()), 1);
        assert_eq!(HourWindow::of(window.end()).start(), window.end());
    }

    #[test]
    fn the_address_shows_only_as_a_keyed_hash() {
        let address = SourceAddress::new("203.0.113.7");
        assert!(!format!("{address:?}").contains("203.0"));
        let hash = address.keyed_hash(b"one secret");
        assert_eq!(hash.len(), 64);
        assert!(!hash.contains("203"));
        assert_eq!(hash, address.keyed_hash(b"one secret"));
        assert_ne!(hash, address.keyed_hash(b"another secret"));
        assert_ne!(
            hash,
            SourceAddress::new("203.0.113.8").keyed_hash(b"one secret")
        );
    }
}
