//! The HTTP edge shared by the functions: reading a registration body, content
//! negotiation, RFC 9457 problem responses and the HTML pages.

use crate::config::EventConfig;
use crate::domain::{FieldErrors, RawRegistration, RawValue};
use askama::Template;
use jiff::Timestamp;
use lambda_http::http::{HeaderMap, StatusCode, header};
use lambda_http::{Body, Response};
use serde_json::{Map, Value, json};

/// Bodies above this many bytes are refused.
pub const MAX_BODY_BYTES: usize = 16 * 1024;

/// The base of every problem `type` URI; the last path segment is the slug.
pub const PROBLEM_BASE: &str = "https://training.btbu-ecosf.org/problems/";

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

fn parse_json(text: &str) -> Result<RawRegistration, BodyError> {
    let value: Value = serde_json::from_str(text)
        .map_err(|e| BodyError::Malformed(format!("invalid JSON: {e}")))?;
    let Value::Object(object) = value else {
        return Err(BodyError::Malformed("expected a JSON object".into()));
    };
    let get = |name: &str| match object.get(name) {
        None | Some(Value::Null) => RawValue::Absent,
        Some(Value::String(s)) => RawValue::Text(s.clone()),
        Some(Value::Bool(b)) => RawValue::Flag(*b),
        Some(_) => RawValue::Other,
    };
    // JSON consent must be the boolean `true`; a string does not count.
    let consent = match get("consent") {
        RawValue::Text(_) => RawValue::Other,
        other => other,
    };
    Ok(RawRegistration {
        full_name: get("full_name"),
        email: get("email"),
        country: get("country"),
        organization: get("organization"),
        designation: get("designation"),
        phone: get("phone"),
        consent,
        website: get("website"),
    })
}

fn parse_form(text: &str) -> RawRegistration {
    let mut raw = RawRegistration::default();
    for (name, value) in form_urlencoded::parse(text.as_bytes()) {
        let slot = match name.as_ref() {
            "full_name" => &mut raw.full_name,
            "email" => &mut raw.email,
            "country" => &mut raw.country,
            "organization" => &mut raw.organization,
            "designation" => &mut raw.designation,
            "phone" => &mut raw.phone,
            "consent" => &mut raw.consent,
            "website" => &mut raw.website,
            _ => continue,
        };
        if *slot == RawValue::Absent {
            *slot = RawValue::Text(value.into_owned());
        }
    }
    raw
}

/// What the client gets back: JSON for API clients, HTML for browser form posts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reply {
    Json,
    Html,
}

impl Reply {
    /// JSON when the client sent JSON or asks for it; HTML for a form post or a
    /// client that asks for HTML; JSON otherwise.
    pub fn negotiate(headers: &HeaderMap) -> Self {
        let accept = headers
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_ascii_lowercase();
        let format = body_format(headers).ok();
        if format == Some(BodyFormat::Json)
            || accept.contains("application/json")
            || accept.contains("application/problem+json")
        {
            Reply::Json
        } else if format == Some(BodyFormat::Form) || accept.contains("text/html") {
            Reply::Html
        } else {
            Reply::Json
        }
    }
}

/// A problem the API reports, named by the slug in its `type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    MalformedBody,
    RegistrationClosed,
    AlreadyRegistered,
    PayloadTooLarge,
    UnsupportedMediaType,
    Validation,
    Internal,
    Unavailable,
    NotFound,
    MethodNotAllowed,
}

impl Problem {
    pub fn status(self) -> StatusCode {
        match self {
            Problem::MalformedBody => StatusCode::BAD_REQUEST,
            Problem::RegistrationClosed => StatusCode::FORBIDDEN,
            Problem::AlreadyRegistered => StatusCode::CONFLICT,
            Problem::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Problem::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Problem::Validation => StatusCode::UNPROCESSABLE_ENTITY,
            Problem::Internal => StatusCode::INTERNAL_SERVER_ERROR,
            Problem::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            Problem::NotFound => StatusCode::NOT_FOUND,
            Problem::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
        }
    }

    pub fn slug(self) -> &'static str {
        match self {
            Problem::MalformedBody => "malformed-body",
            Problem::RegistrationClosed => "registration-closed",
            Problem::AlreadyRegistered => "already-registered",
            Problem::PayloadTooLarge => "payload-too-large",
            Problem::UnsupportedMediaType => "unsupported-media-type",
            Problem::Validation => "validation",
            Problem::Internal => "internal",
            Problem::Unavailable => "unavailable",
            Problem::NotFound => "not-found",
            Problem::MethodNotAllowed => "method-not-allowed",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Problem::MalformedBody => "The request body is not well-formed",
            Problem::RegistrationClosed => "Registration is closed",
            Problem::AlreadyRegistered => "This email address is already registered",
            Problem::PayloadTooLarge => "The request body is too large",
            Problem::UnsupportedMediaType => "Unsupported content type",
            Problem::Validation => "Some fields are invalid",
            Problem::Internal => "Something went wrong on our side",
            Problem::Unavailable => "The service is temporarily unavailable",
            Problem::NotFound => "Not found",
            Problem::MethodNotAllowed => "Method not allowed",
        }
    }

    /// Words for a participant: never an internal detail.
    pub fn detail(self) -> &'static str {
        match self {
            Problem::MalformedBody => "Send a JSON object or a URL-encoded form in UTF-8.",
            Problem::RegistrationClosed => "Registration for this event has closed.",
            Problem::AlreadyRegistered => {
                "This email address is already registered for this event. If you have not confirmed yet, check your inbox: we have sent the confirmation link again unless we sent it in the last ten minutes."
            }
            Problem::PayloadTooLarge => "The request body must be at most 16 KiB.",
            Problem::UnsupportedMediaType => {
                "Send application/json or application/x-www-form-urlencoded in UTF-8."
            }
            Problem::Validation => "One or more fields are invalid; see errors.",
            Problem::Internal => "Please try again later.",
            Problem::Unavailable => "Please try again in a few minutes.",
            Problem::NotFound => "There is nothing at this address.",
            Problem::MethodNotAllowed => "This address does not accept that method.",
        }
    }
}

