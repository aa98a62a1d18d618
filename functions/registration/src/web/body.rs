//! Reading a request body: its format from `Content-Type`, then JSON or a
//! URL-encoded form into a [`RawRegistration`], field by [`Field`] name, or into
//! the `token` a link's page posts back.

use crate::domain::{Field, RawRegistration, RawValue};
use lambda_http::http::{HeaderMap, header};
use serde_json::Value;

/// Bodies above this many bytes are refused.
pub const MAX_BODY_BYTES: usize = 16 * 1024;

/// How the body of a registration request is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyFormat {
    Json,
    Form,
}

/// Why a body could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BodyError {
    #[error("the body is larger than 16 KiB")]
    TooLarge,
    #[error("the content type is not JSON or a form")]
    UnsupportedMediaType,
    #[error("the body is not well-formed: {0}")]
    Malformed(String),
}

/// The body's format from `Content-Type`; only UTF-8 is accepted.
pub fn body_format(headers: &HeaderMap) -> Result<BodyFormat, BodyError> {
    let value = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase();
    let mut parts = value.split(';').map(str::trim);
    let format = match parts.next() {
        Some("application/json") => BodyFormat::Json,
        Some("application/x-www-form-urlencoded") => BodyFormat::Form,
        _ => return Err(BodyError::UnsupportedMediaType),
    };
    for parameter in parts {
        if let Some(charset) = parameter.strip_prefix("charset=")
            && !matches!(charset.trim_matches('"'), "utf-8" | "utf8")
        {
            return Err(BodyError::UnsupportedMediaType);
        }
    }
    Ok(format)
}

/// Read a registration body. Unknown fields are ignored; a field given twice in a
/// form keeps its first value.
pub fn parse_registration(format: BodyFormat, body: &[u8]) -> Result<RawRegistration, BodyError> {
    if body.len() > MAX_BODY_BYTES {
        return Err(BodyError::TooLarge);
    }
    let text = std::str::from_utf8(body).map_err(|_| BodyError::Malformed("not UTF-8".into()))?;
    match format {
        BodyFormat::Json => parse_json(text),
        BodyFormat::Form => Ok(parse_form(text)),
    }
}

/// The `token` posted by a link's page (a form field) or a JSON client (a
/// member); `None` when the body holds none.
pub fn parse_token(format: BodyFormat, body: &[u8]) -> Result<Option<String>, BodyError> {
    if body.len() > MAX_BODY_BYTES {
        return Err(BodyError::TooLarge);
    }
    let text = std::str::from_utf8(body).map_err(|_| BodyError::Malformed("not UTF-8".into()))?;
    match format {
        BodyFormat::Json => {
            let value: Value = serde_json::from_str(text)
                .map_err(|e| BodyError::Malformed(format!("invalid JSON: {e}")))?;
            let Value::Object(object) = value else {
                return Err(BodyError::Malformed("expected a JSON object".into()));
            };
            Ok(object
                .get("token")
                .and_then(Value::as_str)
                .map(str::to_owned))
        }
        BodyFormat::Form => Ok(form_urlencoded::parse(text.as_bytes())
            .find(|(name, _)| name == "token")
            .map(|(_, value)| value.into_owned())),
    }
}

/// The field that names the program registered for.
pub const PROGRAM_FIELD: &str = "program";

/// The field that names the language of the page a registration was posted from.
pub const LANGUAGE_FIELD: &str = "language";

fn parse_json(text: &str) -> Result<RawRegistration, BodyError> {
    let value: Value = serde_json::from_str(text)
        .map_err(|e| BodyError::Malformed(format!("invalid JSON: {e}")))?;
    let Value::Object(object) = value else {
        return Err(BodyError::Malformed("expected a JSON object".into()));
    };
    let mut raw = RawRegistration::default();
    for field in Field::ALL {
        *raw.get_mut(field) = match object.get(field.name()) {
            None | Some(Value::Null) => RawValue::Absent,
            Some(Value::String(s)) => RawValue::Text(s.clone()),
            Some(Value::Bool(b)) => RawValue::Flag(*b),
            Some(_) => RawValue::Other,
        };
    }
    raw.program = match object.get(PROGRAM_FIELD) {
        None | Some(Value::Null) => RawValue::Absent,
        Some(Value::String(s)) => RawValue::Text(s.clone()),
        Some(_) => RawValue::Other,
    };
    raw.language = match object.get(LANGUAGE_FIELD) {
        Some(Value::String(s)) => RawValue::Text(s.clone()),
        _ => RawValue::Absent,
    };
    // JSON consent must be the boolean `true`; a string does not count.
    if let RawValue::Text(_) = raw.consent {
        raw.consent = RawValue::Other;
    }
    Ok(raw)
}

