//! Why a field's value was refused: the rule it broke, as a value, so that
//! each language says it in its own words (the catalogs' `error-*` messages)
//! and no rule's text is written in code.

/// The rule a field's value broke. Its words are the catalog message
/// [`Invalid::message_id`] names; in English, its `Display` (for operators:
/// configuration and program files).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Invalid {
    Required,
    /// A JSON value that is not a string (a number, an array, an object).
    NotText,
    TooLong {
        max: usize,
    },
    Control,
    FormatCharacters,
    /// A zero-width joiner or non-joiner that is not between two letters.
    Joiner,
    WebAddress,
    Email,
    PhoneCharacters,
    PhoneDigits,
    CountryCode,
    CountryUnknown,
    /// The consent box was not ticked.
    Consent,
    /// The program named is not one open for registration here.
    ProgramUnknown,
    /// No program was named while several are open.
    ProgramRequired,
}

impl Invalid {
    /// The id of the catalog message that says what is wrong.
    pub fn message_id(self) -> &'static str {
        match self {
            Invalid::Required => "error-required",
            Invalid::NotText => "error-text",
            Invalid::TooLong { .. } => "error-too-long",
            Invalid::Control => "error-control",
            Invalid::FormatCharacters => "error-format-characters",
            Invalid::Joiner => "error-joiner",
            Invalid::WebAddress => "error-web-address",
            Invalid::Email => "error-email",
            Invalid::PhoneCharacters => "error-phone-characters",
            Invalid::PhoneDigits => "error-phone-digits",
            Invalid::CountryCode => "error-country-code",
            Invalid::CountryUnknown => "error-country-unknown",
            Invalid::Consent => "error-consent",
            Invalid::ProgramUnknown => "error-program-unknown",
            Invalid::ProgramRequired => "error-program-required",
        }
    }

    /// The most characters the field takes, for the message that says so.
    pub fn max(self) -> Option<usize> {
        match self {
            Invalid::TooLong { max } => Some(max),
            _ => None,
        }
    }
}
