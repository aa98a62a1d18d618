//! `GET /` and `POST /registrations` against DynamoDB Local and the SES emulator:
//! every row of the contract's status table, in JSON and HTML.

use jiff::SignedDuration;
use registration::domain::RegistrationStatus;
use serde_json::json;
use system_tests::events;
use system_tests::{
    post_json_to, spawn_app, spawn_app_with, unique_email, unreachable_dynamodb, unreachable_sesv2,
    valid_json,
};

#[tokio::test]
async fn a_valid_json_registration_is_stored_pending_and_emailed_a_confirmation_link() {
    let app = spawn_app().await;
    let email = unique_email();
    let response = app.post_json(&valid_json(&email)).await;
    assert_eq!(response.status, 201, "{response:?}");
    assert_eq!(response.content_type, "application/json");
    let body = response.json();
    assert_eq!(body["status"], "pending");
    let id = body["registration_id"].as_str().unwrap();
    assert_eq!(id.len(), 36);

    let stored = app.registrations().await;
    assert_eq!(stored.len(), 1);
    let r = &stored[0];
    assert_eq!(r.registration_id, id);
    assert_eq!(r.status, RegistrationStatus::Pending);
    assert_eq!(r.country, "PK");
    assert_eq!(r.email, email);
    assert_eq!(r.full_name, "Ayesha Khan");
    assert_eq!(r.designation.as_deref(), Some("Founder"));
    assert_eq!(r.phone.as_deref(), Some("+92 300 1234567"));
    assert_eq!(r.event_id, app.event_id);
    assert!(
        r.confirmation_message_id.is_some(),
        "the sent email is recorded"
    );
    assert_eq!(r.owes(), None, "nothing is owed once the email left");
    // TTL: unconfirmed, PENDING_EXPIRES_AFTER_HOURS (87,600 in the suites) after
    // its confirmation email; once confirmed, RETENTION_DAYS (3650) after the
    // event starts.
    let starts: jiff::Timestamp = "2022-09-28T10:00:00+05:00".parse().unwrap();
    assert_eq!(
        r.expires_at.as_second(),
        system_tests::while_open().as_second() + 87_600 * 3600
    );
    assert_eq!(
        r.retain_until.map(|t| t.as_second()),
        Some(starts.as_second() + 3650 * 86_400)
    );

    let emails = app.mailbox.to(&email).await;
    assert_eq!(emails.len(), 1);
    let mail = &emails[0];
    assert_eq!(mail.destination.to, vec![email.clone()]);
    assert!(mail.destination.cc.is_empty() && mail.destination.bcc.is_empty());
    assert_eq!(mail.from, "BTBU-ECOSF Training <training@example.org>");
    assert!(
        mail.subject
            .contains("Powering Belt and Road Lithium-ion batteries")
    );
    let link = app.mailbox.confirmation_urls(&email).await.pop().unwrap();
    assert!(link.starts_with("https://register.example.org/registrations/confirm?token="));
    assert!(!mail.html().is_empty(), "the email has an HTML part");
}

#[tokio::test]
async fn the_link_base_falls_back_to_the_api_domain() {
    let app = spawn_app_with(|env| {
        env.remove("PUBLIC_BASE_URL");
    })
    .await;
    let email = unique_email();
    assert_eq!(app.post_json(&valid_json(&email)).await.status, 201);
    let link = app.mailbox.confirmation_urls(&email).await.pop().unwrap();
    assert!(
        link.starts_with(&format!(
            "https://{}/registrations/confirm?token=",
            events::DOMAIN
        )),
        "{link}"
    );
}

#[tokio::test]
async fn a_browser_form_post_gets_an_html_check_your_email_page() {
    let app = spawn_app().await;
    let email = unique_email();
    let response = app
        .post_form(&[
            ("full_name", "Çağrı Yılmaz"),
            ("email", &email),
            ("country", "tr"),
            ("organization", "Anadolu Enerji"),
            ("consent", "on"),
            ("website", ""),
        ])
        .await;
    assert_eq!(response.status, 201);
    assert_eq!(response.content_type, "text/html; charset=utf-8");
    assert!(response.body.contains("Check your email"));
    let stored = app.registrations().await;
    assert_eq!(stored[0].full_name, "Çağrı Yılmaz");
    assert_eq!(stored[0].country, "TR");
}

