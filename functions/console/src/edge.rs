//! The console's request edge: the session cookie (read and written), posted
//! forms, the query, the origin check and where links point.

use crate::config::ConsoleConfig;
use lambda_http::http::{HeaderValue, StatusCode, header};
use lambda_http::{Body, Request, RequestExt, Response};
use registration::config::AllowedOrigins;
use registration::i18n::Language;
use registration::web::{Problem, Reply, api_domain, origin_allowed, problem_json};
use serde_json::json;

/// The session cookie's name: `__Host-` makes browsers require `Secure`,
/// `Path=/` and no `Domain`.
pub const COOKIE: &str = "__Host-organizer";
/// The most a console form may carry.
const MAX_FORM_BYTES: usize = 16 * 1024;

/// The session secret the request's cookie carries, if any.
pub fn session_cookie(request: &Request) -> Option<String> {
    request
        .headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .map(|(_, value)| value.trim().to_owned())
        .filter(|value| !value.is_empty())
}

/// The `Set-Cookie` that starts a session (`Some`) or ends it (`None`).
pub fn set_cookie(secret: Option<&str>) -> HeaderValue {
    let value = match secret {
        Some(secret) => format!(
            "{COOKIE}={secret}; Secure; HttpOnly; SameSite=Strict; Path=/; Max-Age={}",
            crate::sign_in::SESSION_LIFETIME.as_secs()
        ),
        None => format!("{COOKIE}=; Secure; HttpOnly; SameSite=Strict; Path=/; Max-Age=0"),
    };
    HeaderValue::from_str(&value).expect("a cookie of base64url characters")
}

/// A 303 to `location`, optionally setting the session cookie.
pub fn see_other(location: &str, cookie: Option<HeaderValue>) -> Response<Body> {
    let mut response = Response::builder()
        .status(StatusCode::SEE_OTHER)
        .header(header::LOCATION, location)
        .header(header::CACHE_CONTROL, "no-store");
    if let Some(cookie) = cookie {
        response = response.header(header::SET_COOKIE, cookie);
    }
    response
        .body(Body::Empty)
        .expect("a response with valid headers")
}

/// The fields of a posted form (`application/x-www-form-urlencoded`); empty
/// when the body is not one or is too large.
pub fn form(request: &Request) -> Vec<(String, String)> {
    let body: &[u8] = request.body().as_ref();
    if body.len() > MAX_FORM_BYTES {
        return Vec::new();
    }
    form_urlencoded::parse(body).into_owned().collect()
}

/// One field of a form or query.
pub fn field<'a>(fields: &'a [(String, String)], name: &str) -> Option<&'a str> {
    fields
        .iter()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.as_str())
}

/// One query parameter.
pub fn query(request: &Request, name: &str) -> Option<String> {
    request
        .query_string_parameters_ref()
        .and_then(|params| params.first(name).map(str::to_owned))
        .filter(|value| !value.is_empty())
}

/// Whether a POST came from the API's own pages (or names no origin, as no
/// other site's page can: browsers send `Origin` with every cross-site POST).
pub fn own_origin(request: &Request, config: &ConsoleConfig) -> bool {
    origin_allowed(
        request,
        &AllowedOrigins::default(),
        config.public_base_url.as_ref(),
    )
}

/// The base of the links the console emails: `PUBLIC_BASE_URL`, else the API's
/// own domain.
pub fn link_base(request: &Request, config: &ConsoleConfig) -> Option<String> {
    match &config.public_base_url {
        Some(url) => Some(url.as_str().trim_end_matches('/').to_owned()),
        None => api_domain(request).map(|domain| format!("https://{domain}")),
    }
}

/// 403 `cross-site`: a page for a browser, problem+json otherwise.
pub fn cross_site(request: &Request) -> Response<Body> {
    match Reply::negotiate(request.headers()) {
        Reply::Html => crate::pages::message(
            StatusCode::FORBIDDEN,
            "This request came from another site",
            "Open the organizer console at its own address and try again there.",
        ),
        // The console speaks English (the contract's).
        Reply::Json => problem_json(Problem::CrossSite, None, Language::En),
    }
}

/// 401: a POST without a valid session.
pub fn unauthorized(request: &Request) -> Response<Body> {
    match Reply::negotiate(request.headers()) {
        Reply::Html => crate::pages::message(
            StatusCode::UNAUTHORIZED,
            "Please sign in",
            "Your session has ended or you are not signed in. Sign in again to continue.",
        ),
        Reply::Json => {
            let mut response = registration::web::json_response(
                StatusCode::UNAUTHORIZED,
                &json!({
                    "type": format!("{}unauthorized", registration::web::PROBLEM_BASE),
                    "title": "Sign in first",
                    "status": 401,
                    "detail": "This action needs an organizer's session.",
                }),
            );
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/problem+json"),
            );
            response
        }
    }
}

/// 503: the table or SES failed; the cause is logged, never shown.
pub fn unavailable() -> Response<Body> {
    crate::pages::message(
        StatusCode::SERVICE_UNAVAILABLE,
        "The console is unavailable just now",
        "Please try again in a few minutes.",
    )
}
