//! The shared edge with a route of its own: what the edge does with a route's
//! path, calls and table (the use cases are tested against the emulators).

use super::super::test_request as request;
use super::*;
use crate::store::StoreError;
use crate::web::PROBLEM_BASE;
use serde_json::json;

/// A route whose page finds the token's length and whose action fails the store
/// for a token "down".
struct Route(AllowedOrigins);

impl ActionRoute for Route {
    const PATH: &'static str = "/registrations/test";
    const BUTTON_STYLE: ButtonStyle = ButtonStyle::Destructive;
    const FAILED: &'static str = "test action failed";
    type Found = usize;
    type Done = usize;

    async fn event_title(&self, _token: Option<&str>) -> String {
        "The <Webinar>".to_owned()
    }

    fn allowed_origins(&self) -> &AllowedOrigins {
        &self.0
    }

    async fn check(&self, token: Option<&str>) -> Result<usize, ActionError> {
        token.map(str::len).ok_or(ActionError::MissingToken)
    }

    async fn act(&self, token: Option<&str>) -> Result<usize, ActionError> {
        match token {
            Some("down") => Err(ActionError::Store(StoreError::Unavailable("x".into()))),
            Some(token) => Ok(token.len() * 10),
            None => Err(ActionError::MissingToken),
        }
    }

    fn done_json(done: &usize) -> Value {
        json!({ "done": done })
    }

    fn page_for(outcome: ActionOutcome<'_, usize, usize>) -> ActionPage {
        let (status, heading, paragraph, button) = match outcome {
            ActionOutcome::Shown(n) => (StatusCode::OK, "Shown", n.to_string(), Some("Act")),
            ActionOutcome::Done(n) => (StatusCode::OK, "Done", n.to_string(), None),
            ActionOutcome::Refused(problem) => (problem.status(), "Refused", String::new(), None),
        };
        ActionPage {
            status,
            heading,
            paragraphs: vec![paragraph],
            button,
        }
    }
}

async fn serve(method: &str, headers: Value, body: &str) -> (u16, String, String) {
    let route = Route(AllowedOrigins::default());
    let response = serve_action(&route, request(method, Route::PATH, headers, body)).await;
    let content_type = response.headers()["content-type"].to_str().unwrap();
    let body = match response.body() {
        Body::Text(text) => text.clone(),
        other => panic!("a text body, got {other:?}"),
    };
    (response.status().as_u16(), content_type.to_owned(), body)
}

#[tokio::test]
async fn a_get_shows_the_routes_page_whose_button_posts_the_token_back_to_its_path() {
    let (status, content_type, html) = serve("GET", json!({}), "").await;
    assert_eq!(
        (status, content_type.as_str()),
        (200, "text/html; charset=utf-8")
    );
    assert!(html.contains("Shown") && html.contains(">1<"), "{html}");
    assert!(html.contains(r#"action="/registrations/test""#), "{html}");
    assert!(html.contains(r#"name="token" value="q""#), "{html}");
    assert!(html.contains(r#"class="destructive">Act<"#), "{html}");
    assert!(html.contains("The &#60;Webinar&#62;"), "{html}");
}

#[tokio::test]
async fn a_post_answers_json_with_the_routes_json_and_a_form_with_its_page() {
    let json_post = json!({"content-type": "application/json"});
    let (status, content_type, body) = serve("POST", json_post, r#"{"token":"abc"}"#).await;
    assert_eq!((status, content_type.as_str()), (200, "application/json"));
    assert_eq!(
        serde_json::from_str::<Value>(&body).unwrap(),
        json!({"done": 30})
    );

    let form = json!({"content-type": "application/x-www-form-urlencoded"});
    let (status, _, html) = serve("POST", form, "token=abcd").await;
    assert_eq!(status, 200);
    assert!(html.contains("Done") && html.contains(">40<"), "{html}");
    assert!(
        !html.contains("<form"),
        "no button after the action: {html}"
    );
}

#[tokio::test]
async fn a_refusal_is_a_problem_for_json_and_the_routes_page_otherwise() {
    let json_post = json!({"content-type": "application/json"});
    let (status, content_type, body) = serve("POST", json_post, r#"{"token":"down"}"#).await;
    assert_eq!(
        (status, content_type.as_str()),
        (503, "application/problem+json")
    );
    assert_eq!(
        serde_json::from_str::<Value>(&body).unwrap()["type"],
        format!("{PROBLEM_BASE}unavailable")
    );
    let foreign = json!({"content-type": "application/x-www-form-urlencoded",
                         "origin": "https://evil.example"});
    let (status, content_type, html) = serve("POST", foreign, "token=abc").await;
    assert_eq!(
        (status, content_type.as_str()),
        (403, "text/html; charset=utf-8")
    );
    assert!(html.contains("Refused"), "{html}");
    let (status, _, html) = serve("PUT", json!({}), "").await;
    assert_eq!(status, 405);
    assert!(html.contains("Refused"), "{html}");
}
