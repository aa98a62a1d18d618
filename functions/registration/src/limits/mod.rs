//! Limits on a public form that sends email: a per-source rate in memory, the
//! per-source hourly count and the confirmation emails' caps in the table, and
//! the windows they count in. Addresses and mailboxes reach the table only as
//! keyed hashes.

mod email;
mod keys;
mod mailbox;
mod source_rate;

pub use email::EmailSlots;
pub use keys::SourceAddress;
pub use mailbox::Mailbox;
pub use source_rate::SourceRateLimit;

use crate::config::EmailLimits;
use crate::platform::window::HourWindow;
use crate::store::LimitCounter;
use jiff::Timestamp;

/// What a per-source check decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admission {
    Admitted,
    /// The source passed its limit: try again after this many seconds.
    TooMany {
        retry_after_secs: u64,
    },
}

/// The limits of `register`: the in-memory rate per source, then the counters
/// in the store, exact across every instance.
#[derive(Debug)]
pub struct Limits {
    pub registrations_per_source: u32,
    pub emails: EmailLimits,
    /// Posted registrations per source on this instance.
    pub source_rate: SourceRateLimit,
    /// Form views per source on this instance.
    pub form_rate: SourceRateLimit,
}

impl Limits {
    pub fn new(registrations_per_source: u32, emails: EmailLimits) -> Self {
        Self {
            registrations_per_source,
            emails,
            source_rate: SourceRateLimit::registrations(),
            form_rate: SourceRateLimit::form(),
        }
    }

    /// The counter of new registrations from `source`, to any program, in the
    /// hour of `now`.
    pub fn source_counter(&self, source: &SourceAddress, now: Timestamp) -> LimitCounter {
        let window = HourWindow::of(now);
        LimitCounter::Registrations {
            window,
            source: self.emails.key.source(window, source),
        }
    }
}
