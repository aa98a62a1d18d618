//! The waiting line, against DynamoDB Local and the SES emulator: who cannot
//! take a seat is passed over without using up the attempts, a capacity raised
//! or unset fills from the line at the next run, a long line costs each change
//! of seats what a short one does, a line kept the old way (a list in the seats
//! item) still works, a throttled or contended transaction answers 503 with
//! `Retry-After`, and a cancel fills the seat its own write freed.

use aws_sdk_dynamodb::types::AttributeValue;
use lambda_http::http::header;
use registration::domain::RegistrationStatus;
use registration::domain::feedback::{DeliveryNews, EmailEvent};
use registration::domain::lifecycle::Transition;
use registration::mail::SesMailer;
use registration::store::{
    DynamoStore, Feedback, Outbox, Registrations, SeatOutcome, Seats, TransitionOutcome, attr,
    seats_attr,
};
use registration::use_cases::cancelling::Canceller;
use registration::use_cases::confirming::Confirmer;
use std::collections::HashMap;
use system_tests::faulty_dynamodb::FaultyDynamo;
use system_tests::send_links::{run, sender};
use system_tests::waiting_line::seed_line;
use system_tests::{TestApp, events, key_for, spawn_app_with, unique_email};

async fn app_with_capacity(capacity: u32) -> TestApp {
    spawn_app_with(|env| {
        env.insert("CAPACITY".into(), capacity.to_string());
    })
    .await
}

/// Store `n` registrations and confirm them one after the other through the
/// seats, with `capacity`: the first fill the seats, the rest join the line
/// in this order. Returns their addresses, in order.
async fn confirm_in_order(app: &TestApp, n: usize, capacity: Option<u32>) -> Vec<String> {
    let now = app.clock_now();
    let mut emails = Vec::new();
    for i in 0..n {
        let email = unique_email();
        let participant = system_tests::participant(&format!("Participant {i}"), &email);
        let pending = system_tests::pending_registration(&app.event_id, participant, now);
        system_tests::store_as(&app.store, &pending, RegistrationStatus::Pending, now).await;
        let stored = app.store.get(&pending.key).await.unwrap().unwrap();
        let outcome = app
            .store
            .confirm_seat(&stored, capacity, now)
            .await
            .unwrap();
        assert!(
            !matches!(outcome, SeatOutcome::Refused(_)),
            "{i}: {outcome:?}"
        );
        emails.push(email);
    }
    emails
}

async fn status_of(app: &TestApp, email: &str) -> RegistrationStatus {
    let key = key_for(&app.event_id, email);
    app.store.get(&key).await.unwrap().unwrap().status
}

async fn statuses(app: &TestApp, emails: &[String]) -> Vec<RegistrationStatus> {
    let mut statuses = Vec::new();
    for email in emails {
        statuses.push(status_of(app, email).await);
    }
    statuses
}

async fn position_of(app: &TestApp, email: &str) -> Option<u32> {
    let key = key_for(&app.event_id, email);
    app.store.waitlist_position(&key).await.unwrap()
}

/// Mark an address unreachable as SES's permanent bounce would.
async fn bounce(app: &TestApp, email: &str) {
    let key = key_for(&app.event_id, email);
    let r = app.store.get(&key).await.unwrap().unwrap();
    let news = DeliveryNews::Bounced {
        bounce_type: "Permanent".into(),
        subtype: "General".into(),
    };
    let event = EmailEvent {
        kind: Outbox::Confirmation,
        message_id: r.confirmation_message_id.clone().unwrap_or_default(),
        sent_at: None,
        news,
        at: app.clock_now(),
    };
    app.store
        .record_feedback(&key, &r.registration_id, &event)
        .await
        .unwrap();
}

fn promotions(emails: &[system_tests::SentEmail]) -> usize {
    emails
        .iter()
        .filter(|e| e.subject.starts_with("A seat is yours"))
        .count()
}

