//! The participant's fields as validated newtypes, the rules that turn a raw
//! submission into a registration ("parse, don't validate"), and where a
//! registration stands: its key, its status, the token behind its confirm and
//! cancel URLs, and SES's feedback on its emails.
//!
//! Whatever a participant typed prints redacted in `Debug`, so no log line, panic
//! or assertion message can carry it.

pub mod action_token;
mod email;
pub mod feedback;
mod fields;
mod invalid;
pub mod key;
pub mod lifecycle;
mod submission;
mod text;
mod web_address;

pub use crate::domain::lifecycle::RegistrationStatus;
pub use email::EmailAddress;
pub use fields::{Country, Designation, FullName, Organization, Phone};
pub use invalid::Invalid;
pub use submission::{
    CONSENT_WORDS, Field, FieldErrors, NewRegistration, RawRegistration, RawValue, Submission,
};

use std::fmt;

/// A participant's text in `Debug`: only its length shows.
pub(crate) struct Redacted<'a>(pub(crate) &'a str);

impl fmt::Debug for Redacted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "<redacted, {} chars>", self.0.chars().count())
    }
}
