//! The participant's text fields and country as validated newtypes: each `parse`
//! is the one place its rule lives. Each prints redacted in `Debug`, except the
//! country code, which is no personal data.
//!
//! The free-text fields reach emails sent from the organizers' domain, so they
//! hold NFC text with no control or invisible format characters, and a name
//! holds no web address: none can carry a disguised message.

use super::Redacted;
use icu_normalizer::ComposingNormalizerBorrowed;
use icu_properties::CodePointMapData;
use icu_properties::props::GeneralCategory;
use std::fmt;

/// A participant's full name: 1–100 characters after trimming, any script, no
/// control or format characters, no web address; stored in NFC.
#[derive(Clone, PartialEq, Eq)]
pub struct FullName(String);

impl FullName {
    pub const MAX_CHARS: usize = 100;

    pub fn parse(input: &str) -> Result<Self, String> {
        let value = bounded_text(input, Self::MAX_CHARS)?;
        if contains_web_address(&value) {
            return Err("must be a name, not a web address (no :// or www.)".into());
        }
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

/// The organization a participant represents: 1–150 characters, no control or
/// format characters; stored in NFC. A web address is allowed: it can be a name.
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

/// An optional job title: at most 100 characters, no control or format
/// characters; stored in NFC; blank means absent.
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

/// NFC-normalize and trim, then require 1..=max characters (counted composed)
/// with no control or format characters.
fn bounded_text(input: &str, max: usize) -> Result<String, String> {
    let normalized = ComposingNormalizerBorrowed::new_nfc().normalize(input);
    let value = normalized.trim();
    if value.is_empty() {
        return Err("is required".into());
    }
    if value.chars().count() > max {
        return Err(format!("must be at most {max} characters"));
    }
    if value.chars().any(is_forbidden_char) {
        return Err("must not contain control characters".into());
    }
    if value.chars().any(is_format_char) {
        return Err(
            "must not contain invisible formatting characters (direction marks, zero-width spaces)"
                .into(),
        );
    }
    Ok(value.to_owned())
}

/// Control characters, and the Unicode line and paragraph separators that act like them.
fn is_forbidden_char(c: char) -> bool {
    c.is_control() || matches!(c, '\u{2028}' | '\u{2029}')
}

/// General category Cf: bidirectional controls that reorder what a reader sees,
/// zero-width characters, the byte-order mark, the soft hyphen, tag characters.
fn is_format_char(c: char) -> bool {
    CodePointMapData::<GeneralCategory>::new().get(c) == GeneralCategory::Format
}

/// `://` or `www.`, in any case, also when typed in full-width or other
/// compatibility forms (`ｗｗｗ．`), which NFKC folds to the plain ones.
fn contains_web_address(value: &str) -> bool {
    let folded = ComposingNormalizerBorrowed::new_nfkc()
        .normalize(value)
        .to_lowercase();
    folded.contains("://") || folded.contains("www.")
}

#[cfg(test)]
#[path = "fields_tests.rs"]
mod tests;
