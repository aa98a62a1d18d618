//! Tests of the rules in `submission.rs`.
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
        program: RawValue::Absent,
        language: RawValue::Absent,
    }
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
        program: RawValue::Absent,
        language: RawValue::Absent,
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
    assert_eq!(errors.get("full_name"), Some(Invalid::NotText));
    assert_eq!(errors.get("phone"), Some(Invalid::NotText));
}

#[test]
fn field_names_round_trip() {
    for field in Field::ALL {
        assert_eq!(Field::from_name(field.name()), Some(field));
    }
    assert_eq!(Field::from_name("extra"), None);
}

#[test]
fn submissions_print_redacted_in_debug() {
    let raw = RawRegistration {
        phone: RawValue::Text("+92 300 1234567".into()),
        designation: RawValue::Text("Chief Chemist".into()),
        ..valid_raw()
    };
    let Submission::Participant(registration) = Submission::try_from(&raw).unwrap() else {
        panic!("expected a participant");
    };
    let secrets = [
        "Ayesha Khan",
        "ayesha@example.org",
        "Lahore Cells",
        "Chief Chemist",
        "+92 300 1234567",
    ];
    for shown in [
        format!("{raw:?}"),
        format!("{raw:#?}"),
        format!("{registration:?}"),
        format!("{:?}", Submission::Participant(registration.clone())),
        format!("{:?}", raw.full_name),
    ] {
        for secret in secrets {
            assert!(!shown.contains(secret), "{shown}");
        }
    }
    assert!(format!("{registration:?}").contains("PAK"));
    assert_eq!(format!("{:?}", raw.full_name), "Text(<redacted, 11 chars>)");
    assert_eq!(format!("{:?}", raw.consent), "Flag(true)");
}

#[test]
fn field_errors_never_quote_what_was_typed() {
    let raw = RawRegistration {
        full_name: RawValue::Text(format!("Ayesha Khan{}", "x".repeat(100))),
        email: RawValue::Text("ayesha@example".into()),
        phone: RawValue::Text("+92 300 1234567 ext".into()),
        ..valid_raw()
    };
    let shown = format!("{:?}", Submission::try_from(&raw).unwrap_err());
    for secret in ["Ayesha Khan", "ayesha@example", "+92 300"] {
        assert!(!shown.contains(secret), "{shown}");
    }
}

#[test]
fn invisible_characters_and_web_addresses_are_refused_naming_each_field() {
    let raw = RawRegistration {
        full_name: RawValue::Text("Ayesha https://x.example".into()),
        organization: RawValue::Text("Lahore\u{202E}Cells".into()),
        designation: RawValue::Text("Chief\u{200B}Chemist".into()),
        ..valid_raw()
    };
    let errors = Submission::try_from(&raw).unwrap_err();
    let fields: Vec<_> = errors.0.keys().copied().collect();
    assert_eq!(fields, ["designation", "full_name", "organization"]);
    let shown = format!("{errors:?}");
    for typed in ["Ayesha", "x.example", "Lahore", "Cells", "Chief", "Chemist"] {
        assert!(!shown.contains(typed), "{shown}");
    }
    for (text, field) in [("A\u{2066}B", "full_name"), ("\u{FEFF}AB", "organization")] {
        let mut raw = valid_raw();
        *raw.get_mut(Field::from_name(field).unwrap()) = RawValue::Text(text.into());
        let errors = Submission::try_from(&raw).unwrap_err();
        assert_eq!(errors.0.keys().copied().collect::<Vec<_>>(), [field]);
    }
}

#[test]
fn a_decomposed_name_becomes_a_registration_composed() {
    let raw = RawRegistration {
        full_name: RawValue::Text("C\u{327}ag\u{306}r\u{131} Y\u{131}lmaz".into()),
        ..valid_raw()
    };
    let Submission::Participant(registration) = Submission::try_from(&raw).unwrap() else {
        panic!("expected a participant");
    };
    assert_eq!(registration.full_name.as_ref(), "Çağrı Yılmaz");
}

#[test]
fn a_persian_participant_registers_as_typed_on_a_persian_keyboard() {
    let raw = RawRegistration {
        full_name: RawValue::Text("علی\u{200C}رضا محمدی".into()),
        email: RawValue::Text("ali@دانشگاه.ir".into()),
        country: RawValue::Text("ir".into()),
        organization: RawValue::Text("دانشگاه صنعتی شریف".into()),
        designation: RawValue::Text("کارشناس\u{200C}ارشد".into()),
        phone: RawValue::Text("+۹۸ ۹۱۲ ۳۴۵ ۶۷۸۹".into()),
        ..valid_raw()
    };
    let Submission::Participant(registration) = Submission::try_from(&raw).unwrap() else {
        panic!("expected a participant");
    };
    assert_eq!(registration.full_name.as_ref(), "علی\u{200C}رضا محمدی");
    assert_eq!(registration.email.as_ref(), "ali@xn--mgbawv3gi04e.ir");
    assert_eq!(
        registration.designation.as_ref().map(AsRef::as_ref),
        Some("کارشناس\u{200C}ارشد")
    );
    assert_eq!(
        registration.phone.as_ref().map(AsRef::as_ref),
        Some("+98 912 345 6789")
    );
}

#[test]
fn a_bare_domain_as_a_name_is_refused_naming_the_name() {
    let raw = RawRegistration {
        full_name: RawValue::Text("pay-help.com".into()),
        ..valid_raw()
    };
    let errors = Submission::try_from(&raw).unwrap_err();
    assert_eq!(errors.0.keys().copied().collect::<Vec<_>>(), ["full_name"]);
}

proptest! {
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
