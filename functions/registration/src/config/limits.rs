//! The limits on confirmation emails, shared by `register` and `send-links`, and
//! the key that turns source addresses and mailboxes into counters.

use super::ConfigError;
use super::source::{Reader, Source};

/// How many confirmation emails may go out, and the key their counters use.
#[derive(Debug, Clone)]
pub struct EmailLimits {
    /// Confirmation emails to one event's participants in any clock hour, by
    /// `register` or the paced run; past it they wait for a later run.
    pub per_hour: u32,
    /// Confirmation emails to one mailbox in a UTC day, across all events.
    pub per_mailbox_per_day: u32,
    pub key: LimitsKey,
}

impl EmailLimits {
    pub fn from_source(source: &dyn Source) -> Result<Self, ConfigError> {
        let r = Reader(source);
        let per_hour = r.number("MAX_CONFIRMATION_EMAILS_PER_HOUR", 500u32, |n| *n >= 1)?;
        let per_mailbox_per_day =
            r.number("MAX_CONFIRMATION_EMAILS_PER_MAILBOX_PER_DAY", 5u32, |n| {
                *n >= 1
            })?;
        Ok(Self {
            per_hour,
            per_mailbox_per_day,
            key: limits_key(&r)?,
        })
    }
}

/// `LIMITS_KEY`: set by the template from a Secrets Manager secret, so that the
/// key lives outside the table. Unset (local runs, tests: no secrets service
/// there) the key is derived from the table's name, which hides nothing; a
/// deployed stack always sets it.
fn limits_key(r: &Reader<'_>) -> Result<LimitsKey, ConfigError> {
    match r.optional("LIMITS_KEY") {
        Some(value) => r.parsed("LIMITS_KEY", value, |v| {
            LimitsKey::from_secret(v)
                .ok_or_else(|| format!("must be at least {} characters", LimitsKey::MIN_LEN))
        }),
        None => {
            let table = r.required("TABLE_NAME")?;
            Ok(LimitsKey::local(&table))
        }
    }
}

/// The limits' HMAC key. Its `Debug` never shows it.
#[derive(Clone)]
pub struct LimitsKey {
    key: Vec<u8>,
    local: bool,
}

impl LimitsKey {
    /// The shortest secret accepted: 32 characters of a generated password carry
    /// far more than 128 bits.
    pub const MIN_LEN: usize = 32;

    /// The deployed key (`LIMITS_KEY`); `None` when it is too short.
    pub fn from_secret(secret: &str) -> Option<Self> {
        (secret.len() >= Self::MIN_LEN).then(|| Self {
            key: secret.as_bytes().to_vec(),
            local: false,
        })
    }

    /// The key of a local run without a secrets service: derived from the
    /// table's name, so every process of the run agrees on it. It hides nothing
    /// and is never used by a deployed stack (the template sets `LIMITS_KEY`).
    pub fn local(table_name: &str) -> Self {
        Self {
            key: format!("local limits key of table {table_name}").into_bytes(),
            local: true,
        }
    }

    /// Whether this is a local run's key.
    pub fn is_local(&self) -> bool {
        self.local
    }

    /// The key's bytes, for the HMAC of the counters' names.
    pub(crate) fn secret(&self) -> &[u8] {
        &self.key
    }
}

impl std::fmt::Debug for LimitsKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LimitsKey")
            .field("key", &"<redacted>")
            .field("local", &self.local)
            .finish()
    }
}
