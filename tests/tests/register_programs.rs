//! `register` serving every program: the deployment's own (`EVENT_*`) and the
//! published ones side by side, against DynamoDB Local and the SES emulator.
//! `GET /` (the only open program's form, the list, the closed page), `GET
//! /programs/{id}` in and out of its window, `POST /registrations` with and
//! without `program`, a republished title, and a table written before programs
//! were data.

use jiff::{SignedDuration, Timestamp};
use registration::config::RegisterConfig;
use registration::mail::SesMailer;
use registration::platform::clock::FixedClock;
use registration::program::{CACHE_FOR, ProgramSettings, parse_program_file};
use registration::store::DynamoStore;
use registration::store::EventRegistrations;
use registration::use_cases::registering::Registrar;
use serde_json::json;
use system_tests::{
    TestApp, TestResponse, events, invoke_register, post_json_to, spawn_app, unique, unique_email,
    valid_json,
};

/// A program open from `opens` to `closes` (2022), starting on 1 October.
fn program(id: &str, title: &str, host: &str, opens: &str, closes: &str) -> ProgramSettings {
    let text = format!(
        "id = {id:?}\ntitle = {title:?}\nhost = {host:?}\n\
         starts_at = \"2022-10-01T10:00:00+03:00\"\ntimezone = \"Europe/Istanbul\"\n\
         registration_opens_at = \"{opens}T00:00:00Z\"\n\
         registration_closes_at = \"{closes}T00:00:00Z\"\n\
         contact_email = \"questions@example.org\"\nlanguages = [\"en\"]\n\
         zoom_join_url = \"https://zoom.example/j/{id}\"\n\
         [text.en]\nsummary = \"Who it is for: {title} people.\\n\\nSecond paragraph.\"\n"
    );
    parse_program_file(&text, None).expect("a valid program")
}

/// Publish `program` into the app's table, as `organizer program publish` does.
async fn publish(app: &TestApp, program: &ProgramSettings) {
    app.store
        .publish_program(program, app.clock_now())
        .await
        .expect("published");
}

/// Two published programs open at the app's clock (2022-09-20), with their own
/// titles and hosts; their ids are fresh.
async fn two_open(app: &TestApp) -> (ProgramSettings, ProgramSettings) {
    let a = program(
        &unique("solar"),
        "Solar <cells> & storage",
        "ECOSF Academy",
        "2022-09-01",
        "2022-09-25",
    );
    let b = program(
        &unique("wind"),
        "Wind farms",
        "مرکز آموزش",
        "2022-09-10",
        "2022-09-26",
    );
    publish(app, &a).await;
    publish(app, &b).await;
    (a, b)
}

fn with_program(email: &str, id: &str) -> serde_json::Value {
    let mut body = valid_json(email);
    body["program"] = json!(id);
    body
}

async fn get(app: &TestApp, path: &str) -> TestResponse {
    app.call_register(events::get(path, None)).await
}

type Register = Registrar<DynamoStore, SesMailer, FixedClock>;

/// `register` of a deployment without `EVENT_ID` (no own program), over the
/// app's table, SES and clock.
fn without_own_program(app: &TestApp) -> Register {
    let mut env = app.env.clone();
    // Without its id, the own program's variables are refused (decision 114).
    for variable in [
        "EVENT_ID",
        "EVENT_TITLE",
        "EVENT_STARTS_AT",
        "EVENT_TIMEZONE",
        "REGISTRATION_CLOSES_AT",
    ] {
        env.remove(variable);
    }
    let config = RegisterConfig::from_source(&env).expect("configured without EVENT_ID");
    let mailer = SesMailer::new(app.ses.clone(), config.sender.clone());
    Registrar::new(config, app.store.clone(), mailer, app.clock.clone())
}

async fn get_from(register: &Register, path: &str) -> TestResponse {
    let request = events::to_request(&events::get(path, None));
    TestResponse::from_lambda(invoke_register(register, request).await)
}

