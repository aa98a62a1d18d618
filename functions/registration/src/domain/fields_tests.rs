//! Tests of the rules in `fields.rs`.
use super::*;
use crate::domain::EmailAddress;
use crate::domain::Invalid;
use crate::domain::text::is_format_char;
use icu_normalizer::ComposingNormalizerBorrowed;
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
        Invalid::TooLong { max: 100 }
    );
    assert_eq!(FullName::parse("   ").unwrap_err(), Invalid::Required);
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
fn persian_and_arabic_indic_phone_digits_are_stored_as_ascii_digits() {
    for (typed, stored) in [
        ("۰۹۱۲ ۳۴۵ ۶۷۸۹", "0912 345 6789"),         // Persian
        ("+٩٢ (٤٢) ١٢٣-٤٥٦٧", "+92 (42) 123-4567"), // Arabic-Indic
        (" +98 ۹۱۲ 345 ٦٧٨٩ ", "+98 912 345 6789"), // mixed, trimmed
    ] {
        assert_eq!(Phone::parse(typed).unwrap().unwrap().as_ref(), stored);
    }
    // The limit counts characters: 32 Persian digits fit, 33 do not.
    assert_eq!(
        Phone::parse(&"۱".repeat(32)).unwrap().unwrap().as_ref(),
        "1".repeat(32)
    );
    assert!(Phone::parse(&"۱".repeat(33)).is_err());
    // Other scripts' digits are still refused.
    assert!(Phone::parse("१२३४").is_err());
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

/// The invisible characters the contract names, each in the middle of a word.
const WITH_FORMAT_CHARACTERS: [&str; 8] = [
    "Ali\u{202E}nahK",  // right-to-left override
    "Ali\u{200B}Khan",  // zero-width space
    "Ali \u{2066}Khan", // left-to-right isolate
    "\u{FEFF}Ali Khan", // byte-order mark
    "Ali\u{200F}Khan",  // right-to-left mark
    "Ali\u{2060}Khan",  // word joiner
    "Ali\u{00AD}Khan",  // soft hyphen
    "Ali Khan\u{2069}", // pop directional isolate
];

/// The format characters the contract names, listed here apart from the
/// category table so the property below does not only check it against itself.
fn is_named_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{AD}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'
            | '\u{2066}'..='\u{2069}'
            | '\u{FEFF}'
    )
}

#[test]
fn names_organizations_and_designations_with_format_characters_are_refused() {
    let rule = Invalid::FormatCharacters;
    for text in WITH_FORMAT_CHARACTERS {
        assert_eq!(FullName::parse(text).unwrap_err(), rule, "{text:?}");
        assert_eq!(Organization::parse(text).unwrap_err(), rule, "{text:?}");
        assert_eq!(Designation::parse(text).unwrap_err(), rule, "{text:?}");
    }
}

/// Names that need a joiner between two letters: Persian, Urdu and Indic ones.
const WITH_JOINERS: [&str; 6] = [
    "علی\u{200C}رضا",      // Ali-Reza, ZWNJ
    "می\u{200C}خواهم",     // "I want", ZWNJ
    "क\u{94D}\u{200D}ष",   // an Indic conjunct: ka, virama, ZWJ, ssa
    "ن\u{64E}\u{200C}ر",   // a letter with its vowel mark before the ZWNJ
    "محمد علی\u{200C}پور", // in the second word of two
    "ک\u{200D}",           // not this one: see below
];

#[test]
fn zero_width_joiners_between_two_letters_are_accepted_and_kept() {
    for text in &WITH_JOINERS[..5] {
        assert_eq!(FullName::parse(text).unwrap().as_ref(), *text, "{text:?}");
        assert_eq!(Organization::parse(text).unwrap().as_ref(), *text);
        assert_eq!(Designation::parse(text).unwrap().unwrap().as_ref(), *text);
    }
    // Stored NFC: a decomposed letter before the joiner is composed.
    assert_eq!(
        FullName::parse("e\u{301}\u{200C}x").unwrap().as_ref(),
        "\u{E9}\u{200C}x"
    );
}

#[test]
fn zero_width_joiners_out_of_place_are_refused() {
    for text in [
        WITH_JOINERS[5],          // at the end
        "\u{200C}علی",            // at the start
        "علی \u{200C}رضا",        // after a space
        "علی\u{200C} رضا",        // before a space
        "علی\u{200C}\u{200C}رضا", // doubled
        "علی\u{200C}\u{200D}رضا", // two joiners
        "Ali\u{200C}1",           // beside a digit
        "1\u{200D}Ali",
        "Ali\u{200C}-Khan", // beside punctuation
        "Ali.\u{200D}Khan",
        "\u{1F468}\u{200D}\u{1F469}", // an emoji sequence is no letter
        "\u{301}\u{200C}x",           // a mark with no letter under it
    ] {
        assert_eq!(
            FullName::parse(text).unwrap_err(),
            Invalid::Joiner,
            "{text:?}"
        );
        assert_eq!(Organization::parse(text).unwrap_err(), Invalid::Joiner);
        assert_eq!(Designation::parse(text).unwrap_err(), Invalid::Joiner);
    }
}

#[test]
fn other_format_characters_stay_refused_between_letters_and_beside_a_joiner() {
    for text in [
        "علی\u{200B}رضا",         // zero-width space
        "علی\u{200F}رضا",         // right-to-left mark
        "علی\u{200C}رضا\u{2066}", // a good joiner and an isolate
    ] {
        assert_eq!(
            FullName::parse(text).unwrap_err(),
            Invalid::FormatCharacters,
            "{text:?}"
        );
    }
}

