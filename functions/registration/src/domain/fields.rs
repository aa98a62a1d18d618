//! The participant's text fields and country as validated newtypes: each `parse`
//! is the one place its rule lives. Each prints redacted in `Debug`, except the
//! country code, which is no personal data.

use super::Redacted;
use std::fmt;

/// A participant's full name: 1–100 characters after trimming, any script, no
/// control characters.
#[derive(Clone, PartialEq, Eq)]
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

impl fmt::Debug for FullName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("FullName").field(&Redacted(&self.0)).finish()
    }
}

/// The organization a participant represents: 1–150 characters.
#[derive(Clone, PartialEq, Eq)]
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

impl fmt::Debug for Organization {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Organization")
            .field(&Redacted(&self.0))
            .finish()
    }
}

/// An optional job title: at most 100 characters; blank means absent.
#[derive(Clone, PartialEq, Eq)]
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

impl fmt::Debug for Designation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Designation")
            .field(&Redacted(&self.0))
            .finish()
    }
}

/// An optional phone number: at most 32 characters of digits, spaces and `+-()`,
/// with at least one digit; blank means absent.
#[derive(Clone, PartialEq, Eq)]
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

impl fmt::Debug for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Phone").field(&Redacted(&self.0)).finish()
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::EmailAddress;
    use proptest::prelude::*;

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
    fn personal_values_print_redacted_in_debug() {
        let name = FullName::parse("Ayesha Khan").unwrap();
        let email = EmailAddress::parse("ayesha@example.org").unwrap();
        let organization = Organization::parse("Lahore Cells").unwrap();
        let designation = Designation::parse("Chief Chemist").unwrap().unwrap();
        let phone = Phone::parse("+92 300 1234567").unwrap().unwrap();
        for (shown, secret) in [
            (format!("{name:?}"), "Ayesha Khan"),
            (format!("{email:?}"), "ayesha@example.org"),
            (format!("{organization:?}"), "Lahore Cells"),
            (format!("{designation:?}"), "Chief Chemist"),
            (format!("{phone:?}"), "+92 300 1234567"),
            (format!("{email:#?}"), "ayesha@example.org"),
        ] {
            assert!(!shown.contains(secret), "{shown}");
            assert!(shown.contains("redacted"), "{shown}");
        }
        assert_eq!(format!("{name:?}"), "FullName(<redacted, 11 chars>)");
    }

    #[test]
    fn a_country_code_shows_in_debug() {
        assert_eq!(
            format!("{:?}", Country::parse("pk").unwrap()),
            "Country(PAK)"
        );
    }

    proptest! {
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

    }
}
