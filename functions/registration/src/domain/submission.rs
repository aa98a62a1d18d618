//! A submission as it arrived, from JSON or a form post, and the rules that make
//! it a registration or name every invalid field.

use super::Redacted;
use super::email::EmailAddress;
use super::fields::{Country, Designation, FullName, Organization, Phone};
use super::invalid::Invalid;
use std::collections::BTreeMap;
use std::fmt;

/// The fields a registration is submitted with. Their names are written here once:
/// the body parsers, the error map and the form all take them from [`Field::name`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    FullName,
    Email,
    Country,
    Organization,
    Designation,
    Phone,
    Consent,
    /// The honeypot: people leave it empty, bots fill it.
    Website,
}

impl Field {
    pub const ALL: [Field; 8] = [
        Field::FullName,
        Field::Email,
        Field::Country,
        Field::Organization,
        Field::Designation,
        Field::Phone,
        Field::Consent,
        Field::Website,
    ];

    /// The name in a JSON body, a form post and the `errors` of a problem.
    pub fn name(self) -> &'static str {
        match self {
            Field::FullName => "full_name",
            Field::Email => "email",
            Field::Country => "country",
            Field::Organization => "organization",
            Field::Designation => "designation",
            Field::Phone => "phone",
            Field::Consent => "consent",
            Field::Website => "website",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|field| field.name() == name)
    }
}

/// The words a ticked consent box may send in a form post, in any case.
pub const CONSENT_WORDS: [&str; 3] = ["on", "true", "yes"];

/// One field as it arrived, before any rule is applied.
#[derive(Clone, PartialEq, Eq, Default)]
pub enum RawValue {
    #[default]
    Absent,
    Text(String),
    Flag(bool),
    /// A JSON value of a type the field cannot take (number, array, object).
    Other,
}

impl RawValue {
    /// The text as typed, for showing the form again.
    pub fn as_text(&self) -> &str {
        match self {
            RawValue::Text(text) => text,
            _ => "",
        }
    }

    /// Whether this consent value gives consent: JSON `true` or one of [`CONSENT_WORDS`].
    pub fn gives_consent(&self) -> bool {
        match self {
            RawValue::Flag(flag) => *flag,
            RawValue::Text(text) => {
                CONSENT_WORDS.contains(&text.trim().to_ascii_lowercase().as_str())
            }
            RawValue::Absent | RawValue::Other => false,
        }
    }

    /// Whether this honeypot value was filled in, as only a bot does.
    fn fills_honeypot(&self) -> bool {
        match self {
            RawValue::Absent => false,
            RawValue::Text(text) => !text.trim().is_empty(),
            RawValue::Flag(_) | RawValue::Other => true,
        }
    }
}

impl fmt::Debug for RawValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RawValue::Absent => f.write_str("Absent"),
            RawValue::Text(text) => f.debug_tuple("Text").field(&Redacted(text)).finish(),
            RawValue::Flag(flag) => f.debug_tuple("Flag").field(flag).finish(),
            RawValue::Other => f.write_str("Other"),
        }
    }
}

/// A submission as it arrived, from JSON or a form post.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RawRegistration {
    pub full_name: RawValue,
    pub email: RawValue,
    pub country: RawValue,
    pub organization: RawValue,
    pub designation: RawValue,
    pub phone: RawValue,
    pub consent: RawValue,
    pub website: RawValue,
    /// The program registered for (the form carries it hidden); not a
    /// participant's field: the registrar resolves it.
    pub program: RawValue,
    /// The language of the page it was posted from (the form carries it
    /// hidden); checked against the program's languages.
    pub language: RawValue,
}

impl RawRegistration {
    pub fn get(&self, field: Field) -> &RawValue {
        match field {
            Field::FullName => &self.full_name,
            Field::Email => &self.email,
            Field::Country => &self.country,
            Field::Organization => &self.organization,
            Field::Designation => &self.designation,
            Field::Phone => &self.phone,
            Field::Consent => &self.consent,
            Field::Website => &self.website,
        }
    }

