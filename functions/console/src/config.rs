//! The console's configuration: who may sign in (`ORGANIZER_EMAILS`), the table,
//! the sender, and the optional base of the links it emails and the
//! deployment's own program. Read once at init; a bad variable fails naming it.

use registration::config::{ConfigError, Env, Sender, Source, own_program};
use registration::domain::EmailAddress;
use registration::program::ProgramSettings;
use url::Url;

#[derive(Debug, Clone)]
pub struct ConsoleConfig {
    pub table_name: String,
    pub organizers: OrganizerEmails,
    pub sender: Sender,
    pub configuration_set: Option<String>,
    pub public_base_url: Option<Url>,
    /// The deployment's own program (`EVENT_ID` and its variables), if any.
    pub own_program: Option<ProgramSettings>,
}

/// The addresses that may sign in, normalized (lower case), checked on every
/// request: removing an address ends its sessions at once.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OrganizerEmails(Vec<String>);

impl OrganizerEmails {
    /// Comma-separated addresses; empty means nobody may sign in.
    pub fn parse(value: &str) -> Result<Self, String> {
        let mut addresses = Vec::new();
        for item in value.split(',').map(str::trim).filter(|i| !i.is_empty()) {
            let address = EmailAddress::parse(item).map_err(|why| format!("{item:?}: {why}"))?;
            addresses.push(address.as_ref().to_lowercase());
        }
        Ok(Self(addresses))
    }

    /// Whether `address` (any case) is listed.
    pub fn contains(&self, address: &str) -> bool {
        let address = address.trim().to_lowercase();
        self.0.contains(&address)
    }
}

fn optional(source: &dyn Source, name: &str) -> Option<String> {
    source
        .get(name)
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
}

fn malformed(variable: &'static str, why: impl std::fmt::Display) -> ConfigError {
    ConfigError {
        variable,
        problem: format!("is malformed: {why}"),
    }
}

impl ConsoleConfig {
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_source(&Env)
    }

    pub fn from_source(source: &dyn Source) -> Result<Self, ConfigError> {
        let table_name = optional(source, "TABLE_NAME").ok_or(ConfigError {
            variable: "TABLE_NAME",
            problem: "is missing".into(),
        })?;
        let sender = optional(source, "SENDER_EMAIL").ok_or(ConfigError {
            variable: "SENDER_EMAIL",
            problem: "is missing".into(),
        })?;
        let sender = Sender::parse(&sender).map_err(|why| malformed("SENDER_EMAIL", why))?;
        let organizers =
            OrganizerEmails::parse(&source.get("ORGANIZER_EMAILS").unwrap_or_default())
                .map_err(|why| malformed("ORGANIZER_EMAILS", why))?;
        let public_base_url = optional(source, "PUBLIC_BASE_URL")
            .map(|v| match Url::parse(&v) {
                Ok(url) if url.scheme() == "https" || url.scheme() == "http" => Ok(url),
                Ok(_) => Err(malformed("PUBLIC_BASE_URL", "not an http(s) URL")),
                Err(e) => Err(malformed("PUBLIC_BASE_URL", e)),
            })
            .transpose()?;
        Ok(Self {
            table_name,
            organizers,
            sender,
            configuration_set: optional(source, "SES_CONFIGURATION_SET"),
            public_base_url,
            own_program: own_program(source)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn organizer_emails_match_in_any_case_and_empty_lists_nobody() {
        let list = OrganizerEmails::parse(" Ana@Example.org, b@example.org ,").unwrap();
        assert!(list.contains("ana@example.ORG"));
        assert!(list.contains("b@example.org"));
        assert!(!list.contains("c@example.org"));
        assert!(!OrganizerEmails::parse("").unwrap().contains(""));
    }

    #[test]
    fn a_malformed_organizer_address_fails_naming_the_variable() {
        let source = env(&[
            ("TABLE_NAME", "t"),
            ("SENDER_EMAIL", "a@example.org"),
            ("ORGANIZER_EMAILS", "a@example.org,not-an-address"),
        ]);
        let err = ConsoleConfig::from_source(&source).unwrap_err();
        assert_eq!(err.variable, "ORGANIZER_EMAILS");
    }

    #[test]
    fn without_organizer_emails_nobody_may_sign_in() {
        let source = env(&[("TABLE_NAME", "t"), ("SENDER_EMAIL", "a@example.org")]);
        let config = ConsoleConfig::from_source(&source).unwrap();
        assert_eq!(config.organizers, OrganizerEmails::default());
        assert_eq!(config.own_program, None);
    }
}
