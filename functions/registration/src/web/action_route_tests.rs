//! The shared edge with a route of its own: what the edge does with a route's
//! path, calls and table (the use cases are tested against the emulators).

use super::super::test_request as request;
use super::*;
use crate::i18n::{Catalog, Language};
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

    async fn program(&self, _token: Option<&str>) -> Option<Arc<ProgramSettings>> {
        let file = "id = \"webinar\"\ntitle = \"The <Webinar>\"\nhost = \"H\"\n\
             starts_at = \"2022-09-28T10:00:00+05:00\"\ntimezone = \"Asia/Karachi\"\n\
             registration_closes_at = \"2022-09-27T00:00:00+05:00\"\n\
             languages = [\"en\", \"fa\"]\nzoom_join_url = \"https://zoom.us/j/1\"\n\
             [text.en]\nsummary = \"S\"\n[text.fa]\ntitle = \"وبینار\"\nsummary = \"S\"\n";
        Some(Arc::new(
            crate::program::parse_program_file(file, None).unwrap(),
        ))
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
        let place = |n: &usize| Words::Place(u32::try_from(*n).unwrap());
        let (status, heading, paragraph, button) = match outcome {
            ActionOutcome::Shown(n) => (
                StatusCode::OK,
                "confirm-heading",
                place(n),
                Some("cancel-button"),
            ),
            ActionOutcome::Done(n) => (StatusCode::OK, "cancelled-heading", place(n), None),
            ActionOutcome::Refused(problem) => (
                problem.status(),
                "link-invalid-heading",
                Words::ProblemDetail(problem),
                None,
            ),
        };
        ActionPage {
            status,
            heading: Words::Message(heading),
            paragraphs: vec![paragraph],
            button,
        }
    }
}

async fn serve(method: &str, headers: Value, body: &str) -> (u16, String, String) {
    let route = Route(AllowedOrigins::default());
    let response = serve_action(&route, request(method, Route::PATH, headers, body)).await;
    let html = |body: &str| body.replace(['\u{2068}', '\u{2069}'], "");
    let content_type = response.headers()["content-type"].to_str().unwrap();
    let body = match response.body() {
        Body::Text(text) => html(text),
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
    assert!(
        html.contains("Confirm your registration") && html.contains("number 1 in line"),
        "{html}"
    );
    assert!(
        html.contains(r#"action="/registrations/test?lang=en""#),
        "{html}"
    );
    assert!(html.contains(r#"name="token" value="q""#), "{html}");
    assert!(
        html.contains(r#"class="destructive">Cancel my registration<"#),
        "{html}"
    );
    assert!(html.contains("The &#60;Webinar&#62;"), "{html}");
    assert!(
        html.contains(r#"<a href="?token=q&#38;lang=fa" lang="fa" hreflang="fa">فارسی</a>"#),
        "{html}"
    );
}

#[tokio::test]
async fn the_page_speaks_the_language_the_request_asks_for_and_its_button_keeps_it() {
    let (status, _, html) = serve("GET", json!({"accept-language": "fa, en;q=0.5"}), "").await;
    assert_eq!(status, 200);
    assert!(html.contains(r#"<html lang="fa" dir="rtl">"#), "{html}");
    assert!(
        html.contains("وبینار"),
        "the program's Persian title: {html}"
    );
    let fa = |id| Catalog::new(Language::Fa).text(id);
    assert!(html.contains(&fa("confirm-heading")), "{html}");
    assert!(
        html.contains(&format!(">{}</button>", fa("cancel-button"))),
        "{html}"
    );
    assert!(
        html.contains(r#"action="/registrations/test?lang=fa""#),
        "{html}"
    );
    assert!(!html.contains("Confirm your registration"), "{html}");
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
    assert!(
        html.contains("Your registration is cancelled") && html.contains("number 40 in line"),
        "{html}"
    );
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
    assert!(html.contains("This link is not valid"), "{html}");
    assert!(
        html.contains("Only this site&#39;s own pages may send this request"),
        "{html}"
    );
    let (status, _, html) = serve("PUT", json!({}), "").await;
    assert_eq!(status, 405);
    assert!(
        html.contains("This address does not accept that method."),
        "{html}"
    );
}
