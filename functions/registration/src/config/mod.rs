//! Configuration: environment variables read once at init into typed values.
//! A missing or malformed variable fails with a message that names it.

mod feedback;
mod limits;
mod own_program;
mod register;
mod seats;
mod send_links;
mod sender;
mod source;

pub use crate::program::{EventConfig, ZoomJoinUrl};
pub use feedback::FeedbackConfig;
pub use limits::{EmailLimits, LimitsKey};
pub use own_program::{DEFAULT_DURATION, DEFAULT_HOST, own_program, own_program_sending_links};
pub use register::RegisterConfig;
pub use seats::{AllowedOrigins, CancelConfig, ConfirmConfig, LinkDelivery, SeatsConfig};
pub use send_links::SendLinksConfig;
pub use sender::Sender;
pub use source::{Env, Source};

use jiff::{Timestamp, tz::TimeZone};
use source::Reader;
use url::Url;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("configuration variable {variable} {problem}")]
pub struct ConfigError {
    pub variable: &'static str,
    pub problem: String,
}

impl EventConfig {
    pub fn from_source(source: &dyn Source) -> Result<Self, ConfigError> {
        let r = Reader(source);
        let table_name = r.required("TABLE_NAME")?;
        let event_id = r.required("EVENT_ID")?;
        let event_id = r.parsed("EVENT_ID", event_id, |v| {
            let ok = v.len() <= 64
                && v.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
            if ok {
                Ok(v.to_owned())
            } else {
                Err("use lower-case letters, digits and '-' (at most 64)".into())
            }
        })?;
        let title = r.required("EVENT_TITLE")?;
        let title = r.parsed("EVENT_TITLE", title, |v| {
            if v.chars().any(char::is_control) {
                Err("must be one line".into())
            } else {
                Ok(v.to_owned())
            }
        })?;
        let host = match r.optional("EVENT_HOST") {
            None => DEFAULT_HOST.to_owned(),
            Some(host) => r.parsed("EVENT_HOST", host, |v| {
                if v.trim().is_empty() || v.chars().any(char::is_control) {
                    Err("must be one line of text".into())
                } else {
                    Ok(v.trim().to_owned())
                }
            })?,
        };
        let starts_at = r.instant("EVENT_STARTS_AT")?;
        let timezone = r.required("EVENT_TIMEZONE")?;
        let timezone = r.parsed("EVENT_TIMEZONE", timezone, |v| {
            TimeZone::get(v).map_err(|e| format!("not an IANA time zone ({e})"))
        })?;
        Ok(Self {
            table_name,
            event_id,
            title,
            host,
            starts_at,
            duration: DEFAULT_DURATION,
            timezone,
            languages: crate::program::Language::ALL.to_vec(),
            titles: std::collections::BTreeMap::new(),
        })
    }

    /// A time in the event's zone, for people: "Wednesday, 28 September 2022, 10:00 PKT".
    pub fn local_time(&self, at: Timestamp) -> String {
        local_time(&self.timezone, at)
    }

    pub fn utc_time(&self, at: Timestamp) -> String {
        at.strftime("%A, %-d %B %Y, %H:%M UTC").to_string()
    }
}

/// A time in a zone, for people: "Wednesday, 28 September 2022, 10:00 PKT (UTC+05:00)".
pub fn local_time(zone: &TimeZone, at: Timestamp) -> String {
    at.to_zoned_datetime(zone.clone())
        .strftime("%A, %-d %B %Y, %H:%M %Z (UTC%:z)")
        .to_string()
}

/// An ISO 8601 duration (`PT1H`, `P1D`), positive, at most 30 days.
/// `REMINDER_BEFORE`, when set.
fn reminder_before(r: &Reader<'_>) -> Result<Option<jiff::SignedDuration>, ConfigError> {
    r.optional("REMINDER_BEFORE")
        .map(|v| r.parsed("REMINDER_BEFORE", v, parse_reminder_before))
        .transpose()
}

fn parse_reminder_before(value: &str) -> Result<jiff::SignedDuration, String> {
    // jiff also reads friendly forms ("1 hour"); the variable is ISO 8601 only.
    if !value.starts_with(['P', 'p']) {
        return Err("expected an ISO 8601 duration like PT1H or P1D".into());
    }
    let span: jiff::Span = value
        .parse()
        .map_err(|e| format!("expected an ISO 8601 duration like PT1H or P1D ({e})"))?;
    let duration = span
        .to_duration(jiff::SpanRelativeTo::days_are_24_hours())
        .map_err(|e| e.to_string())?;
    if duration.is_positive() && duration <= jiff::SignedDuration::from_hours(24 * 30) {
        Ok(duration)
    } else {
        Err("must be more than zero and at most 30 days".into())
    }
}

