//! A participant's email address: the one value of theirs that reaches a header
//! (the recipient), so its rule is the strictest.

use super::Redacted;
use super::invalid::Invalid;
use std::fmt;

/// A deliverable email address of the form `local@domain.tld`, held in ASCII.
///
/// Stricter than RFC 5322 on purpose: no quoted local parts, no comments, no
/// white space, commas or angle brackets, an ASCII local part, so the value can
/// never smuggle a second recipient or a header. A domain in any script
/// (`ali@دانشگاه.ir`) is held in its ASCII (Punycode) form, the one SES sends
/// to, so both forms of one address are one registration.
#[derive(Clone, PartialEq, Eq)]
pub struct EmailAddress(String);

impl EmailAddress {
    pub const MAX_CHARS: usize = 254;

    pub fn parse(input: &str) -> Result<Self, Invalid> {
        let value = input.trim();
        if value.is_empty() {
            return Err(Invalid::Required);
        }
        let too_long = Invalid::TooLong {
            max: Self::MAX_CHARS,
        };
        if value.chars().count() > Self::MAX_CHARS {
            return Err(too_long);
        }
        let Some((local, domain)) = value.split_once('@') else {
            return Err(Invalid::Email);
        };
        let domain = ascii_domain(domain).ok_or(Invalid::Email)?;
        let value = format!("{local}@{domain}");
        if value.len() > Self::MAX_CHARS {
            return Err(too_long);
        }
        // The crate checks the RFC grammar; the rules here narrow it to what SES delivers.
        if !is_local_part(local)
            || !is_ascii_domain(&domain)
            || !email_address::EmailAddress::is_valid(&value)
        {
            return Err(Invalid::Email);
        }
        Ok(Self(value))
    }

    /// The form used for uniqueness: addresses differing only in case are one.
    pub fn normalized(&self) -> String {
        self.0.to_lowercase()
    }
}

/// The domain as SES sends to it: as typed when it is ASCII, else its IDNA
/// (UTS 46, with the DNS's rules) ASCII form; `None` when it is no domain.
fn ascii_domain(domain: &str) -> Option<String> {
    if domain.is_ascii() {
        return Some(domain.to_owned());
    }
    idna::domain_to_ascii_strict(domain).ok()
}

fn is_local_part(local: &str) -> bool {
    !local.is_empty()
        && local.len() <= 64
        && local.chars().all(is_local_char)
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
}

/// Two or more ASCII labels; the last of at least two letters, or Punycode.
fn is_ascii_domain(domain: &str) -> bool {
    let labels: Vec<&str> = domain.split('.').collect();
    labels.len() >= 2
        && labels.iter().all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                && !label.starts_with('-')
                && !label.ends_with('-')
        })
        && labels.last().is_some_and(|tld| {
            tld.len() >= 2
                && (tld.chars().all(|c| c.is_ascii_alphabetic())
                    || tld.to_ascii_lowercase().starts_with("xn--"))
        })
}

fn is_local_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~.".contains(c)
}

impl AsRef<str> for EmailAddress {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("EmailAddress")
            .field(&Redacted(&self.0))
            .finish()
    }
}