#[tokio::test]
async fn a_base64_encoded_form_body_is_accepted() {
    let app = spawn_app().await;
    let email = unique_email();
    let body = events::form_body(&[
        ("full_name", "Алексей Иванов"),
        ("email", &email),
        ("country", "KZ"),
        ("organization", "Steppe Power"),
        ("consent", "yes"),
    ]);
    let response = app
        .call_register(events::post_registrations_base64(
            "application/x-www-form-urlencoded",
            &body,
            Some("application/json"),
        ))
        .await;
    assert_eq!(response.status, 201, "{response:?}");
    assert_eq!(response.json()["status"], "pending");
    assert_eq!(app.registrations().await[0].full_name, "Алексей Иванов");
}

#[tokio::test]
async fn names_in_every_script_arrive_intact_in_the_email() {
    let app = spawn_app().await;
    for name in [
        "محمد رضا حسینی",
        "王小明",
        "Алексей Иванов",
        "Çağrı Yılmaz Şahin",
    ] {
        let email = unique_email();
        let mut body = valid_json(&email);
        body["full_name"] = json!(name);
        assert_eq!(app.post_json(&body).await.status, 201);
        let mail = app.mailbox.to(&email).await.pop().unwrap();
        // A right-to-left name is isolated in the text part, between FSI and PDI.
        let right_to_left = name.chars().any(|c| ('\u{600}'..='\u{6FF}').contains(&c));
        let shown = if right_to_left {
            format!("\u{2068}{name}\u{2069}")
        } else {
            name.to_owned()
        };
        assert!(
            mail.text().contains(&format!("Dear {shown},")),
            "{}",
            mail.text()
        );
        assert!(mail.html().contains(&format!("<bdi>{name}</bdi>")));
    }
}

#[tokio::test]
async fn malformed_bodies_get_400_in_json_and_html() {
    let app = spawn_app().await;
    let response = app
        .call_register(events::post_registrations(
            "application/json",
            "{\"full_name\":",
            None,
        ))
        .await;
    assert_eq!(response.status, 400);
    assert_eq!(response.problem_slug(), "malformed-body");
    let array = app
        .call_register(events::post_registrations("application/json", "[1]", None))
        .await;
    assert_eq!(array.problem_slug(), "malformed-body");
    // A form body that is not UTF-8 (here base64 of the byte 0xFF) is malformed.
    let mut event =
        events::post_registrations("application/x-www-form-urlencoded", "", Some("text/html"));
    event["body"] = json!("/w==");
    event["isBase64Encoded"] = json!(true);
    let bad_utf8 = app.call_register(event).await;
    assert_eq!(bad_utf8.status, 400);
    assert_eq!(bad_utf8.content_type, "text/html; charset=utf-8");
    assert!(app.items().await.is_empty());
}

#[tokio::test]
async fn unsupported_content_types_get_415() {
    let app = spawn_app().await;
    let json_reply = app
        .call_register(events::post_registrations(
            "text/plain",
            "hello",
            Some("application/json"),
        ))
        .await;
    assert_eq!(json_reply.status, 415);
    assert_eq!(json_reply.problem_slug(), "unsupported-media-type");
    let html_reply = app
        .call_register(events::post_registrations(
            "multipart/form-data; boundary=x",
            "--x--",
            Some("text/html"),
        ))
        .await;
    assert_eq!(html_reply.status, 415);
    assert_eq!(html_reply.content_type, "text/html; charset=utf-8");
    assert!(app.items().await.is_empty());
}

