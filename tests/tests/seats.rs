//! Seats, the waiting list and cancellation, through the use cases against
//! DynamoDB Local and the SES emulator: what a link's page shows changes nothing,
//! confirmations fill `CAPACITY` and then the waiting list, a freed seat goes to
//! the first in line with one email, and a confirmation once links go out gets
//! its link at once, never twice.

use registration::domain::RegistrationStatus;
use registration::store::{Outbox, Registrations, Seats};
use registration::use_cases::action::ActionError;
use registration::use_cases::cancelling::{CancelPage, Cancelled};
use registration::use_cases::confirming::{ConfirmPage, Confirmed};
use system_tests::send_links::{run, sender};
use system_tests::{TestApp, key_for, spawn_app_with, unique_email};

/// After `LINKS_SEND_AT` (2022-09-27 10:00 Karachi), before the start.
fn links_open() -> jiff::Timestamp {
    "2022-09-27T12:00:00+05:00".parse().unwrap()
}

async fn app_with_capacity(capacity: u32) -> TestApp {
    spawn_app_with(|env| {
        env.insert("CAPACITY".into(), capacity.to_string());
    })
    .await
}

async fn status_of(app: &TestApp, email: &str) -> Option<RegistrationStatus> {
    let key = key_for(&app.event_id, email);
    app.store.get(&key).await.unwrap().map(|r| r.status)
}

async fn subjects_to(app: &TestApp, email: &str) -> Vec<String> {
    app.mailbox
        .to(email)
        .await
        .into_iter()
        .map(|e| e.subject)
        .collect()
}

#[tokio::test]
async fn a_look_at_either_link_changes_no_item_and_sends_no_email() {
    let app = app_with_capacity(5).await;
    let email = unique_email();
    let token = app.register_for_token(&email).await;
    let items = app.items().await;
    let emails = app.mailbox.to(&email).await.len();

    let page = app.confirmer.check(Some(&token)).await.unwrap();
    assert!(matches!(page, ConfirmPage::Pending(ref r) if r.email == email));
    let page = app.canceller.check(Some(&token)).await.unwrap();
    assert!(matches!(page, CancelPage::Active(_)));
    app.confirmer.after_response.run().await;
    app.canceller.after_response.run().await;

    assert_eq!(app.items().await, items, "no item changed");
    assert_eq!(app.mailbox.to(&email).await.len(), emails, "no email sent");
}

#[tokio::test]
async fn confirmations_fill_the_seats_then_the_waiting_list_in_order() {
    let app = app_with_capacity(2).await;
    let emails: Vec<String> = (0..4).map(|_| unique_email()).collect();
    let mut tokens = Vec::new();
    for email in &emails {
        tokens.push(app.register_for_token(email).await);
    }
    let outcomes: Vec<_> = {
        let mut outcomes = Vec::new();
        for token in &tokens {
            outcomes.push(app.confirm_token(token).await.unwrap());
        }
        outcomes
    };
    assert!(matches!(outcomes[0], Confirmed::Now(_)));
    assert!(matches!(outcomes[1], Confirmed::Now(_)));
    assert!(matches!(outcomes[2], Confirmed::Waitlisted(_, 1)));
    assert!(matches!(outcomes[3], Confirmed::Waitlisted(_, 2)));
    // What each confirmation returned is what it stored (it is not read back).
    for (outcome, email) in outcomes.iter().zip(&emails) {
        let (Confirmed::Now(returned) | Confirmed::Waitlisted(returned, _)) = outcome else {
            panic!("{outcome:?}");
        };
        let stored = app.store.get(&key_for(&app.event_id, email)).await.unwrap();
        assert_eq!(stored.as_ref(), Some(returned), "{email}");
    }

    // Confirming again changes nothing and tells the same.
    assert!(matches!(
        app.confirm_token(&tokens[0]).await.unwrap(),
        Confirmed::Already(_)
    ));
    assert!(matches!(
        app.confirm_token(&tokens[3]).await.unwrap(),
        Confirmed::Waitlisted(_, 2)
    ));
    assert!(matches!(
        app.confirmer.check(Some(&tokens[2])).await.unwrap(),
        ConfirmPage::Waitlisted(_, 1)
    ));
    assert!(matches!(
        app.confirmer.check(Some(&tokens[1])).await.unwrap(),
        ConfirmPage::Confirmed(_)
    ));
    let statuses: Vec<_> =
        futures::future::join_all(emails.iter().map(|e| status_of(&app, e))).await;
    assert_eq!(
        statuses,
        [
            Some(RegistrationStatus::Confirmed),
            Some(RegistrationStatus::Confirmed),
            Some(RegistrationStatus::Waitlisted),
            Some(RegistrationStatus::Waitlisted),
        ]
    );
    // Before links go out, confirming sends nothing but the confirmation email.
    for email in &emails {
        assert_eq!(subjects_to(&app, email).await.len(), 1, "{email}");
    }
    // A waitlisted registration owes nothing; a confirmed one its link.
    let third = app
        .store
        .get(&key_for(&app.event_id, &emails[2]))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(third.owes(), None);
    let first = app
        .store
        .get(&key_for(&app.event_id, &emails[0]))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(first.owes(), Some(Outbox::Link));
}

