//! The configuration of the functions that act on a participant's links
//! (`confirm`, `cancel`): seats, the origins whose pages may post, and what
//! sending a link email needs.

use super::source::{Reader, Source};
use super::{ConfigError, Env, Sender};
use crate::program::ProgramSettings;
use std::time::Duration;
use url::Url;

/// The origins (besides the API's own) whose pages may post to the API, from
/// `ALLOWED_ORIGINS`: comma-separated `scheme://host[:port]`, compared exactly.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AllowedOrigins(Vec<String>);

impl AllowedOrigins {
    pub(super) fn from_reader(r: &Reader<'_>) -> Result<Self, ConfigError> {
        let Some(value) = r.optional("ALLOWED_ORIGINS") else {
            return Ok(Self::default());
        };
        r.parsed("ALLOWED_ORIGINS", value, Self::parse)
    }

    /// A comma-separated list of origins; blanks between commas are ignored.
    pub fn parse(value: &str) -> Result<Self, String> {
        let mut origins = Vec::new();
        for item in value.split(',').map(str::trim).filter(|i| !i.is_empty()) {
            let url = Url::parse(item).map_err(|e| format!("{item:?}: {e}"))?;
            let bare = url.path() == "/" && !item.ends_with('/');
            if !matches!(url.scheme(), "http" | "https")
                || url.host().is_none()
                || !bare
                || url.query().is_some()
                || url.fragment().is_some()
            {
                return Err(format!(
                    "{item:?} is not an origin like https://example.org"
                ));
            }
            origins.push(url.origin().ascii_serialization());
        }
        Ok(Self(origins))
    }

    /// Whether `origin` (an `Origin` header's value) is listed.
    pub fn contains(&self, origin: &str) -> bool {
        self.0
            .iter()
            .any(|allowed| allowed.eq_ignore_ascii_case(origin))
    }
}

/// What a function needs to send a program's link email itself (the Zoom
/// link and when links go out are the program's).
#[derive(Debug, Clone)]
pub struct LinkDelivery {
    pub sender: Sender,
    /// Every email is sent with this SES configuration set, when there is one.
    pub configuration_set: Option<String>,
    /// How long a claim on a registration holds before another sender may take it.
    pub claim_lease: Duration,
}

impl LinkDelivery {
    pub fn from_source(source: &dyn Source) -> Result<Self, ConfigError> {
        let r = Reader(source);
        let sender = r.required("SENDER_EMAIL")?;
        let sender = r.parsed("SENDER_EMAIL", sender, Sender::parse)?;
        let configuration_set = super::sender::configuration_set(&r)?;
        // A claimed send may take up to about a minute: six attempts of at most
        // 5 s each, their backoff and slots, and up to five DynamoDB calls.
        let lease = r.number("SEND_CLAIM_LEASE_SECS", 120u64, |n| (90..=300).contains(n))?;
        Ok(Self {
            sender,
            configuration_set,
            claim_lease: Duration::from_secs(lease),
        })
    }
}

/// The `CAPACITY` variable: the most confirmed participants; unset means no limit.
pub(super) fn capacity(r: &Reader<'_>) -> Result<Option<u32>, ConfigError> {
    r.optional("CAPACITY")
        .map(|value| {
            r.parsed("CAPACITY", value, |v| {
                v.parse::<u32>()
                    .ok()
                    .filter(|n| (1..=1_000_000).contains(n))
                    .ok_or_else(|| format!("{v:?} is not a number of seats from 1"))
            })
        })
        .transpose()
}

/// The configuration of `confirm` and `cancel`: both change who holds a seat and
/// send the emails that follow, for whichever program a link's registration
/// belongs to (its seats, start and Zoom link are the program's).
#[derive(Debug, Clone)]
pub struct SeatsConfig {
    pub table_name: String,
    /// The deployment's own program (`EVENT_ID` and its variables, with its
    /// Zoom link), when it has one.
    pub own: Option<ProgramSettings>,
    pub allowed_origins: AllowedOrigins,
    pub delivery: LinkDelivery,
}

pub type ConfirmConfig = SeatsConfig;
pub type CancelConfig = SeatsConfig;

impl SeatsConfig {
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_source(&Env)
    }

    pub fn from_source(source: &dyn Source) -> Result<Self, ConfigError> {
        let r = Reader(source);
        Ok(Self {
            table_name: r.required("TABLE_NAME")?,
            own: super::own_program_sending_links(source)?,
            allowed_origins: AllowedOrigins::from_reader(&r)?,
            delivery: LinkDelivery::from_source(source)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allowed_origins_are_bare_origins_compared_exactly() {
        let origins =
            AllowedOrigins::parse(" https://ecosf.org, http://localhost:3000 ,,").unwrap();
        assert!(origins.contains("https://ecosf.org"));
        assert!(origins.contains("http://localhost:3000"));
        assert!(!origins.contains("https://ecosf.org.evil.example"));
        assert!(!origins.contains("http://ecosf.org"));
        assert!(!origins.contains("null"));
        for bad in [
            "ecosf.org",
            "https://ecosf.org/path",
            "ftp://x.org",
            "https://x.org/",
        ] {
            assert!(AllowedOrigins::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(
            AllowedOrigins::parse("").unwrap(),
            AllowedOrigins::default()
        );
    }
}
