//! Every email to a participant in the language they registered in, against
//! DynamoDB Local and the SES emulator: the form's `language` is kept on the
//! registration, and the confirmation, link, promotion and reminder emails
//! (subjects, dates, the invitation, the links' `lang`) follow it; a
//! registration stored before registrations kept a language gets the
//! program's first, in its emails and in the export.

use jiff::{SignedDuration, Timestamp};
use registration::export::Row;
use registration::i18n::{Arg, Catalog, Language, local_time, utc_time};
use registration::program::{ProgramSettings, parse_program_file};
use registration::store::{EventRegistrations, Registrations};
use std::collections::HashMap;
use system_tests::send_links::{run, sender, spawn_send_links_app};
use system_tests::{SentEmail, TestApp, key_for, pk_of, spawn_app, unique, unique_email};

const TITLE: &str = "Powering Belt and Road Lithium-ion batteries";

/// The start of the send-links suites' upcoming event.
fn starts() -> Timestamp {
    "2030-09-28T10:00:00+05:00".parse().unwrap()
}

/// A message as the text part and subject of a left-to-right language write
/// it: the catalog's words with the values as typed.
fn words(language: Language, id: &str, args: &[(&str, Arg<'_>)]) -> String {
    Catalog::new(language)
        .format(id, args)
        .replace(['\u{2068}', '\u{2069}'], "")
}

/// Register `email` by the form, posted from a page in `language`.
async fn register_from_form(app: &TestApp, name: &str, email: &str, language: &str) {
    let response = app
        .post_form(&[
            ("full_name", name),
            ("email", email),
            ("country", "tr"),
            ("organization", "Anadolu Enerji"),
            ("consent", "on"),
            ("language", language),
        ])
        .await;
    assert_eq!(response.status, 201, "{}", response.body);
}

/// The one email to `email` whose subject is `subject`.
async fn email_titled(app: &TestApp, email: &str, subject: &str) -> SentEmail {
    let sent = app.mailbox.to(email).await;
    let subjects: Vec<&str> = sent.iter().map(|e| e.subject.as_str()).collect();
    let found: Vec<&SentEmail> = sent.iter().filter(|e| e.subject == subject).collect();
    assert_eq!(found.len(), 1, "{subject:?} among {subjects:?}");
    found[0].clone()
}

/// The export's record of `email`, read as the export reads it (the roster).
async fn exported(
    app: &TestApp,
    event_id: &str,
    email: &str,
    first: Language,
) -> serde_json::Value {
    let page = app.store.event_page(event_id, None, None).await.unwrap();
    let r = page
        .registrations
        .iter()
        .find(|r| r.email == email)
        .expect("the registration in the roster");
    serde_json::to_value(Row::new(r, &HashMap::new(), first)).unwrap()
}

#[tokio::test]
async fn a_turkish_registration_gets_confirmation_promotion_link_and_reminder_in_turkish() {
    let app = spawn_send_links_app(|env| {
        env.insert("CAPACITY".into(), "1".into());
        env.insert("REMINDER_BEFORE".into(), "P1D".into());
        env.insert("LINKS_SEND_AT".into(), "2030-09-27T10:00:00+05:00".into());
    })
    .await;
    let seated = unique_email();
    let seated_token = app.register_for_token(&seated).await;
    app.confirm_token(&seated_token).await.unwrap();
    let email = unique_email();
    register_from_form(&app, "Ayşe Yılmaz", &email, "tr").await;
    let stored = app
        .store
        .get(&key_for(&app.event_id, &email))
        .await
        .unwrap();
    assert_eq!(stored.unwrap().language(), Some(Language::Tr));

    // The confirmation: Turkish words, the Turkish date, links in Turkish.
    let title = [("title", Arg::Text(TITLE))];
    let subject = words(Language::Tr, "confirmation-subject", &title);
    assert_eq!(subject, format!("Lütfen kaydınızı onaylayın: {TITLE}"));
    let confirmation = email_titled(&app, &email, &subject).await;
    let text = confirmation.text();
    let zone = jiff::tz::TimeZone::get("Asia/Karachi").unwrap();
    let turkish_start = local_time(Language::Tr, starts(), &zone);
    assert!(
        turkish_start.contains("28 Eylül 2030 Cumartesi 10:00"),
        "{turkish_start}"
    );
    assert!(text.starts_with("Sayın Ayşe Yılmaz,\n"), "{text}");
    assert!(
        text.contains(&format!("“{TITLE}” için kaydolduğunuz")),
        "{text}"
    );
    assert!(text.contains(&turkish_start), "{text}");
    let confirm_url = system_tests::mailbox::confirmation_url(text).expect("a confirm link");
    assert!(confirm_url.ends_with("&lang=tr"), "{confirm_url}");
    assert!(text.contains("/registrations/cancel?token="));
    assert!(
        confirmation
            .html()
            .contains(r#"<html lang="tr" dir="ltr">"#)
    );
    assert!(confirmation.html().contains(">Kaydımı onayla</a>"));
    let token = app.confirmation_token(&email).await;
    app.confirm_token(&token).await.unwrap();

    // The seat frees before links go out: the promotion, in Turkish.
    app.cancel_token(&seated_token).await.unwrap();
    let promotion_subject = words(Language::Tr, "promotion-subject", &title);
    let promotion = email_titled(&app, &email, &promotion_subject).await;
    assert!(promotion.text().contains("bekleme listesinde değilsiniz"));
    assert!(promotion.text().contains("/registrations/cancel?token="));
    assert!(promotion.text().contains("&lang=tr\n"));

    // The link email, then the reminder, from the scheduled runs.
    app.clock.set("2030-09-27T10:00:00+05:00".parse().unwrap());
    assert_eq!(run(&sender(&app)).await.sent, 1);
    let link_subject = words(Language::Tr, "link-subject-promoted", &title);
    assert_eq!(
        link_subject,
        format!("Yer sizin, Zoom bağlantınızla birlikte: {TITLE}")
    );
    let link = email_titled(&app, &email, &link_subject).await;
    let utc = utc_time(Language::Tr, starts());
    assert_eq!(utc, "28 Eylül 2030 Cumartesi 05:00 UTC");
    assert!(
        link.text()
            .contains(&format!("{turkish_start} ({utc}) tarihinde başlıyor"))
    );
    assert!(
        link.text()
            .contains("Zoom webinarına bu bağlantıyla katılın:")
    );
    let ics = link
        .attachments
        .iter()
        .find(|a| a.filename.as_deref() == Some("invitation.ics"))
        .expect("the invitation")
        .text()
        .replace("\r\n ", "");
    assert!(
        ics.contains(&format!("SUMMARY;LANGUAGE=tr:{TITLE}\r\n")),
        "{ics}"
    );
    assert!(ics.contains("DESCRIPTION;LANGUAGE=tr:Webinara katılın: https://zoom.example/"));
    app.clock.set(starts() - SignedDuration::from_hours(24));
    assert_eq!(run(&sender(&app)).await.reminders_sent, 1);
    let reminder_subject = words(Language::Tr, "reminder-subject", &title);
    assert_eq!(
        reminder_subject,
        format!("Hatırlatma: {TITLE} yakında başlıyor")
    );
    let reminder = email_titled(&app, &email, &reminder_subject).await;
    assert!(reminder.text().contains(&turkish_start));
    assert!(reminder.html().contains(r#"<html lang="tr" dir="ltr">"#));

    let record = exported(&app, &app.event_id, &email, Language::En).await;
    assert_eq!(record["language"], "tr");
    assert_eq!(
        exported(&app, &app.event_id, &seated, Language::En).await["language"],
        "en"
    );
}

#[tokio::test]
async fn a_persian_registration_gets_its_confirmation_right_to_left_with_the_name_whole() {
    let app = spawn_app().await;
    let name = "علی\u{200C}رضا رضایی";
    let email = unique_email();
    register_from_form(&app, name, &email, "fa").await;

    let sent = app.mailbox.to(&email).await;
    assert_eq!(sent.len(), 1);
    let confirmation = &sent[0];
    // Right to left, the values keep their isolates (Fluent's, as the catalog gives them).
    let title = [("title", Arg::Text(TITLE))];
    let subject = Catalog::new(Language::Fa).format("confirmation-subject", &title);
    assert_eq!(confirmation.subject, subject);
    assert!(
        confirmation
            .subject
            .starts_with("لطفاً ثبت‌نام خود را تأیید کنید:")
    );
    let html = confirmation.html();
    assert!(html.contains(r#"<html lang="fa" dir="rtl">"#), "{html}");
    assert!(
        html.contains(&format!("<p><bdi>{name}</bdi> گرامی،</p>")),
        "{html}"
    );
    let text = confirmation.text();
    assert!(
        text.starts_with(&format!("\u{2068}{name}\u{2069} گرامی،\n")),
        "{text}"
    );
    let confirm_url = system_tests::mailbox::confirmation_url(text).expect("a confirm link");
    assert!(confirm_url.ends_with("&lang=fa"), "{confirm_url}");
    assert!(html.contains("&#38;lang=fa"));
    let stored = app
        .store
        .get(&key_for(&app.event_id, &email))
        .await
        .unwrap();
    let stored = stored.expect("stored");
    assert_eq!(stored.full_name, name, "the ZWNJ kept");
    assert_eq!(stored.language(), Some(Language::Fa));
}

#[tokio::test]
async fn a_json_registration_in_a_language_the_program_lacks_keeps_the_programs_first() {
    let app = spawn_app().await;
    let program = published(&app, &["ru", "en"]).await;
    let email = unique_email();
    let mut body = system_tests::valid_json(&email);
    body["program"] = program.id.to_string().into();
    body["language"] = "fa".into();
    assert_eq!(app.post_json(&body).await.status, 201);
    let key = key_for(program.id.as_ref(), &email);
    let stored = app.store.get(&key).await.unwrap().expect("stored");
    assert_eq!(stored.language(), Some(Language::Ru));
    let sent = app.mailbox.to(&email).await;
    let subject = words(
        Language::Ru,
        "confirmation-subject",
        &[("title", Arg::Text("Батареи"))],
    );
    assert_eq!(sent[0].subject, subject);
}

/// A program open at the app's clock (2022-09-20), with a Russian title.
async fn published(app: &TestApp, languages: &[&str]) -> ProgramSettings {
    let codes: Vec<String> = languages.iter().map(|l| format!("{l:?}")).collect();
    let mut text = format!(
        "id = {:?}\ntitle = \"Batteries\"\nhost = \"ECOSF Academy\"\n\
         starts_at = \"2022-10-01T10:00:00+03:00\"\ntimezone = \"Europe/Istanbul\"\n\
         registration_closes_at = \"2022-09-25T00:00:00Z\"\n\
         languages = [{}]\nzoom_join_url = \"https://zoom.example/j/1\"\n",
        unique("bat"),
        codes.join(", ")
    );
    for language in languages {
        let title = if *language == "ru" {
            "Батареи"
        } else {
            "Batteries"
        };
        text.push_str(&format!(
            "[text.{language}]\ntitle = \"{title}\"\nsummary = \"S.\"\n"
        ));
    }
    let program = parse_program_file(&text, None).expect("a valid program");
    app.store
        .publish_program(&program, app.clock_now())
        .await
        .expect("published");
    program
}

#[tokio::test]
async fn a_registration_stored_without_a_language_gets_the_programs_first_in_email_and_export() {
    let app = spawn_app().await;
    let program = published(&app, &["ru", "en"]).await;
    let email = unique_email();
    let registered = app.clock_now() - SignedDuration::from_mins(10);
    let participant = system_tests::participant("Dilnoza Karimova", &email);
    let pending = system_tests::pending_registration(program.id.as_ref(), participant, registered);
    app.store
        .create_pending(&pending, "a-token-hash")
        .await
        .unwrap();
    // As versions before languages wrote it: no `language` attribute.
    app.dynamodb
        .update_item()
        .table_name(&app.table)
        .key(
            "pk",
            aws_sdk_dynamodb::types::AttributeValue::S(pk_of(&pending.key)),
        )
        .update_expression("REMOVE #language")
        .expression_attribute_names("#language", "language")
        .send()
        .await
        .unwrap();
    let stored = app.store.get(&pending.key).await.unwrap().expect("stored");
    assert_eq!(stored.language(), None);

    // The scheduled run sends its owed confirmation email, in Russian.
    run(&sender(&app)).await;
    let sent = app.mailbox.to(&email).await;
    assert_eq!(sent.len(), 1, "the owed confirmation");
    let title = [("title", Arg::Text("Батареи"))];
    assert_eq!(
        sent[0].subject,
        words(Language::Ru, "confirmation-subject", &title)
    );
    assert!(sent[0].html().contains(r#"<html lang="ru" dir="ltr">"#));
    let confirm_url = system_tests::mailbox::confirmation_url(sent[0].text()).expect("a link");
    assert!(confirm_url.ends_with("&lang=ru"), "{confirm_url}");
    let record = exported(
        &app,
        program.id.as_ref(),
        &email,
        program.default_language(),
    )
    .await;
    assert_eq!(record["language"], "ru");
}