#[tokio::test]
async fn a_freed_seat_goes_to_the_first_in_line_with_one_email_and_the_link_later() {
    let app = app_with_capacity(1).await;
    let emails: Vec<String> = (0..3).map(|_| unique_email()).collect();
    let mut tokens = Vec::new();
    for email in &emails {
        let token = app.register_for_token(email).await;
        app.confirm_token(&token).await.unwrap();
        tokens.push(token);
    }
    let cancelled = app.cancel_token(&tokens[0]).await.unwrap();
    assert!(
        matches!(cancelled, Cancelled::Now(ref r) if r.status == RegistrationStatus::Cancelled)
    );

    assert_eq!(
        status_of(&app, &emails[0]).await,
        Some(RegistrationStatus::Cancelled)
    );
    assert_eq!(
        status_of(&app, &emails[1]).await,
        Some(RegistrationStatus::Confirmed)
    );
    assert_eq!(
        status_of(&app, &emails[2]).await,
        Some(RegistrationStatus::Waitlisted)
    );
    assert!(matches!(
        app.confirmer.check(Some(&tokens[2])).await.unwrap(),
        ConfirmPage::Waitlisted(_, 1)
    ));
    // Links do not go out yet: the promoted participant gets the promotion email,
    // with a cancel link that works.
    let promoted = app.mailbox.to(&emails[1]).await;
    assert_eq!(promoted.len(), 2, "confirmation, then promotion");
    assert!(promoted[1].subject.starts_with("A seat is yours:"));
    let text = promoted[1].text();
    assert!(!text.contains("zoom.example"));
    let cancel_token = text
        .split("/registrations/cancel?token=")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|url_rest| url_rest.split('&').next())
        .expect("a cancel link")
        .to_owned();
    assert!(matches!(
        app.canceller.check(Some(&cancel_token)).await.unwrap(),
        CancelPage::Active(ref r) if r.email == emails[1]
    ));
    let r = app
        .store
        .get(&key_for(&app.event_id, &emails[1]))
        .await
        .unwrap()
        .unwrap();
    assert!(r.promoted_at.is_some() && r.promotion_sent_at.is_some());
    assert_eq!(r.owes(), Some(Outbox::Link), "the link is still owed");

    // Once links go out, the run sends the promoted participant the link, saying why.
    app.clock.set(links_open());
    let report = run(&sender(&app)).await;
    assert_eq!((report.sent, report.failed, report.promoted), (1, 0, 0));
    let emails_to_promoted = app.mailbox.to(&emails[1]).await;
    assert_eq!(emails_to_promoted.len(), 3);
    let link = &emails_to_promoted[2];
    assert!(
        link.subject
            .starts_with("A seat is yours, with your Zoom link")
    );
    assert!(link.text().contains("zoom.example"));
    assert!(link.text().contains("/registrations/cancel?token="));
    // Nobody else got anything: the cancelled one, nor the one still waiting.
    assert_eq!(subjects_to(&app, &emails[0]).await.len(), 1);
    assert_eq!(subjects_to(&app, &emails[2]).await.len(), 1);
}