/// An `application/problem+json` response, with per-field errors for `validation`.
pub fn problem_json(problem: Problem, errors: Option<&FieldErrors>) -> Response<Body> {
    let mut body = json!({
        "type": format!("{PROBLEM_BASE}{}", problem.slug()),
        "title": problem.title(),
        "status": problem.status().as_u16(),
        "detail": problem.detail(),
    });
    if let Some(errors) = errors {
        let map: Map<String, Value> = errors
            .0
            .iter()
            .map(|(field, message)| ((*field).to_owned(), Value::String(message.clone())))
            .collect();
        body["errors"] = Value::Object(map);
    }
    respond(
        problem.status(),
        "application/problem+json",
        body.to_string(),
    )
}

pub fn json_response(status: StatusCode, body: &Value) -> Response<Body> {
    respond(status, "application/json", body.to_string())
}

pub fn html_response(status: StatusCode, html: String) -> Response<Body> {
    respond(status, "text/html; charset=utf-8", html)
}

fn respond(status: StatusCode, content_type: &str, body: String) -> Response<Body> {
    Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, content_type)
        .header(header::CACHE_CONTROL, "no-store")
        .header("x-content-type-options", "nosniff")
        .body(Body::Text(body))
        .expect("a response with valid headers")
}

/// The ECO member states, shown first in the country list.
pub const ECO_MEMBERS: [&str; 10] = ["AF", "AZ", "IR", "KZ", "KG", "PK", "TJ", "TR", "TM", "UZ"];

pub struct CountryOption {
    pub code: &'static str,
    pub name: &'static str,
}

fn country_options() -> (Vec<CountryOption>, Vec<CountryOption>) {
    let option = |c: &isocountry::CountryCode| CountryOption {
        code: c.alpha2(),
        name: c.name(),
    };
    let eco = ECO_MEMBERS
        .iter()
        .filter_map(|code| isocountry::CountryCode::for_alpha2(code).ok())
        .map(|c| option(&c))
        .collect();
    let mut all: Vec<CountryOption> = isocountry::CountryCode::iter()
        .filter(|c| !ECO_MEMBERS.contains(&c.alpha2()))
        .map(option)
        .collect();
    all.sort_by(|a, b| a.name.cmp(b.name));
    (eco, all)
}

#[derive(Template)]
#[template(path = "form.html")]
struct FormPage<'a> {
    title: &'a str,
    starts_local: String,
    closes_local: String,
    action: &'a str,
    full_name: &'a str,
    email: &'a str,
    country: String,
    organization: &'a str,
    designation: &'a str,
    phone: &'a str,
    consent: bool,
    retention_days: u32,
    errors: Vec<FieldMessage>,
    eco_countries: Vec<CountryOption>,
    other_countries: Vec<CountryOption>,
}

struct FieldMessage {
    field: &'static str,
    label: &'static str,
    message: String,
}

impl FormPage<'_> {
    fn error(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.as_str())
    }
}

/// The label a field has on the form, for the error summary.
fn field_label(field: &str) -> &'static str {
    match field {
        "full_name" => "Full name",
        "email" => "Email address",
        "country" => "Country",
        "organization" => "Organization",
        "designation" => "Designation",
        "phone" => "Phone",
        "consent" => "Consent",
        _ => "Field",
    }
}

/// The registration form, empty or filled again with what was typed and every message.
pub fn form_page(
    event: &EventConfig,
    closes_at: Timestamp,
    retention_days: u32,
    values: &RawRegistration,
    errors: &FieldErrors,
) -> String {
    let (eco_countries, other_countries) = country_options();
    let consent = match &values.consent {
        RawValue::Flag(b) => *b,
        RawValue::Text(t) => matches!(
            t.trim().to_ascii_lowercase().as_str(),
            "on" | "yes" | "true"
        ),
        _ => false,
    };
    FormPage {
        title: &event.title,
        starts_local: event.local_time(event.starts_at),
        closes_local: event.local_time(closes_at),
        action: "/registrations",
        full_name: values.full_name.as_text(),
        email: values.email.as_text(),
        country: values.country.as_text().trim().to_ascii_uppercase(),
        organization: values.organization.as_text(),
        designation: values.designation.as_text(),
        phone: values.phone.as_text(),
        consent,
        retention_days,
        errors: errors
            .0
            .iter()
            .map(|(field, message)| FieldMessage {
                field,
                label: field_label(field),
                message: message.clone(),
            })
            .collect(),
        eco_countries,
        other_countries,
    }
    .render()
    .expect("the form template renders")
}