#[tokio::test]
async fn bodies_over_16_kib_get_413() {
    let app = spawn_app().await;
    let mut body = valid_json(&unique_email());
    body["organization"] = json!("x".repeat(17 * 1024));
    let response = app.post_json(&body).await;
    assert_eq!(response.status, 413);
    assert_eq!(response.problem_slug(), "payload-too-large");
    let form = app
        .post_form(&[("full_name", &"y".repeat(17 * 1024))])
        .await;
    assert_eq!(form.status, 413);
    assert_eq!(form.content_type, "text/html; charset=utf-8");
    assert!(app.items().await.is_empty());
}

#[tokio::test]
async fn invalid_fields_get_422_naming_every_one_and_nothing_is_stored_or_sent() {
    let app = spawn_app().await;
    let response = app
        .post_json(&json!({
            "full_name": "",
            "email": "not-an-address",
            "country": "ZZ",
            "organization": "o".repeat(151),
            "designation": "d".repeat(101),
            "phone": "call me",
            "consent": false
        }))
        .await;
    assert_eq!(response.status, 422);
    assert_eq!(response.problem_slug(), "validation");
    let errors = response.json()["errors"].clone();
    for field in [
        "full_name",
        "email",
        "country",
        "organization",
        "designation",
        "phone",
        "consent",
    ] {
        assert!(errors[field].is_string(), "{field} is named: {errors}");
    }
    let missing = app.post_json(&json!({})).await;
    let errors = missing.json()["errors"].clone();
    for field in ["full_name", "email", "country", "organization", "consent"] {
        assert!(errors[field].is_string(), "{field} is named: {errors}");
    }
    assert!(errors.get("designation").is_none() && errors.get("phone").is_none());
    assert!(app.items().await.is_empty());
}

