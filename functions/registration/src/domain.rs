//! The participant's fields as validated newtypes, and the rules that turn a raw
//! submission into a registration ("parse, don't validate").

use std::collections::BTreeMap;
use std::fmt;

/// A participant's full name: 1–100 characters after trimming, any script, no
/// control characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FullName(String);

impl FullName {
    pub const MAX_CHARS: usize = 100;

    pub fn parse(input: &str) -> Result<Self, String> {
        let value = bounded_text(input, Self::MAX_CHARS)?;
        Ok(Self(value))
    }
}

impl AsRef<str> for FullName {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// The organization a participant represents: 1–150 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Organization(String);

impl Organization {
    pub const MAX_CHARS: usize = 150;

    pub fn parse(input: &str) -> Result<Self, String> {
        Ok(Self(bounded_text(input, Self::MAX_CHARS)?))
    }
}

impl AsRef<str> for Organization {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// An optional job title: at most 100 characters; blank means absent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Designation(String);

impl Designation {
    pub const MAX_CHARS: usize = 100;

    pub fn parse(input: &str) -> Result<Option<Self>, String> {
        if input.trim().is_empty() {
            return Ok(None);
        }
        Ok(Some(Self(bounded_text(input, Self::MAX_CHARS)?)))
    }
}

impl AsRef<str> for Designation {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// An optional phone number: at most 32 characters of digits, spaces and `+-()`,
/// with at least one digit; blank means absent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phone(String);

impl Phone {
    pub const MAX_CHARS: usize = 32;

    pub fn parse(input: &str) -> Result<Option<Self>, String> {
        let value = input.trim();
        if value.is_empty() {
            return Ok(None);
        }
        if value.chars().count() > Self::MAX_CHARS {
            return Err(format!("must be at most {} characters", Self::MAX_CHARS));
        }
        if !value
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '+' | '-' | '(' | ')'))
        {
            return Err("may contain only digits, spaces and + - ( )".into());
        }
        if !value.chars().any(|c| c.is_ascii_digit()) {
            return Err("must contain digits".into());
        }
        Ok(Some(Self(value.to_owned())))
    }
}

impl AsRef<str> for Phone {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// An ISO 3166-1 alpha-2 country code, stored upper-case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Country(isocountry::CountryCode);

impl Country {
    pub fn parse(input: &str) -> Result<Self, String> {
        let code = input.trim().to_ascii_uppercase();
        if code.len() != 2 {
            return Err("must be a two-letter ISO 3166-1 country code".into());
        }
        isocountry::CountryCode::for_alpha2(&code)
            .map(Self)
            .map_err(|_| "is not a known ISO 3166-1 country code".into())
    }

    pub fn code(&self) -> &'static str {
        self.0.alpha2()
    }

    pub fn name(&self) -> &'static str {
        self.0.name()
    }
}

/// A deliverable email address of the form `local@domain.tld`.
///
/// Stricter than RFC 5322 on purpose: no quoted local parts, no comments, no
/// white space, commas or angle brackets, ASCII only (SES needs IDN domains in
/// punycode), so the value can never smuggle a second recipient or a header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmailAddress(String);

impl EmailAddress {
    pub const MAX_CHARS: usize = 254;

    pub fn parse(input: &str) -> Result<Self, String> {
        const INVALID: &str = "must be one email address like name@example.org";
        let value = input.trim();
        if value.is_empty() {
            return Err("is required".into());
        }
        if value.len() > Self::MAX_CHARS {
            return Err(format!("must be at most {} characters", Self::MAX_CHARS));
        }
        let Some((local, domain)) = value.split_once('@') else {
            return Err(INVALID.into());
        };
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && local.chars().all(is_local_char)
            && !local.starts_with('.')
            && !local.ends_with('.')
            && !local.contains("..");
        let labels: Vec<&str> = domain.split('.').collect();
        let domain_ok = labels.len() >= 2
            && labels.iter().all(|label| {
                !label.is_empty()
                    && label.len() <= 63
                    && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                    && !label.starts_with('-')
                    && !label.ends_with('-')
            })
            && labels.last().is_some_and(|tld| {
                tld.len() >= 2
                    && (tld.chars().all(|c| c.is_ascii_alphabetic()) || tld.starts_with("xn--"))
            });
        // The crate checks the RFC grammar; the rules above narrow it to what SES delivers.
        if !local_ok || !domain_ok || !email_address::EmailAddress::is_valid(value) {
            return Err(INVALID.into());
        }
        Ok(Self(value.to_owned()))
    }