#[derive(Template)]
#[template(path = "message.html")]
struct MessagePage<'a> {
    title: &'a str,
    heading: &'a str,
    paragraphs: &'a [&'a str],
    back_link: Option<&'a str>,
}

/// A page with a heading and a few paragraphs, for every outcome that is not the form.
pub fn message_page(
    event_title: &str,
    heading: &str,
    paragraphs: &[&str],
    back_to_form: bool,
) -> String {
    MessagePage {
        title: event_title,
        heading,
        paragraphs,
        back_link: back_to_form.then_some("/"),
    }
    .render()
    .expect("the message template renders")
}

#[cfg(test)]
mod tests {
    use super::*;
    use lambda_http::http::HeaderValue;
    use proptest::prelude::*;

    fn headers(content_type: &str, accept: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        if !content_type.is_empty() {
            h.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_str(content_type).unwrap(),
            );
        }
        if !accept.is_empty() {
            h.insert(header::ACCEPT, HeaderValue::from_str(accept).unwrap());
        }
        h
    }

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
    fn replies_follow_the_client() {
        assert_eq!(
            Reply::negotiate(&headers("application/json", "")),
            Reply::Json
        );
        assert_eq!(
            Reply::negotiate(&headers(
                "application/x-www-form-urlencoded",
                "text/html,*/*"
            )),
            Reply::Html
        );
        assert_eq!(
            Reply::negotiate(&headers(
                "application/x-www-form-urlencoded",
                "application/json"
            )),
            Reply::Json
        );
        assert_eq!(Reply::negotiate(&headers("text/plain", "")), Reply::Json);
        assert_eq!(
            Reply::negotiate(&headers("text/plain", "text/html")),
            Reply::Html
        );
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
    fn problems_follow_rfc_9457() {
        let mut errors = FieldErrors::default();
        errors.0.insert("email", "is required".into());
        let response = problem_json(Problem::Validation, Some(&errors));
        assert_eq!(response.status(), 422);
        assert_eq!(
            response.headers()[header::CONTENT_TYPE],
            "application/problem+json"
        );
        let Body::Text(text) = response.body() else {
            panic!()
        };
        let body: Value = serde_json::from_str(text).unwrap();
        assert_eq!(body["type"], format!("{PROBLEM_BASE}validation"));
        assert_eq!(body["status"], 422);
        assert_eq!(body["errors"]["email"], "is required");
        assert!(body["title"].is_string() && body["detail"].is_string());
    }

    #[test]
    fn the_form_lists_eco_members_first_and_escapes_values() {
        let env: std::collections::HashMap<String, String> = [
            ("TABLE_NAME", "t"),
            ("EVENT_ID", "e"),
            ("EVENT_TITLE", "Powering <Belt> & Road"),
            ("EVENT_STARTS_AT", "2022-09-28T10:00:00+05:00"),
            ("EVENT_TIMEZONE", "Asia/Karachi"),
        ]
        .into_iter()
        .map(|(k, v)| (k.into(), v.into()))
        .collect();
        let event = EventConfig::from_source(&env).unwrap();
        let values = RawRegistration {
            full_name: RawValue::Text("<script>alert(1)</script>".into()),
            country: RawValue::Text("tr".into()),
            ..Default::default()
        };
        let mut errors = FieldErrors::default();
        errors.0.insert("email", "is required".into());
        let closes = "2022-09-27T00:00:00+05:00".parse().unwrap();
        let html = form_page(&event, closes, 90, &values, &errors);
        assert!(!html.contains("<script>alert(1)"));
        assert!(!html.contains("Powering <Belt>"));
        assert!(html.contains("Email address is required"));
        assert!(html.contains("Wednesday, 28 September 2022, 10:00 PKT"));
        assert!(html.contains("Tuesday, 27 September 2022, 00:00 PKT"));
        assert!(html.contains(r#"<option value="TR" selected>"#));
        let afghanistan = html.find(r#"value="AF""#).unwrap();
        let albania = html.find(r#"value="AL""#).unwrap();
        let uzbekistan = html.find(r#"value="UZ""#).unwrap();
        assert!(afghanistan < uzbekistan && uzbekistan < albania);
        for field in [
            "full_name",
            "email",
            "country",
            "organization",
            "designation",
            "phone",
            "consent",
        ] {
            assert!(
                html.contains(&format!(r#"<label for="{field}""#))
                    || html.contains(&format!(r#"for="{field}""#)),
                "{field}"
            );
            assert!(html.contains(&format!(r#"name="{field}""#)), "{field}");
        }
        assert!(
            !html.contains("http://") && !html.contains("https://"),
            "no external assets"
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