#[tokio::test]
async fn once_links_go_out_a_promotion_email_is_the_link_email() {
    let app = app_with_capacity(1).await;
    let (first, second) = (unique_email(), unique_email());
    let first_token = app.register_for_token(&first).await;
    let second_token = app.register_for_token(&second).await;
    app.clock.set(links_open());
    app.confirm_token(&first_token).await.unwrap();
    assert!(matches!(
        app.confirm_token(&second_token).await.unwrap(),
        Confirmed::Waitlisted(_, 1)
    ));
    assert_eq!(
        subjects_to(&app, &second).await.len(),
        1,
        "no link while waiting"
    );
    app.cancel_token(&first_token).await.unwrap();
    let sent = app.mailbox.to(&second).await;
    assert_eq!(sent.len(), 2);
    assert!(
        sent[1]
            .subject
            .starts_with("A seat is yours, with your Zoom link")
    );
    let r = app
        .store
        .get(&key_for(&app.event_id, &second))
        .await
        .unwrap()
        .unwrap();
    assert!(r.link_sent_at.is_some());
    assert_eq!(
        r.owes(),
        Some(Outbox::Reminder),
        "the link is sent; the reminder is owed"
    );
    // The run that follows sends nothing again.
    let report = run(&sender(&app)).await;
    assert_eq!((report.sent, report.remaining), (0, 0));
    assert_eq!(app.mailbox.to(&second).await.len(), 2);
}

#[tokio::test]
async fn cancelling_twice_answers_the_same_and_a_cancelled_registration_gets_nothing_more() {
    let app = app_with_capacity(10).await;
    let email = unique_email();
    let token = app.register_for_token(&email).await;
    app.confirm_token(&token).await.unwrap();
    let first = app.cancel_token(&token).await.unwrap();
    let again = app.cancel_token(&token).await.unwrap();
    assert!(matches!(first, Cancelled::Now(_)));
    assert!(
        matches!(again, Cancelled::Already(ref r) if r.status == RegistrationStatus::Cancelled)
    );
    assert_eq!(first.registration_id(), again.registration_id());
    assert!(matches!(
        app.canceller.check(Some(&token)).await.unwrap(),
        CancelPage::AlreadyCancelled(_)
    ));
    // Its confirmation link confirms nothing now.
    assert!(matches!(
        app.confirm_token(&token).await,
        Err(ActionError::UnknownToken)
    ));

    app.clock.set(links_open());
    let report = run(&sender(&app)).await;
    assert_eq!((report.sent, report.remaining), (0, 0));
    assert_eq!(
        subjects_to(&app, &email).await.len(),
        1,
        "only the confirmation"
    );

    // The address may register again: a new pending registration.
    app.clock.set(system_tests::while_open());
    let response = app.post_json(&system_tests::valid_json(&email)).await;
    assert_eq!(response.status, 201, "{}", response.body);
    let r = app
        .store
        .get(&key_for(&app.event_id, &email))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(r.status, RegistrationStatus::Pending);
    assert_ne!(r.registration_id, first.registration_id());
    assert_eq!(r.cancelled_at, None);
}

#[tokio::test]
async fn this_wasnt_me_deletes_a_pending_registration_and_the_address_may_register_again() {
    let app = app_with_capacity(10).await;
    let email = unique_email();
    let token = app.register_for_token(&email).await;
    let deleted = app.cancel_token(&token).await.unwrap();
    assert!(matches!(deleted, Cancelled::Deleted(ref r) if r.email == email));
    assert!(
        app.items().await.iter().all(|item| {
            !format!("{item:?}")
                .to_lowercase()
                .contains(&email.to_lowercase())
        }),
        "no item holds the address"
    );
    assert!(matches!(
        app.cancel_token(&token).await,
        Err(ActionError::UnknownToken)
    ));
    let response = app.post_json(&system_tests::valid_json(&email)).await;
    assert_eq!(response.status, 201);
}

#[tokio::test]
async fn a_confirmation_once_links_go_out_gets_its_link_at_once_without_a_run() {
    let app = app_with_capacity(10).await;
    let email = unique_email();
    let token = app.register_for_token(&email).await;
    app.clock.set(links_open());
    assert!(matches!(
        app.confirm_token(&token).await.unwrap(),
        Confirmed::Now(_)
    ));
    let sent = app.mailbox.to(&email).await;
    assert_eq!(sent.len(), 2, "confirmation, then the link");
    assert!(sent[1].subject.starts_with("Your Zoom link"));
    assert!(
        sent[1]
            .text()
            .contains("https://zoom.example/j/2022092810?pwd=s3cr3t")
    );
    let r = app
        .store
        .get(&key_for(&app.event_id, &email))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        r.link_message_id.as_deref(),
        Some(sent[1].message_id.as_str())
    );
    let report = run(&sender(&app)).await;
    assert_eq!((report.sent, report.remaining), (0, 0));
    assert_eq!(app.mailbox.to(&email).await.len(), 2);
}