#[tokio::test]
async fn thirteen_unreachable_at_the_head_then_a_cancel_promotes_the_fourteenth_in_that_run() {
    let app = app_with_capacity(1).await;
    let seated = unique_email();
    let token = app.register_for_token(&seated).await;
    app.confirm_token(&token).await.unwrap();
    let line = confirm_in_order(&app, 15, Some(1)).await;
    for email in &line[..13] {
        bounce(&app, email).await;
    }

    app.cancel_token(&token).await.unwrap();

    assert_eq!(
        status_of(&app, &line[13]).await,
        RegistrationStatus::Confirmed
    );
    assert_eq!(promotions(&app.mailbox.to(&line[13]).await), 1);
    // The unreachable stay waitlisted, out of the line, and got nothing.
    for email in &line[..13] {
        assert_eq!(status_of(&app, email).await, RegistrationStatus::Waitlisted);
        assert_eq!(position_of(&app, email).await, None, "out of the line");
        assert!(app.mailbox.to(email).await.is_empty());
    }
    assert_eq!(
        status_of(&app, &line[14]).await,
        RegistrationStatus::Waitlisted
    );
    assert_eq!(position_of(&app, &line[14]).await, Some(1));
}

#[tokio::test]
async fn capacity_raised_from_five_to_eight_the_next_run_promotes_the_three_first_in_line() {
    let mut app = app_with_capacity(5).await;
    let emails = confirm_in_order(&app, 10, Some(5)).await;
    assert_eq!(position_of(&app, &emails[5]).await, Some(1));
    assert_eq!(position_of(&app, &emails[9]).await, Some(5));

    app.env.insert("CAPACITY".into(), "8".into());
    let report = run(&sender(&app)).await;

    assert_eq!((report.promoted, report.promotions_sent), (3, 3));
    use RegistrationStatus::{Confirmed, Waitlisted};
    assert_eq!(
        statuses(&app, &emails).await,
        [
            Confirmed, Confirmed, Confirmed, Confirmed, Confirmed, Confirmed, Confirmed, Confirmed,
            Waitlisted, Waitlisted
        ]
    );
    for email in &emails[5..8] {
        assert_eq!(promotions(&app.mailbox.to(email).await), 1, "{email}");
    }
    assert_eq!(position_of(&app, &emails[8]).await, Some(1));
    assert_eq!(position_of(&app, &emails[9]).await, Some(2));
    let again = run(&sender(&app)).await;
    assert_eq!(again.promoted, 0, "every seat is taken again");
}

#[tokio::test]
async fn capacity_unset_the_next_run_promotes_everyone_waiting() {
    let mut app = app_with_capacity(2).await;
    let emails = confirm_in_order(&app, 6, Some(2)).await;

    app.env.remove("CAPACITY");
    let report = run(&sender(&app)).await;

    assert_eq!((report.promoted, report.promotions_sent), (4, 4));
    assert!(
        statuses(&app, &emails)
            .await
            .iter()
            .all(|s| *s == RegistrationStatus::Confirmed)
    );
    for email in &emails[2..] {
        assert_eq!(promotions(&app.mailbox.to(email).await), 1, "{email}");
    }
}

/// What one join at the end of the line, then one cancel and the promotion it
/// makes, cost in write units, and the joiner's place.
async fn join_and_promote(app: &TestApp, seated_token: &str) -> (f64, f64, u32) {
    let joiner = unique_email();
    let token = app.register_for_token(&joiner).await;
    let before = app.store.consumed();
    let joined = app.confirmer.confirm(Some(&token)).await.unwrap();
    let join_units = app.store.consumed().write_units - before.write_units;
    let registration::use_cases::confirming::Confirmed::Waitlisted(_, place) = joined else {
        panic!("{joined:?}");
    };
    let before = app.store.consumed();
    app.cancel_token(seated_token).await.unwrap();
    let promote_units = app.store.consumed().write_units - before.write_units;
    (join_units, promote_units, place)
}

#[tokio::test]
async fn a_line_of_fifty_thousand_takes_joiners_and_promotes_the_first_at_the_write_units_of_a_short_one()
 {
    const LONG: u64 = 50_000;
    let mut measured = Vec::new();
    for length in [3, LONG] {
        let app = app_with_capacity(1).await;
        let seated = unique_email();
        let token = app.register_for_token(&seated).await;
        app.confirm_token(&token).await.unwrap();
        assert_eq!(
            status_of(&app, &seated).await,
            RegistrationStatus::Confirmed
        );
        let first = seed_line(&app, length).await;
        let (join, promote, place) = join_and_promote(&app, &token).await;
        assert_eq!(place as u64, length + 1, "the joiner is last in line");
        assert_eq!(status_of(&app, &first).await, RegistrationStatus::Confirmed);
        assert_eq!(
            promotions(&app.mailbox.to(&first).await),
            1,
            "the first in line"
        );
        measured.push((join, promote));
    }
    let (short, long) = (measured[0], measured[1]);
    assert!(short.0 > 0.0 && short.1 > 0.0, "{short:?}");
    assert_eq!(long, short, "write units do not grow with the line");
}