fn parse_form(text: &str) -> RawRegistration {
    let mut raw = RawRegistration::default();
    for (name, value) in form_urlencoded::parse(text.as_bytes()) {
        let slot = match Field::from_name(&name) {
            Some(field) => raw.get_mut(field),
            None if name == PROGRAM_FIELD => &mut raw.program,
            None if name == LANGUAGE_FIELD => &mut raw.language,
            None => continue,
        };
        if *slot == RawValue::Absent {
            *slot = RawValue::Text(value.into_owned());
        }
    }
    raw
}

#[cfg(test)]
mod tests {
    use super::super::test_headers as headers;
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn content_types_are_recognised_with_parameters_and_case() {
        assert_eq!(
            body_format(&headers("application/json; charset=UTF-8", "")),
            Ok(BodyFormat::Json)
        );
        assert_eq!(
            body_format(&headers("Application/X-WWW-Form-Urlencoded", "")),
            Ok(BodyFormat::Form)
        );
        for bad in [
            "text/plain",
            "",
            "multipart/form-data; boundary=x",
            "application/json; charset=latin1",
        ] {
            assert_eq!(
                body_format(&headers(bad, "")),
                Err(BodyError::UnsupportedMediaType),
                "{bad}"
            );
        }
    }

    #[test]
    fn a_form_body_keeps_utf8_and_ignores_unknown_fields() {
        let raw = parse_registration(
            BodyFormat::Form,
            "full_name=%D8%B9%D9%84%DB%8C+%D8%B1%D8%B6%D8%A7&email=a%40b.org&extra=1&consent=on"
                .as_bytes(),
        )
        .unwrap();
        assert_eq!(raw.full_name, RawValue::Text("علی رضا".into()));
        assert_eq!(raw.email, RawValue::Text("a@b.org".into()));
        assert_eq!(raw.consent, RawValue::Text("on".into()));
        assert_eq!(raw.country, RawValue::Absent);
    }

    #[test]
    fn json_bodies_map_types_and_refuse_non_objects() {
        let raw = parse_registration(
            BodyFormat::Json,
            r#"{"full_name":"王小明","consent":true,"phone":123,"website":null,"x":[1]}"#
                .as_bytes(),
        )
        .unwrap();
        assert_eq!(raw.full_name, RawValue::Text("王小明".into()));
        assert_eq!(raw.consent, RawValue::Flag(true));
        assert_eq!(raw.phone, RawValue::Other);
        assert_eq!(raw.website, RawValue::Absent);
        let string_consent =
            parse_registration(BodyFormat::Json, br#"{"consent":"true"}"#).unwrap();
        assert_eq!(string_consent.consent, RawValue::Other);
        for bad in [&b"[1,2]"[..], b"{", b"\"text\"", b"", b"\xff\xfe"] {
            assert!(matches!(
                parse_registration(BodyFormat::Json, bad),
                Err(BodyError::Malformed(_))
            ));
        }
    }

    #[test]
    fn bodies_over_16_kib_are_refused_before_parsing() {
        let body = vec![b'a'; MAX_BODY_BYTES + 1];
        assert_eq!(
            parse_registration(BodyFormat::Form, &body),
            Err(BodyError::TooLarge)
        );
        let fits = vec![b'a'; MAX_BODY_BYTES];
        assert!(parse_registration(BodyFormat::Form, &fits).is_ok());
    }

    #[test]
    fn a_token_comes_from_a_form_field_or_a_json_member() {
        assert_eq!(
            parse_token(BodyFormat::Form, b"token=abc-_1&x=2&token=second"),
            Ok(Some("abc-_1".into()))
        );
        assert_eq!(parse_token(BodyFormat::Form, b"x=2"), Ok(None));
        assert_eq!(
            parse_token(BodyFormat::Json, br#"{"token":"abc","x":1}"#),
            Ok(Some("abc".into()))
        );
        assert_eq!(parse_token(BodyFormat::Json, br#"{"token":7}"#), Ok(None));
        assert!(matches!(
            parse_token(BodyFormat::Json, b"[\"abc\"]"),
            Err(BodyError::Malformed(_))
        ));
        let large = vec![b'a'; MAX_BODY_BYTES + 1];
        assert_eq!(
            parse_token(BodyFormat::Form, &large),
            Err(BodyError::TooLarge)
        );
    }

    proptest! {
        #[test]
        fn parsing_any_bytes_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
            let _ = parse_registration(BodyFormat::Json, &bytes);
            let _ = parse_registration(BodyFormat::Form, &bytes);
        }
    }
}
