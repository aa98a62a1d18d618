//! The participant's text fields and country as validated newtypes: each `parse`
//! is the one place its rule lives. Each prints redacted in `Debug`, except the
//! country code, which is no personal data.
//!
//! The free-text fields reach emails sent from the organizers' domain, so they
//! hold NFC text with no control or invisible format characters (but a joiner
//! between two letters), and a name holds no web address: none can carry a
//! disguised message.

use super::Redacted;
use super::invalid::Invalid;
use super::text::bounded_text;
use super::web_address::contains_web_address;
use std::fmt;

/// A participant's full name: 1–100 characters after trimming, any script, no
/// control or format characters (but ZWNJ/ZWJ between letters), no web
/// address (`://`, `www.`, a bare domain); stored in NFC.
#[derive(Clone, PartialEq, Eq)]
pub struct FullName(String);

impl FullName {
    pub const MAX_CHARS: usize = 100;

    pub fn parse(input: &str) -> Result<Self, Invalid> {
        let value = bounded_text(input, Self::MAX_CHARS)?;
        if contains_web_address(&value) {
            return Err(Invalid::WebAddress);
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

    pub fn parse(input: &str) -> Result<Self, Invalid> {
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

    pub fn parse(input: &str) -> Result<Option<Self>, Invalid> {
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
/// with at least one digit; blank means absent. Persian and Arabic-Indic digits
/// are accepted and stored as ASCII digits, so every number reads and dials alike.
#[derive(Clone, PartialEq, Eq)]
pub struct Phone(String);

impl Phone {
    pub const MAX_CHARS: usize = 32;

    pub fn parse(input: &str) -> Result<Option<Self>, Invalid> {
        let value: String = input.trim().chars().map(ascii_digit).collect();
        if value.is_empty() {
            return Ok(None);
        }
        if value.chars().count() > Self::MAX_CHARS {
            return Err(Invalid::TooLong {
                max: Self::MAX_CHARS,
            });
        }
        if !value
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '+' | '-' | '(' | ')'))
        {
            return Err(Invalid::PhoneCharacters);
        }
        if !value.chars().any(|c| c.is_ascii_digit()) {
            return Err(Invalid::PhoneDigits);
        }
        Ok(Some(Self(value)))
    }
}

/// A Persian (U+06F0–U+06F9) or Arabic-Indic (U+0660–U+0669) digit as its
/// ASCII digit; any other character as it is.
fn ascii_digit(c: char) -> char {
    let zero = match c {
        '\u{06F0}'..='\u{06F9}' => 0x06F0,
        '\u{0660}'..='\u{0669}' => 0x0660,
        _ => return c,
    };
    char::from_digit(u32::from(c) - zero, 10).unwrap_or(c)
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
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        let code = input.trim().to_ascii_uppercase();
        if code.len() != 2 {
            return Err(Invalid::CountryCode);
        }
        isocountry::CountryCode::for_alpha2(&code)
            .map(Self)
            .map_err(|_| Invalid::CountryUnknown)
    }

    pub fn code(&self) -> &'static str {
        self.0.alpha2()
    }

    pub fn name(&self) -> &'static str {
        self.0.name()
    }
}

#[cfg(test)]
#[path = "fields_tests.rs"]
mod tests;
