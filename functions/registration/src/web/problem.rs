//! What a client gets back when a request fails: content negotiation and the
//! RFC 9457 problem table, the one place a problem gets its status and words.

use super::body::{BodyError, BodyFormat, body_format};
use super::respond;
use crate::domain::FieldErrors;
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

    pub fn title(self) -> &'static str {
        match self {
            Problem::MalformedBody => "The request body is not well-formed",
            Problem::RegistrationClosed => "Registration is closed",
            Problem::RegistrationNotOpen => "Registration is not open yet",
            Problem::AlreadyRegistered => "This email address is already registered",
            Problem::PayloadTooLarge => "The request body is too large",
            Problem::UnsupportedMediaType => "Unsupported content type",
            Problem::Validation => "Some fields are invalid",
            Problem::TooManyRequests => "Too many registrations from your network",
            Problem::Internal => "Something went wrong on our side",
            Problem::Unavailable => "The service is temporarily unavailable",
            Problem::NotFound => "Not found",
            Problem::MethodNotAllowed => "Method not allowed",
            Problem::CrossSite => "This request came from another site",
            Problem::MissingToken => "The link has no token",
            Problem::UnknownToken => "This link is not valid",
            Problem::EventStarted => "The webinar has started",
        }
    }

    /// Words for a participant: never an internal detail.
    pub fn detail(self) -> &'static str {
        match self {
            Problem::MalformedBody => "Send a JSON object or a URL-encoded form in UTF-8.",
            Problem::RegistrationClosed => "Registration for this event has closed.",
            Problem::RegistrationNotOpen => {
                "Registration for this program has not opened yet. Come back once it opens."
            }
            Problem::AlreadyRegistered => {
                "This email address is already registered for this event. If you have not confirmed yet, check your inbox: we have sent the confirmation link again unless we sent it in the last ten minutes."
            }
            Problem::PayloadTooLarge => "The request body must be at most 16 KiB.",
            Problem::UnsupportedMediaType => {
                "Send application/json or application/x-www-form-urlencoded in UTF-8."
            }
            Problem::Validation => "One or more fields are invalid; see errors.",
            Problem::TooManyRequests => {
                "Too many registrations came from your network in the last hour. Please try again later."
            }
            Problem::Internal => "Please try again later.",
            Problem::Unavailable => "Please try again in a few minutes.",
            Problem::NotFound => "There is nothing at this address.",
            Problem::MethodNotAllowed => "This address does not accept that method.",
            Problem::CrossSite => {
                "Only this site's own pages may send this request. Open the link from your email and use the button on its page."
            }
            Problem::MissingToken => "Send the token from the emailed link.",
            Problem::UnknownToken => {
                "The token is unknown or was changed. Use the link from your latest email."
            }
            Problem::EventStarted => {
                "Registrations cannot be changed once the webinar has started."
            }
        }
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
        let response = problem_json(Problem::Unavailable, None);
        assert_eq!(response.status(), 503);
        assert_eq!(response.headers()[header::RETRY_AFTER], "10");
        let page = super::super::html_response(StatusCode::SERVICE_UNAVAILABLE, String::new());
        assert_eq!(page.headers()[header::RETRY_AFTER], "10");
        let internal = problem_json(Problem::Internal, None);
        assert!(internal.headers().get(header::RETRY_AFTER).is_none());
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
}
