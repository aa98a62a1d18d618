//! The `register` function's configuration: what holds for the whole
//! deployment, and the deployment's own program when it has one. Every other
//! program is read from the table per request.

use super::source::{Reader, Source};
use super::{AllowedOrigins, ConfigError, EmailLimits, Env, Sender};
use crate::program::ProgramSettings;
use url::Url;

/// The `register` function's configuration.
#[derive(Debug, Clone)]
pub struct RegisterConfig {
    pub table_name: String,
    /// The deployment's own program (`EVENT_*`), when `EVENT_ID` is set.
    pub own: Option<ProgramSettings>,
    pub sender: Sender,
    /// Every email is sent with this SES configuration set, when there is one.
    pub configuration_set: Option<String>,
    pub public_base_url: Option<Url>,
    pub retention_days: u32,
    pub allowed_origins: AllowedOrigins,
    /// New registrations accepted from one source address in any hour, across
    /// the deployment's programs.
    pub max_registrations_per_ip_per_hour: u32,
    /// The caps on confirmation emails (past one, they wait for a later run).
    pub email_limits: EmailLimits,
    /// An unconfirmed registration expires this long after its last
    /// confirmation email.
    pub pending_expires_after: jiff::SignedDuration,
}

impl RegisterConfig {
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_source(&Env)
    }

    pub fn from_source(source: &dyn Source) -> Result<Self, ConfigError> {
        let r = Reader(source);
        let table_name = r.required("TABLE_NAME")?;
        let own = super::own_program(source)?;
        if own.is_some() {
            // As before programs were data: the own program's closing is required here.
            r.instant("REGISTRATION_CLOSES_AT")?;
        }
        let sender = r.required("SENDER_EMAIL")?;
        let sender = r.parsed("SENDER_EMAIL", sender, Sender::parse)?;
        let configuration_set = super::sender::configuration_set(&r)?;
        let public_base_url = r
            .optional("PUBLIC_BASE_URL")
            .map(|v| r.parsed("PUBLIC_BASE_URL", v, super::parse_base_url))
            .transpose()?;
        let retention_days = r.number("RETENTION_DAYS", 90u32, |d| (1..=3650).contains(d))?;
        let allowed_origins = AllowedOrigins::from_reader(&r)?;
        let per_ip = r.number("MAX_REGISTRATIONS_PER_IP_PER_HOUR", 20u32, |n| *n >= 1)?;
        let email_limits = EmailLimits::from_source(source)?;
        let pending_hours = r.number("PENDING_EXPIRES_AFTER_HOURS", 72i64, |h| {
            (1..=24 * 3650).contains(h)
        })?;
        Ok(Self {
            table_name,
            own,
            sender,
            configuration_set,
            public_base_url,
            retention_days,
            allowed_origins,
            max_registrations_per_ip_per_hour: per_ip,
            email_limits,
            pending_expires_after: jiff::SignedDuration::from_hours(pending_hours),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_event_id_register_serves_published_programs_only() {
        let mut env = super::super::tests::seed();
        for variable in [
            "EVENT_ID",
            "EVENT_TITLE",
            "EVENT_STARTS_AT",
            "EVENT_TIMEZONE",
            "REGISTRATION_CLOSES_AT",
        ] {
            env.remove(variable);
        }
        let config = RegisterConfig::from_source(&env).unwrap();
        assert!(config.own.is_none());
        assert_eq!(config.table_name, "registrations");
    }

    #[test]
    fn with_event_id_the_closing_is_required_and_checked() {
        let mut env = super::super::tests::seed();
        env.remove("REGISTRATION_CLOSES_AT");
        let err = RegisterConfig::from_source(&env).unwrap_err();
        assert_eq!(err.variable, "REGISTRATION_CLOSES_AT");
        let own = RegisterConfig::from_source(&super::super::tests::seed())
            .unwrap()
            .own
            .expect("the own program");
        assert_eq!(
            own.registration_closes_at.to_string(),
            "2022-09-26T19:00:00Z"
        );
    }
}
