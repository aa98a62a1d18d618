//! The rule the free-text fields share: NFC, trimmed, bounded, no control
//! characters and no invisible format character, except the joiners that
//! Persian, Urdu, Pashto and Indic names need, between two letters.

use super::Invalid;
use icu_normalizer::ComposingNormalizerBorrowed;
use icu_properties::CodePointMapData;
use icu_properties::props::{GeneralCategory, GeneralCategoryGroup};

/// The zero-width non-joiner (`علی‌رضا`, `می‌خواهم`).
pub(super) const ZWNJ: char = '\u{200C}';
/// The zero-width joiner (the virama + ZWJ of Indic conjuncts, `क्‍ष`).
pub(super) const ZWJ: char = '\u{200D}';

/// NFC-normalize and trim, then require 1..=max characters (counted composed)
/// with no control characters and no format characters but a joiner between
/// two letters.
pub(super) fn bounded_text(input: &str, max: usize) -> Result<String, Invalid> {
    let normalized = ComposingNormalizerBorrowed::new_nfc().normalize(input);
    let value = normalized.trim();
    if value.is_empty() {
        return Err(Invalid::Required);
    }
    if value.chars().count() > max {
        return Err(Invalid::TooLong { max });
    }
    if value.chars().any(is_forbidden_char) {
        return Err(Invalid::Control);
    }
    let chars: Vec<char> = value.chars().collect();
    let mut stray = (0..chars.len())
        .filter(|&i| is_format_char(chars[i]) && !joins_letters(&chars, i))
        .map(|i| chars[i]);
    match stray.clone().next() {
        None => Ok(value.to_owned()),
        // Only joiners out of place: their own message, as they were typed on purpose.
        Some(_) if stray.all(is_joiner) => Err(Invalid::Joiner),
        Some(_) => Err(Invalid::FormatCharacters),
    }
}

/// Control characters, and the Unicode line and paragraph separators that act like them.
fn is_forbidden_char(c: char) -> bool {
    c.is_control() || matches!(c, '\u{2028}' | '\u{2029}')
}

/// General category Cf: bidirectional controls that reorder what a reader sees,
/// zero-width characters, the byte-order mark, the soft hyphen, tag characters.
pub(super) fn is_format_char(c: char) -> bool {
    category(c) == GeneralCategory::Format
}

fn is_joiner(c: char) -> bool {
    matches!(c, ZWNJ | ZWJ)
}

/// Whether `chars[i]` is a joiner with a letter (with any combining marks it
/// carries) before it and a letter right after it: never at an edge, beside a
/// space, digit or punctuation, or next to another joiner.
pub(super) fn joins_letters(chars: &[char], i: usize) -> bool {
    let before = chars[..i].iter().rev().find(|&&c| !is_mark(c));
    is_joiner(chars[i])
        && before.is_some_and(|&c| is_letter(c))
        && chars.get(i + 1).is_some_and(|&c| is_letter(c))
}

fn category(c: char) -> GeneralCategory {
    CodePointMapData::<GeneralCategory>::new().get(c)
}

fn is_letter(c: char) -> bool {
    GeneralCategoryGroup::Letter.contains(category(c))
}

fn is_mark(c: char) -> bool {
    GeneralCategoryGroup::Mark.contains(category(c))
}