/// The confirm or cancel edge over a store that talks to `front`.
fn through_front(
    app: &TestApp,
    front_client: aws_sdk_dynamodb::Client,
) -> (
    Confirmer<DynamoStore, SesMailer, registration::platform::clock::FixedClock>,
    Canceller<DynamoStore, SesMailer, registration::platform::clock::FixedClock>,
) {
    let config = registration::config::SeatsConfig::from_source(&app.env).unwrap();
    let store = DynamoStore::new(front_client, &app.table);
    let mailer = SesMailer::new(app.ses.clone(), config.delivery.sender.clone());
    (
        Confirmer::new(
            config.clone(),
            store.clone(),
            mailer.clone(),
            app.clock.clone(),
            app.programs(),
        ),
        Canceller::new(config, store, mailer, app.clock.clone(), app.programs()),
    )
}

fn post(path: &str, token: &str) -> lambda_http::Request {
    let body = serde_json::json!({ "token": token }).to_string();
    events::to_request(&events::request(
        "POST",
        path,
        serde_json::json!({"content-type": "application/json"}),
        Some(&body),
    ))
}

fn assert_unavailable(response: &lambda_http::Response<lambda_http::Body>) {
    assert_eq!(response.status(), 503);
    assert_eq!(response.headers()[header::RETRY_AFTER], "10");
    let lambda_http::Body::Text(text) = response.body() else {
        panic!("a text body")
    };
    let body: serde_json::Value = serde_json::from_str(text).unwrap();
    assert!(
        body["type"].as_str().unwrap().ends_with("/unavailable"),
        "{body}"
    );
    assert!(
        !text.contains("Throttl") && !text.contains("Transaction"),
        "{text}"
    );
}

#[tokio::test]
async fn a_throttled_or_contended_transaction_answers_503_with_retry_after_from_confirm_and_cancel()
{
    let app = app_with_capacity(5).await;
    let front = FaultyDynamo::over_dynamodb_local().await;
    let (confirmer, canceller) = through_front(&app, front.client().await);
    let email = unique_email();
    let token = app.register_for_token(&email).await;

    for reason in [
        "ThrottlingError",
        "ProvisionedThroughputExceeded",
        "RequestLimitExceeded",
    ] {
        front.cancel_transactions(1, reason);
        let response = confirm::handle(&confirmer, post("/registrations/confirm", &token)).await;
        assert_unavailable(&response);
        assert_eq!(
            status_of(&app, &email).await,
            RegistrationStatus::Pending,
            "{reason}"
        );
    }
    let response = confirm::handle(&confirmer, post("/registrations/confirm", &token)).await;
    assert_eq!(response.status(), 200);
    assert_eq!(status_of(&app, &email).await, RegistrationStatus::Confirmed);

    front.cancel_transactions(1, "ThrottlingError");
    let response = cancel::handle(&canceller, post("/registrations/cancel", &token)).await;
    assert_unavailable(&response);
    // Another transaction holding the items at every attempt: out of attempts.
    front.cancel_transactions(u64::MAX, "TransactionConflict");
    let response = cancel::handle(&canceller, post("/registrations/cancel", &token)).await;
    assert_unavailable(&response);
    front.cancel_transactions(0, "None");
    assert_eq!(status_of(&app, &email).await, RegistrationStatus::Confirmed);
    let response = cancel::handle(&canceller, post("/registrations/cancel", &token)).await;
    assert_eq!(response.status(), 200);
    assert_eq!(status_of(&app, &email).await, RegistrationStatus::Cancelled);
}

