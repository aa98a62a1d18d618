//! The HTTP edge shared by the functions: reading a request body ([`body`]),
//! content negotiation and RFC 9457 problems ([`problem`]), the check against
//! cross-site posts ([`origin`]), what a request to a link's route asks for
//! ([`action`]), the edge both link routes share ([`action_route`]), the HTML
//! pages in the page's language ([`page_language`]: the form in [`pages`], the
//! others in [`message_pages`], [`list_page`] of the programs open), and the
//! headers every response carries.

mod action;
mod action_route;
mod body;
mod list_page;
mod message_pages;
mod origin;
mod page_language;
mod pages;
mod problem;

pub use action::ActionRequest;
pub use action_route::{ActionOutcome, ActionPage, ActionRoute, Words, serve_action};
pub use body::{
    BodyError, BodyFormat, MAX_BODY_BYTES, PROGRAM_FIELD, body_format, parse_registration,
    parse_token,
};
pub use list_page::list_page;
pub use message_pages::{BackLink, Button, ButtonStyle, Masthead, action_page, message_page};
pub use origin::{api_domain, origin_allowed};
pub use page_language::{LANG_PARAMETER, LanguageAsked, LanguageLink, PageLanguage};
pub use pages::{ECO_MEMBERS, form_page};
pub use problem::{PROBLEM_BASE, Problem, RETRY_UNAVAILABLE_AFTER_SECS, Reply, problem_json};

use lambda_http::http::{StatusCode, header};
use lambda_http::{Body, Request, Response};
use serde_json::Value;

/// The `token` a link's page posts back (or a JSON client sends); `None` for an
/// empty body. The size is checked before the content type.
pub fn posted_token(request: &Request) -> Result<Option<String>, BodyError> {
    let body: &[u8] = request.body().as_ref();
    if body.is_empty() {
        return Ok(None);
    }
    if body.len() > MAX_BODY_BYTES {
        return Err(BodyError::TooLarge);
    }
    parse_token(body_format(request.headers())?, body)
}

pub fn json_response(status: StatusCode, body: &Value) -> Response<Body> {
    respond(status, "application/json", body.to_string())
}

pub fn html_response(status: StatusCode, html: String) -> Response<Body> {
    respond(status, "text/html; charset=utf-8", html)
}

fn respond(status: StatusCode, content_type: &str, body: String) -> Response<Body> {
    let mut response = Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, content_type)
        .header(header::CACHE_CONTROL, "no-store")
        .header("x-content-type-options", "nosniff");
    // Every 503 (JSON or page) tells the client when trying again makes sense.
    if status == StatusCode::SERVICE_UNAVAILABLE {
        response = response.header(header::RETRY_AFTER, RETRY_UNAVAILABLE_AFTER_SECS);
    }
    response
        .body(Body::Text(body))
        .expect("a response with valid headers")
}

#[cfg(test)]
fn test_headers(content_type: &str, accept: &str) -> lambda_http::http::HeaderMap {
    use lambda_http::http::HeaderValue;
    let mut h = lambda_http::http::HeaderMap::new();
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

/// An API Gateway HTTP API 2.0 request with `?token=q` in its query.
#[cfg(test)]
fn test_request(method: &str, path: &str, headers: serde_json::Value, body: &str) -> Request {
    let event = serde_json::json!({
        "version": "2.0", "routeKey": format!("{method} {path}"),
        "rawPath": path, "rawQueryString": "token=q",
        "queryStringParameters": {"token": "q"},
        "headers": headers,
        "requestContext": {
            "accountId": "1", "apiId": "a", "domainName": "api.example",
            "http": {"method": method, "path": path, "protocol": "HTTP/1.1",
                     "sourceIp": "203.0.113.7", "userAgent": "t"},
            "requestId": "r", "routeKey": "x", "stage": "$default",
            "time": "20/Sep/2022:04:00:00 +0000", "timeEpoch": 0
        },
        "body": body, "isBase64Encoded": false
    });
    lambda_http::request::from_str(&event.to_string()).unwrap()
}
