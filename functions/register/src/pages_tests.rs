//! The problem pages of `register` in each language, those the emulators
//! cannot easily bring about among them (500, 503).

use super::*;
use registration::program::parse_program_file;

fn program() -> ProgramSettings {
    let mut text = String::from(
        "id = \"solar\"\ntitle = \"Solar cells\"\nhost = \"ECOSF Academy\"\n\
         starts_at = \"2022-10-01T10:00:00+03:00\"\ntimezone = \"Europe/Istanbul\"\n\
         registration_closes_at = \"2022-09-25T00:00:00Z\"\n\
         languages = [\"en\", \"ru\", \"zh\", \"fa\", \"tr\", \"ur\"]\n\
         zoom_join_url = \"https://zoom.example/j/1\"\n",
    );
    for language in Language::ALL {
        let code = language.code();
        let title = match language {
            Language::Fa => "title = \"سلول‌های خورشیدی\"\n",
            _ => "",
        };
        text.push_str(&format!("[text.{code}]\n{title}summary = \"S\"\n"));
    }
    parse_program_file(&text, None).expect("a valid program")
}

fn body(response: &Response<Body>) -> String {
    match response.body() {
        Body::Text(text) => text.replace(['\u{2068}', '\u{2069}'], ""),
        other => panic!("a text body, got {other:?}"),
    }
}

#[test]
fn every_problem_page_speaks_the_language_asked_for_among_the_programs() {
    let program = program();
    for language in Language::ALL {
        let asked = LanguageAsked {
            named: Some(language.code().to_owned()),
            accept_language: None,
        };
        for problem in [
            Problem::Internal,
            Problem::Unavailable,
            Problem::AlreadyRegistered,
            Problem::TooManyRequests,
            Problem::PayloadTooLarge,
        ] {
            let response = failure(Reply::Html, problem, Some(&program), &asked);
            assert_eq!(response.status(), problem.status());
            let html = body(&response);
            let code = language.code();
            let dir = language.direction().as_html();
            assert!(html.contains(&format!(r#"<html lang="{code}" dir="{dir}">"#)));
            assert!(html.contains(&problem.title_in(language)), "{code}: {html}");
            assert!(
                html.contains(&problem.detail_in(language)),
                "{code}: {html}"
            );
            if language != Language::En {
                assert!(!html.contains(&problem.detail_in(Language::En)), "{code}");
            }
            assert!(html.contains(r#"<nav class="languages""#), "{code}");
        }
    }
}

#[test]
fn a_json_problem_keeps_its_english_title_and_says_its_detail_in_the_language() {
    let asked = LanguageAsked {
        named: None,
        accept_language: Some("fa-IR, en;q=0.5".into()),
    };
    let response = failure(Reply::Json, Problem::Unavailable, Some(&program()), &asked);
    let json: serde_json::Value = serde_json::from_str(&body(&response)).unwrap();
    assert_eq!(json["title"], "The service is temporarily unavailable");
    assert_eq!(json["detail"], Problem::Unavailable.detail_in(Language::Fa));
    assert_ne!(json["detail"], Problem::Unavailable.detail_in(Language::En));
}

#[test]
fn the_closed_page_names_the_programs_title_in_the_page_language() {
    let asked = LanguageAsked {
        named: Some("fa".into()),
        accept_language: None,
    };
    let response = closed_page(Some(&program()), StatusCode::FORBIDDEN, &asked);
    let html = body(&response);
    assert!(html.contains("سلول‌های خورشیدی"), "{html}");
    assert!(html.contains(&Catalog::new(Language::Fa).text("closed-heading")));
    assert!(
        html.contains("۱۴۰۱"),
        "the Solar Hijri year in Persian digits: {html}"
    );
    assert!(!html.contains("Registration"), "{html}");
}
