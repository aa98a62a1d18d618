//! The limits on confirmation emails, shared by `register` and `send-links`, and
//! the key that turns source addresses and mailboxes into counters.

use super::ConfigError;
use super::source::{Reader, Source};
use crate::limits::LimitsKey;

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
