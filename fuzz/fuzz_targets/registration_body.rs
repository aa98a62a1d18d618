//! The request parser on arbitrary bytes: it never panics, and whatever it
//! accepts validates without panicking and yields only safe email addresses.

#![no_main]

use libfuzzer_sys::fuzz_target;
use registration::domain::Submission;
use registration::web::{BodyFormat, parse_registration};

fuzz_target!(|data: &[u8]| {
    let (format, body) = match data.split_first() {
        Some((first, rest)) if first % 2 == 0 => (BodyFormat::Json, rest),
        Some((_, rest)) => (BodyFormat::Form, rest),
        None => return,
    };
    if let Ok(raw) = parse_registration(format, body) {
        if let Ok(Submission::Participant(registration)) = Submission::try_from(&raw) {
            let email = registration.email.as_ref();
            assert!(!email.contains(['\r', '\n', ',', ' ']));
            assert_eq!(email.matches('@').count(), 1);
            assert!(!registration.full_name.as_ref().chars().any(char::is_control));
        }
    }
});