    /// The form used for uniqueness: addresses differing only in case are one.
    pub fn normalized(&self) -> String {
        self.0.to_lowercase()
    }
}

fn is_local_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~.".contains(c)
}

impl AsRef<str> for EmailAddress {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Trim, then require 1..=max characters with no control characters.
fn bounded_text(input: &str, max: usize) -> Result<String, String> {
    let value = input.trim();
    if value.is_empty() {
        return Err("is required".into());
    }
    if value.chars().count() > max {
        return Err(format!("must be at most {max} characters"));
    }
    if value.chars().any(is_forbidden_char) {
        return Err("must not contain control characters".into());
    }
    Ok(value.to_owned())
}

/// Control characters, and the Unicode line and paragraph separators that act like them.
fn is_forbidden_char(c: char) -> bool {
    c.is_control() || matches!(c, '\u{2028}' | '\u{2029}')
}

/// One field as it arrived, before any rule is applied.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
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
}

/// The message for each invalid field, keyed by field name.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FieldErrors(pub BTreeMap<&'static str, String>);

impl FieldErrors {
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0.get(field).map(String::as_str)
    }
}

/// A valid submission from a person.
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
        let mut errors = BTreeMap::new();
        let full_name = field(&mut errors, "full_name", &raw.full_name, FullName::parse);
        let email = field(&mut errors, "email", &raw.email, EmailAddress::parse);
        let country = field(&mut errors, "country", &raw.country, Country::parse);
        let organization = field(
            &mut errors,
            "organization",
            &raw.organization,
            Organization::parse,
        );
        let designation = optional_field(
            &mut errors,
            "designation",
            &raw.designation,
            Designation::parse,
        );
        let phone = optional_field(&mut errors, "phone", &raw.phone, Phone::parse);
        let consent = match &raw.consent {
            RawValue::Flag(true) => true,
            RawValue::Text(text) => {
                matches!(
                    text.trim().to_ascii_lowercase().as_str(),
                    "on" | "true" | "yes"
                )
            }
            _ => false,
        };
        if !consent {
            errors.insert(
                "consent",
                "must be given to register (tick the consent box)".into(),
            );
        }
        let bot = match &raw.website {
            RawValue::Absent => false,
            RawValue::Text(text) => !text.trim().is_empty(),
            _ => true,
        };
        if bot {
            return Ok(Submission::Bot);
        }
        match (full_name, email, country, organization, designation, phone) {
            (
                Some(full_name),
                Some(email),
                Some(country),
                Some(organization),
                Some(designation),
                Some(phone),
            ) if errors.is_empty() => Ok(Submission::Participant(NewRegistration {
                full_name,
                email,
                country,
                organization,
                designation,
                phone,
            })),
            _ => Err(FieldErrors(errors)),
        }
    }
}

fn field<T>(
    errors: &mut BTreeMap<&'static str, String>,
    name: &'static str,
    raw: &RawValue,
    parse: impl Fn(&str) -> Result<T, String>,
) -> Option<T> {
    let result = match raw {
        RawValue::Absent => Err("is required".to_owned()),
        RawValue::Text(text) => parse(text),
        RawValue::Flag(_) | RawValue::Other => Err("must be text".to_owned()),
    };
    result.map_err(|message| errors.insert(name, message)).ok()
}

fn optional_field<T>(
    errors: &mut BTreeMap<&'static str, String>,
    name: &'static str,
    raw: &RawValue,
    parse: impl Fn(&str) -> Result<Option<T>, String>,
) -> Option<Option<T>> {
    match raw {
        RawValue::Absent => Some(None),
        _ => field(errors, name, raw, parse),
    }
}

