//! The reminder and unreachable addresses, against DynamoDB Local and the SES
//! emulator: one reminder per participant who got the link, from
//! `EVENT_STARTS_AT - REMINDER_BEFORE` until the start, once even with two runs
//! at once; nothing at all to an address that bounced permanently or
//! complained, while the rest of the run goes on.

use jiff::{SignedDuration, Timestamp};
use registration::domain::RegistrationStatus;
use registration::domain::feedback::{DeliveryNews, EmailEvent};
use registration::store::{Feedback, Outbox, Registrations, Seats};
use system_tests::send_links::{run, seed, sender, spawn_send_links_app};
use system_tests::{TestApp, key_for};

/// The start of the suites' upcoming event (`send_links::upcoming`).
fn starts() -> Timestamp {
    "2030-09-28T10:00:00+05:00".parse().unwrap()
}

async fn reminder_app() -> TestApp {
    spawn_send_links_app(|env| {
        env.insert("REMINDER_BEFORE".into(), "P1D".into());
        env.insert("CAPACITY".into(), "100".into());
    })
    .await
}

fn is_reminder(subject: &str) -> bool {
    subject.starts_with("Reminder:")
}

async fn reminders_to(app: &TestApp, email: &str) -> usize {
    app.mailbox
        .to(email)
        .await
        .iter()
        .filter(|e| is_reminder(&e.subject))
        .count()
}

async fn links_to(app: &TestApp, email: &str) -> usize {
    app.mailbox
        .to(email)
        .await
        .iter()
        .filter(|e| e.subject.starts_with("Your Zoom link"))
        .count()
}

/// Mark an address unreachable as SES's permanent bounce would.
async fn bounce(app: &TestApp, email: &str) {
    let r = app
        .store
        .get(&key_for(&app.event_id, email))
        .await
        .unwrap()
        .unwrap();
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
        .record_feedback(&r.key(), &r.registration_id, &event)
        .await
        .unwrap();
}

#[tokio::test]
async fn every_participant_who_got_the_link_gets_one_reminder_from_its_instant_until_the_start() {
    let app = reminder_app().await;
    let confirmed = seed(&app, RegistrationStatus::Confirmed, 6).await;
    let pending = seed(&app, RegistrationStatus::Pending, 2).await;
    let waitlisted = seed(&app, RegistrationStatus::Waitlisted, 2).await;
    assert_eq!(run(&sender(&app)).await.sent, 6, "the links");
    // One cancels after getting the link.
    let cancelled = &confirmed[5];
    let key = key_for(&app.event_id, cancelled);
    app.store.cancel(&key, app.clock_now()).await.unwrap();

    // Before its instant: nothing.
    app.clock
        .set(starts() - SignedDuration::from_hours(24) - SignedDuration::from_mins(1));
    let early = run(&sender(&app)).await;
    assert_eq!(early.reminders_sent, 0);
    // From its instant: one each, whoever got the link and still holds a seat.
    app.clock.set(starts() - SignedDuration::from_hours(24));
    let report = run(&sender(&app)).await;
    assert_eq!(report.reminders_sent, 5, "{report:?}");
    for email in &confirmed[..5] {
        assert_eq!(reminders_to(&app, email).await, 1, "{email}");
        let r = app
            .store
            .get(&key_for(&app.event_id, email))
            .await
            .unwrap()
            .unwrap();
        assert!(r.reminder_sent_at.is_some() && r.reminder_message_id.is_some());
        assert_eq!(r.owes(), None);
    }
    let reminder = app
        .mailbox
        .to(&confirmed[0])
        .await
        .into_iter()
        .find(|e| is_reminder(&e.subject))
        .unwrap();
    let text = reminder.text();
    assert!(text.contains("https://zoom.example/j/2022092810?pwd=s3cr3t"));
    assert!(
        text.contains("10:00 Pakistan Standard Time") && text.contains("05:00 UTC"),
        "{text}"
    );
    assert!(text.contains("/registrations/cancel?token="));
    for email in pending.iter().chain(&waitlisted).chain([cancelled]) {
        assert_eq!(reminders_to(&app, email).await, 0, "{email}");
    }
    // A later run sends none again.
    assert_eq!(run(&sender(&app)).await.reminders_sent, 0);

    // From the start on, nothing at all.
    app.clock.set(starts());
    let late = run(&sender(&app)).await;
    assert_eq!(late.skipped, Some("event-started"));
}

