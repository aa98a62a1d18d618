//! `register`'s form in the participant's language, against DynamoDB Local and
//! the SES emulator: `?lang=`, then `Accept-Language`, then the program's
//! first; `<html lang dir>`, the switcher, the program's own words in that
//! language, the catalog's words, and the weight of every language's page.

use registration::i18n::{Catalog, Language};
use registration::program::{ProgramSettings, parse_program_file};
use serde_json::Value;
use system_tests::{TestApp, TestResponse, events, spawn_app, unique};

/// A program open at the app's clock (2022-09-20) offering `languages`, with
/// a Persian title and summary and a Russian summary when it offers them.
fn program(languages: &[&str]) -> ProgramSettings {
    let codes: Vec<String> = languages.iter().map(|l| format!("{l:?}")).collect();
    let mut text = format!(
        "id = {:?}\ntitle = \"Solar cells\"\nhost = \"ECOSF Academy\"\n\
         starts_at = \"2022-10-01T10:00:00+03:00\"\ntimezone = \"Europe/Istanbul\"\n\
         registration_closes_at = \"2022-09-25T00:00:00Z\"\n\
         languages = [{}]\nzoom_join_url = \"https://zoom.example/j/1\"\n",
        unique("solar"),
        codes.join(", ")
    );
    for language in languages {
        let (title, summary) = match *language {
            "fa" => ("سلول‌های خورشیدی", "برای کارآفرینان انرژی."),
            "ru" => ("Солнечные элементы", "Для предпринимателей в энергетике."),
            _ => ("Solar cells", "For energy entrepreneurs."),
        };
        text.push_str(&format!(
            "[text.{language}]\ntitle = \"{title}\"\nsummary = \"{summary}\"\n"
        ));
    }
    parse_program_file(&text, None).expect("a valid program")
}

async fn published(app: &TestApp, languages: &[&str]) -> ProgramSettings {
    let program = program(languages);
    app.store
        .publish_program(&program, app.clock_now())
        .await
        .expect("published");
    program
}

/// `GET /programs/{id}` with a query and an `Accept-Language`.
async fn page(
    app: &TestApp,
    program: &ProgramSettings,
    query: Option<&str>,
    accept_language: Option<&str>,
) -> TestResponse {
    let mut event = events::get(&format!("/programs/{}", program.id), query);
    if let Some(accept) = accept_language {
        event["headers"]["accept-language"] = Value::String(accept.to_owned());
    }
    app.call_register(event).await
}

fn plain(html: &str) -> String {
    html.replace(['\u{2068}', '\u{2069}'], "")
}

#[tokio::test]
async fn lang_fa_gives_the_persian_page_right_to_left_with_its_title_summary_and_switcher() {
    let app = spawn_app().await;
    let program = published(&app, &["en", "fa", "ru"]).await;
    let response = page(&app, &program, Some("lang=fa"), Some("ru")).await;
    assert_eq!(response.status, 200);
    let html = plain(&response.body);
    assert!(html.contains(r#"<html lang="fa" dir="rtl">"#), "{html}");
    assert!(html.contains(r#"<h1 dir="auto">سلول‌های خورشیدی</h1>"#));
    assert!(html.contains(r#"<p dir="auto">برای کارآفرینان انرژی.</p>"#));
    let submit = Catalog::new(Language::Fa).text("form-submit");
    assert!(html.contains(&format!(r#"<button type="submit">{submit}</button>"#)));
    assert!(html.contains(r#"<input type="hidden" name="language" value="fa">"#));
    assert!(html.contains(r#"<a href="?lang=en" lang="en" hreflang="en">English</a>"#));
    assert!(html.contains(r#"<a href="?lang=ru" lang="ru" hreflang="ru">Русский</a>"#));
    assert!(html.contains(r#"<span lang="fa" aria-current="true">فارسی</span>"#));
    assert!(
        !html.contains("Register"),
        "no English word left on the form"
    );
}

#[tokio::test]
async fn accept_language_ru_gives_the_russian_page() {
    let app = spawn_app().await;
    let program = published(&app, &["en", "fa", "ru"]).await;
    let response = page(&app, &program, None, Some("de-DE, ru;q=0.8, en;q=0.5")).await;
    let html = plain(&response.body);
    assert!(html.contains(r#"<html lang="ru" dir="ltr">"#), "{html}");
    assert!(html.contains(r#"<h1 dir="auto">Солнечные элементы</h1>"#));
    let eco = Catalog::new(Language::Ru).text("form-country-eco");
    assert!(html.contains(&format!(r#"<optgroup label="{eco}">"#)));
    assert!(
        html.contains("1 октября 2022"),
        "the date in Russian: {html}"
    );
}

#[tokio::test]
async fn a_language_the_program_does_not_offer_gives_its_first() {
    let app = spawn_app().await;
    let program = published(&app, &["ru", "en"]).await;
    let response = page(&app, &program, Some("lang=zh"), Some("tr, fa;q=0.9")).await;
    let html = plain(&response.body);
    assert!(html.contains(r#"<html lang="ru" dir="ltr">"#), "{html}");
    assert!(html.contains(r#"<input type="hidden" name="language" value="ru">"#));
}

#[tokio::test]
async fn the_form_renders_in_every_language_under_30_kb() {
    let app = spawn_app().await;
    let codes = ["en", "ru", "zh", "fa", "tr", "ur"];
    let program = published(&app, &codes).await;
    for code in codes {
        let language = Language::from_code(code).expect("a language");
        let response = page(&app, &program, Some(&format!("lang={code}")), None).await;
        assert_eq!(response.status, 200, "{code}");
        let html = &response.body;
        let dir = language.direction().as_html();
        assert!(html.contains(&format!(r#"<html lang="{code}" dir="{dir}">"#)));
        let submit = Catalog::new(language).text("form-submit");
        assert!(html.contains(&submit), "{code}");
        assert!(!html.contains("<script"), "{code}");
        println!("{code}: {} bytes", html.len());
        assert!(html.len() < 30 * 1024, "{code}: {} bytes", html.len());
    }
}