    pub fn get_mut(&mut self, field: Field) -> &mut RawValue {
        match field {
            Field::FullName => &mut self.full_name,
            Field::Email => &mut self.email,
            Field::Country => &mut self.country,
            Field::Organization => &mut self.organization,
            Field::Designation => &mut self.designation,
            Field::Phone => &mut self.phone,
            Field::Consent => &mut self.consent,
            Field::Website => &mut self.website,
        }
    }
}

/// The rule each invalid field broke, keyed by [`Field::name`]. Its message
/// states the rule and never quotes what was typed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FieldErrors(pub BTreeMap<&'static str, Invalid>);

impl FieldErrors {
    pub fn get(&self, field: &str) -> Option<Invalid> {
        self.0.get(field).copied()
    }

    fn insert(&mut self, field: Field, message: Invalid) {
        self.0.insert(field.name(), message);
    }
}

/// A valid submission from a person. Its `Debug` shows only the country in clear.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRegistration {
    pub full_name: FullName,
    pub email: EmailAddress,
    pub country: Country,
    pub organization: Organization,
    pub designation: Option<Designation>,
    pub phone: Option<Phone>,
}

/// What a submission turned out to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Submission {
    Participant(NewRegistration),
    /// The honeypot was filled: answer as a success, store and send nothing.
    Bot,
}

impl TryFrom<&RawRegistration> for Submission {
    type Error = FieldErrors;

    fn try_from(raw: &RawRegistration) -> Result<Self, Self::Error> {
        // A filled honeypot is a bot whatever else it sent: it learns nothing from errors.
        if raw.website.fills_honeypot() {
            return Ok(Submission::Bot);
        }
        let mut errors = FieldErrors::default();
        let registration = read_fields(raw, &mut errors);
        if !raw.consent.gives_consent() {
            errors.insert(Field::Consent, Invalid::Consent);
        }
        match registration {
            Some(registration) if errors.0.is_empty() => Ok(Submission::Participant(registration)),
            _ => Err(errors),
        }
    }
}

/// Every field's rule, each applied even after another failed so that every
/// invalid field is named.
fn read_fields(raw: &RawRegistration, errors: &mut FieldErrors) -> Option<NewRegistration> {
    let full_name = required(raw, errors, Field::FullName, FullName::parse);
    let email = required(raw, errors, Field::Email, EmailAddress::parse);
    let country = required(raw, errors, Field::Country, Country::parse);
    let organization = required(raw, errors, Field::Organization, Organization::parse);
    let designation = optional(raw, errors, Field::Designation, Designation::parse);
    let phone = optional(raw, errors, Field::Phone, Phone::parse);
    Some(NewRegistration {
        full_name: full_name?,
        email: email?,
        country: country?,
        organization: organization?,
        designation: designation?,
        phone: phone?,
    })
}

fn required<T>(
    raw: &RawRegistration,
    errors: &mut FieldErrors,
    field: Field,
    parse: impl Fn(&str) -> Result<T, Invalid>,
) -> Option<T> {
    let result = match raw.get(field) {
        RawValue::Absent => Err(Invalid::Required),
        RawValue::Text(text) => parse(text),
        RawValue::Flag(_) | RawValue::Other => Err(Invalid::NotText),
    };
    result.map_err(|message| errors.insert(field, message)).ok()
}

fn optional<T>(
    raw: &RawRegistration,
    errors: &mut FieldErrors,
    field: Field,
    parse: impl Fn(&str) -> Result<Option<T>, Invalid>,
) -> Option<Option<T>> {
    match raw.get(field) {
        RawValue::Absent => Some(None),
        _ => required(raw, errors, field, parse),
    }
}

#[cfg(test)]
#[path = "submission_tests.rs"]
mod tests;
