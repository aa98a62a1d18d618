//! API Gateway HTTP API payload 2.0 events, as the functions receive them.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};

pub const DOMAIN: &str = "abc123.execute-api.us-east-1.amazonaws.com";

fn event(
    method: &str,
    path: &str,
    query: Option<&str>,
    headers: Value,
    body: Option<(&str, bool)>,
) -> Value {
    let mut event = json!({
        "version": "2.0",
        "routeKey": format!("{method} {path}"),
        "rawPath": path,
        "rawQueryString": query.unwrap_or(""),
        "headers": headers,
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "abc123",
            "domainName": DOMAIN,
            "domainPrefix": "abc123",
            "http": {
                "method": method,
                "path": path,
                "protocol": "HTTP/1.1",
                "sourceIp": "203.0.113.7",
                "userAgent": "system-tests"
            },
            "requestId": uuid::Uuid::new_v4().to_string(),
            "routeKey": format!("{method} {path}"),
            "stage": "$default",
            "time": "20/Sep/2022:04:00:00 +0000",
            "timeEpoch": 1663646400000u64
        },
        "isBase64Encoded": false
    });
    if let Some(query) = query {
        let params: serde_json::Map<String, Value> = url_pairs(query)
            .into_iter()
            .map(|(k, v)| (k, Value::String(v)))
            .collect();
        event["queryStringParameters"] = Value::Object(params);
    }
    if let Some((body, base64)) = body {
        if base64 {
            event["body"] = Value::String(STANDARD.encode(body));
            event["isBase64Encoded"] = Value::Bool(true);
        } else {
            event["body"] = Value::String(body.to_owned());
        }
    }
    event
}

/// The event as sent from another source address (`requestContext.http.sourceIp`).
pub fn from_source(mut event: Value, source_ip: &str) -> Value {
    event["requestContext"]["http"]["sourceIp"] = Value::String(source_ip.to_owned());
    event
}

fn url_pairs(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (k.to_owned(), v.to_owned())
        })
        .collect()
}

pub fn get(path: &str, query: Option<&str>) -> Value {
    event(
        "GET",
        path,
        query,
        json!({"host": DOMAIN, "accept": "text/html"}),
        None,
    )
}

/// `POST /registrations` with a content type, a body and optionally an `Accept`.
pub fn post_registrations(content_type: &str, body: &str, accept: Option<&str>) -> Value {
    let mut headers = json!({"host": DOMAIN, "content-type": content_type});
    if let Some(accept) = accept {
        headers["accept"] = Value::String(accept.to_owned());
    }
    event("POST", "/registrations", None, headers, Some((body, false)))
}

/// The same request with the body base64-encoded, as API Gateway sends binary bodies.
pub fn post_registrations_base64(content_type: &str, body: &str, accept: Option<&str>) -> Value {
    let mut headers = json!({"host": DOMAIN, "content-type": content_type});
    if let Some(accept) = accept {
        headers["accept"] = Value::String(accept.to_owned());
    }
    event("POST", "/registrations", None, headers, Some((body, true)))
}

pub fn request(method: &str, path: &str, headers: Value, body: Option<&str>) -> Value {
    event(method, path, None, headers, body.map(|b| (b, false)))
}

pub fn form_body(fields: &[(&str, &str)]) -> String {
    fields
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

fn encode(value: &str) -> String {
    let mut out = String::new();
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(byte as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// The event as the function's runtime hands it over.
pub fn to_request(event: &Value) -> lambda_http::Request {
    lambda_http::request::from_str(&event.to_string()).expect("a valid HTTP API 2.0 event")
}

/// A request with a query string (a page's button posting to `path?lang=xx`).
pub fn request_with_query(
    method: &str,
    path: &str,
    query: &str,
    headers: Value,
    body: Option<&str>,
) -> Value {
    event(method, path, Some(query), headers, body.map(|b| (b, false)))
}
