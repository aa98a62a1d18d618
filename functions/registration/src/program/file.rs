//! The organizer's program file (TOML, as the contract shows it) into a
//! program's settings. Every rule is checked before anything is written; the
//! first broken one is refused with the key it concerns and the rule, in one
//! line. Keys the file format does not have are refused too: a misspelt
//! optional key (`capcity`) would otherwise pass silently as "no limit".

use super::{Language, ProgramId, ProgramSettings, ProgramText, ZoomJoinUrl};
use crate::domain::EmailAddress;
use jiff::{SignedDuration, Timestamp};
use std::collections::BTreeMap;
use toml::{Table, Value};

use super::DEFAULT_DURATION;

/// The most characters of a title or host (one line).
const MAX_LINE_CHARS: usize = 200;
/// The most characters of a summary.
const MAX_SUMMARY_CHARS: usize = 5_000;

const KEYS: [&str; 16] = [
    "id",
    "title",
    "host",
    "starts_at",
    "duration",
    "timezone",
    "registration_opens_at",
    "registration_closes_at",
    "links_send_at",
    "reminder_before",
    "capacity",
    "contact_email",
    "languages",
    "zoom_join_url",
    "text",
    // Not a setting: TOML files often carry one, and it is harmless.
    "$schema",
];
const TEXT_KEYS: [&str; 2] = ["title", "summary"];

/// A refused program file: the key and the rule it breaks.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{key}: {rule}")]
pub struct ProgramFileError {
    pub key: String,
    pub rule: String,
}

fn refuse<T>(key: &str, rule: impl Into<String>) -> Result<T, ProgramFileError> {
    Err(ProgramFileError {
        key: key.to_owned(),
        rule: rule.into(),
    })
}

/// The settings a program file describes. `zoom_join_url` is the link given
/// apart from the file (on standard input), so that the file can be committed;
/// the file may then not hold one too.
pub fn parse_program_file(
    text: &str,
    zoom_join_url: Option<&str>,
) -> Result<ProgramSettings, ProgramFileError> {
    let table: Table = toml::from_str(text).or_else(|e| {
        let line = e
            .span()
            .map(|span| text[..span.start.min(text.len())].lines().count().max(1));
        let at = line.map(|l| format!(" at line {l}")).unwrap_or_default();
        refuse("file", format!("is not TOML{at}: {}", e.message().trim()))
    })?;
    if let Some(unknown) = table.keys().find(|k| !KEYS.contains(&k.as_str())) {
        return refuse(unknown, "is not a key of a program file");
    }
    let settings = settings(&table, zoom_join_url)?;
    check_times(&settings)?;
    Ok(settings)
}

fn settings(table: &Table, zoom: Option<&str>) -> Result<ProgramSettings, ProgramFileError> {
    let id = required("id", string(table, "id")?)?;
    let id = ProgramId::parse(&id).or_else(|rule| refuse("id", rule))?;
    let languages = languages(table)?;
    Ok(ProgramSettings {
        id,
        title: required("title", line(table, "title")?)?,
        host: required("host", line(table, "host")?)?,
        starts_at: required("starts_at", instant(table, "starts_at")?)?,
        duration: duration(table, "duration")?.unwrap_or(DEFAULT_DURATION),
        timezone: timezone(table)?,
        registration_opens_at: instant(table, "registration_opens_at")?,
        registration_closes_at: required(
            "registration_closes_at",
            instant(table, "registration_closes_at")?,
        )?,
        links_send_at: instant(table, "links_send_at")?,
        reminder_before: duration(table, "reminder_before")?,
        capacity: capacity(table)?,
        contact_email: contact_email(table)?,
        text: texts(table, &languages)?,
        languages,
        zoom_join_url: Some(zoom_join_url(table, zoom)?),
    })
}

/// `registration_opens_at < registration_closes_at ≤ starts_at`, and links
/// before the start.
fn check_times(s: &ProgramSettings) -> Result<(), ProgramFileError> {
    if let Some(opens) = s.registration_opens_at
        && opens >= s.registration_closes_at
    {
        return refuse(
            "registration_opens_at",
            "must be before registration_closes_at",
        );
    }
    if s.registration_closes_at > s.starts_at {
        return refuse("registration_closes_at", "must not be after starts_at");
    }
    if s.links_send_at.is_some_and(|at| at >= s.starts_at) {
        return refuse("links_send_at", "must be before starts_at");
    }
    Ok(())
}

