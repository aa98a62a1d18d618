//! A refused field's rule in words: each language's from its catalog, and the
//! English ones for the operators' messages (configuration, program files).

use super::{Arg, Catalog, Language};
use crate::domain::Invalid;
use std::fmt;

impl Catalog {
    /// What `invalid` says in this catalog's language: the fragment a JSON
    /// answer's `errors` carry, and the form joins to the field's label.
    pub fn invalid(self, invalid: Invalid) -> String {
        match invalid.max() {
            Some(max) => {
                let max = u64::try_from(max).unwrap_or(u64::MAX);
                self.format(invalid.message_id(), &[("max", Arg::Number(max))])
            }
            None => self.text(invalid.message_id()),
        }
    }
}

/// In English, without the isolates placeholders get on pages.
impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = Catalog::new(Language::En).invalid(*self);
        f.write_str(&text.replace(['\u{2068}', '\u{2069}'], ""))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rule_is_said_in_each_language_with_its_number() {
        assert_eq!(
            Invalid::TooLong { max: 100 }.to_string(),
            "must be at most 100 characters"
        );
        assert_eq!(Invalid::Required.to_string(), "is required");
        let russian = Catalog::new(Language::Ru).invalid(Invalid::TooLong { max: 100 });
        assert_eq!(
            russian.replace(['\u{2068}', '\u{2069}'], ""),
            "не более 100 символов"
        );
        assert_eq!(
            Catalog::new(Language::Fa).invalid(Invalid::Required),
            Catalog::new(Language::Fa).text("error-required")
        );
    }
}
