//! The `send-links` function's configuration.

use super::seats::LinkDelivery;
use super::source::{Reader, Source};
use super::{ConfigError, EmailLimits, Env, Sender, own_program_sending_links};
use std::time::Duration;

/// The `send-links` function's configuration: what its runs share across
/// programs (the sender, the one rate, the caps). Each program's start, Zoom
/// link, seats, `links_send_at` and reminder are its own settings.
#[derive(Debug, Clone)]
pub struct SendLinksConfig {
    pub table_name: String,
    /// The deployment's own program (`EVENT_ID` and its variables, with its
    /// Zoom link), when it has one.
    pub own: Option<crate::program::ProgramSettings>,
    pub sender: Sender,
    /// Every email is sent with this SES configuration set, when there is one.
    pub configuration_set: Option<String>,
    /// The most SES sends per second, all programs together.
    pub rate_per_second: u32,
    pub safety_margin: Duration,
    /// How long a claim on a registration holds before another run may take it.
    pub claim_lease: Duration,
    /// The caps on confirmation emails, which count the run's retries too.
    pub email_limits: EmailLimits,
}

impl SendLinksConfig {
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_source(&Env)
    }

    pub fn from_source(source: &dyn Source) -> Result<Self, ConfigError> {
        let r = Reader(source);
        let table_name = r.required("TABLE_NAME")?;
        let own = own_program_sending_links(source)?;
        let LinkDelivery {
            sender,
            configuration_set,
            claim_lease,
        } = LinkDelivery::from_source(source)?;
        let rate_per_second =
            r.number("SEND_RATE_PER_SECOND", 10u32, |n| (1..=10_000).contains(n))?;
        let margin = r.number("SEND_SAFETY_MARGIN_SECS", 10u64, |n| *n <= 900)?;
        Ok(Self {
            table_name,
            own,
            sender,
            configuration_set,
            rate_per_second,
            safety_margin: Duration::from_secs(margin),
            claim_lease,
            email_limits: EmailLimits::from_source(source)?,
        })
    }
}