#[tokio::test]
async fn with_several_programs_open_the_start_page_lists_each_with_its_times_and_link() {
    let app = spawn_app().await;
    let (a, b) = two_open(&app).await;
    let page = get(&app, "/").await;
    assert_eq!(page.status, 200, "{page:?}");
    let body = page.body.replace(['\u{2068}', '\u{2069}'], "");
    assert!(body.contains("Programs open for registration"));
    for (id, title) in [
        (a.id.to_string(), "Solar &#60;cells&#62; &#38; storage"),
        (b.id.to_string(), "Wind farms"),
        (
            app.event_id.clone(),
            "Powering Belt and Road Lithium-ion batteries",
        ),
    ] {
        assert!(
            body.contains(&format!(
                r#"<a href="/programs/{id}?lang=en" dir="auto">{title}</a>"#
            )),
            "{id}: {}",
            page.body
        );
    }
    // Each program's start and closing in its own zone.
    assert!(
        body.contains("A Zoom webinar on Saturday, 1 October 2022 at 10:00 Türkiye Standard Time.")
    );
    assert!(body.contains(
        "Registration closes on Sunday, 25 September 2022 at 03:00 Türkiye Standard Time."
    ));
    assert!(body.contains("Wednesday, 28 September 2022 at 10:00 Pakistan Standard Time"));
    assert!(!page.body.contains("<form"), "a list, not a form");
    // The hosts differ: none is named for all.
    assert!(!page.body.contains(r#"class="org""#));
}

#[tokio::test]
async fn a_programs_page_is_its_form_naming_its_host_summary_and_contact() {
    let app = spawn_app().await;
    let (a, b) = two_open(&app).await;
    let page = get(&app, &format!("/programs/{}", b.id)).await;
    assert_eq!(page.status, 200);
    let html = &page.body;
    assert!(html.contains(&format!(
        r#"<input type="hidden" name="program" value="{}">"#,
        b.id
    )));
    assert!(html.contains(r#"<h1 dir="auto">Wind farms</h1>"#));
    assert!(html.contains(r#"<p class="org" dir="auto">مرکز آموزش</p>"#));
    assert!(html.contains("I agree that \u{2068}مرکز آموزش\u{2069} stores these details"));
    assert!(html.contains(r#"<p dir="auto">Who it is for: Wind farms people.</p>"#));
    assert!(html.contains(r#"<p dir="auto">Second paragraph.</p>"#));
    assert!(html.contains("mailto:questions@example.org"));
    assert!(!html.contains("BTBU-ECOSF"), "{html}");
    assert!(!html.contains(a.title.as_str()));
}

#[tokio::test]
async fn a_post_to_each_program_lands_in_its_key_space_and_its_email_names_its_title_and_host() {
    let app = spawn_app().await;
    let (a, b) = two_open(&app).await;
    let email = unique_email();
    for program in [&a, &b] {
        let response = app
            .post_json(&with_program(&email, program.id.as_ref()))
            .await;
        assert_eq!(response.status, 201, "{response:?}");
    }
    // The same address in the own program, without `program`: the own one.
    assert_eq!(app.post_json(&valid_json(&email)).await.status, 201);
    for (event_id, title, host) in [
        (a.id.as_ref(), "Solar <cells> & storage", "ECOSF Academy"),
        (b.id.as_ref(), "Wind farms", "مرکز آموزش"),
        (
            app.event_id.as_str(),
            "Powering Belt and Road Lithium-ion batteries",
            "BTBU-ECOSF Joint Training Center",
        ),
    ] {
        let page = app.store.event_page(event_id, None, None).await.unwrap();
        let emails: Vec<&str> = page
            .registrations
            .iter()
            .map(|r| r.email.as_str())
            .collect();
        assert_eq!(
            emails,
            [email.as_str()],
            "{event_id}'s own registration only"
        );
        assert_eq!(page.registrations[0].event_id, event_id);
        let sent = app.mailbox.to(&email).await;
        let mail = sent
            .iter()
            .find(|m| m.subject.contains(title))
            .unwrap_or_else(|| panic!("a confirmation naming {title}"));
        assert!(mail.text().contains(host), "{}", mail.text());
        let others = [a.title.as_str(), b.title.as_str()];
        assert!(
            others
                .iter()
                .filter(|t| **t != title)
                .all(|t| !mail.text().contains(t))
        );
    }
    assert_eq!(app.mailbox.to(&email).await.len(), 3);
    // Each program's own duplicate check: the same address again in `a` is a 409.
    let again = app.post_json(&with_program(&email, a.id.as_ref())).await;
    assert_eq!(again.status, 409);
}

#[tokio::test]
async fn an_unknown_program_or_none_with_several_open_is_a_422_naming_program() {
    let app = spawn_app().await;
    let register = without_own_program(&app);
    let (a, _) = two_open(&app).await;
    let email = unique_email();
    for body in [
        with_program(&email, "no-such-program"),
        with_program(&email, "Not A Slug!"),
        valid_json(&email),
    ] {
        let response = post_json_to(&register, &body).await;
        assert_eq!(response.status, 422, "{response:?}");
        assert_eq!(response.problem_slug(), "validation");
        let errors = response.json()["errors"].clone();
        assert!(errors["program"].is_string(), "{errors}");
        assert_eq!(errors.as_object().unwrap().len(), 1, "{errors}");
    }
    // A bad field too: every invalid field is named with the program.
    let mut bad = with_program(&email, "no-such-program");
    bad["country"] = json!("XX");
    let errors = post_json_to(&register, &bad).await.json()["errors"].clone();
    assert!(errors["program"].is_string() && errors["country"].is_string());
    assert!(app.registration_items().await.is_empty());
    assert!(app.mailbox.to(&email).await.is_empty());
    // Named, it is accepted.
    let named = post_json_to(&register, &with_program(&email, a.id.as_ref())).await;
    assert_eq!(named.status, 201);
}

#[tokio::test]
async fn without_event_id_the_only_open_program_is_the_start_page_and_the_default() {
    let app = spawn_app().await;
    let register = without_own_program(&app);
    let closed = get_from(&register, "/").await;
    assert_eq!(closed.status, 200);
    assert!(
        closed.body.contains("Registration is closed"),
        "none published"
    );
    let only = program(
        &unique("only"),
        "The only one",
        "ECOSF Academy",
        "2022-09-01",
        "2022-09-25",
    );
    publish(&app, &only).await;
    // The listing was read a moment ago: the new program shows within a minute.
    app.clock.advance(CACHE_FOR);
    let page = get_from(&register, "/").await;
    assert!(
        page.body.contains(r#"<h1 dir="auto">The only one</h1>"#),
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains(&format!(r#"name="program" value="{}""#, only.id))
    );
    let email = unique_email();
    assert_eq!(
        post_json_to(&register, &valid_json(&email)).await.status,
        201
    );
    let page = app
        .store
        .event_page(only.id.as_ref(), None, None)
        .await
        .unwrap();
    assert_eq!(page.registrations.len(), 1);
}

#[tokio::test]
async fn before_its_opening_a_program_answers_403_registration_not_open_and_its_page_says_so() {
    let app = spawn_app().await;
    let later = program(
        &unique("later"),
        "Later",
        "ECOSF Academy",
        "2022-09-22",
        "2022-09-30",
    );
    publish(&app, &later).await;
    let email = unique_email();
    let response = app
        .post_json(&with_program(&email, later.id.as_ref()))
        .await;
    assert_eq!(response.status, 403);
    assert_eq!(response.problem_slug(), "registration-not-open");
    let html = app
        .call_register(events::post_registrations(
            "application/x-www-form-urlencoded",
            &events::form_body(&[("program", later.id.as_ref()), ("email", &email)]),
            Some("text/html"),
        ))
        .await;
    assert_eq!(html.status, 403, "{}", html.body);
    assert!(html.body.contains("Registration has not opened yet"));
    assert!(
        html.body.replace(['\u{2068}', '\u{2069}'], "").contains(
            "Registration opens on Thursday, 22 September 2022 at 03:00 Türkiye Standard Time."
        ),
        "{}",
        html.body
    );
    let page = get(&app, &format!("/programs/{}", later.id)).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Registration has not opened yet"));
    assert!(!page.body.contains("<form"));
    assert!(app.registration_items().await.is_empty());
    assert!(app.mailbox.to(&email).await.is_empty());
    // From its opening on, it takes registrations.
    app.clock.set("2022-09-22T00:00:00Z".parse().unwrap());
    let response = app
        .post_json(&with_program(&email, later.id.as_ref()))
        .await;
    assert_eq!(response.status, 201);
}

#[tokio::test]
async fn a_closed_program_answers_403_closed_and_an_unknown_or_malformed_id_is_a_404_page() {
    let app = spawn_app().await;
    let past = program(
        &unique("past"),
        "Past",
        "ECOSF Academy",
        "2022-08-01",
        "2022-09-01",
    );
    publish(&app, &past).await;
    let response = app
        .post_json(&with_program(&unique_email(), past.id.as_ref()))
        .await;
    assert_eq!(response.status, 403);
    assert_eq!(response.problem_slug(), "registration-closed");
    let page = get(&app, &format!("/programs/{}", past.id)).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Registration is closed"));
    assert!(
        page.body
            .replace(['\u{2068}', '\u{2069}'], "")
            .contains("Registration closed on Thursday, 1 September 2022 at 03:00")
    );
    for path in [
        "/programs/no-such-program",
        "/programs/Bad%20Id",
        "/programs/a/b",
    ] {
        let missing = get(&app, path).await;
        assert_eq!(missing.status, 404, "{path}");
        assert_eq!(missing.content_type, "text/html; charset=utf-8");
    }
    // The own program has its page too.
    let own = get(&app, &format!("/programs/{}", app.event_id)).await;
    assert!(
        own.body
            .contains("Powering Belt and Road Lithium-ion batteries")
    );
    assert!(own.body.contains("<form"));
}

#[tokio::test]
async fn a_republished_title_is_served_within_sixty_seconds() {
    let app = spawn_app().await;
    let (a, _) = two_open(&app).await;
    let path = format!("/programs/{}", a.id);
    assert!(
        get(&app, &path)
            .await
            .body
            .contains("Solar &#60;cells&#62;")
    );
    let renamed = ProgramSettings {
        title: "Solar, renamed".into(),
        ..a.clone()
    };
    publish(&app, &renamed).await;
    app.clock.advance(CACHE_FOR - SignedDuration::from_secs(1));
    assert!(
        get(&app, &path)
            .await
            .body
            .contains("Solar &#60;cells&#62;"),
        "cached for up to a minute"
    );
    app.clock.advance(SignedDuration::from_secs(1));
    assert!(get(&app, &path).await.body.contains("Solar, renamed"));
    let email = unique_email();
    app.post_json(&with_program(&email, a.id.as_ref())).await;
    let sent = app.mailbox.to(&email).await;
    assert!(
        sent[0].subject.contains("Solar, renamed"),
        "{}",
        sent[0].subject
    );
}

#[tokio::test]
async fn registrations_written_before_programs_were_data_are_still_served() {
    let app = spawn_app().await;
    // Today's code wrote this registration for EVENT_ID; the table holds no program item.
    let email = unique_email();
    let now: Timestamp = system_tests::while_open();
    let pending = system_tests::pending_registration(
        &app.event_id,
        system_tests::participant("Ayesha Khan", &email),
        now,
    );
    let confirmed = registration::domain::RegistrationStatus::Confirmed;
    system_tests::store_as(&app.store, &pending, confirmed, now).await;
    // The same address again, with or without naming the program, is the same registration.
    for body in [valid_json(&email), with_program(&email, &app.event_id)] {
        let response = app.post_json(&body).await;
        assert_eq!(response.status, 409, "{response:?}");
    }
    let page = app
        .store
        .event_page(&app.event_id, None, None)
        .await
        .unwrap();
    assert_eq!(page.registrations.len(), 1);
    assert_eq!(
        page.registrations[0].registration_id,
        pending.registration_id
    );
    assert_eq!(get(&app, "/").await.status, 200);
}

#[tokio::test]
async fn when_every_program_has_closed_a_post_is_403_before_its_body_is_read() {
    let app = spawn_app().await;
    let (a, _) = two_open(&app).await;
    app.clock.set("2022-09-27T00:00:00+05:00".parse().unwrap());
    let malformed = app
        .call_register(events::post_registrations("application/json", "{", None))
        .await;
    assert_eq!(malformed.status, 403);
    assert_eq!(malformed.problem_slug(), "registration-closed");
    let named = app
        .post_json(&with_program(&unique_email(), a.id.as_ref()))
        .await;
    assert_eq!(named.problem_slug(), "registration-closed");
    assert!(get(&app, "/").await.body.contains("Registration is closed"));
}
