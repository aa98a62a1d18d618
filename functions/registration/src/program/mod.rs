//! A program's settings: one training program the deployment serves (its title,
//! host, times, seats, languages and texts), as an organizer's TOML file
//! describes it (`file`) and as the functions read it from the table, cached
//! (`reader`).

mod file;
#[cfg(test)]
mod file_tests;
mod reader;
mod shared;

pub use file::{ProgramFileError, parse_program_file};
pub use reader::{CACHE_FOR, ProgramReader, ProgramSource};
pub use shared::Programs;

use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use std::collections::BTreeMap;

/// The webinar's length when a program does not give one (the program file's
/// default, and the deployment's own program's).
pub const DEFAULT_DURATION: SignedDuration = SignedDuration::from_hours(2);

/// What every function's pages and emails read of one program (the event it
/// serves); made from its settings by [`ProgramSettings::event`], or from the
/// deployment's variables by the configuration.
#[derive(Debug, Clone)]
pub struct EventConfig {
    pub table_name: String,
    pub event_id: String,
    pub title: String,
    /// Who runs it, named on pages and in emails.
    pub host: String,
    pub starts_at: Timestamp,
    /// The webinar's length (the invitation's).
    pub duration: SignedDuration,
    pub timezone: TimeZone,
    /// The program's languages, the default first; never empty.
    pub languages: Vec<Language>,
    /// The title in each language that has one of its own (`title` elsewhere).
    pub titles: BTreeMap<Language, String>,
}

impl EventConfig {
    /// The language of a participant's emails: theirs when the program offers
    /// it, else the program's first (a registration stored before languages).
    pub fn language_for(&self, stored: Option<Language>) -> Language {
        language_among(&self.languages, stored)
    }

    /// The title as `language` has it, else the program's own.
    pub fn title_in(&self, language: Language) -> &str {
        self.titles.get(&language).unwrap_or(&self.title)
    }
}

/// `stored` when `languages` lists it, else the first of them (English if none).
fn language_among(languages: &[Language], stored: Option<Language>) -> Language {
    stored
        .filter(|language| languages.contains(language))
        .or_else(|| languages.first().copied())
        .unwrap_or(Language::En)
}

/// The link the webinar is joined by. A secret: its `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct ZoomJoinUrl(String);

impl ZoomJoinUrl {
    /// An absolute http(s) URL; `None` for anything else (the caller names
    /// where the value came from, never echoing it).
    pub fn parse(value: String) -> Option<Self> {
        url::Url::parse(&value)
            .ok()
            .filter(|u| u.scheme() == "https" || u.scheme() == "http")
            .map(|_| Self(value))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for ZoomJoinUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ZoomJoinUrl(<redacted>)")
    }
}

/// A program's id: a slug of 3–40 of `a–z`, `0–9` and `-`. It names the
/// program in every key, link and report, and never changes.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ProgramId(String);

impl ProgramId {
    pub const MIN_CHARS: usize = 3;
    pub const MAX_CHARS: usize = 40;

    pub fn parse(value: &str) -> Result<Self, String> {
        let slug = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-';
        let len = value.chars().count();
        if (Self::MIN_CHARS..=Self::MAX_CHARS).contains(&len) && value.chars().all(slug) {
            Ok(Self(value.to_owned()))
        } else {
            Err(format!(
                "must be {}–{} of a–z, 0–9 and '-'",
                Self::MIN_CHARS,
                Self::MAX_CHARS
            ))
        }
    }
}

impl ProgramId {
    /// The deployment's own program's id (`EVENT_ID`): as stacks deployed
    /// before programs were data allowed, 1–64 of `a–z`, `0–9` and `-`.
    pub fn own(value: &str) -> Result<Self, String> {
        let slug = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-';
        if (1..=64).contains(&value.len()) && value.chars().all(slug) {
            Ok(Self(value.to_owned()))
        } else {
            Err("use lower-case letters, digits and '-' (at most 64)".into())
        }
    }
}