#[tokio::test]
async fn a_confirmation_and_a_run_at_the_same_moment_send_one_link() {
    let app = app_with_capacity(100).await;
    let emails: Vec<String> = (0..8).map(|_| unique_email()).collect();
    let mut tokens = Vec::new();
    for email in &emails {
        tokens.push(app.register_for_token(email).await);
    }
    app.clock.set(links_open());
    let confirming = async {
        for token in &tokens {
            app.confirmer.confirm(Some(token)).await.unwrap();
        }
        app.confirmer.after_response.run().await;
    };
    let sender = sender(&app);
    let running = async {
        let mut sent = 0;
        for _ in 0..4 {
            sent += run(&sender).await.sent;
        }
        sent
    };
    let ((), by_runs) = tokio::join!(confirming, running);
    let after = run(&sender).await;
    assert_eq!(after.remaining, 0);
    for email in &emails {
        let links = app
            .mailbox
            .to(email)
            .await
            .into_iter()
            .filter(|e| e.subject.starts_with("Your Zoom link"))
            .count();
        assert_eq!(links, 1, "{email}: one link email");
    }
    assert!(by_runs + after.sent <= 8);
}

#[tokio::test]
async fn from_the_start_every_link_is_gone_and_bad_tokens_are_named() {
    let app = app_with_capacity(10).await;
    let email = unique_email();
    let token = app.register_for_token(&email).await;
    assert!(matches!(
        app.confirmer.check(None).await,
        Err(ActionError::MissingToken)
    ));
    assert!(matches!(
        app.canceller.cancel(Some("  ")).await,
        Err(ActionError::MissingToken)
    ));
    // Another valid last character (its two surplus bits zero): another secret.
    let last = if token.ends_with('A') { 'E' } else { 'A' };
    let tampered = format!("{}{last}", &token[..token.len() - 1]);
    assert!(matches!(
        app.confirmer.confirm(Some(&tampered)).await,
        Err(ActionError::UnknownToken)
    ));
    assert!(matches!(
        app.canceller.check(Some("nonsense")).await,
        Err(ActionError::UnknownToken)
    ));

    app.clock.set("2022-09-28T10:00:00+05:00".parse().unwrap());
    assert!(matches!(
        app.confirmer.check(Some(&token)).await,
        Err(ActionError::EventStarted)
    ));
    assert!(matches!(
        app.confirmer.confirm(Some(&token)).await,
        Err(ActionError::EventStarted)
    ));
    assert!(matches!(
        app.canceller.check(Some(&token)).await,
        Err(ActionError::EventStarted)
    ));
    assert!(matches!(
        app.canceller.cancel(Some(&token)).await,
        Err(ActionError::EventStarted)
    ));
    assert_eq!(
        status_of(&app, &email).await,
        Some(RegistrationStatus::Pending)
    );
}

#[tokio::test]
async fn seats_freed_by_the_organizer_are_filled_by_the_next_run() {
    let app = app_with_capacity(1).await;
    let (first, second) = (unique_email(), unique_email());
    for email in [&first, &second] {
        let token = app.register_for_token(email).await;
        app.confirm_token(&token).await.unwrap();
    }
    // The organizer's cancel goes straight to the store: nobody is promoted yet.
    let key = key_for(&app.event_id, &first);
    app.store.cancel(&key, app.clock_now()).await.unwrap();
    assert_eq!(
        status_of(&app, &second).await,
        Some(RegistrationStatus::Waitlisted)
    );

    let report = run(&sender(&app)).await;
    assert_eq!((report.promoted, report.promotions_sent), (1, 1));
    assert_eq!(
        status_of(&app, &second).await,
        Some(RegistrationStatus::Confirmed)
    );
    assert!(subjects_to(&app, &second).await[1].starts_with("A seat is yours:"));
    let again = run(&sender(&app)).await;
    assert_eq!((again.promoted, again.promotions_sent), (0, 0));
}
