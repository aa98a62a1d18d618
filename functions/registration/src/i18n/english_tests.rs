//! The English catalog says what today's code says: each check below pairs a
//! text the code still writes itself with the message that is to replace it,
//! so wiring a page or an email to the catalog changes no English word.

use super::{Arg, Catalog, Language};
use crate::domain::{Country, EmailAddress, FullName, Phone};
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
fn every_problems_title_and_detail_is_the_english_catalogs() {
    use Problem::*;
    for problem in [
        MalformedBody,
        RegistrationClosed,
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
        assert_eq!(
            en(&format!("problem-{slug}-title")),
            problem.title(),
            "{slug}"
        );
        assert_eq!(
            en(&format!("problem-{slug}-detail")),
            problem.detail(),
            "{slug}"
        );
    }
}

#[test]
fn the_field_messages_are_the_english_catalogs() {
    let message = |result: Result<(), String>| result.unwrap_err();
    assert_eq!(
        message(FullName::parse(" ").map(drop)),
        en("error-required")
    );
    assert_eq!(
        message(EmailAddress::parse("").map(drop)),
        en("error-required")
    );
    assert_eq!(
        message(EmailAddress::parse("a@b").map(drop)),
        en("error-email")
    );
    assert_eq!(
        message(FullName::parse(&"a".repeat(101)).map(drop)),
        en_with("error-too-long", &[("max", 100u32.into())])
    );
    assert_eq!(
        message(FullName::parse("a\u{7}b").map(drop)),
        en("error-control")
    );
    assert_eq!(
        message(FullName::parse("a\u{200E}b").map(drop)),
        en("error-format-characters")
    );
    assert_eq!(
        message(FullName::parse("\u{200C}ab").map(drop)),
        en("error-joiner")
    );
    assert_eq!(
        message(FullName::parse("pay-help.com").map(drop)),
        en("error-web-address")
    );
    assert_eq!(
        message(Phone::parse("12a").map(drop)),
        en("error-phone-characters")
    );
    assert_eq!(
        message(Phone::parse("+()").map(drop)),
        en("error-phone-digits")
    );
    assert_eq!(
        message(Country::parse("PAK").map(drop)),
        en("error-country-code")
    );
    assert_eq!(
        message(Country::parse("XX").map(drop)),
        en("error-country-unknown")
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
