//! Configuration: environment variables read once at init into typed values.
//! A missing or malformed variable fails with a message that names it.

use crate::domain::EmailAddress;
use jiff::{Timestamp, tz::TimeZone};
use std::collections::HashMap;
use std::time::Duration;
use url::Url;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("configuration variable {variable} {problem}")]
pub struct ConfigError {
    pub variable: &'static str,
    pub problem: String,
}

/// Where configuration values come from: the process environment, or a map in tests.
pub trait Source {
    fn get(&self, name: &str) -> Option<String>;
}

/// The process environment.
pub struct Env;

impl Source for Env {
    fn get(&self, name: &str) -> Option<String> {
        std::env::var(name).ok()
    }
}

impl Source for HashMap<String, String> {
    fn get(&self, name: &str) -> Option<String> {
        HashMap::get(self, name).cloned()
    }
}

struct Reader<'a>(&'a dyn Source);

impl Reader<'_> {
    fn optional(&self, variable: &'static str) -> Option<String> {
        self.0
            .get(variable)
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    }

    fn required(&self, variable: &'static str) -> Result<String, ConfigError> {
        self.optional(variable).ok_or(ConfigError {
            variable,
            problem: "is missing".into(),
        })
    }

    fn parsed<T>(
        &self,
        variable: &'static str,
        value: String,
        parse: impl FnOnce(&str) -> Result<T, String>,
    ) -> Result<T, ConfigError> {
        parse(&value).map_err(|why| ConfigError {
            variable,
            problem: format!("is malformed: {why}"),
        })
    }

    fn instant(&self, variable: &'static str) -> Result<Timestamp, ConfigError> {
        let value = self.required(variable)?;
        self.parsed(variable, value, parse_instant)
    }

    fn optional_instant(&self, variable: &'static str) -> Result<Option<Timestamp>, ConfigError> {
        self.optional(variable)
            .map(|value| self.parsed(variable, value, parse_instant))
            .transpose()
    }

    fn number<T: std::str::FromStr>(
        &self,
        variable: &'static str,
        default: T,
        valid: impl FnOnce(&T) -> bool,
    ) -> Result<T, ConfigError> {
        let Some(value) = self.optional(variable) else {
            return Ok(default);
        };
        self.parsed(variable, value, |v| {
            v.parse::<T>()
                .ok()
                .filter(valid)
                .ok_or_else(|| format!("{v:?} is not a number in range"))
        })
    }
}

/// An RFC 3339 instant that carries an explicit offset.
fn parse_instant(value: &str) -> Result<Timestamp, String> {
    value
        .parse::<Timestamp>()
        .map_err(|e| format!("expected an RFC 3339 instant with offset ({e})"))
}

/// What every function knows about the event it serves.
#[derive(Debug, Clone)]
pub struct EventConfig {
    pub table_name: String,
    pub event_id: String,
    pub title: String,
    pub starts_at: Timestamp,
    pub timezone: TimeZone,
    pub timezone_name: String,
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
        let starts_at = r.instant("EVENT_STARTS_AT")?;
        let timezone_name = r.required("EVENT_TIMEZONE")?;
        let timezone = r.parsed("EVENT_TIMEZONE", timezone_name.clone(), |v| {
            TimeZone::get(v).map_err(|e| format!("not an IANA time zone ({e})"))
        })?;
        Ok(Self {
            table_name,
            event_id,
            title,
            starts_at,
            timezone,
            timezone_name,
        })
    }

    /// A time in the event's zone, for people: "Wednesday, 28 September 2022, 10:00 PKT".
    pub fn local_time(&self, at: Timestamp) -> String {
        at.to_zoned_datetime(self.timezone.clone())
            .strftime("%A, %-d %B %Y, %H:%M %Z (UTC%:z)")
            .to_string()
    }

    pub fn utc_time(&self, at: Timestamp) -> String {
        at.strftime("%A, %-d %B %Y, %H:%M UTC").to_string()
    }
}

/// The `From` of every email, display name allowed: `Name <address>`. Held in
/// its header form: a display name in any script, or with characters a header
/// phrase cannot carry bare, is MIME encoded-words (RFC 2047), as SES requires.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sender(String);

