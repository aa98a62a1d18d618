//! A request to a link's route (`/registrations/confirm`, `/registrations/cancel`)
//! sorted into what it asks for: the page (GET, the token from the query), the
//! action (POST, the token from the body, from this API's pages or a script), or
//! a refusal with its problem.

use super::{Problem, Reply, origin_allowed, posted_token};
use crate::config::AllowedOrigins;
use lambda_http::http::Method;
use lambda_http::{Request, RequestExt};

/// What a request to a link's route asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActionRequest {
    /// The link's page, which changes nothing.
    Show {
        token: Option<String>,
    },
    /// The button's action.
    Act {
        reply: Reply,
        token: Option<String>,
    },
    Refused {
        reply: Reply,
        problem: Problem,
    },
}

impl ActionRequest {
    /// Sort a request to the route at `path`. A POST is refused when another
    /// site's page sent it, before its body is read.
    pub fn read(request: &Request, path: &str, allowed: &AllowedOrigins) -> Self {
        let refused = |reply, problem| Self::Refused { reply, problem };
        if request.uri().path().trim_end_matches('/') != path {
            return refused(Reply::Html, Problem::NotFound);
        }
        let method = request.method();
        if method == Method::GET || method == Method::HEAD {
            let query = request.query_string_parameters_ref();
            let token = query.and_then(|q| q.first("token")).map(str::to_owned);
            return Self::Show { token };
        }
        if method != Method::POST {
            return refused(Reply::Html, Problem::MethodNotAllowed);
        }
        let reply = Reply::negotiate(request.headers());
        if !origin_allowed(request, allowed, None) {
            tracing::info!("refused: posted from another site");
            return refused(reply, Problem::CrossSite);
        }
        match posted_token(request) {
            Ok(token) => Self::Act { reply, token },
            Err(err) => refused(reply, Problem::from(err)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_request as request;
    use super::*;
    use serde_json::json;

    const PATH: &str = "/registrations/cancel";

    fn read(request: &Request) -> ActionRequest {
        ActionRequest::read(request, PATH, &AllowedOrigins::default())
    }

    #[test]
    fn a_get_shows_the_page_with_the_querys_token() {
        let get = request("GET", PATH, json!({}), "");
        assert_eq!(
            read(&get),
            ActionRequest::Show {
                token: Some("q".into())
            }
        );
    }

    #[test]
    fn a_post_acts_on_the_bodys_token_and_answers_as_the_client_asks() {
        let form = json!({"content-type": "application/x-www-form-urlencoded",
                          "origin": "https://api.example"});
        assert_eq!(
            read(&request("POST", PATH, form, "token=f")),
            ActionRequest::Act {
                reply: Reply::Html,
                token: Some("f".into())
            }
        );
        let json_post = json!({"content-type": "application/json"});
        assert_eq!(
            read(&request("POST", PATH, json_post, r#"{"token":"j"}"#)),
            ActionRequest::Act {
                reply: Reply::Json,
                token: Some("j".into())
            }
        );
        // The query's token does not count for the action.
        assert_eq!(
            read(&request(
                "POST",
                PATH,
                json!({"accept": "application/json"}),
                ""
            )),
            ActionRequest::Act {
                reply: Reply::Json,
                token: None
            }
        );
    }

    #[test]
    fn cross_site_posts_other_methods_and_paths_are_refused() {
        let foreign = json!({"content-type": "application/x-www-form-urlencoded",
                             "origin": "https://evil.example"});
        assert_eq!(
            read(&request("POST", PATH, foreign, "token=f")),
            ActionRequest::Refused {
                reply: Reply::Html,
                problem: Problem::CrossSite
            }
        );
        assert_eq!(
            read(&request("PUT", PATH, json!({}), "")),
            ActionRequest::Refused {
                reply: Reply::Html,
                problem: Problem::MethodNotAllowed
            }
        );
        assert_eq!(
            read(&request("GET", "/registrations/other", json!({}), "")),
            ActionRequest::Refused {
                reply: Reply::Html,
                problem: Problem::NotFound
            }
        );
        let text = json!({"content-type": "text/plain", "accept": "application/json"});
        assert_eq!(
            read(&request("POST", PATH, text, "token=f")),
            ActionRequest::Refused {
                reply: Reply::Json,
                problem: Problem::UnsupportedMediaType
            }
        );
    }
}