impl fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn email_addresses_that_could_inject_are_refused() {
        for email in [
            "a@example.org\r\nBcc: b@example.org",
            "a@example.org\nx",
            "a@example.org, b@example.org",
            "a b@example.org",
            "\"a b\"@example.org",
            "a@example.org>",
            "<a@example.org>",
            "a@b@example.org",
            "a@localhost",
            "a@example.c",
            "a@-example.org",
            "a..b@example.org",
            "аня@example.org",
            "",
        ] {
            assert!(EmailAddress::parse(email).is_err(), "{email:?}");
        }
    }

    #[test]
    fn ordinary_email_addresses_are_accepted() {
        for email in [
            "a@example.org",
            "first.last+tag@sub.example.co.uk",
            "X_Y-z@EXAMPLE.ORG",
            "user@xn--80ak6aa92e.com",
        ] {
            assert_eq!(EmailAddress::parse(email).unwrap().as_ref(), email);
        }
    }

    #[test]
    fn a_domain_in_any_script_is_held_in_its_punycode_form() {
        for (typed, held) in [
            ("ali@دانشگاه.ir", "ali@xn--mgbawv3gi04e.ir"),
            ("user@bücher.de", "user@xn--bcher-kva.de"),
            ("User@BÜCHER.de", "User@xn--bcher-kva.de"),
            ("a@пример.рф", "a@xn--e1afmkfd.xn--p1ai"),
            ("a@مثال。com", "a@xn--mgbh0fb.com"), // the ideographic full stop is a dot
        ] {
            assert_eq!(
                EmailAddress::parse(typed).unwrap().as_ref(),
                held,
                "{typed:?}"
            );
        }
    }

    #[test]
    fn the_unicode_and_punycode_forms_of_an_address_are_one_address() {
        let unicode = EmailAddress::parse("Ali@دانشگاه.IR").unwrap();
        for other in ["ali@xn--mgbawv3gi04e.ir", "ALI@XN--MGBAWV3GI04E.IR"] {
            let other = EmailAddress::parse(other).unwrap();
            assert_eq!(unicode.normalized(), other.normalized());
        }
        assert_eq!(unicode.normalized(), "ali@xn--mgbawv3gi04e.ir");
    }

    #[test]
    fn a_domain_in_any_script_is_still_one_domain_with_an_ascii_local_part() {
        for email in [
            "علی@دانشگاه.ir", // the local part stays ASCII
            "a@دانشگاه",      // no top-level domain
            "a@دانشگاه .ir",  // a space
            "a@-bücher.de",   // a hyphen at a label's edge
            "a@bücher..de",
            "a@bücher.de, b@example.org",
            "a@bücher.de\r\nBcc: b@example.org",
            "a@b@bücher.de",
        ] {
            assert!(EmailAddress::parse(email).is_err(), "{email:?}");
        }
    }

    #[test]
    fn email_uniqueness_ignores_case() {
        let a = EmailAddress::parse("Ayesha@Example.ORG").unwrap();
        let b = EmailAddress::parse("ayesha@example.org").unwrap();
        assert_eq!(a.normalized(), b.normalized());
        assert_eq!(a.as_ref(), "Ayesha@Example.ORG");
    }

    #[test]
    fn an_email_over_254_characters_is_refused() {
        let long = format!("{}@{}.org", "a".repeat(64), "b".repeat(200));
        assert!(long.len() > 254);
        assert_eq!(
            EmailAddress::parse(&long).unwrap_err(),
            Invalid::TooLong { max: 254 }
        );
    }

    proptest! {
        #[test]
        fn every_accepted_email_is_ascii_free_of_separators(s in "\\PC{0,80}|[a-z.,+ \r\n@-]{1,40}|[a-z]{1,5}@[a-zü دانشگاه.,。-]{1,20}") {
            if let Ok(email) = EmailAddress::parse(&s) {
                let v = email.as_ref();
                prop_assert!(v.is_ascii());
                prop_assert!(!v.contains(['\r', '\n', ',', ' ', '<', '>', '"']));
                prop_assert_eq!(v.matches('@').count(), 1);
            }
        }

        #[test]
        fn parsing_an_accepted_email_again_is_idempotent(local in "[a-z0-9._+-]{1,20}", domain in "[a-z0-9-]{1,20}", tld in "[a-z]{2,6}") {
            let input = format!("{local}@{domain}.{tld}");
            if let Ok(email) = EmailAddress::parse(&input) {
                let again = EmailAddress::parse(email.as_ref()).unwrap();
                prop_assert_eq!(again.normalized(), email.normalized());
                prop_assert_eq!(again.normalized(), again.normalized().to_lowercase());
            }
        }
    }
}
