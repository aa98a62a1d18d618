//! Cross-site posts: a browser names the page that sent a POST in `Origin`; the
//! API accepts its own origin (`https://` + the domain the request came to, or
//! `PUBLIC_BASE_URL`'s) and those listed in `ALLOWED_ORIGINS`. A request without
//! `Origin` comes from a script or an old browser, not from another site's page.

use crate::config::AllowedOrigins;
use lambda_http::http::header;
use lambda_http::request::RequestContext;
use lambda_http::{Request, RequestExt};
use url::Url;

/// The domain the request came to: the HTTP API's `requestContext.domainName`,
/// else the `Host` header.
pub fn api_domain(request: &Request) -> Option<String> {
    let from_context = match request.request_context_ref() {
        Some(RequestContext::ApiGatewayV2(context)) => context.domain_name.clone(),
        _ => None,
    };
    from_context.filter(|d| !d.is_empty()).or_else(|| {
        request
            .headers()
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .filter(|h| !h.is_empty())
            .map(str::to_owned)
    })
}

/// Whether a POST may go ahead: it has no `Origin`, or its origin is the API's
/// own (its domain over https, or `public_base_url`'s origin) or listed.
pub fn origin_allowed(
    request: &Request,
    allowed: &AllowedOrigins,
    public_base_url: Option<&Url>,
) -> bool {
    let mut origins = request.headers().get_all(header::ORIGIN).iter();
    let Some(origin) = origins.next() else {
        return true;
    };
    // Browsers send one Origin; two are not a browser's and prove nothing.
    if origins.next().is_some() {
        return false;
    }
    let Ok(origin) = origin.to_str() else {
        return false;
    };
    let own = |candidate: &str| candidate.eq_ignore_ascii_case(origin);
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .map(str::to_owned);
    [api_domain(request), host]
        .iter()
        .flatten()
        .any(|domain| own(&format!("https://{domain}")))
        || public_base_url.is_some_and(|url| own(&url.origin().ascii_serialization()))
        || allowed.contains(origin)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const DOMAIN: &str = "abc123.execute-api.us-east-1.amazonaws.com";

    fn post(headers: serde_json::Value, domain: Option<&str>) -> Request {
        let mut context = json!({
            "accountId": "123456789012",
            "apiId": "abc123",
            "http": {"method": "POST", "path": "/registrations/confirm",
                     "protocol": "HTTP/1.1", "sourceIp": "203.0.113.7", "userAgent": "t"},
            "requestId": "r", "routeKey": "POST /registrations/confirm",
            "stage": "$default", "time": "20/Sep/2022:04:00:00 +0000", "timeEpoch": 0
        });
        if let Some(domain) = domain {
            context["domainName"] = json!(domain);
        }
        let event = json!({
            "version": "2.0", "routeKey": "POST /registrations/confirm",
            "rawPath": "/registrations/confirm", "rawQueryString": "",
            "headers": headers, "requestContext": context, "isBase64Encoded": false
        });
        lambda_http::request::from_str(&event.to_string()).unwrap()
    }

    fn listed() -> AllowedOrigins {
        AllowedOrigins::parse("https://training.example.org").unwrap()
    }

    #[test]
    fn a_request_without_origin_is_no_cross_site_post() {
        assert!(origin_allowed(
            &post(json!({"host": DOMAIN}), Some(DOMAIN)),
            &AllowedOrigins::default(),
            None
        ));
    }

    #[test]
    fn the_apis_own_origin_is_allowed_from_the_context_or_the_host() {
        let own = format!("https://{DOMAIN}");
        let from_context = post(json!({"origin": own}), Some(DOMAIN));
        assert!(origin_allowed(
            &from_context,
            &AllowedOrigins::default(),
            None
        ));
        let from_host = post(json!({"origin": own, "host": DOMAIN}), None);
        assert!(origin_allowed(&from_host, &AllowedOrigins::default(), None));
        let custom = post(
            json!({"origin": "https://register.example.org", "host": DOMAIN}),
            Some("register.example.org"),
        );
        assert!(origin_allowed(&custom, &AllowedOrigins::default(), None));
        // Plain http is another origin than the API's https.
        let http = post(json!({"origin": format!("http://{DOMAIN}")}), Some(DOMAIN));
        assert!(!origin_allowed(&http, &AllowedOrigins::default(), None));
    }

    #[test]
    fn listed_origins_and_the_public_base_url_are_allowed_and_nothing_else() {
        let request = |origin: &str| post(json!({"origin": origin, "host": DOMAIN}), Some(DOMAIN));
        assert!(origin_allowed(
            &request("https://training.example.org"),
            &listed(),
            None
        ));
        let base = Url::parse("http://127.0.0.1:9000/app").unwrap();
        assert!(origin_allowed(
            &request("http://127.0.0.1:9000"),
            &AllowedOrigins::default(),
            Some(&base)
        ));
        for foreign in [
            "https://evil.example",
            "https://training.example.org.evil.example",
            "null",
            "",
            "http://127.0.0.1:9001",
        ] {
            assert!(
                !origin_allowed(&request(foreign), &listed(), Some(&base)),
                "{foreign}"
            );
        }
    }

    #[test]
    fn the_api_domain_comes_from_the_context_before_the_host() {
        let request = post(json!({"host": "other.example"}), Some(DOMAIN));
        assert_eq!(api_domain(&request).as_deref(), Some(DOMAIN));
        let request = post(json!({"host": "127.0.0.1:9000"}), None);
        assert_eq!(api_domain(&request).as_deref(), Some("127.0.0.1:9000"));
    }
}