fn parse_base_url(value: &str) -> Result<Url, String> {
    let url = Url::parse(value).map_err(|e| e.to_string())?;
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        return Err("expected an absolute http(s) URL".into());
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err("must not have a query or fragment".into());
    }
    Ok(url)
}

/// `ZOOM_JOIN_URL`'s value: an absolute http(s) URL. The value is a secret, so
/// an error names the variable but never echoes it.
pub(crate) fn zoom_join_url(value: String) -> Result<ZoomJoinUrl, ConfigError> {
    ZoomJoinUrl::parse(value).ok_or(ConfigError {
        variable: "ZOOM_JOIN_URL",
        problem: "is malformed: expected an absolute https URL".into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;
    use std::time::Duration;

    pub fn seed() -> HashMap<String, String> {
        [
            ("TABLE_NAME", "registrations"),
            ("EVENT_ID", "bnr-li-ion-2022"),
            (
                "EVENT_TITLE",
                "Powering Belt and Road Lithium-ion batteries",
            ),
            ("EVENT_STARTS_AT", "2022-09-28T10:00:00+05:00"),
            ("EVENT_TIMEZONE", "Asia/Karachi"),
            ("REGISTRATION_CLOSES_AT", "2022-09-27T00:00:00+05:00"),
            ("SENDER_EMAIL", "BTBU-ECOSF Training <training@example.org>"),
            ("ZOOM_JOIN_URL", "https://zoom.example/j/123?pwd=secret"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
    }

    #[test]
    fn the_seed_values_configure_every_function() {
        let register = RegisterConfig::from_source(&seed()).unwrap();
        let own = register.own.clone().expect("the own program");
        assert_eq!(own.id.as_ref(), "bnr-li-ion-2022");
        assert_eq!(register.retention_days, 90);
        assert_eq!(register.max_registrations_per_ip_per_hour, 20);
        assert_eq!(register.email_limits.per_hour, 500);
        assert_eq!(register.email_limits.per_mailbox_per_day, 5);
        assert!(
            register.email_limits.key.is_local(),
            "no LIMITS_KEY: the local key"
        );
        assert_eq!(register.pending_expires_after.as_hours(), 72);
        assert_eq!(
            own.registration_closes_at.to_string(),
            "2022-09-26T19:00:00Z"
        );
        let event = own.event(&register.table_name);
        assert_eq!(
            event.local_time(event.starts_at),
            "Wednesday, 28 September 2022, 10:00 PKT (UTC+05:00)"
        );
        assert_eq!(
            event.utc_time(event.starts_at),
            "Wednesday, 28 September 2022, 05:00 UTC"
        );
        let links = SendLinksConfig::from_source(&seed()).unwrap();
        assert_eq!(links.rate_per_second, 10);
        assert_eq!(links.safety_margin, Duration::from_secs(10));
        let own = |links: &SendLinksConfig| links.own.clone().expect("the own program");
        assert_eq!(own(&links).reminder_before, None);
        assert_eq!(links.configuration_set, None);
        let mut env = seed();
        env.insert("REMINDER_BEFORE".into(), "P1D".into());
        env.insert("SES_CONFIGURATION_SET".into(), "btbu-feedback".into());
        let links = SendLinksConfig::from_source(&env).unwrap();
        assert_eq!(
            own(&links).reminder_before,
            Some(jiff::SignedDuration::from_hours(24))
        );
        assert_eq!(links.configuration_set.as_deref(), Some("btbu-feedback"));
        env.insert("REMINDER_BEFORE".into(), "PT1H30M".into());
        let links = SendLinksConfig::from_source(&env).unwrap();
        assert_eq!(
            own(&links).reminder_before,
            Some(jiff::SignedDuration::from_mins(90))
        );
        assert!(ConfirmConfig::from_source(&seed()).is_ok());
    }

    #[test]
    fn every_missing_required_variable_is_named() {
        // EVENT_ID is optional: without it, there is no own program to require.
        for variable in [
            "TABLE_NAME",
            "EVENT_TITLE",
            "EVENT_STARTS_AT",
            "EVENT_TIMEZONE",
            "REGISTRATION_CLOSES_AT",
            "SENDER_EMAIL",
        ] {
            let mut env = seed();
            env.remove(variable);
            let err = RegisterConfig::from_source(&env).unwrap_err();
            assert_eq!(err.variable, variable);
            assert!(err.to_string().contains(variable));
            assert!(err.to_string().contains("missing"));
        }
        let mut env = seed();
        env.remove("ZOOM_JOIN_URL");
        assert_eq!(
            SendLinksConfig::from_source(&env).unwrap_err().variable,
            "ZOOM_JOIN_URL"
        );
    }

    #[test]
    fn every_malformed_variable_is_named() {
        for (variable, value) in [
            ("EVENT_STARTS_AT", "2022-09-28 10:00"),
            ("EVENT_STARTS_AT", "2022-09-28T10:00:00"),
            ("EVENT_TIMEZONE", "Mars/Olympus"),
            ("EVENT_ID", "Has Spaces"),
            ("REGISTRATION_CLOSES_AT", "tomorrow"),
            ("SENDER_EMAIL", "Training <not-an-address>"),
            ("PUBLIC_BASE_URL", "/relative"),
            ("RETENTION_DAYS", "-1"),
            ("RETENTION_DAYS", "soon"),
            ("MAX_REGISTRATIONS_PER_IP_PER_HOUR", "0"),
            ("MAX_CONFIRMATION_EMAILS_PER_HOUR", "many"),
            ("MAX_CONFIRMATION_EMAILS_PER_MAILBOX_PER_DAY", "0"),
            ("LIMITS_KEY", "too short"),
            ("PENDING_EXPIRES_AFTER_HOURS", "0"),
        ] {
            let mut env = seed();
            env.insert(variable.into(), value.into());
            let err = RegisterConfig::from_source(&env).unwrap_err();
            assert_eq!(err.variable, variable, "{value}");
            assert!(err.to_string().contains("malformed"));
        }
        for (variable, value) in [
            ("SEND_RATE_PER_SECOND", "0"),
            ("SEND_SAFETY_MARGIN_SECS", "x"),
            ("SEND_CLAIM_LEASE_SECS", "89"),
            ("SEND_CLAIM_LEASE_SECS", "301"),
            ("LINKS_SEND_AT", "later"),
            ("ZOOM_JOIN_URL", "not a url"),
            ("CAPACITY", "0"),
            ("CAPACITY", "ten"),
            ("REMINDER_BEFORE", "1 hour"),
            ("REMINDER_BEFORE", "-PT1H"),
            ("SES_CONFIGURATION_SET", "has spaces"),
        ] {
            let mut env = seed();
            env.insert(variable.into(), value.into());
            assert_eq!(
                SendLinksConfig::from_source(&env).unwrap_err().variable,
                variable
            );
        }
    }

    #[test]
    fn seats_and_origins_are_read_and_a_malformed_one_is_named() {
        let seats = ConfirmConfig::from_source(&seed()).unwrap();
        assert_eq!(seats.own.unwrap().capacity, None);
        let mut env = seed();
        env.insert("CAPACITY".into(), "500".into());
        env.insert("ALLOWED_ORIGINS".into(), "https://ecosf.org".into());
        let seats = CancelConfig::from_source(&env).unwrap();
        assert_eq!(seats.own.unwrap().capacity, Some(500));
        assert!(seats.allowed_origins.contains("https://ecosf.org"));
        for (variable, value) in [("CAPACITY", "-3"), ("ALLOWED_ORIGINS", "ecosf.org")] {
            let mut env = seed();
            env.insert(variable.into(), value.into());
            assert_eq!(
                ConfirmConfig::from_source(&env).unwrap_err().variable,
                variable
            );
        }
        env.insert("ALLOWED_ORIGINS".into(), "https://x.org/path".into());
        assert_eq!(
            RegisterConfig::from_source(&env).unwrap_err().variable,
            "ALLOWED_ORIGINS"
        );
    }

    #[test]
    fn the_zoom_link_never_shows_in_debug_or_errors() {
        let links = SendLinksConfig::from_source(&seed()).unwrap();
        assert!(!format!("{links:?}").contains("secret"));
        let mut env = seed();
        env.insert("ZOOM_JOIN_URL".into(), "zoom secret link".into());
        let err = SendLinksConfig::from_source(&env).unwrap_err();
        assert!(!err.to_string().contains("secret"));
    }

    #[test]
    fn no_configuration_prints_the_sender_in_debug() {
        let register = RegisterConfig::from_source(&seed()).unwrap();
        let links = SendLinksConfig::from_source(&seed()).unwrap();
        for shown in [format!("{register:?}"), format!("{links:?}")] {
            assert!(!shown.contains("training@example.org"), "{shown}");
        }
    }
}
