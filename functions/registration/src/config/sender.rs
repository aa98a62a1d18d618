//! The `From` of every email, as SES takes it.

use crate::domain::{EmailAddress, Redacted};
use std::fmt;

/// The `From` of every email, display name allowed: `Name <address>`. Held in
/// its header form: a display name in any script, or with characters a header
/// phrase cannot carry bare, is MIME encoded-words (RFC 2047), as SES requires.
#[derive(Clone, PartialEq, Eq)]
pub struct Sender(String);

impl Sender {
    pub fn parse(value: &str) -> Result<Self, String> {
        let (name, address) = match (value.rfind('<'), value.ends_with('>')) {
            (Some(open), true) => {
                let name = value[..open].trim();
                // Control characters include the line breaks.
                if name.contains(['<', '>', '"']) || name.chars().any(char::is_control) {
                    return Err(
                        "the display name must not contain <, >, quotes or line breaks".into(),
                    );
                }
                (name, &value[open + 1..value.len() - 1])
            }
            (None, false) => ("", value),
            _ => return Err("expected `address` or `Name <address>`".into()),
        };
        EmailAddress::parse(address).map_err(|e| format!("the address {e}"))?;
        Ok(Self(match name {
            "" => address.to_owned(),
            name if is_bare_phrase(name) => format!("{name} <{address}>"),
            name => format!("{} <{address}>", encoded_words(name)),
        }))
    }
}

/// Whether a display name can stand in a header as it is: words of RFC 5322
/// `atext` (no `.`, `,`, `(`, `:` and the other specials).
fn is_bare_phrase(name: &str) -> bool {
    name.chars()
        .all(|c| c.is_ascii_alphanumeric() || " !#$%&'*+-/=?^_`{|}~".contains(c))
}

/// `name` as RFC 2047 encoded-words (UTF-8, base64), each within the 75
/// characters the RFC allows, split between characters.
fn encoded_words(name: &str) -> String {
    use base64::Engine as _;
    // 45 bytes encode to 60 characters; with `=?UTF-8?B?` and `?=`, 72.
    const MAX_BYTES: usize = 45;
    let mut words = Vec::new();
    let mut chunk = String::new();
    for c in name.chars() {
        if chunk.len() + c.len_utf8() > MAX_BYTES {
            words.push(std::mem::take(&mut chunk));
        }
        chunk.push(c);
    }
    words.push(chunk);
    words
        .iter()
        .map(|w| {
            format!(
                "=?UTF-8?B?{}?=",
                base64::engine::general_purpose::STANDARD.encode(w)
            )
        })
        .collect::<Vec<_>>()
        .join(" ")
}

impl AsRef<str> for Sender {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// Redacted: `SENDER_EMAIL` may be a person's own mailbox.
impl fmt::Debug for Sender {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Sender").field(&Redacted(&self.0)).finish()
    }
}

/// `SES_CONFIGURATION_SET`: the configuration set every email is sent with
/// (SES's names: letters, digits, `_` and `-`, at most 64).
pub(super) fn configuration_set(
    r: &super::source::Reader<'_>,
) -> Result<Option<String>, super::ConfigError> {
    r.optional("SES_CONFIGURATION_SET")
        .map(|value| {
            r.parsed("SES_CONFIGURATION_SET", value, |v| {
                let ok = v.len() <= 64
                    && v.chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
                ok.then(|| v.to_owned())
                    .ok_or_else(|| "use letters, digits, '_' and '-' (at most 64)".into())
            })
        })
        .transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sender_accepts_a_display_name() {
        let seed = Sender::parse("BTBU-ECOSF Training <training@example.org>").unwrap();
        assert_eq!(seed.as_ref(), "BTBU-ECOSF Training <training@example.org>");
        let bare = Sender::parse("training@example.org").unwrap();
        assert_eq!(bare.as_ref(), "training@example.org");
        assert!(Sender::parse("Training <a@example.org").is_err());
        assert!(Sender::parse("Tr\"aining\" <a@example.org>").is_err());
        assert!(Sender::parse("Train\ting <a@example.org>").is_err());
    }

    /// Decode a header value made of RFC 2047 B-encoded words.
    fn decode_words(header_name: &str) -> String {
        use base64::Engine as _;
        header_name
            .split(' ')
            .map(|word| {
                let inner = word
                    .strip_prefix("=?UTF-8?B?")
                    .and_then(|w| w.strip_suffix("?="))
                    .unwrap_or_else(|| panic!("not an encoded-word: {word}"));
                let bytes = base64::engine::general_purpose::STANDARD
                    .decode(inner)
                    .unwrap();
                String::from_utf8(bytes).expect("each word holds whole characters")
            })
            .collect()
    }

    #[test]
    fn a_display_name_in_any_script_or_with_specials_is_mime_encoded() {
        for name in [
            "北京工商大学 培训中心",
            "Eğitim Merkezi",
            "BTBU, ECOSF (Training)",
            "Dr. A. Training",
            "مرکز آموزش بی‌تی‌بی‌یو و اکوسف برای انرژی پاک و باتری‌های لیتیومی",
        ] {
            let sender = Sender::parse(&format!("{name} <training@example.org>")).unwrap();
            let (encoded, address) = sender.as_ref().rsplit_once(' ').unwrap();
            assert_eq!(address, "<training@example.org>");
            assert!(encoded.is_ascii(), "{encoded}");
            assert!(encoded.split(' ').all(|word| word.len() <= 75), "{encoded}");
            assert_eq!(decode_words(encoded), name);
        }
    }

    #[test]
    fn a_sender_prints_redacted_in_debug() {
        let sender = Sender::parse("Ayesha Khan <ayesha@example.org>").unwrap();
        let shown = format!("{sender:?}");
        assert!(!shown.contains("Ayesha Khan") && !shown.contains("ayesha@example.org"));
        assert!(shown.starts_with("Sender(<redacted"), "{shown}");
    }
}
