//! The deployment's own program: when `EVENT_ID` is set, its variables define
//! one program exactly as before programs were data, served, listed and reported
//! like any published one.

use super::ConfigError;
use super::source::{Reader, Source};
use crate::program::{Language, ProgramId, ProgramSettings, ProgramText};
use std::collections::BTreeMap;

/// `EVENT_HOST`'s default.
pub const DEFAULT_HOST: &str = "BTBU-ECOSF Joint Training Center";

pub use crate::program::DEFAULT_DURATION;

/// The seed program's summary: what the deployment's own program says about
/// itself, in every language until it has its own words.
const SEED_SUMMARY: &str = include_str!("../../seed/summary.en.txt");

/// The variables that describe the deployment's own program besides its id.
const OWN_PROGRAM_VARIABLES: [&str; 4] = [
    "EVENT_TITLE",
    "EVENT_STARTS_AT",
    "EVENT_TIMEZONE",
    "REGISTRATION_CLOSES_AT",
];

/// The deployment's own program, `None` without `EVENT_ID` (and its
/// variables: with them, `EVENT_ID` is missing). `EVENT_TITLE`,
/// `EVENT_STARTS_AT` and `EVENT_TIMEZONE` are then required;
/// `REGISTRATION_CLOSES_AT` is read when set (else registration closes at the
/// start: `register` requires it itself), `ZOOM_JOIN_URL` too (functions that
/// send links require it themselves).
pub fn own_program(source: &dyn Source) -> Result<Option<ProgramSettings>, ConfigError> {
    let r = Reader(source);
    let Some(id) = r.optional("EVENT_ID") else {
        // The own program's variables without its id are a mistake, not "no
        // own program": refused, as before programs were data.
        if OWN_PROGRAM_VARIABLES
            .iter()
            .any(|v| r.optional(v).is_some())
        {
            return Err(ConfigError {
                variable: "EVENT_ID",
                problem: "is missing".into(),
            });
        }
        return Ok(None);
    };
    let id = r.parsed("EVENT_ID", id, ProgramId::own)?;
    let event = super::EventConfig::from_source(source)?;
    let registration_closes_at = match r.optional("REGISTRATION_CLOSES_AT") {
        Some(_) => r.instant("REGISTRATION_CLOSES_AT")?,
        None => event.starts_at,
    };
    let zoom_join_url = r
        .optional("ZOOM_JOIN_URL")
        .map(super::zoom_join_url)
        .transpose()?;
    let text = Language::ALL.map(|language| {
        let text = ProgramText {
            title: None,
            summary: SEED_SUMMARY.trim().to_owned(),
        };
        (language, text)
    });
    Ok(Some(ProgramSettings {
        id,
        title: event.title,
        host: event.host,
        starts_at: event.starts_at,
        duration: event.duration,
        timezone: r.required("EVENT_TIMEZONE")?,
        registration_opens_at: None,
        registration_closes_at,
        links_send_at: r.optional_instant("LINKS_SEND_AT")?,
        reminder_before: super::reminder_before(&r)?,
        capacity: super::seats::capacity(&r)?,
        contact_email: None,
        languages: Language::ALL.to_vec(),
        text: BTreeMap::from(text),
        zoom_join_url,
    }))
}