pub use crate::lifecycle::RegistrationStatus;

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn valid_raw() -> RawRegistration {
        RawRegistration {
            full_name: RawValue::Text("Ayesha Khan".into()),
            email: RawValue::Text("ayesha@example.org".into()),
            country: RawValue::Text("pk".into()),
            organization: RawValue::Text("Lahore Cells".into()),
            designation: RawValue::Absent,
            phone: RawValue::Absent,
            consent: RawValue::Flag(true),
            website: RawValue::Absent,
        }
    }

    #[test]
    fn names_in_any_script_are_accepted_and_trimmed() {
        for name in [
            "  علی رضایی ",
            "王小明",
            "Алексей Иванов",
            "Çağrı Yılmaz",
            "O'Brien-Smith",
        ] {
            let parsed = FullName::parse(name).unwrap();
            assert_eq!(parsed.as_ref(), name.trim());
        }
    }

    #[test]
    fn a_name_is_bounded_to_one_hundred_characters() {
        assert!(FullName::parse(&"ж".repeat(100)).is_ok());
        assert_eq!(
            FullName::parse(&"ж".repeat(101)).unwrap_err(),
            "must be at most 100 characters"
        );
        assert_eq!(FullName::parse("   ").unwrap_err(), "is required");
    }

    #[test]
    fn a_name_with_control_characters_is_refused() {
        for name in [
            "Ali\nBcc: x@y.z",
            "Ali\rX",
            "Ali\u{0}",
            "Ali\u{7f}",
            "A\u{2028}B",
        ] {
            assert!(FullName::parse(name).is_err(), "{name:?}");
        }
    }

    #[test]
    fn email_addresses_that_could_inject_are_refused() {
        for email in [
            "a@example.org\r\nBcc: b@example.org",
            "a@example.org\nx",
            "a@example.org, b@example.org",
            "a b@example.org",
            "\"a b\"@example.org",
            "a@example.org>",
            "<a@example.org>",
            "a@b@example.org",
            "a@localhost",
            "a@example.c",
            "a@-example.org",
            "a..b@example.org",
            "аня@example.org",
            "",
        ] {
            assert!(EmailAddress::parse(email).is_err(), "{email:?}");
        }
    }

    #[test]
    fn ordinary_email_addresses_are_accepted() {
        for email in [
            "a@example.org",
            "first.last+tag@sub.example.co.uk",
            "X_Y-z@EXAMPLE.ORG",
            "user@xn--80ak6aa92e.com",
        ] {
            assert_eq!(EmailAddress::parse(email).unwrap().as_ref(), email);
        }
    }

    #[test]
    fn email_uniqueness_ignores_case() {
        let a = EmailAddress::parse("Ayesha@Example.ORG").unwrap();
        let b = EmailAddress::parse("ayesha@example.org").unwrap();
        assert_eq!(a.normalized(), b.normalized());
        assert_eq!(a.as_ref(), "Ayesha@Example.ORG");
    }

    #[test]
    fn an_email_over_254_characters_is_refused() {
        let long = format!("{}@{}.org", "a".repeat(64), "b".repeat(200));
        assert!(long.len() > 254);
        assert_eq!(
            EmailAddress::parse(&long).unwrap_err(),
            "must be at most 254 characters"
        );
    }

    #[test]
    fn country_codes_are_case_insensitive_and_stored_upper_case() {
        assert_eq!(Country::parse("pk").unwrap().code(), "PK");
        assert_eq!(Country::parse(" Tr ").unwrap().code(), "TR");
        assert_eq!(Country::parse("KZ").unwrap().name(), "Kazakhstan");
        for bad in ["", "PAK", "ZZ", "P"] {
            assert!(Country::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn phone_allows_digits_spaces_and_punctuation_only() {
        assert_eq!(
            Phone::parse(" +92 (42) 123-4567 ")
                .unwrap()
                .unwrap()
                .as_ref(),
            "+92 (42) 123-4567"
        );
        assert_eq!(Phone::parse("  ").unwrap(), None);
        assert!(Phone::parse("123 ext 4").is_err());
        assert!(Phone::parse(&"1".repeat(33)).is_err());
        assert!(Phone::parse("()").is_err());
    }

    #[test]
    fn designation_is_optional_and_bounded() {
        assert_eq!(Designation::parse("").unwrap(), None);
        assert!(Designation::parse(&"x".repeat(101)).is_err());
        assert_eq!(
            Designation::parse(" CTO ").unwrap().unwrap().as_ref(),
            "CTO"
        );
    }

    #[test]
    fn a_valid_submission_becomes_a_registration() {
        let Submission::Participant(reg) = Submission::try_from(&valid_raw()).unwrap() else {
            panic!("expected a participant");
        };
        assert_eq!(reg.full_name.as_ref(), "Ayesha Khan");
        assert_eq!(reg.country.code(), "PK");
        assert_eq!(reg.designation, None);
    }

    #[test]
    fn every_invalid_field_is_named() {
        let raw = RawRegistration {
            full_name: RawValue::Text(" ".into()),
            email: RawValue::Text("nope".into()),
            country: RawValue::Text("XX".into()),
            organization: RawValue::Absent,
            designation: RawValue::Text("d".repeat(101)),
            phone: RawValue::Text("abc".into()),
            consent: RawValue::Flag(false),
            website: RawValue::Absent,
        };
        let errors = Submission::try_from(&raw).unwrap_err();
        let fields: Vec<_> = errors.0.keys().copied().collect();
        assert_eq!(
            fields,
            [
                "consent",
                "country",
                "designation",
                "email",
                "full_name",
                "organization",
                "phone"
            ]
        );
    }

    #[test]
    fn consent_accepts_json_true_and_form_words_only() {
        for consent in [
            RawValue::Flag(true),
            RawValue::Text("on".into()),
            RawValue::Text("YES".into()),
            RawValue::Text("true".into()),
        ] {
            let raw = RawRegistration {
                consent,
                ..valid_raw()
            };
            assert!(Submission::try_from(&raw).is_ok());
        }
        for consent in [
            RawValue::Flag(false),
            RawValue::Absent,
            RawValue::Text("no".into()),
            RawValue::Other,
        ] {
            let raw = RawRegistration {
                consent,
                ..valid_raw()
            };
            assert!(
                Submission::try_from(&raw)
                    .unwrap_err()
                    .get("consent")
                    .is_some()
            );
        }
    }

    #[test]
    fn a_filled_honeypot_is_a_bot_even_when_other_fields_are_invalid() {
        let raw = RawRegistration {
            website: RawValue::Text("http://spam.example".into()),
            email: RawValue::Text("bad".into()),
            ..valid_raw()
        };
        assert_eq!(Submission::try_from(&raw).unwrap(), Submission::Bot);
        let blank = RawRegistration {
            website: RawValue::Text("  ".into()),
            ..valid_raw()
        };
        assert!(matches!(
            Submission::try_from(&blank).unwrap(),
            Submission::Participant(_)
        ));
    }

    #[test]
    fn non_text_json_values_are_refused_per_field() {
        let raw = RawRegistration {
            full_name: RawValue::Other,
            phone: RawValue::Flag(true),
            ..valid_raw()
        };
        let errors = Submission::try_from(&raw).unwrap_err();
        assert_eq!(errors.get("full_name"), Some("must be text"));
        assert_eq!(errors.get("phone"), Some("must be text"));
    }

    proptest! {
        #[test]
        fn every_accepted_email_is_free_of_separators(s in "\\PC{0,80}|[a-z.,+ \r\n@-]{1,40}") {
            if let Ok(email) = EmailAddress::parse(&s) {
                let v = email.as_ref();
                prop_assert!(!v.contains(['\r', '\n', ',', ' ', '<', '>', '"']));
                prop_assert_eq!(v.matches('@').count(), 1);
            }
        }

        #[test]
        fn parsing_an_accepted_email_again_is_idempotent(local in "[a-z0-9._+-]{1,20}", domain in "[a-z0-9-]{1,20}", tld in "[a-z]{2,6}") {
            let input = format!("{local}@{domain}.{tld}");
            if let Ok(email) = EmailAddress::parse(&input) {
                let again = EmailAddress::parse(email.as_ref()).unwrap();
                prop_assert_eq!(again.normalized(), email.normalized());
                prop_assert_eq!(again.normalized(), again.normalized().to_lowercase());
            }
        }

        #[test]
        fn accepted_names_have_no_control_characters_and_fit(s in "\\PC{0,120}|[a-z\t\r\n\u{0}]{0,20}") {
            if let Ok(name) = FullName::parse(&s) {
                let v = name.as_ref();
                prop_assert!(!v.chars().any(char::is_control));
                prop_assert!((1..=100).contains(&v.chars().count()));
                prop_assert_eq!(v, v.trim());
                prop_assert_eq!(FullName::parse(v).unwrap(), name.clone());
            }
        }

        #[test]
        fn validation_never_panics(name in ".*", email in ".*", country in ".*", phone in ".*") {
            let raw = RawRegistration {
                full_name: RawValue::Text(name),
                email: RawValue::Text(email),
                country: RawValue::Text(country),
                phone: RawValue::Text(phone),
                ..valid_raw()
            };
            let _ = Submission::try_from(&raw);
        }
    }
}
