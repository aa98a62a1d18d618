//! `GET /registrations/confirm?token=…`: every row of the contract's status table.

use registration::domain::RegistrationStatus;
use system_tests::{spawn_app, unique_email, valid_json};

#[tokio::test]
async fn following_the_emailed_link_confirms_and_a_second_click_changes_nothing() {
    let app = spawn_app().await;
    let email = unique_email();
    assert_eq!(app.post_json(&valid_json(&email)).await.status, 201);
    let token = app.confirmation_token(&email).await;

    let first = app.confirm(Some(&format!("token={token}"))).await;
    assert_eq!(
        first.status,
        200,
        "{token} {first:?} {:?}",
        app.items().await
    );
    assert_eq!(first.content_type, "text/html; charset=utf-8");
    assert!(first.body.contains("Your registration is confirmed"));
    let after_first = app.registrations().await.pop().unwrap();
    assert_eq!(after_first.status, RegistrationStatus::Confirmed);
    assert_eq!(after_first.confirmed_at, Some(system_tests::while_open()));
    assert_eq!(
        after_first.owes(),
        Some(registration::store::Outbox::Link),
        "a confirmed registration waits for its Zoom link"
    );

    app.clock.advance(jiff::SignedDuration::from_hours(1));
    let second = app.confirm(Some(&format!("token={token}"))).await;
    assert_eq!(second.status, 200);
    assert!(second.body.contains("already confirmed"));
    assert_eq!(
        app.registrations().await.pop().unwrap(),
        after_first,
        "nothing changed"
    );
}

#[tokio::test]
async fn a_click_reads_its_registration_once_and_a_repeat_click_writes_nothing() {
    let app = spawn_app().await;
    let email = unique_email();
    assert_eq!(app.post_json(&valid_json(&email)).await.status, 201);
    let token = app.confirmation_token(&email).await;

    // The harness's store is metered: it sums the units DynamoDB reports. One
    // strongly consistent read of an item under 4 KB is one read unit.
    let before = app.store.consumed();
    assert_eq!(
        app.confirm(Some(&format!("token={token}"))).await.status,
        200
    );
    let first = app.store.consumed();
    assert_eq!(first.read_units - before.read_units, 1.0, "one read");
    assert!(first.write_units > before.write_units, "and the write");

    let again = app.confirm(Some(&format!("token={token}"))).await;
    assert!(again.body.contains("already confirmed"));
    let second = app.store.consumed();
    assert_eq!(second.read_units - first.read_units, 1.0, "one read");
    assert_eq!(second.write_units, first.write_units, "and no write");
}

#[tokio::test]
async fn a_missing_token_gets_400() {
    let app = spawn_app().await;
    for query in [None, Some("token="), Some("other=1")] {
        let response = app.confirm(query).await;
        assert_eq!(response.status, 400, "{query:?}");
        assert_eq!(response.content_type, "text/html; charset=utf-8");
    }
}

#[tokio::test]
async fn unknown_and_tampered_tokens_get_404_and_change_nothing() {
    let app = spawn_app().await;
    let email = unique_email();
    let other = unique_email();
    assert_eq!(app.post_json(&valid_json(&email)).await.status, 201);
    assert_eq!(app.post_json(&valid_json(&other)).await.status, 201);
    let token = app.confirmation_token(&email).await;
    let other_token = app.confirmation_token(&other).await;
    let (key, secret) = token.split_at(22);
    let (other_key, other_secret) = other_token.split_at(22);
    let flip = |text: &str, at: usize| {
        let mut chars: Vec<char> = text.chars().collect();
        chars[at] = if chars[at] == 'A' { 'B' } else { 'A' };
        chars.into_iter().collect::<String>()
    };
    let bad_tokens = [
        // The secret altered: the registration is found, the hash does not match.
        format!("{key}{}", flip(secret, 10)),
        // The key altered: no such registration.
        format!("{}{secret}", flip(key, 3)),
        // A valid secret sent to another registration, both ways round.
        format!("{other_key}{secret}"),
        format!("{key}{other_secret}"),
        "A".repeat(65),
        "short".to_owned(),
        secret.to_owned(),
        format!("{token}x"),
    ];
    for bad in &bad_tokens {
        let response = app.confirm(Some(&format!("token={bad}"))).await;
        assert_eq!(response.status, 404, "{bad}");
        assert!(response.body.contains("not valid"));
    }
    let registrations = app.registrations().await;
    assert_eq!(registrations.len(), 2);
    assert!(
        registrations
            .iter()
            .all(|r| r.status == RegistrationStatus::Pending),
        "{registrations:?}"
    );
}

#[tokio::test]
async fn a_token_of_another_event_is_unknown() {
    let first = spawn_app().await;
    let email = unique_email();
    assert_eq!(first.post_json(&valid_json(&email)).await.status, 201);
    let token = first.confirmation_token(&email).await;
    // The same table, another event id: keys include the event, so the token is unknown.
    let mut env = first.env.clone();
    env.insert("EVENT_ID".into(), "another-event".into());
    let confirmer = registration::use_cases::confirming::Confirmer::new(
        registration::config::ConfirmConfig::from_source(&env).unwrap(),
        first.store.clone(),
        registration::mail::SesMailer::new(
            first.ses.clone(),
            registration::config::Sender::parse("T <t@example.org>").unwrap(),
        ),
        first.clock.clone(),
        first.store.shared_programs(
            first.clock.clone(),
            registration::config::own_program(&env).unwrap(),
        ),
    );
    let request = system_tests::events::to_request(&system_tests::events::get(
        "/registrations/confirm",
        Some(&format!("token={token}")),
    ));
    let response =
        system_tests::TestResponse::from_lambda(confirm::handle(&confirmer, request).await);
    assert_eq!(response.status, 404);
}

#[tokio::test]
async fn from_the_start_of_the_event_links_get_410() {
    let app = spawn_app().await;
    let email = unique_email();
    assert_eq!(app.post_json(&valid_json(&email)).await.status, 201);
    let token = app.confirmation_token(&email).await;
    app.clock.set("2022-09-28T10:00:00+05:00".parse().unwrap());
    let response = app.confirm(Some(&format!("token={token}"))).await;
    assert_eq!(response.status, 410);
    assert!(response.body.contains("The webinar has started"));
    assert_eq!(
        app.registrations().await.pop().unwrap().status,
        RegistrationStatus::Pending
    );
    // One second earlier it would have worked.
    app.clock.set("2022-09-28T09:59:59+05:00".parse().unwrap());
    assert_eq!(
        app.confirm(Some(&format!("token={token}"))).await.status,
        200
    );
}

#[tokio::test]
async fn only_the_token_hash_is_stored() {
    let app = spawn_app().await;
    let email = unique_email();
    assert_eq!(app.post_json(&valid_json(&email)).await.status, 201);
    let token = app.confirmation_token(&email).await;
    let dump = format!("{:?}", app.items().await);
    assert!(!dump.contains(&token), "the token itself is never stored");
    let hash = registration::domain::action_token::ActionToken::parse(&token)
        .unwrap()
        .hash();
    assert!(dump.contains(&hash));
}