/// The deployment's own program as a function that sends its link emails
/// reads it: with `EVENT_ID` set, `ZOOM_JOIN_URL` is required too.
pub fn own_program_sending_links(
    source: &dyn Source,
) -> Result<Option<ProgramSettings>, ConfigError> {
    let own = own_program(source)?;
    if own.as_ref().is_some_and(|own| own.zoom_join_url.is_none()) {
        return Err(ConfigError {
            variable: "ZOOM_JOIN_URL",
            problem: "is missing".into(),
        });
    }
    Ok(own)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::SignedDuration;
    use std::collections::HashMap;

    fn seed() -> HashMap<String, String> {
        super::super::tests::seed()
    }

    #[test]
    fn without_event_id_there_is_no_own_program() {
        let mut env = seed();
        for variable in ["EVENT_ID"].into_iter().chain(OWN_PROGRAM_VARIABLES) {
            env.remove(variable);
        }
        assert_eq!(own_program(&env).unwrap(), None);
    }

    #[test]
    fn the_own_programs_variables_without_event_id_name_it_missing() {
        for variable in OWN_PROGRAM_VARIABLES {
            let mut env = seed();
            env.retain(|name, _| !name.starts_with("EVENT_") && name != "REGISTRATION_CLOSES_AT");
            env.insert(
                variable.into(),
                super::super::tests::seed()[variable].clone(),
            );
            let err = own_program(&env).unwrap_err();
            assert_eq!(
                (err.variable, err.problem.as_str()),
                ("EVENT_ID", "is missing")
            );
        }
    }

    #[test]
    fn the_variables_make_the_own_program_in_every_language_english_first() {
        let mut env = seed();
        env.insert("CAPACITY".into(), "500".into());
        env.insert("REMINDER_BEFORE".into(), "PT1H".into());
        let p = own_program(&env).unwrap().expect("an own program");
        assert_eq!(p.id.as_ref(), "bnr-li-ion-2022");
        assert_eq!(p.title, "Powering Belt and Road Lithium-ion batteries");
        assert_eq!(p.host, DEFAULT_HOST);
        assert_eq!(p.duration, SignedDuration::from_hours(2));
        assert_eq!(p.timezone, "Asia/Karachi");
        assert_eq!(p.capacity, Some(500));
        assert_eq!(p.reminder_before, Some(SignedDuration::from_hours(1)));
        assert_eq!(p.languages.first(), Some(&Language::En));
        assert_eq!(p.languages.len(), 6);
        assert!(p.text[&Language::Fa].summary.contains("lithium-ion"));
        assert!(p.is_open("2022-09-26T18:59:59Z".parse().unwrap()));
        assert!(!p.is_open("2022-09-26T19:00:00Z".parse().unwrap()));
    }

    #[test]
    fn event_host_names_the_host() {
        let mut env = seed();
        env.insert("EVENT_HOST".into(), "ECOSF Academy".into());
        assert_eq!(own_program(&env).unwrap().unwrap().host, "ECOSF Academy");
    }

    #[test]
    fn a_long_event_id_of_a_deployed_stack_still_serves() {
        let mut env = seed();
        let id = "a".repeat(64);
        env.insert("EVENT_ID".into(), id.clone());
        assert_eq!(own_program(&env).unwrap().unwrap().id.as_ref(), id);
        env.insert("EVENT_ID".into(), "Bad Id".into());
        assert_eq!(own_program(&env).unwrap_err().variable, "EVENT_ID");
    }

    #[test]
    fn without_event_id_the_link_functions_need_no_program_variables() {
        let mut env = seed();
        for variable in [
            "EVENT_ID",
            "EVENT_TITLE",
            "EVENT_STARTS_AT",
            "EVENT_TIMEZONE",
            "REGISTRATION_CLOSES_AT",
            "ZOOM_JOIN_URL",
        ] {
            env.remove(variable);
        }
        let seats = crate::config::SeatsConfig::from_source(&env).unwrap();
        assert!(seats.own.is_none());
        assert_eq!(seats.table_name, "registrations");
        let links = crate::config::SendLinksConfig::from_source(&env).unwrap();
        assert!(links.own.is_none());
        let feedback = crate::config::FeedbackConfig::from_source(&env).unwrap();
        assert!(feedback.own.is_none());
    }

    #[test]
    fn with_event_id_the_link_functions_require_its_zoom_link() {
        let mut env = seed();
        env.remove("ZOOM_JOIN_URL");
        let err = crate::config::SeatsConfig::from_source(&env).unwrap_err();
        assert_eq!(err.variable, "ZOOM_JOIN_URL");
        let err = crate::config::SendLinksConfig::from_source(&env).unwrap_err();
        assert_eq!(err.variable, "ZOOM_JOIN_URL");
        // email-events sends nothing: its own program needs no link.
        let feedback = crate::config::FeedbackConfig::from_source(&env).unwrap();
        assert_eq!(feedback.own.unwrap().id.as_ref(), "bnr-li-ion-2022");
        env.remove("EVENT_TITLE");
        let err = crate::config::SeatsConfig::from_source(&env).unwrap_err();
        assert_eq!(err.variable, "EVENT_TITLE");
    }
}