impl Sender {
    pub fn parse(value: &str) -> Result<Self, String> {
        let (name, address) = match (value.rfind('<'), value.ends_with('>')) {
            (Some(open), true) => {
                let name = value[..open].trim();
                // Control characters include the line breaks.
                if name.contains(['<', '>', '"']) || name.chars().any(char::is_control) {
                    return Err(
                        "the display name must not contain <, >, quotes or line breaks".into(),
                    );
                }
                (name, &value[open + 1..value.len() - 1])
            }
            (None, false) => ("", value),
            _ => return Err("expected `address` or `Name <address>`".into()),
        };
        EmailAddress::parse(address).map_err(|e| format!("the address {e}"))?;
        Ok(Self(match name {
            "" => address.to_owned(),
            name if is_bare_phrase(name) => format!("{name} <{address}>"),
            name => format!("{} <{address}>", encoded_words(name)),
        }))
    }
}

/// Whether a display name can stand in a header as it is: words of RFC 5322
/// `atext` (no `.`, `,`, `(`, `:` and the other specials).
fn is_bare_phrase(name: &str) -> bool {
    name.chars()
        .all(|c| c.is_ascii_alphanumeric() || " !#$%&'*+-/=?^_`{|}~".contains(c))
}

/// `name` as RFC 2047 encoded-words (UTF-8, base64), each within the 75
/// characters the RFC allows, split between characters.
fn encoded_words(name: &str) -> String {
    use base64::Engine as _;
    // 45 bytes encode to 60 characters; with `=?UTF-8?B?` and `?=`, 72.
    const MAX_BYTES: usize = 45;
    let mut words = Vec::new();
    let mut chunk = String::new();
    for c in name.chars() {
        if chunk.len() + c.len_utf8() > MAX_BYTES {
            words.push(std::mem::take(&mut chunk));
        }
        chunk.push(c);
    }
    words.push(chunk);
    words
        .iter()
        .map(|w| {
            format!(
                "=?UTF-8?B?{}?=",
                base64::engine::general_purpose::STANDARD.encode(w)
            )
        })
        .collect::<Vec<_>>()
        .join(" ")
}

impl AsRef<str> for Sender {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// The `register` function's configuration.
#[derive(Debug, Clone)]
pub struct RegisterConfig {
    pub event: EventConfig,
    pub closes_at: Timestamp,
    pub sender: Sender,
    pub public_base_url: Option<Url>,
    pub retention_days: u32,
}

impl RegisterConfig {
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_source(&Env)
    }

    pub fn from_source(source: &dyn Source) -> Result<Self, ConfigError> {
        let event = EventConfig::from_source(source)?;
        let r = Reader(source);
        let closes_at = r.instant("REGISTRATION_CLOSES_AT")?;
        let sender = r.required("SENDER_EMAIL")?;
        let sender = r.parsed("SENDER_EMAIL", sender, Sender::parse)?;
        let public_base_url = r
            .optional("PUBLIC_BASE_URL")
            .map(|v| r.parsed("PUBLIC_BASE_URL", v, parse_base_url))
            .transpose()?;
        let retention_days = r.number("RETENTION_DAYS", 90u32, |d| (1..=3650).contains(d))?;
        Ok(Self {
            event,
            closes_at,
            sender,
            public_base_url,
            retention_days,
        })
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

/// The `confirm` function's configuration.
#[derive(Debug, Clone)]
pub struct ConfirmConfig {
    pub event: EventConfig,
}

impl ConfirmConfig {
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_source(&Env)
    }

    pub fn from_source(source: &dyn Source) -> Result<Self, ConfigError> {
        Ok(Self {
            event: EventConfig::from_source(source)?,
        })
    }
}

/// The link the webinar is joined by. A secret: its `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct ZoomJoinUrl(String);

impl ZoomJoinUrl {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for ZoomJoinUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ZoomJoinUrl(<redacted>)")
    }
}

/// The `send-links` function's configuration.
#[derive(Debug, Clone)]
pub struct SendLinksConfig {
    pub event: EventConfig,
    pub sender: Sender,
    pub zoom_join_url: ZoomJoinUrl,
    pub links_send_at: Option<Timestamp>,
    pub rate_per_second: u32,
    pub safety_margin: Duration,
    /// How long a claim on a registration holds before another run may take it.
    pub claim_lease: Duration,
}