#[tokio::test]
async fn an_invalid_form_post_shows_the_form_again_with_messages_and_escaped_values() {
    let app = spawn_app().await;
    let response = app
        .post_form(&[
            ("full_name", "<script>alert('x')</script>"),
            ("email", "bad@@example.org"),
            ("country", "pk"),
            ("organization", "\"Quoted\" & <b>bold</b>"),
        ])
        .await;
    assert_eq!(response.status, 422);
    assert_eq!(response.content_type, "text/html; charset=utf-8");
    // The label and the message are isolated from each other (U+2068/U+2069).
    let html = &response.body.replace(['\u{2068}', '\u{2069}'], "");
    assert!(html.contains("Email address must be one email address"));
    assert!(html.contains("Consent must be given"));
    assert!(!html.contains("<script>alert"));
    assert!(!html.contains("<b>bold</b>"));
    assert!(
        html.contains("&#60;script&#62;alert(&#39;x&#39;)&#60;/script&#62;"),
        "the name is kept, escaped"
    );
    assert!(html.contains("bad@@example.org"), "the email is kept");
    assert!(html.contains(r#"<option value="PK" selected>"#));
    assert!(app.items().await.is_empty());
}

#[tokio::test]
async fn injection_attempts_are_refused_with_422_and_nothing_is_sent() {
    let app = spawn_app().await;
    let base = unique_email();
    for (field, value) in [
        ("email", format!("{base}\r\nBcc: victim@example.org")),
        ("email", format!("{base}\nBcc: victim@example.org")),
        ("email", format!("{base}, victim@example.org")),
        ("email", format!("first last {base}")),
        ("full_name", "Ali\r\nBcc: victim@example.org".to_owned()),
        ("full_name", "Ali\u{0007}".to_owned()),
    ] {
        let mut body = valid_json(&base);
        body[field] = json!(value);
        let response = app.post_json(&body).await;
        assert_eq!(response.status, 422, "{field}={value:?}");
        assert!(response.json()["errors"][field].is_string());
    }
    assert!(app.items().await.is_empty());
    assert!(app.mailbox.to(&base).await.is_empty());
    assert!(app.mailbox.to("victim@example.org").await.is_empty());
}

#[tokio::test]
async fn html_typed_into_fields_is_escaped_in_the_email() {
    let app = spawn_app().await;
    let email = unique_email();
    let mut body = valid_json(&email);
    body["full_name"] = json!("<img src=x onerror=alert(1)>");
    assert_eq!(app.post_json(&body).await.status, 201);
    let mail = app.mailbox.to(&email).await.pop().unwrap();
    assert!(!mail.html().contains("<img src=x"));
    assert!(mail.html().contains("&#60;img src=x onerror=alert(1)&#62;"));
    assert!(
        !mail.subject.contains("img"),
        "participant values never reach a header"
    );
}

#[tokio::test]
async fn the_honeypot_answers_as_a_success_but_stores_and_sends_nothing() {
    let app = spawn_app().await;
    let email = unique_email();
    let mut body = valid_json(&email);
    body["website"] = json!("https://spam.example");
    let response = app.post_json(&body).await;
    assert_eq!(response.status, 201);
    assert_eq!(response.json()["status"], "pending");
    assert_eq!(
        response.json()["registration_id"].as_str().unwrap().len(),
        36
    );
    let form = app
        .post_form(&[("email", &email), ("website", "x"), ("consent", "on")])
        .await;
    assert_eq!(form.status, 201);
    assert!(form.body.contains("Check your email"));
    assert!(app.items().await.is_empty());
    assert!(app.mailbox.to(&email).await.is_empty());
}

#[tokio::test]
async fn a_duplicate_gets_409_and_resends_at_most_once_per_ten_minutes() {
    let app = spawn_app().await;
    let email = unique_email();
    assert_eq!(app.post_json(&valid_json(&email)).await.status, 201);

    let upper = email.to_uppercase();
    let again = app.post_json(&valid_json(&upper)).await;
    assert_eq!(again.status, 409);
    assert_eq!(again.problem_slug(), "already-registered");
    assert_eq!(
        app.mailbox.to(&email).await.len(),
        1,
        "no re-send within 10 minutes"
    );

    app.clock.advance(SignedDuration::from_mins(10));
    assert_eq!(app.post_json(&valid_json(&email)).await.status, 409);
    assert_eq!(
        app.mailbox.to(&email).await.len(),
        2,
        "re-sent after 10 minutes"
    );
    app.clock.advance(SignedDuration::from_mins(9));
    assert_eq!(app.post_json(&valid_json(&email)).await.status, 409);
    assert_eq!(app.mailbox.to(&email).await.len(), 2);

    // Both links work: the re-send added a token, it did not replace the first.
    let links = app.mailbox.confirmation_urls(&email).await;
    assert_eq!(links.len(), 2);
    assert_ne!(links[0], links[1]);
    let first = links[0].split("token=").nth(1).unwrap();
    assert_eq!(
        app.confirm(Some(&format!("token={first}"))).await.status,
        200
    );

    let regs = app.registrations().await;
    assert_eq!(regs.len(), 1, "a duplicate stores nothing new");
    assert_eq!(
        regs[0].email, email,
        "the first registration is kept as it was"
    );

    // Once confirmed, a duplicate sends nothing more.
    app.clock.advance(SignedDuration::from_mins(30));
    let html = app
        .post_form(&[
            ("full_name", "Ayesha Khan"),
            ("email", &email),
            ("country", "PK"),
            ("organization", "Lahore Cells Ltd"),
            ("consent", "on"),
        ])
        .await;
    assert_eq!(html.status, 409);
    assert_eq!(html.content_type, "text/html; charset=utf-8");
    assert!(html.body.contains("already registered"));
    assert_eq!(app.mailbox.to(&email).await.len(), 2);
}

#[tokio::test]
async fn after_the_deadline_posts_get_403_and_nothing_is_written_or_sent() {
    let app = spawn_app().await;
    // The closing instant itself is closed.
    app.clock.set("2022-09-27T00:00:00+05:00".parse().unwrap());
    let email = unique_email();
    let response = app.post_json(&valid_json(&email)).await;
    assert_eq!(response.status, 403);
    assert_eq!(response.problem_slug(), "registration-closed");
    // Checked before anything else: even a malformed or oversized body gets 403.
    let malformed = app
        .call_register(events::post_registrations("application/json", "{", None))
        .await;
    assert_eq!(malformed.status, 403);
    let wrong_type = app
        .call_register(events::post_registrations(
            "text/plain",
            "x",
            Some("text/html"),
        ))
        .await;
    assert_eq!(wrong_type.status, 403);
    assert_eq!(wrong_type.content_type, "text/html; charset=utf-8");
    assert!(wrong_type.body.contains("Registration is closed"));
    let page = app.get_form().await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Registration is closed"));
    assert!(!page.body.contains("<form"));
    assert!(app.items().await.is_empty());
    assert!(app.mailbox.to(&email).await.is_empty());

    // One second before, it is open.
    app.clock.set("2022-09-26T23:59:59+05:00".parse().unwrap());
    assert_eq!(app.post_json(&valid_json(&email)).await.status, 201);
}

#[tokio::test]
async fn the_form_shows_the_event_in_its_time_zone_and_posts_to_registrations() {
    let app = spawn_app().await;
    let page = app.get_form().await;
    assert_eq!(page.status, 200);
    assert_eq!(page.content_type, "text/html; charset=utf-8");
    let html = &page.body;
    assert!(html.contains("Powering Belt and Road Lithium-ion batteries"));
    assert!(html.contains("Wednesday, 28 September 2022 at 10:00 Pakistan Standard Time"));
    assert!(
        html.contains("Tuesday, 27 September 2022 at 00:00 Pakistan Standard Time"),
        "the closing time"
    );
    assert!(html.contains(r#"<form method="post" action="/registrations""#));
    for field in [
        "full_name",
        "email",
        "country",
        "organization",
        "designation",
        "phone",
        "consent",
        "website",
    ] {
        assert!(html.contains(&format!(r#"name="{field}""#)), "{field}");
        assert!(
            html.contains(&format!(r#"for="{field}""#)),
            "{field} is labelled"
        );
    }
    assert!(!html.contains("<script"), "usable without JavaScript");
}

#[tokio::test]
async fn other_routes_and_methods_are_refused() {
    let app = spawn_app().await;
    let missing = app
        .call_register(events::request(
            "GET",
            "/nope",
            json!({"accept": "application/json"}),
            None,
        ))
        .await;
    assert_eq!(missing.status, 404);
    let wrong_method = app
        .call_register(events::request(
            "DELETE",
            "/registrations",
            json!({"accept": "application/json"}),
            None,
        ))
        .await;
    assert_eq!(wrong_method.status, 405);
}

#[tokio::test]
async fn a_dynamodb_outage_gets_503_without_internal_detail() {
    let app = spawn_app().await;
    // A table that does not exist: DynamoDB refuses the write.
    let missing = registration::store::DynamoStore::new(app.dynamodb.clone(), "no-such-table");
    let registrar = app.registrar_with(missing, app.ses.clone());
    let response = post_json_to(&registrar, &valid_json(&unique_email())).await;
    assert_eq!(response.status, 500);
    assert_eq!(response.problem_slug(), "internal");
    assert!(!response.body.contains("no-such-table"));
    assert!(!response.body.contains("ResourceNotFound"));

    // Unreachable DynamoDB: 503.
    let down = registration::store::DynamoStore::new(unreachable_dynamodb().await, "t");
    let registrar = app.registrar_with(down, app.ses.clone());
    let response = post_json_to(&registrar, &valid_json(&unique_email())).await;
    assert_eq!(response.status, 503);
    assert_eq!(response.problem_slug(), "unavailable");
    assert!(!response.body.contains("127.0.0.1"));
}

#[tokio::test]
async fn an_ses_outage_keeps_the_201_and_leaves_the_email_for_the_scheduled_run() {
    let app = spawn_app().await;
    let registrar = app.registrar_with(app.store.clone(), unreachable_sesv2().await);
    let email = unique_email();
    let response = post_json_to(&registrar, &valid_json(&email)).await;
    assert_eq!(response.status, 201);
    let regs = app.registrations().await;
    assert_eq!(regs.len(), 1);
    let r = &regs[0];
    assert_eq!(r.owes(), Some(registration::store::Outbox::Confirmation));
    assert_eq!(r.lease_until, None, "released for the scheduled run");
    assert_eq!(
        r.confirmation_attempts, 0,
        "an outage is not the recipient's fault"
    );
    assert!(
        r.last_email_error
            .as_deref()
            .unwrap()
            .contains("could not connect to SES")
    );
    assert!(app.mailbox.to(&email).await.is_empty());
}

#[tokio::test]
async fn a_domain_in_any_script_is_stored_and_sent_to_in_punycode_and_is_one_address() {
    let app = spawn_app().await;
    let local = system_tests::unique("ali");
    let typed = format!("{local}@دانشگاه.ir");
    let ascii = format!("{local}@xn--mgbawv3gi04e.ir");
    let response = app.post_json(&valid_json(&typed)).await;
    assert_eq!(response.status, 201, "{response:?}");
    let stored = app.registrations().await;
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].email, ascii);
    let sent = app.mailbox.to(&ascii).await;
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].destination.to, vec![ascii.clone()]);
    assert!(app.mailbox.confirmation_urls(&ascii).await.pop().is_some());
    // The Punycode form, in any case, and the Unicode form in capitals are the same address.
    for again in [
        ascii.to_uppercase(),
        format!("{}@دانشگاه.IR", local.to_uppercase()),
    ] {
        let response = app.post_json(&valid_json(&again)).await;
        assert_eq!(response.status, 409, "{again}");
        assert_eq!(
            response.json()["type"]
                .as_str()
                .map(|t| t.ends_with("already-registered")),
            Some(true)
        );
    }
    assert_eq!(app.registrations().await.len(), 1);
}

#[tokio::test]
async fn a_persian_form_post_is_stored_as_typed_with_ascii_phone_digits_and_isolated_in_the_email()
{
    let app = spawn_app().await;
    let email = unique_email();
    let name = "علی\u{200C}رضا محمدی";
    let response = app
        .post_form(&[
            ("full_name", name),
            ("email", &email),
            ("country", "ir"),
            ("organization", "دانشگاه صنعتی شریف"),
            ("designation", "کارشناس\u{200C}ارشد"),
            ("phone", "+۹۸ ۹۱۲ ۳۴۵ ٦٧٨٩"),
            ("consent", "on"),
        ])
        .await;
    assert_eq!(response.status, 201, "{}", response.body);
    let stored = app.registrations().await;
    assert_eq!(stored[0].full_name, name);
    assert_eq!(
        stored[0].designation.as_deref(),
        Some("کارشناس\u{200C}ارشد")
    );
    assert_eq!(stored[0].phone.as_deref(), Some("+98 912 345 6789"));
    let mail = app.mailbox.to(&email).await.pop().unwrap();
    assert!(
        mail.html().contains(&format!("Dear <bdi>{name}</bdi>,")),
        "{}",
        mail.html()
    );
    assert!(
        mail.text()
            .contains(&format!("Dear \u{2068}{name}\u{2069},")),
        "{}",
        mail.text()
    );
}

#[tokio::test]
async fn a_joiner_out_of_place_or_a_bare_domain_as_a_name_is_refused_and_the_form_isolates_it() {
    let app = spawn_app().await;
    let email = unique_email();
    for name in ["pay-help.com", "bit.ly/x", "\u{200C}علی", "علی \u{200C}رضا"] {
        let mut body = valid_json(&email);
        body["full_name"] = json!(name);
        let response = app.post_json(&body).await;
        assert_eq!(response.status, 422, "{name:?}");
        assert!(response.json()["errors"]["full_name"].is_string());
    }
    let response = app
        .post_form(&[
            ("full_name", "bit.ly/x"),
            ("email", &email),
            ("consent", "on"),
        ])
        .await;
    assert_eq!(response.status, 422);
    assert!(
        response
            .body
            .contains(r#"name="full_name" value="bit.ly/x" dir="auto""#),
        "{}",
        response.body
    );
    assert!(app.items().await.is_empty());
    assert!(app.mailbox.to(&email).await.is_empty());
    // A name with dots is a name.
    let mut body = valid_json(&email);
    body["full_name"] = json!("J. R. R. Tolkien");
    assert_eq!(app.post_json(&body).await.status, 201);
}
