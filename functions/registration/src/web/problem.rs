//! What a client gets back when a request fails: content negotiation and the
//! RFC 9457 problem table, the one place a problem gets its status and words.

use super::body::{BodyError, BodyFormat, body_format};
use super::respond;
use crate::domain::FieldErrors;
use crate::i18n::{Catalog, Language};
use crate::store::StoreError;
use crate::use_cases::action::ActionError;
use lambda_http::http::{HeaderMap, StatusCode, header};
use lambda_http::{Body, Response};
use serde_json::{Map, Value, json};

/// The base of every problem `type` URI; the last path segment is the slug.
pub const PROBLEM_BASE: &str = "https://training.btbu-ecosf.org/problems/";

/// The `Retry-After` of an `unavailable` answer (DynamoDB throttling, or a
/// seats item that stayed contended): both pass within seconds.
pub const RETRY_UNAVAILABLE_AFTER_SECS: u64 = 10;

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
    RegistrationNotOpen,
    AlreadyRegistered,
    PayloadTooLarge,
    UnsupportedMediaType,
    Validation,
    TooManyRequests,
    Internal,
    Unavailable,
    NotFound,
    MethodNotAllowed,
    /// A POST from a page of another site.
    CrossSite,
    /// A link's page or action without its token.
    MissingToken,
    /// A token that names no registration, or was altered.
    UnknownToken,
    /// A link used once the event has started.
    EventStarted,
}

impl Problem {
    pub fn status(self) -> StatusCode {
        match self {
            Problem::MalformedBody => StatusCode::BAD_REQUEST,
            Problem::RegistrationClosed | Problem::RegistrationNotOpen => StatusCode::FORBIDDEN,
            Problem::AlreadyRegistered => StatusCode::CONFLICT,
            Problem::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Problem::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Problem::Validation => StatusCode::UNPROCESSABLE_ENTITY,
            Problem::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
            Problem::Internal => StatusCode::INTERNAL_SERVER_ERROR,
            Problem::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            Problem::NotFound => StatusCode::NOT_FOUND,
            Problem::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Problem::CrossSite => StatusCode::FORBIDDEN,
            Problem::MissingToken => StatusCode::BAD_REQUEST,
            Problem::UnknownToken => StatusCode::NOT_FOUND,
            Problem::EventStarted => StatusCode::GONE,
        }
    }

    pub fn slug(self) -> &'static str {
        match self {
            Problem::MalformedBody => "malformed-body",
            Problem::RegistrationClosed => "registration-closed",
            Problem::RegistrationNotOpen => "registration-not-open",
            Problem::AlreadyRegistered => "already-registered",
            Problem::PayloadTooLarge => "payload-too-large",
            Problem::UnsupportedMediaType => "unsupported-media-type",
            Problem::Validation => "validation",
            Problem::TooManyRequests => "too-many-requests",
            Problem::Internal => "internal",
            Problem::Unavailable => "unavailable",
            Problem::NotFound => "not-found",
            Problem::MethodNotAllowed => "method-not-allowed",
            Problem::CrossSite => "cross-site",
            Problem::MissingToken => "missing-token",
            Problem::UnknownToken => "unknown-token",
            Problem::EventStarted => "event-started",
        }
    }

    /// The `title` of a JSON answer: English, whatever the request's
    /// language, as the contract keeps `type` and `title`.
    pub fn title(self) -> String {
        self.title_in(Language::En)
    }

    /// The title in `language`: a problem page's heading.
    pub fn title_in(self, language: Language) -> String {
        Catalog::new(language).text(&format!("problem-{}-title", self.slug()))
    }

    /// Words for a participant in `language`: never an internal detail.
    pub fn detail_in(self, language: Language) -> String {
        Catalog::new(language).text(&format!("problem-{}-detail", self.slug()))
    }
}

/// The one place a body that could not be read becomes a problem.
impl From<BodyError> for Problem {
    fn from(err: BodyError) -> Self {
        match err {
            BodyError::TooLarge => Problem::PayloadTooLarge,
            BodyError::UnsupportedMediaType => Problem::UnsupportedMediaType,
            BodyError::Malformed(_) => Problem::MalformedBody,
        }
    }
}