impl SendLinksConfig {
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_source(&Env)
    }

    pub fn from_source(source: &dyn Source) -> Result<Self, ConfigError> {
        let event = EventConfig::from_source(source)?;
        let r = Reader(source);
        let sender = r.required("SENDER_EMAIL")?;
        let sender = r.parsed("SENDER_EMAIL", sender, Sender::parse)?;
        let zoom = r.required("ZOOM_JOIN_URL")?;
        // The value is a secret, so the message names the variable but never echoes it.
        let zoom_join_url = Url::parse(&zoom)
            .ok()
            .filter(|u| u.scheme() == "https" || u.scheme() == "http")
            .map(|_| ZoomJoinUrl(zoom))
            .ok_or(ConfigError {
                variable: "ZOOM_JOIN_URL",
                problem: "is malformed: expected an absolute https URL".into(),
            })?;
        let links_send_at = r.optional_instant("LINKS_SEND_AT")?;
        let rate_per_second =
            r.number("SEND_RATE_PER_SECOND", 10u32, |n| (1..=10_000).contains(n))?;
        let margin = r.number("SEND_SAFETY_MARGIN_SECS", 10u64, |n| *n <= 900)?;
        // A claimed send may take up to about a minute: six attempts of at most
        // 5 s each, their backoff and slots, and up to five DynamoDB calls.
        let lease = r.number("SEND_CLAIM_LEASE_SECS", 120u64, |n| (90..=300).contains(n))?;
        Ok(Self {
            event,
            sender,
            zoom_join_url,
            links_send_at,
            rate_per_second,
            safety_margin: Duration::from_secs(margin),
            claim_lease: Duration::from_secs(lease),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(register.event.event_id, "bnr-li-ion-2022");
        assert_eq!(register.retention_days, 90);
        assert_eq!(register.closes_at.to_string(), "2022-09-26T19:00:00Z");
        assert_eq!(
            register.event.local_time(register.event.starts_at),
            "Wednesday, 28 September 2022, 10:00 PKT (UTC+05:00)"
        );
        assert_eq!(
            register.event.utc_time(register.event.starts_at),
            "Wednesday, 28 September 2022, 05:00 UTC"
        );
        let links = SendLinksConfig::from_source(&seed()).unwrap();
        assert_eq!(links.rate_per_second, 10);
        assert_eq!(links.safety_margin, Duration::from_secs(10));
        assert!(ConfirmConfig::from_source(&seed()).is_ok());
    }

    #[test]
    fn every_missing_required_variable_is_named() {
        for variable in [
            "TABLE_NAME",
            "EVENT_ID",
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
    fn the_zoom_link_never_shows_in_debug_or_errors() {
        let links = SendLinksConfig::from_source(&seed()).unwrap();
        assert!(!format!("{links:?}").contains("secret"));
        let mut env = seed();
        env.insert("ZOOM_JOIN_URL".into(), "zoom secret link".into());
        let err = SendLinksConfig::from_source(&env).unwrap_err();
        assert!(!err.to_string().contains("secret"));
    }

    #[test]
    fn sender_accepts_a_display_name() {
        let seed = Sender::parse("BTBU-ECOSF Training <training@example.org>").unwrap();
        assert_eq!(seed.as_ref(), "BTBU-ECOSF Training <training@example.org>");
        let bare = Sender::parse("training@example.org").unwrap();
        assert_eq!(bare.as_ref(), "training@example.org");
        assert!(Sender::parse("Training <a@example.org").is_err());
        assert!(Sender::parse("Tr\"aining\" <a@example.org>").is_err());
        assert!(Sender::parse("Train\ting <a@example.org>").is_err());
    }

    /// Decode a header value made of RFC 2047 B-encoded words.
    fn decode_words(header_name: &str) -> String {
        use base64::Engine as _;
        header_name
            .split(' ')
            .map(|word| {
                let inner = word
                    .strip_prefix("=?UTF-8?B?")
                    .and_then(|w| w.strip_suffix("?="))
                    .unwrap_or_else(|| panic!("not an encoded-word: {word}"));
                let bytes = base64::engine::general_purpose::STANDARD
                    .decode(inner)
                    .unwrap();
                String::from_utf8(bytes).expect("each word holds whole characters")
            })
            .collect()
    }

    #[test]
    fn a_display_name_in_any_script_or_with_specials_is_mime_encoded() {
        for name in [
            "北京工商大学 培训中心",
            "Eğitim Merkezi",
            "BTBU, ECOSF (Training)",
            "Dr. A. Training",
            "مرکز آموزش بی‌تی‌بی‌یو و اکوسف برای انرژی پاک و باتری‌های لیتیومی",
        ] {
            let sender = Sender::parse(&format!("{name} <training@example.org>")).unwrap();
            let (encoded, address) = sender.as_ref().rsplit_once(' ').unwrap();
            assert_eq!(address, "<training@example.org>");
            assert!(encoded.is_ascii(), "{encoded}");
            assert!(encoded.split(' ').all(|word| word.len() <= 75), "{encoded}");
            assert_eq!(decode_words(encoded), name);
        }
    }
}
