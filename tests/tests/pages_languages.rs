//! Every participant page and JSON message in the participant's language,
//! against DynamoDB Local and the SES emulator: the programs list, closed and
//! not-open pages, the answers to a form post (201, 409, 429, 413, 415, 400),
//! the confirm and cancel pages and their results, and a JSON 422's field
//! messages; each in all six languages, with `<html lang dir>`, the switcher,
//! and no English where a translation exists.

use registration::domain::Invalid;
use registration::i18n::{Catalog, Language};
use registration::program::{ProgramSettings, parse_program_file};
use serde_json::{Value, json};
use system_tests::{
    TestApp, TestResponse, events, spawn_app, spawn_app_with, unique, unique_email,
};

const CODES: [&str; 6] = ["en", "ru", "zh", "fa", "tr", "ur"];

fn language(code: &str) -> Language {
    Language::from_code(code).expect("a language")
}

fn plain(html: &str) -> String {
    html.replace(['\u{2068}', '\u{2069}'], "")
}

/// A program in all six languages, open between `opens` and `closes` (dates
/// of 2022; the app's clock is 2022-09-20).
fn program(opens: &str, closes: &str) -> ProgramSettings {
    let mut text = format!(
        "id = {:?}\ntitle = \"Solar cells\"\nhost = \"ECOSF Academy\"\n\
         starts_at = \"2022-10-01T10:00:00+03:00\"\ntimezone = \"Europe/Istanbul\"\n\
         registration_opens_at = \"{opens}T00:00:00Z\"\n\
         registration_closes_at = \"{closes}T00:00:00Z\"\n\
         languages = [\"en\", \"ru\", \"zh\", \"fa\", \"tr\", \"ur\"]\n\
         zoom_join_url = \"https://zoom.example/j/1\"\n",
        unique("solar")
    );
    for code in CODES {
        text.push_str(&format!("[text.{code}]\nsummary = \"Summary {code}.\"\n"));
    }
    parse_program_file(&text, None).expect("a valid program")
}

async fn published(app: &TestApp, opens: &str, closes: &str) -> ProgramSettings {
    let program = program(opens, closes);
    app.store
        .publish_program(&program, app.clock_now())
        .await
        .expect("published");
    program
}

