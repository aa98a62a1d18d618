//! The `email-events` function's configuration.

use super::ConfigError;
use super::source::{Reader, Source};
use crate::program::ProgramSettings;

/// What `email-events` knows: its table, the deployment's own program (the
/// published ones are read from the table), and the stack's SES configuration
/// set (`SES_CONFIGURATION_SET`), whose events alone it records.
#[derive(Debug, Clone)]
pub struct FeedbackConfig {
    pub table_name: String,
    pub own: Option<ProgramSettings>,
    /// `None` (unset or empty, as under `sam local`) takes every set's events.
    pub configuration_set: Option<String>,
}

impl FeedbackConfig {
    pub fn from_source(source: &dyn Source) -> Result<Self, ConfigError> {
        Ok(Self {
            table_name: Reader(source).required("TABLE_NAME")?,
            own: super::own_program(source)?,
            configuration_set: super::sender::configuration_set(&Reader(source))?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn email_events_reads_the_stack_s_configuration_set_and_refuses_a_malformed_one() {
        let mut env: HashMap<String, String> = [
            ("TABLE_NAME", "t"),
            ("EVENT_ID", "bnr-li-ion-2022"),
            ("EVENT_TITLE", "A title"),
            ("EVENT_STARTS_AT", "2022-09-28T10:00:00+05:00"),
            ("EVENT_TIMEZONE", "Asia/Karachi"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        assert_eq!(
            FeedbackConfig::from_source(&env).unwrap().configuration_set,
            None
        );
        env.insert("SES_CONFIGURATION_SET".into(), "btbu-feedback".into());
        let config = FeedbackConfig::from_source(&env).unwrap();
        assert_eq!(config.configuration_set.as_deref(), Some("btbu-feedback"));
        env.insert("SES_CONFIGURATION_SET".into(), "has spaces".into());
        let err = FeedbackConfig::from_source(&env).unwrap_err();
        assert_eq!(err.variable, "SES_CONFIGURATION_SET");
    }
}