#[test]
fn a_name_with_a_web_address_is_refused() {
    for name in [
        "https://x.example",
        "Your mailbox is locked, unlock at http://",
        "WWW.example.org",
        "see www.example.org",
        "Ali hxxps://x",        // any `://`, whatever comes before it
        "ｗｗｗ．example．org", // full-width forms
        // Bare domains, with or without a path.
        "pay-help.com",
        "pay-help.com/x",
        "bit.ly/x",
        "Ayesha Khan pay-help.com",
        "Ali PAY-HELP.COM/unlock",
        "Ali ｐａｙ－ｈｅｌｐ．ｃｏｍ",
        "t.me/joinus",
    ] {
        assert_eq!(
            FullName::parse(name).unwrap_err(),
            Invalid::WebAddress,
            "{name:?}"
        );
    }
}

#[test]
fn names_with_dots_are_no_web_address() {
    // "www" alone, initials, titles and degrees are names.
    for name in [
        "Wwwa Dr. Smith",
        "J. R. R. Tolkien",
        "J.R.R. Tolkien",
        "Dr.Ali",
        "Dr.Ali Khan",
        "Z.Li",
        "Dr.Ma Yun",
        "Prof.Li",
        "Ali Khan, Ph.D.",
        "А.С. Пушкин",
    ] {
        assert_eq!(FullName::parse(name).unwrap().as_ref(), name);
    }
}

#[test]
fn an_organization_may_be_a_web_address() {
    for organization in ["www.example.org", "https://lahore-cells.example"] {
        assert_eq!(
            Organization::parse(organization).unwrap().as_ref(),
            organization
        );
    }
}

#[test]
fn names_in_arabic_chinese_cyrillic_and_turkish_script_are_kept_byte_for_byte() {
    let nfc = ComposingNormalizerBorrowed::new_nfc();
    for name in ["علی رضایی", "王小明", "Алексей Иванов", "Çağrı Yılmaz"]
    {
        assert!(nfc.is_normalized(name));
        assert_eq!(FullName::parse(name).unwrap().as_ref(), name);
        assert_eq!(Organization::parse(name).unwrap().as_ref(), name);
        assert_eq!(Designation::parse(name).unwrap().unwrap().as_ref(), name);
    }
}

#[test]
fn decomposed_text_is_stored_composed() {
    // C + combining cedilla, g + combining breve: "Çağrı" as some keyboards send it.
    let decomposed = "C\u{327}ag\u{306}r\u{131} Y\u{131}lmaz";
    let composed = "\u{C7}a\u{11F}r\u{131} Y\u{131}lmaz";
    assert_eq!(composed, "Çağrı Yılmaz");
    assert_eq!(FullName::parse(decomposed).unwrap().as_ref(), composed);
    assert_eq!(Organization::parse(decomposed).unwrap().as_ref(), composed);
    assert_eq!(
        Designation::parse(decomposed).unwrap().unwrap().as_ref(),
        composed
    );
}

#[test]
fn the_length_limit_counts_composed_characters() {
    // 100 characters once composed, 200 as typed.
    let decomposed = "e\u{301}".repeat(100);
    assert_eq!(
        FullName::parse(&decomposed).unwrap().as_ref(),
        "\u{E9}".repeat(100)
    );
    assert!(FullName::parse(&format!("{decomposed}e")).is_err());
}

/// Whether a joiner stands where the contract allows it, checked apart from
/// the rule: never at an edge, and beside neither white space, an ASCII digit
/// or punctuation, nor another joiner.
fn joiner_in_place(chars: &[char], i: usize) -> bool {
    let out_of_place = |c: &char| {
        c.is_whitespace() || c.is_ascii_digit() || c.is_ascii_punctuation() || is_joiner(*c)
    };
    i > 0 && i + 1 < chars.len() && !out_of_place(&chars[i - 1]) && !out_of_place(&chars[i + 1])
}

fn is_joiner(c: char) -> bool {
    matches!(c, '\u{200C}' | '\u{200D}')
}

proptest! {
    #[test]
    fn accepted_names_are_nfc_without_format_characters_but_joiners_between_letters(
        s in "[a-zA-Z .'1çÇğıİعلیرضا\u{300}-\u{36F}\u{64E}\u{AD}\u{200B}-\u{200F}\u{202A}-\u{202E}\u{2060}\u{2066}-\u{2069}\u{FEFF}]{0,40}|\\PC{0,120}"
    ) {
        let nfc = ComposingNormalizerBorrowed::new_nfc();
        for value in [
            FullName::parse(&s).ok().map(|v| v.as_ref().to_owned()),
            Organization::parse(&s).ok().map(|v| v.as_ref().to_owned()),
            Designation::parse(&s).ok().flatten().map(|v| v.as_ref().to_owned()),
        ]
        .into_iter()
        .flatten()
        {
            let chars: Vec<char> = value.chars().collect();
            prop_assert!(nfc.is_normalized(&value));
            for (i, &c) in chars.iter().enumerate() {
                prop_assert!(!is_format_char(c) || is_joiner(c));
                prop_assert!(!is_named_invisible(c) || is_joiner(c));
                prop_assert!(!is_joiner(c) || joiner_in_place(&chars, i), "{value:?}");
            }
            prop_assert_eq!(value.as_str(), value.trim());
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
    fn accepted_phones_are_ascii(s in "[0-9\u{660}-\u{669}\u{6F0}-\u{6F9} +()-]{0,40}") {
        if let Ok(Some(phone)) = Phone::parse(&s) {
            prop_assert!(phone.as_ref().is_ascii());
            prop_assert!(phone.as_ref().chars().count() <= Phone::MAX_CHARS);
            prop_assert_eq!(phone.as_ref().chars().count(), s.trim().chars().count());
        }
    }
}