/// The page is in `code`: its `<html lang dir>`, the catalog's `id` in that
/// language, and (but for English) not that message's English words. With
/// `switcher`, every language is named in itself.
fn assert_in(response: &TestResponse, code: &str, id: &str, switcher: bool) {
    let html = plain(&response.body);
    let lang = language(code);
    let dir = lang.direction().as_html();
    assert!(
        html.contains(&format!(r#"<html lang="{code}" dir="{dir}">"#)),
        "{code} {id}: {html}"
    );
    let said = plain(&Catalog::new(lang).text(id));
    assert!(html.contains(&said), "{code}: {id} ({said}) in {html}");
    if code != "en" {
        let english = plain(&Catalog::new(Language::En).text(id));
        assert!(!html.contains(&english), "{code}: English {english:?} left");
    }
    if switcher {
        assert!(html.contains(r#"<nav class="languages""#), "{code}: {html}");
        for name in ["English", "Русский", "中文", "فارسی", "Türkçe", "اردو"] {
            assert!(html.contains(name), "{code}: the switcher names {name}");
        }
    }
}

fn with_accept_language(mut event: Value, code: &str) -> Value {
    event["headers"]["accept-language"] = Value::String(code.to_owned());
    event
}

#[tokio::test]
async fn the_list_the_closed_and_the_not_open_pages_speak_each_language() {
    let app = spawn_app().await;
    let _open = published(&app, "2022-09-01", "2022-09-25").await;
    let closed = published(&app, "2022-08-01", "2022-09-01").await;
    let later = published(&app, "2022-09-22", "2022-09-25").await;
    for code in CODES {
        let query = format!("lang={code}");
        let list = app.call_register(events::get("/", Some(&query))).await;
        assert_eq!(list.status, 200, "{code}");
        assert_in(&list, code, "programs-choose", true);
        assert_in(&list, code, "programs-heading", true);
        let path = format!("/programs/{}", closed.id);
        let page = app.call_register(events::get(&path, Some(&query))).await;
        assert_eq!(page.status, 200, "{code}");
        assert_in(&page, code, "closed-heading", true);
        assert_in(&page, code, "closed-zoom", true);
        let path = format!("/programs/{}", later.id);
        let page = app.call_register(events::get(&path, Some(&query))).await;
        assert_eq!(page.status, 200, "{code}");
        assert_in(&page, code, "not-open-heading", true);
        let other = if code == "en" { "fa" } else { "en" };
        assert!(
            page.body
                .contains(&format!(r#"href="/programs/{}?lang={other}""#, later.id)),
            "the switcher leads to the program's page: {}",
            page.body
        );
    }
}

/// A valid form post in `code`, from its own source address.
fn form_post(email: &str, code: &str, source: &str) -> Value {
    let body = events::form_body(&[
        ("full_name", "Ayesha Khan"),
        ("email", email),
        ("country", "pk"),
        ("organization", "Lahore Cells Ltd"),
        ("consent", "on"),
        ("language", code),
    ]);
    let event = events::post_registrations(
        "application/x-www-form-urlencoded",
        &body,
        Some("text/html"),
    );
    events::from_source(event, source)
}

#[tokio::test]
async fn a_form_post_is_answered_in_the_posted_language_created_or_already_registered() {
    let app = spawn_app().await;
    for (n, code) in CODES.into_iter().enumerate() {
        let email = unique_email();
        let source = format!("10.88.0.{n}");
        // The posted language wins over the browser's.
        let post = with_accept_language(form_post(&email, code, &source), "en");
        let created = app.call_register(post.clone()).await;
        assert_eq!(created.status, 201, "{code}: {}", created.body);
        assert_in(&created, code, "registered-heading", true);
        assert_in(&created, code, "registered-sent", true);
        let again = app.call_register(post).await;
        assert_eq!(again.status, 409, "{code}");
        assert_in(&again, code, "problem-already-registered-title", true);
        assert_in(&again, code, "problem-already-registered-detail", true);
        assert_in(&again, code, "page-back-to-form", true);
    }
}

#[tokio::test]
async fn the_form_shown_again_says_each_fields_message_in_the_posted_language() {
    let app = spawn_app().await;
    for code in CODES {
        let body = events::form_body(&[("email", "not-an-address"), ("language", code)]);
        let post = events::post_registrations(
            "application/x-www-form-urlencoded",
            &body,
            Some("text/html"),
        );
        let response = app.call_register(post).await;
        assert_eq!(response.status, 422, "{code}");
        assert_in(&response, code, "form-error-summary", true);
        let cat = Catalog::new(language(code));
        let html = plain(&response.body);
        for rule in [Invalid::Email, Invalid::Required, Invalid::Consent] {
            assert!(
                html.contains(&plain(&cat.invalid(rule))),
                "{code}: {rule:?}"
            );
            if code != "en" {
                assert!(
                    !html.contains(&rule.to_string()),
                    "{code}: English {rule:?}"
                );
            }
        }
    }
}

#[tokio::test]
async fn a_refused_body_is_answered_in_the_browsers_language() {
    let app = spawn_app().await;
    for code in CODES {
        let big = events::form_body(&[("full_name", &"y".repeat(17 * 1024))]);
        let too_large = events::post_registrations(
            "application/x-www-form-urlencoded",
            &big,
            Some("text/html"),
        );
        let response = app
            .call_register(with_accept_language(too_large, code))
            .await;
        assert_eq!(response.status, 413, "{code}");
        assert_in(&response, code, "problem-payload-too-large-detail", false);
        let text = events::post_registrations("text/plain", "hello", Some("text/html"));
        let response = app.call_register(with_accept_language(text, code)).await;
        assert_eq!(response.status, 415, "{code}");
        assert_in(
            &response,
            code,
            "problem-unsupported-media-type-title",
            false,
        );
        let mut not_utf8 =
            events::post_registrations("application/x-www-form-urlencoded", "", Some("text/html"));
        not_utf8["body"] = json!("/w==");
        not_utf8["isBase64Encoded"] = json!(true);
        let response = app
            .call_register(with_accept_language(not_utf8, code))
            .await;
        assert_eq!(response.status, 400, "{code}");
        assert_in(&response, code, "problem-malformed-body-title", false);
    }
}

#[tokio::test]
async fn too_many_registrations_from_one_network_are_refused_in_the_posted_language() {
    let app = spawn_app_with(|env| {
        env.insert("MAX_REGISTRATIONS_PER_IP_PER_HOUR".into(), "1".into());
    })
    .await;
    let first = app
        .call_register(form_post(&unique_email(), "en", "10.89.0.1"))
        .await;
    assert_eq!(first.status, 201, "{}", first.body);
    for code in CODES {
        let response = app
            .call_register(form_post(&unique_email(), code, "10.89.0.1"))
            .await;
        assert_eq!(response.status, 429, "{code}: {}", response.body);
        assert_in(&response, code, "problem-too-many-requests-detail", true);
    }
}

#[tokio::test]
async fn a_json_422_says_its_field_messages_in_the_requests_language_under_their_names() {
    let app = spawn_app().await;
    let body = json!({"full_name": "Ayesha Khan", "email": "not-an-address",
                      "country": "pk", "organization": "O", "consent": false});
    let mut event = events::post_registrations("application/json", &body.to_string(), None);
    event = with_accept_language(event, "ru");
    let response = app.call_register(event.clone()).await;
    assert_eq!(response.status, 422);
    let problem = response.json();
    let russian = Catalog::new(Language::Ru);
    assert_eq!(response.problem_slug(), "validation");
    assert_eq!(problem["title"], "Some fields are invalid");
    assert_eq!(problem["detail"], russian.text("problem-validation-detail"));
    let errors = problem["errors"].as_object().expect("errors");
    let fields: Vec<&str> = errors.keys().map(String::as_str).collect();
    assert_eq!(fields, ["consent", "email"]);
    assert_eq!(
        errors["email"],
        "должно быть одним адресом электронной почты вида name@example.org"
    );
    assert_eq!(errors["consent"], russian.invalid(Invalid::Consent));
    // The body's `language` wins over the header.
    let mut with_language = body.clone();
    with_language["language"] = json!("fa");
    event["body"] = Value::String(with_language.to_string());
    let persian = app.call_register(event).await.json();
    assert_eq!(
        persian["errors"]["email"],
        Catalog::new(Language::Fa).invalid(Invalid::Email)
    );
    assert_eq!(persian["title"], "Some fields are invalid");
}

/// A link route's page (GET `path?token=…&lang=…`).
async fn link_page(app: &TestApp, path: &str, token: &str, code: &str) -> TestResponse {
    let query = format!("token={token}&lang={code}");
    let request = events::to_request(&events::get(path, Some(&query)));
    let response = if path.ends_with("confirm") {
        confirm::handle(&app.confirmer, request).await
    } else {
        cancel::handle(&app.canceller, request).await
    };
    TestResponse::from_lambda(response)
}

/// The page's button: a form post of the token to `path?lang=…`, its
/// action's URL.
async fn press(app: &TestApp, path: &str, token: &str, code: &str) -> TestResponse {
    let headers = json!({"content-type": "application/x-www-form-urlencoded",
                         "accept": "text/html"});
    let body = events::form_body(&[("token", token)]);
    let event =
        events::request_with_query("POST", path, &format!("lang={code}"), headers, Some(&body));
    let request = events::to_request(&event);
    let response = if path.ends_with("confirm") {
        let response = confirm::handle(&app.confirmer, request).await;
        app.confirmer.after_response.run().await;
        response
    } else {
        let response = cancel::handle(&app.canceller, request).await;
        app.canceller.after_response.run().await;
        response
    };
    TestResponse::from_lambda(response)
}

/// The page's button posts to its route in the page's language, and the
/// switcher's links keep the token.
fn assert_button_and_switcher(
    page: &TestResponse,
    path: &str,
    token: &str,
    code: &str,
    label: &str,
) {
    let html = plain(&page.body);
    let said = Catalog::new(language(code)).text(label);
    assert!(
        html.contains(&format!(
            r#"<form method="post" action="{path}?lang={code}">"#
        )),
        "{html}"
    );
    assert!(
        html.contains(&format!(">{said}</button>")),
        "{code}: {html}"
    );
    let other = if code == "en" { "fa" } else { "en" };
    assert!(
        html.contains(&format!(r#"<a href="?token={token}&#38;lang={other}""#)),
        "{code}: the switcher keeps the token: {html}"
    );
}

#[tokio::test]
async fn the_confirm_and_cancel_pages_and_their_results_speak_the_links_language() {
    let app = spawn_app().await;
    const CONFIRM: &str = "/registrations/confirm";
    const CANCEL: &str = "/registrations/cancel";
    for code in CODES {
        let token = app.register_for_token(&unique_email()).await;
        let page = link_page(&app, CONFIRM, &token, code).await;
        assert_eq!(page.status, 200, "{code}: {}", page.body);
        assert_in(&page, code, "confirm-heading", true);
        assert_in(&page, code, "confirm-prompt", true);
        assert_button_and_switcher(&page, CONFIRM, &token, code, "confirm-button");
        println!("confirm page, {code}: {} bytes", page.body.len());
        assert!(
            page.body.len() < 30 * 1024,
            "{code}: {} bytes",
            page.body.len()
        );
        let confirmed = press(&app, CONFIRM, &token, code).await;
        assert_eq!(confirmed.status, 200, "{code}");
        assert_in(&confirmed, code, "confirmed-heading", true);
        assert_in(&confirmed, code, "confirmed-now", true);

        let page = link_page(&app, CANCEL, &token, code).await;
        assert_eq!(page.status, 200, "{code}");
        assert_in(&page, code, "cancel-confirmed-heading", true);
        assert_button_and_switcher(&page, CANCEL, &token, code, "cancel-button");
        let cancelled = press(&app, CANCEL, &token, code).await;
        assert_eq!(cancelled.status, 200, "{code}");
        assert_in(&cancelled, code, "cancelled-heading", true);
        assert_in(&cancelled, code, "cancelled-now", true);
        let again = press(&app, CANCEL, &token, code).await;
        assert_in(&again, code, "cancelled-already", true);
    }
}

#[tokio::test]
async fn a_persian_link_is_right_to_left_its_result_persian_and_an_unknown_one_too() {
    let app = spawn_app().await;
    let token = app.register_for_token(&unique_email()).await;
    let page = link_page(&app, "/registrations/confirm", &token, "fa").await;
    assert!(page.body.contains(r#"<html lang="fa" dir="rtl">"#));
    let done = press(&app, "/registrations/confirm", &token, "fa").await;
    assert!(done.body.contains(r#"<html lang="fa" dir="rtl">"#));
    assert!(
        plain(&done.body).contains("ثبت‌نام شما تأیید شد"),
        "{}",
        done.body
    );
    // Without the link's language, the browser's decides.
    let request = events::to_request(&with_accept_language(
        events::get("/registrations/confirm", Some(&format!("token={token}"))),
        "ur, en;q=0.5",
    ));
    let urdu = TestResponse::from_lambda(confirm::handle(&app.confirmer, request).await);
    assert_in(&urdu, "ur", "confirmed-already", true);
    // A token that names no registration: the language asked for, among all.
    let unknown = link_page(&app, "/registrations/cancel", "bogus", "fa").await;
    assert_eq!(unknown.status, 404);
    assert_in(&unknown, "fa", "cancel-invalid", false);
}