/// The one place a link's error becomes a problem (and so a status).
impl From<&ActionError> for Problem {
    fn from(err: &ActionError) -> Self {
        match err {
            ActionError::MissingToken => Problem::MissingToken,
            ActionError::UnknownToken => Problem::UnknownToken,
            ActionError::EventStarted => Problem::EventStarted,
            ActionError::Store(StoreError::Unavailable(_)) => Problem::Unavailable,
            ActionError::Store(StoreError::Internal(_)) => Problem::Internal,
        }
    }
}

/// An `application/problem+json` response, with per-field errors for
/// `validation`; `detail` and the field messages in `language`.
pub fn problem_json(
    problem: Problem,
    errors: Option<&FieldErrors>,
    language: Language,
) -> Response<Body> {
    let mut body = json!({
        "type": format!("{PROBLEM_BASE}{}", problem.slug()),
        "title": problem.title(),
        "status": problem.status().as_u16(),
        "detail": problem.detail_in(language),
    });
    if let Some(errors) = errors {
        let catalog = Catalog::new(language);
        let map: Map<String, Value> = errors
            .0
            .iter()
            .map(|(field, rule)| ((*field).to_owned(), catalog.invalid(*rule).into()))
            .collect();
        body["errors"] = Value::Object(map);
    }
    respond(
        problem.status(),
        "application/problem+json",
        body.to_string(),
    )
}

#[cfg(test)]
mod tests {
    use super::super::test_headers as headers;
    use super::*;

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
    fn link_errors_have_their_contract_statuses() {
        for (err, status, slug) in [
            (ActionError::MissingToken, 400, "missing-token"),
            (ActionError::UnknownToken, 404, "unknown-token"),
            (ActionError::EventStarted, 410, "event-started"),
            (
                ActionError::Store(StoreError::Unavailable("x".into())),
                503,
                "unavailable",
            ),
            (
                ActionError::Store(StoreError::Internal("x".into())),
                500,
                "internal",
            ),
        ] {
            let problem = Problem::from(&err);
            assert_eq!(problem.status(), status, "{err:?}");
            assert_eq!(problem.slug(), slug, "{err:?}");
        }
        assert_eq!(Problem::CrossSite.status(), 403);
        assert_eq!(Problem::CrossSite.slug(), "cross-site");
    }

    #[test]
    fn an_unavailable_answer_says_when_to_try_again() {
        let response = problem_json(Problem::Unavailable, None, Language::En);
        assert_eq!(response.status(), 503);
        assert_eq!(response.headers()[header::RETRY_AFTER], "10");
        let page = super::super::html_response(StatusCode::SERVICE_UNAVAILABLE, String::new());
        assert_eq!(page.headers()[header::RETRY_AFTER], "10");
        let internal = problem_json(Problem::Internal, None, Language::En);
        assert!(internal.headers().get(header::RETRY_AFTER).is_none());
    }

    #[test]
    fn problems_follow_rfc_9457() {
        let mut errors = FieldErrors::default();
        errors.0.insert("email", crate::domain::Invalid::Required);
        let response = problem_json(Problem::Validation, Some(&errors), Language::En);
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
        assert_eq!(body["title"], "Some fields are invalid");
        assert_eq!(
            body["detail"],
            "One or more fields are invalid; see errors."
        );
    }

    #[test]
    fn a_problems_detail_and_field_messages_follow_the_language_and_its_names_do_not() {
        let mut errors = FieldErrors::default();
        errors.0.insert("email", crate::domain::Invalid::Email);
        errors.0.insert("consent", crate::domain::Invalid::Consent);
        let response = problem_json(Problem::Validation, Some(&errors), Language::Ru);
        let Body::Text(text) = response.body() else {
            panic!()
        };
        let body: Value = serde_json::from_str(text).unwrap();
        let russian = Catalog::new(Language::Ru);
        assert_eq!(body["type"], format!("{PROBLEM_BASE}validation"));
        assert_eq!(body["title"], "Some fields are invalid");
        assert_eq!(body["detail"], russian.text("problem-validation-detail"));
        assert_eq!(
            body["errors"]["email"],
            "должно быть одним адресом электронной почты вида name@example.org"
        );
        assert_eq!(body["errors"]["consent"], russian.text("error-consent"));
        assert_eq!(body["errors"].as_object().unwrap().len(), 2);
    }
}
