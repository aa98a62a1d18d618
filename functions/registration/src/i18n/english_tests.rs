//! The English catalog says what the code said before the catalogs: the
//! problems' and the field rules' words, said in every language, and the
//! English plurals and places as they read.

use super::{Arg, Catalog, Language};
use crate::domain::{EmailAddress, FullName};
use crate::web::Problem;

fn en(id: &str) -> String {
    Catalog::new(Language::En).text(id)
}

/// Fluent isolates placeholders; today's code does not.
fn en_with(id: &str, args: &[(&str, Arg<'_>)]) -> String {
    Catalog::new(Language::En)
        .format(id, args)
        .replace(['\u{2068}', '\u{2069}'], "")
}

#[test]
fn every_problem_has_its_title_and_detail_in_every_language() {
    use Problem::*;
    for problem in [
        MalformedBody,
        RegistrationClosed,
        RegistrationNotOpen,
        AlreadyRegistered,
        PayloadTooLarge,
        UnsupportedMediaType,
        Validation,
        TooManyRequests,
        Internal,
        Unavailable,
        NotFound,
        MethodNotAllowed,
        CrossSite,
        MissingToken,
        UnknownToken,
        EventStarted,
    ] {
        let slug = problem.slug();
        for language in Language::ALL {
            let cat = Catalog::new(language);
            for part in ["title", "detail"] {
                let id = format!("problem-{slug}-{part}");
                assert_ne!(cat.text(&id), id, "{}: {id}", language.code());
            }
        }
    }
    assert_eq!(RegistrationNotOpen.title(), "Registration is not open yet");
    assert_eq!(
        AlreadyRegistered.detail_in(Language::En),
        en("problem-already-registered-detail")
    );
}

#[test]
fn every_field_rule_has_its_words_in_every_language() {
    use crate::domain::Invalid::*;
    for rule in [
        Required,
        NotText,
        TooLong { max: 100 },
        Control,
        FormatCharacters,
        Joiner,
        WebAddress,
        Email,
        PhoneCharacters,
        PhoneDigits,
        CountryCode,
        CountryUnknown,
        Consent,
        ProgramUnknown,
        ProgramRequired,
    ] {
        for language in Language::ALL {
            let said = Catalog::new(language).invalid(rule);
            assert_ne!(said, rule.message_id(), "{}", language.code());
        }
    }
    assert_eq!(
        EmailAddress::parse("a@b").unwrap_err().to_string(),
        "must be one email address like name@example.org"
    );
    assert_eq!(
        FullName::parse(&"a".repeat(101)).unwrap_err().to_string(),
        en_with("error-too-long", &[("max", 100u32.into())])
    );
}

#[test]
fn the_english_plurals_and_places_read_as_today() {
    assert_eq!(
        en_with("waitlisted-place", &[("position", 3u32.into())]),
        "Every seat is taken. You are number 3 in line; we will email you if a seat becomes free."
    );
    assert!(
        en_with("form-consent", &[("days", 90u32.into())])
            .ends_with("They are deleted 90 days after the webinar.")
    );
    assert_eq!(
        en_with("confirmation-subject", &[("title", "T".into())]),
        "Please confirm your registration: T"
    );
    assert_eq!(
        en_with(
            "field-message",
            &[
                ("field", "Email address".into()),
                ("message", "is required".into())
            ]
        ),
        "Email address is required"
    );
}