fn required<T>(key: &str, value: Option<T>) -> Result<T, ProgramFileError> {
    match value {
        Some(value) => Ok(value),
        None => refuse(key, "is missing"),
    }
}

/// A non-empty string, trimmed.
fn string(table: &Table, key: &str) -> Result<Option<String>, ProgramFileError> {
    text_value(table.get(key), key)
}

fn text_value(value: Option<&Value>, key: &str) -> Result<Option<String>, ProgramFileError> {
    match value {
        None => Ok(None),
        Some(Value::String(s)) if s.trim().is_empty() => refuse(key, "must not be empty"),
        Some(Value::String(s)) => Ok(Some(s.trim().to_owned())),
        Some(_) => refuse(key, "must be a string"),
    }
}

/// One line of text (a title, a host): no control characters, bounded.
fn line(table: &Table, key: &str) -> Result<Option<String>, ProgramFileError> {
    one_line(string(table, key)?, key)
}

fn one_line(value: Option<String>, key: &str) -> Result<Option<String>, ProgramFileError> {
    match value {
        Some(s) if s.chars().any(char::is_control) => {
            refuse(key, "must be one line without control characters")
        }
        Some(s) if s.chars().count() > MAX_LINE_CHARS => {
            refuse(key, format!("must be at most {MAX_LINE_CHARS} characters"))
        }
        other => Ok(other),
    }
}

/// An RFC 3339 instant with its offset: a string, or a TOML offset date-time.
fn instant(table: &Table, key: &str) -> Result<Option<Timestamp>, ProgramFileError> {
    let text = match table.get(key) {
        None => return Ok(None),
        Some(Value::Datetime(at)) => at.to_string(),
        Some(Value::String(at)) => at.trim().to_owned(),
        Some(_) => return refuse(key, "must be a string"),
    };
    // jiff would also take a bracketed zone or no `T`; the file is RFC 3339.
    let rfc3339 = text.len() >= 20 && text.as_bytes()[10].eq_ignore_ascii_case(&b'T');
    match text.parse::<Timestamp>() {
        Ok(at) if rfc3339 && !text.contains('[') => Ok(Some(at)),
        _ => refuse(
            key,
            "must be an RFC 3339 instant with offset, like 2022-09-28T10:00:00+05:00",
        ),
    }
}

/// A positive ISO 8601 duration (`PT2H`, `P1D`) of at most 30 days.
fn duration(table: &Table, key: &str) -> Result<Option<SignedDuration>, ProgramFileError> {
    let Some(text) = string(table, key)? else {
        return Ok(None);
    };
    const RULE: &str =
        "must be an ISO 8601 duration like PT2H or P1D, more than zero and at most 30 days";
    // jiff also reads friendly forms ("2 hours"); the file is ISO 8601 only.
    if !text.starts_with(['P', 'p']) {
        return refuse(key, RULE);
    }
    let duration = text
        .parse::<jiff::Span>()
        .ok()
        .and_then(|span| {
            span.to_duration(jiff::SpanRelativeTo::days_are_24_hours())
                .ok()
        })
        .filter(|d| d.is_positive() && *d <= SignedDuration::from_hours(24 * 30));
    match duration {
        Some(duration) => Ok(Some(duration)),
        None => refuse(key, RULE),
    }
}

fn timezone(table: &Table) -> Result<String, ProgramFileError> {
    let zone = required("timezone", string(table, "timezone")?)?;
    match jiff::tz::TimeZone::get(&zone) {
        Ok(_) => Ok(zone),
        Err(_) => refuse("timezone", "must be an IANA time zone, like Asia/Karachi"),
    }
}

fn capacity(table: &Table) -> Result<Option<u32>, ProgramFileError> {
    match table.get("capacity") {
        None => Ok(None),
        Some(Value::Integer(n)) if *n < 1 => refuse("capacity", "must be at least 1"),
        Some(Value::Integer(n)) => match u32::try_from(*n) {
            Ok(n) => Ok(Some(n)),
            Err(_) => refuse("capacity", format!("must be at most {}", u32::MAX)),
        },
        Some(_) => refuse("capacity", "must be a whole number"),
    }
}

fn contact_email(table: &Table) -> Result<Option<String>, ProgramFileError> {
    let Some(address) = string(table, "contact_email")? else {
        return Ok(None);
    };
    match EmailAddress::parse(&address) {
        Ok(email) => Ok(Some(email.as_ref().to_owned())),
        Err(rule) => refuse("contact_email", format!("must be an email address: {rule}")),
    }
}