#[tokio::test]
async fn two_runs_at_once_send_each_reminder_once() {
    let app = reminder_app().await;
    let confirmed = seed(&app, RegistrationStatus::Confirmed, 40).await;
    assert_eq!(run(&sender(&app)).await.sent, 40);
    app.clock.set(starts() - SignedDuration::from_hours(2));
    let (a, b) = (sender(&app), sender(&app));
    let (ra, rb) = tokio::join!(run(&a), run(&b));
    assert_eq!(ra.reminders_sent + rb.reminders_sent, 40, "{ra:?} {rb:?}");
    for email in &confirmed {
        assert_eq!(reminders_to(&app, email).await, 1, "{email}");
    }
}

#[tokio::test]
async fn an_unreachable_address_gets_no_link_no_reminder_and_no_promotion_email() {
    let app = reminder_app().await;
    let confirmed = seed(&app, RegistrationStatus::Confirmed, 4).await;
    bounce(&app, &confirmed[0]).await;
    let report = run(&sender(&app)).await;
    assert_eq!(
        (report.sent, report.remaining),
        (3, 0),
        "the rest of the run goes on"
    );
    assert_eq!(links_to(&app, &confirmed[0]).await, 0);
    let r = app
        .store
        .get(&key_for(&app.event_id, &confirmed[0]))
        .await
        .unwrap()
        .unwrap();
    assert!(r.unreachable);
    assert_eq!(r.owes(), None, "out of the outbox for good");

    // Unreachable after the link: no reminder.
    bounce(&app, &confirmed[1]).await;
    app.clock.set(starts() - SignedDuration::from_hours(2));
    let reminders = run(&sender(&app)).await;
    assert_eq!(reminders.reminders_sent, 2);
    assert_eq!(reminders_to(&app, &confirmed[1]).await, 0);
}

#[tokio::test]
async fn a_freed_seat_passes_over_an_unreachable_address_in_line() {
    let app = spawn_send_links_app(|env| {
        env.insert("CAPACITY".into(), "1".into());
    })
    .await;
    let emails: Vec<String> = (0..3).map(|_| system_tests::unique_email()).collect();
    let mut tokens = Vec::new();
    for email in &emails {
        let token = app.register_for_token(email).await;
        app.confirm_token(&token).await.unwrap();
        tokens.push(token);
    }
    // The first in line bounced: the seat goes to the second.
    bounce(&app, &emails[1]).await;
    app.cancel_token(&tokens[0]).await.unwrap();
    let status = |i: usize| {
        let app = &app;
        let email = emails[i].clone();
        async move {
            app.store
                .get(&key_for(&app.event_id, &email))
                .await
                .unwrap()
                .unwrap()
                .status
        }
    };
    assert_eq!(status(1).await, RegistrationStatus::Waitlisted);
    assert_eq!(status(2).await, RegistrationStatus::Confirmed);
    assert_eq!(
        app.mailbox.to(&emails[1]).await.len(),
        1,
        "only its confirmation email"
    );
    assert!(
        app.mailbox.to(&emails[2]).await[1]
            .subject
            .starts_with("A seat is yours")
    );
}

#[tokio::test]
async fn a_duplicate_of_an_unreachable_pending_registration_sends_nothing() {
    let app = system_tests::spawn_app().await;
    let email = system_tests::unique_email();
    app.register_for_token(&email).await;
    bounce(&app, &email).await;
    app.clock.advance(SignedDuration::from_mins(11));
    let again = app.post_json(&system_tests::valid_json(&email)).await;
    assert_eq!(again.status, 409);
    assert_eq!(
        app.mailbox.to(&email).await.len(),
        1,
        "no second confirmation email"
    );
}