impl AsRef<str> for ProgramId {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for ProgramId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The languages the system has pages and emails in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Language {
    En,
    Ru,
    Zh,
    Fa,
    Tr,
    Ur,
}

impl Language {
    pub const ALL: [Language; 6] = [
        Language::En,
        Language::Ru,
        Language::Zh,
        Language::Fa,
        Language::Tr,
        Language::Ur,
    ];

    /// Its code (`en`, `ru`, …), as links, files and items name it.
    pub fn code(self) -> &'static str {
        match self {
            Language::En => "en",
            Language::Ru => "ru",
            Language::Zh => "zh",
            Language::Fa => "fa",
            Language::Tr => "tr",
            Language::Ur => "ur",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.code() == code)
    }
}

/// A program's words in one language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgramText {
    /// The title in this language; the program's own title where `None`.
    pub title: Option<String>,
    /// What the program is about and for whom: plain text, paragraphs split
    /// by blank lines.
    pub summary: String,
}

/// One program's settings, every rule of the program file checked.
#[derive(Clone, PartialEq)]
pub struct ProgramSettings {
    pub id: ProgramId,
    pub title: String,
    pub host: String,
    pub starts_at: Timestamp,
    /// The webinar's length (the invitation's).
    pub duration: SignedDuration,
    /// The IANA name of the zone times are shown in.
    pub timezone: String,
    /// `None`: open from the moment it is published.
    pub registration_opens_at: Option<Timestamp>,
    /// The first instant at which registration is closed.
    pub registration_closes_at: Timestamp,
    pub links_send_at: Option<Timestamp>,
    pub reminder_before: Option<SignedDuration>,
    /// The most confirmed participants; `None`: no limit.
    pub capacity: Option<u32>,
    pub contact_email: Option<String>,
    /// The program's languages, the default first; never empty.
    pub languages: Vec<Language>,
    /// A text for each of `languages`.
    pub text: BTreeMap<Language, ProgramText>,
    /// The webinar's link: a secret, never printed or logged. A published
    /// program always has one; the deployment's own program has one only in
    /// the functions given `ZOOM_JOIN_URL` (those that send links).
    pub zoom_join_url: Option<ZoomJoinUrl>,
}

impl ProgramSettings {
    /// The zone times are shown in (checked when the settings were made).
    pub fn time_zone(&self) -> TimeZone {
        TimeZone::get(&self.timezone).unwrap_or(TimeZone::UTC)
    }

    /// Whether registration is open at `now`: from its opening (or always,
    /// without one) until its closing.
    pub fn is_open(&self, now: Timestamp) -> bool {
        self.registration_opens_at.is_none_or(|opens| opens <= now)
            && now < self.registration_closes_at
    }

    /// Whether its link emails go out at `now`: from `links_send_at` on (at
    /// once, without one).
    pub fn links_open(&self, now: Timestamp) -> bool {
        self.links_send_at.is_none_or(|at| now >= at)
    }

    /// What the functions' emails and pages read of it, as one event.
    pub fn event(&self, table_name: &str) -> EventConfig {
        EventConfig {
            table_name: table_name.to_owned(),
            event_id: self.id.to_string(),
            title: self.title.clone(),
            host: self.host.clone(),
            starts_at: self.starts_at,
            duration: self.duration,
            timezone: self.time_zone(),
            languages: self.languages.clone(),
            titles: self
                .text
                .iter()
                .filter_map(|(language, text)| Some((*language, text.title.clone()?)))
                .collect(),
        }
    }

    /// The default language: the first listed.
    pub fn default_language(&self) -> Language {
        self.languages.first().copied().unwrap_or(Language::En)
    }

    /// The language a registration keeps: `posted` when the program offers
    /// it, else the program's first.
    pub fn language_for(&self, posted: Option<Language>) -> Language {
        language_among(&self.languages, posted)
    }
}

/// Never the Zoom link: settings may be logged while debugging.
impl std::fmt::Debug for ProgramSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProgramSettings")
            .field("id", &self.id)
            .field("title", &self.title)
            .field("starts_at", &self.starts_at)
            .field("registration_opens_at", &self.registration_opens_at)
            .field("registration_closes_at", &self.registration_closes_at)
            .field("capacity", &self.capacity)
            .field("zoom_join_url", &self.zoom_join_url)
            .finish_non_exhaustive()
    }
}