/// Of the system's languages, each once, the default first.
fn languages(table: &Table) -> Result<Vec<Language>, ProgramFileError> {
    const KEY: &str = "languages";
    let Some(value) = table.get(KEY) else {
        return refuse(KEY, "is missing");
    };
    let Value::Array(codes) = value else {
        return refuse(
            KEY,
            "must be a list of language codes, like [\"en\", \"ru\"]",
        );
    };
    if codes.is_empty() {
        return refuse(KEY, "must name at least one language");
    }
    let mut languages = Vec::with_capacity(codes.len());
    for code in codes {
        let language = code.as_str().and_then(Language::from_code);
        let Some(language) = language else {
            let system: Vec<&str> = Language::ALL.iter().map(|l| l.code()).collect();
            let named = code
                .as_str()
                .map_or("a non-string".to_owned(), |c| format!("{c:?}"));
            return refuse(
                KEY,
                format!(
                    "{named} is not one of the system's languages ({})",
                    system.join(", ")
                ),
            );
        };
        if languages.contains(&language) {
            return refuse(KEY, format!("{} is listed twice", language.code()));
        }
        languages.push(language);
    }
    Ok(languages)
}

/// `[text.xx]` for each of the program's languages, each with a summary;
/// none for another language.
fn texts(
    table: &Table,
    languages: &[Language],
) -> Result<BTreeMap<Language, ProgramText>, ProgramFileError> {
    let empty = Table::new();
    let texts = match table.get("text") {
        None => &empty,
        Some(Value::Table(texts)) => texts,
        Some(_) => return refuse("text", "must be tables [text.xx], one per language"),
    };
    if let Some(other) = texts
        .keys()
        .find(|code| Language::from_code(code).is_none_or(|l| !languages.contains(&l)))
    {
        return refuse(
            &format!("text.{other}"),
            "is not one of the program's languages",
        );
    }
    let mut out = BTreeMap::new();
    for &language in languages {
        let key = format!("text.{}", language.code());
        let Some(value) = texts.get(language.code()) else {
            return refuse(&format!("{key}.summary"), "is missing");
        };
        out.insert(language, text(value, &key)?);
    }
    Ok(out)
}

fn text(value: &Value, key: &str) -> Result<ProgramText, ProgramFileError> {
    let Value::Table(text) = value else {
        return refuse(key, "must be a table with a summary");
    };
    if let Some(unknown) = text.keys().find(|k| !TEXT_KEYS.contains(&k.as_str())) {
        return refuse(
            &format!("{key}.{unknown}"),
            "is not a key of a program's text",
        );
    }
    let title_key = format!("{key}.title");
    let title = one_line(text_value(text.get("title"), &title_key)?, &title_key)?;
    let summary_key = format!("{key}.summary");
    let Some(summary) = text_value(text.get("summary"), &summary_key)? else {
        return refuse(&summary_key, "is missing");
    };
    let control = |c: char| c.is_control() && !matches!(c, '\n' | '\r' | '\t');
    if summary.chars().any(control) {
        return refuse(&summary_key, "must not hold control characters");
    }
    if summary.chars().count() > MAX_SUMMARY_CHARS {
        return refuse(
            &summary_key,
            format!("must be at most {MAX_SUMMARY_CHARS} characters"),
        );
    }
    Ok(ProgramText { title, summary })
}

/// The webinar's link, from the file or given apart, once: an https URL.
/// The rule never echoes the value: it is a secret.
fn zoom_join_url(table: &Table, given: Option<&str>) -> Result<ZoomJoinUrl, ProgramFileError> {
    const KEY: &str = "zoom_join_url";
    let in_file = string(table, KEY)?;
    let link = match (in_file, given) {
        (Some(_), Some(_)) => {
            return refuse(
                KEY,
                "is in the file and was given on standard input: give it once",
            );
        }
        (Some(link), None) => link,
        (None, Some(link)) if link.trim().is_empty() => {
            return refuse(KEY, "standard input held no link");
        }
        (None, Some(link)) => link.trim().to_owned(),
        (None, None) => {
            return refuse(
                KEY,
                "is missing: put it in the file or give it with --zoom-join-url-stdin",
            );
        }
    };
    let https = url::Url::parse(&link)
        .ok()
        .is_some_and(|u| u.scheme() == "https" && u.host().is_some());
    match (https, ZoomJoinUrl::parse(link)) {
        (true, Some(link)) => Ok(link),
        _ => refuse(KEY, "must be an absolute https URL"),
    }
}