#[tokio::test]
async fn a_cancel_fills_the_seat_its_own_write_freed_though_the_registration_was_waiting_when_read()
{
    let app = app_with_capacity(1).await;
    let seated = unique_email();
    let seated_token = app.register_for_token(&seated).await;
    app.confirm_token(&seated_token).await.unwrap();
    let first = unique_email();
    let first_token = app.register_for_token(&first).await;
    app.confirm_token(&first_token).await.unwrap();
    let line = confirm_in_order(&app, 1, Some(1)).await;
    // The organizer frees the seat; nobody is promoted yet.
    let seated_key = key_for(&app.event_id, &seated);
    app.store
        .cancel(&seated_key, app.clock_now())
        .await
        .unwrap();

    // `first` cancels while waiting; just before its cancel's transaction, a
    // send-links run gives it the free seat.
    let front = FaultyDynamo::over_dynamodb_local().await;
    let (_, canceller) = through_front(&app, front.client().await);
    let (store, event, now) = (app.store.clone(), app.event_id.clone(), app.clock_now());
    front.before_next_transaction(async move {
        let promoted = store
            .promote_next(&event, Some(1), Outbox::Promotion, now)
            .await
            .unwrap();
        assert!(promoted.is_some());
    });
    canceller.cancel(Some(&first_token)).await.unwrap();
    canceller.after_response.run().await;

    // Its cancel gave back a seat: the next in line has it at once.
    assert_eq!(status_of(&app, &first).await, RegistrationStatus::Cancelled);
    assert_eq!(
        status_of(&app, &line[0]).await,
        RegistrationStatus::Confirmed
    );
    assert_eq!(promotions(&app.mailbox.to(&line[0]).await), 1);
}

#[tokio::test]
async fn a_line_kept_in_the_seats_item_is_moved_to_the_index_in_its_order() {
    let app = app_with_capacity(1).await;
    let now = app.clock_now();
    let seated = unique_email();
    let seated_token = app.register_for_token(&seated).await;
    app.confirm_token(&seated_token).await.unwrap();
    // Three waiting the old way: waitlisted, and listed in the seats item.
    let mut ids = Vec::new();
    let mut old = Vec::new();
    for i in 0..3 {
        let email = unique_email();
        let participant = system_tests::participant(&format!("Old {i}"), &email);
        let pending = system_tests::pending_registration(&app.event_id, participant, now);
        system_tests::store_as(&app.store, &pending, RegistrationStatus::Pending, now).await;
        let outcome = app
            .store
            .transition(&pending.key, Transition::Waitlist, now)
            .await
            .unwrap();
        assert!(matches!(outcome, TransitionOutcome::Applied(_)));
        ids.push(AttributeValue::S(pending.key.id().to_owned()));
        old.push(email);
    }
    app.dynamodb
        .update_item()
        .table_name(&app.table)
        .key(
            attr::PK,
            AttributeValue::S(format!("EVENT#{}#SEATS", app.event_id)),
        )
        .update_expression("SET #waitlist = :line")
        .expression_attribute_names("#waitlist", seats_attr::WAITLIST)
        .expression_attribute_values(":line", AttributeValue::L(ids))
        .send()
        .await
        .unwrap();

    // Their places read as before; a newcomer joins behind them.
    assert_eq!(position_of(&app, &old[1]).await, Some(2));
    let newcomer = unique_email();
    let token = app.register_for_token(&newcomer).await;
    assert!(matches!(
        app.confirm_token(&token).await.unwrap(),
        registration::use_cases::confirming::Confirmed::Waitlisted(_, 4)
    ));
    let seats = seats_item(&app).await;
    assert!(!seats.contains_key(seats_attr::WAITLIST), "{seats:?}");
    assert_eq!(seats[seats_attr::WAITING].as_n().unwrap(), "4");
    // The second of the old line leaves; a freed seat goes to the first.
    let second = key_for(&app.event_id, &old[1]);
    app.store.cancel(&second, now).await.unwrap();
    app.cancel_token(&seated_token).await.unwrap();
    assert_eq!(
        status_of(&app, &old[0]).await,
        RegistrationStatus::Confirmed
    );
    assert_eq!(position_of(&app, &old[2]).await, Some(1));
    assert_eq!(position_of(&app, &newcomer).await, Some(2));
}

async fn seats_item(app: &TestApp) -> HashMap<String, AttributeValue> {
    app.dynamodb
        .get_item()
        .table_name(&app.table)
        .key(
            attr::PK,
            AttributeValue::S(format!("EVENT#{}#SEATS", app.event_id)),
        )
        .consistent_read(true)
        .send()
        .await
        .unwrap()
        .item
        .unwrap()
}
