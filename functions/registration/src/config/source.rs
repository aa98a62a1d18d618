//! Where configuration comes from, and reading one variable: present, trimmed,
//! parsed, or an error that names it.

use super::ConfigError;
use jiff::Timestamp;
use std::collections::HashMap;

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

/// Reads variables by name, so every error names the variable it is about.
pub(super) struct Reader<'a>(pub(super) &'a dyn Source);

impl Reader<'_> {
    pub(super) fn optional(&self, variable: &'static str) -> Option<String> {
        self.0
            .get(variable)
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    }

    pub(super) fn required(&self, variable: &'static str) -> Result<String, ConfigError> {
        self.optional(variable).ok_or(ConfigError {
            variable,
            problem: "is missing".into(),
        })
    }

    pub(super) fn parsed<T>(
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

    pub(super) fn instant(&self, variable: &'static str) -> Result<Timestamp, ConfigError> {
        let value = self.required(variable)?;
        self.parsed(variable, value, parse_instant)
    }

    pub(super) fn optional_instant(
        &self,
        variable: &'static str,
    ) -> Result<Option<Timestamp>, ConfigError> {
        self.optional(variable)
            .map(|value| self.parsed(variable, value, parse_instant))
            .transpose()
    }

    pub(super) fn number<T: std::str::FromStr>(
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
