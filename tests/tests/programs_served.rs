//! Several programs in one table, served by `confirm`, `cancel`, `send-links`
//! and `email-events` at once, through the use cases against DynamoDB Local and
//! the SES emulator: each program's seats, waiting list, links and feedback
//! are its own; a link's token names its program; a published change reaches
//! the next run.

use futures::future::join_all;
use registration::domain::RegistrationStatus;
use registration::domain::action_token::ActionToken;
use registration::program::{ProgramSettings, parse_program_file};
use registration::store::{Outbox, Outboxes, PublishOutcome, Registrations};
use registration::use_cases::cancelling::Cancelled;
use registration::use_cases::confirming::Confirmed;
use registration::use_cases::recording_feedback::{FeedbackRecorder, Recorded, SesEventDetail};
use registration::use_cases::send_links::ProgramReport;
use std::collections::BTreeMap;
use system_tests::send_links::{run, sender, spawn_send_links_app};
use system_tests::{TestApp, key_for, participant, pending_registration, unique_email};

/// A program file: starting in 2030, links going out at once, `capacity` seats.
fn program(id: &str, title: &str, zoom: &str, capacity: u32) -> ProgramSettings {
    let text = format!(
        "id = {id:?}\ntitle = {title:?}\nhost = \"Host of {id}\"\n\
         starts_at = \"2030-09-28T10:00:00+05:00\"\nduration = \"PT90M\"\n\
         timezone = \"Asia/Karachi\"\nregistration_closes_at = \"2030-09-27T00:00:00+05:00\"\n\
         capacity = {capacity}\nlanguages = [\"en\"]\nzoom_join_url = {zoom:?}\n\
         [text.en]\nsummary = \"What {id} is about.\"\n"
    );
    parse_program_file(&text, None).expect("a valid program file")
}

async fn publish(app: &TestApp, program: &ProgramSettings) {
    let outcome = app
        .store
        .publish_program(program, app.clock_now())
        .await
        .unwrap();
    assert_eq!(outcome, PublishOutcome::Published);
}

/// A pending registration of `program_id` for `email`, as `register` leaves
/// it; the token its confirmation email would carry.
async fn register(app: &TestApp, program_id: &str, email: &str) -> String {
    let pending = pending_registration(
        program_id,
        participant("Participant Ülkü", email),
        app.clock_now(),
    );
    let token = ActionToken::generate(&pending.key);
    app.store
        .create_pending(&pending, &token.hash())
        .await
        .expect("a pending registration");
    token.expose().to_owned()
}

async fn status_of(app: &TestApp, program_id: &str, email: &str) -> Option<RegistrationStatus> {
    let key = key_for(program_id, email);
    app.store.get(&key).await.unwrap().map(|r| r.status)
}

/// How many of `emails` stand at each status in `program_id`.
async fn statuses(app: &TestApp, program_id: &str, emails: &[String]) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for email in emails {
        let status = status_of(app, program_id, email).await;
        *counts.entry(format!("{status:?}")).or_default() += 1;
    }
    counts
}

#[tokio::test]
async fn two_programs_of_five_seats_confirmed_by_twelve_each_at_once_seat_five_and_wait_seven_each()
{
    let app = spawn_send_links_app(|_| {}).await;
    let (a, b) = ("seats-a", "seats-b");
    publish(&app, &program(a, "A", "https://zoom.us/j/1", 5)).await;
    publish(&app, &program(b, "B", "https://zoom.us/j/2", 5)).await;
    let mut tokens = Vec::new();
    let mut emails = BTreeMap::<&str, Vec<String>>::new();
    for id in [a, b] {
        for _ in 0..12 {
            let email = unique_email();
            tokens.push(register(&app, id, &email).await);
            emails.entry(id).or_default().push(email);
        }
    }
    let outcomes = join_all(tokens.iter().map(|t| app.confirmer.confirm(Some(t)))).await;
    app.confirmer.after_response.run().await;
    let mut by_program = BTreeMap::<String, (usize, usize)>::new();
    for outcome in outcomes {
        let (registration, seated) = match outcome.expect("confirmed or waitlisted") {
            Confirmed::Now(r) => (r, true),
            Confirmed::Waitlisted(r, _) => (r, false),
            Confirmed::Already(r) => panic!("confirmed twice: {}", r.registration_id),
        };
        let counts = by_program.entry(registration.event_id).or_default();
        if seated { counts.0 += 1 } else { counts.1 += 1 }
    }
    let expected = BTreeMap::from([(a.to_owned(), (5, 7)), (b.to_owned(), (5, 7))]);
    assert_eq!(by_program, expected);
    for id in [a, b] {
        let stored = statuses(&app, id, &emails[id]).await;
        let expected = BTreeMap::from([
            ("Some(Confirmed)".to_owned(), 5),
            ("Some(Waitlisted)".to_owned(), 7),
        ]);
        assert_eq!(stored, expected, "{id}");
    }
}

#[tokio::test]
async fn one_run_sends_each_programs_link_with_its_own_zoom_link_and_title_once_per_program() {
    let app = spawn_send_links_app(|_| {}).await;
    let (a, b) = ("links-a", "links-b");
    publish(
        &app,
        &program(a, "Batteries A", "https://zoom.us/j/111", 50),
    )
    .await;
    publish(&app, &program(b, "Solar B", "https://zoom.us/j/222", 50)).await;
    let both = unique_email();
    let mut only = BTreeMap::<&str, Vec<String>>::new();
    for (id, n) in [(a, 3), (b, 2)] {
        for email in (0..n).map(|_| unique_email()).chain([both.clone()]) {
            let token = register(&app, id, &email).await;
            let confirmed = app.confirmer.confirm(Some(&token)).await.unwrap();
            assert!(matches!(confirmed, Confirmed::Now(_)));
            only.entry(id).or_default().push(email);
        }
    }
    // The links are left to the run: the confirmations' after-response work
    // (sending them at once) is never run here.

    let report = run(&sender(&app)).await;
    let expected = BTreeMap::from([
        (app.event_id.clone(), ProgramReport::default()),
        (
            a.to_owned(),
            ProgramReport {
                sent: 4,
                failed: 0,
                remaining: 0,
            },
        ),
        (
            b.to_owned(),
            ProgramReport {
                sent: 3,
                failed: 0,
                remaining: 0,
            },
        ),
    ]);
    assert_eq!(report.programs, expected, "{report:?}");
    assert_eq!((report.sent, report.remaining), (7, 0));
    for (id, title, zoom) in [(a, "Batteries A", "111"), (b, "Solar B", "222")] {
        for email in only[id].iter().filter(|e| **e != both) {
            let received = app.mailbox.to(email).await;
            let links: Vec<_> = received
                .iter()
                .filter(|e| e.subject.starts_with("Your Zoom link"))
                .collect();
            assert_eq!(links.len(), 1, "{email}");
            assert_eq!(links[0].subject, format!("Your Zoom link: {title}"));
            assert!(
                links[0]
                    .text()
                    .contains(&format!("https://zoom.us/j/{zoom}"))
            );
            assert!(links[0].text().contains(&format!("Host of {id}")));
        }
    }
    let mut subjects: Vec<_> = app
        .mailbox
        .to(&both)
        .await
        .into_iter()
        .map(|e| {
            let zoom = ["111", "222"]
                .into_iter()
                .find(|z| e.text().contains(&format!("https://zoom.us/j/{z}")));
            (e.subject, zoom)
        })
        .collect();
    subjects.sort();
    assert_eq!(
        subjects,
        [
            ("Your Zoom link: Batteries A".to_owned(), Some("111")),
            ("Your Zoom link: Solar B".to_owned(), Some("222")),
        ],
        "one email per program to the address in both"
    );
    let again = run(&sender(&app)).await;
    assert_eq!(again.sent, 0, "{again:?}");
}

#[tokio::test]
async fn a_cancel_in_one_program_promotes_in_that_program_only() {
    let app = spawn_send_links_app(|_| {}).await;
    let (a, b) = ("cancel-a", "cancel-b");
    publish(&app, &program(a, "A", "https://zoom.us/j/1", 1)).await;
    publish(&app, &program(b, "B", "https://zoom.us/j/2", 1)).await;
    let mut seated = BTreeMap::new();
    let mut waiting = BTreeMap::new();
    for id in [a, b] {
        let (first, second) = (unique_email(), unique_email());
        let token = register(&app, id, &first).await;
        assert!(matches!(
            app.confirmer.confirm(Some(&token)).await.unwrap(),
            Confirmed::Now(_)
        ));
        let later = register(&app, id, &second).await;
        assert!(matches!(
            app.confirmer.confirm(Some(&later)).await.unwrap(),
            Confirmed::Waitlisted(..)
        ));
        seated.insert(id, (first, token));
        waiting.insert(id, second);
    }
    app.confirmer.after_response.run().await;

    let (first_a, token_a) = &seated[a];
    let cancelled = app.canceller.cancel(Some(token_a)).await.unwrap();
    assert!(matches!(cancelled, Cancelled::Now(_)));
    app.canceller.after_response.run().await;

    assert_eq!(
        status_of(&app, a, first_a).await,
        Some(RegistrationStatus::Cancelled)
    );
    assert_eq!(
        status_of(&app, a, &waiting[a]).await,
        Some(RegistrationStatus::Confirmed)
    );
    assert_eq!(
        status_of(&app, b, &seated[b].0).await,
        Some(RegistrationStatus::Confirmed)
    );
    assert_eq!(
        status_of(&app, b, &waiting[b]).await,
        Some(RegistrationStatus::Waitlisted)
    );
    let promoted = app.mailbox.to(&waiting[a]).await;
    assert!(
        promoted
            .iter()
            .any(|e| e.subject == "A seat is yours, with your Zoom link: A"
                && e.text().contains("https://zoom.us/j/1")),
        "{:?}",
        promoted.iter().map(|e| &e.subject).collect::<Vec<_>>()
    );
    assert!(
        app.mailbox.to(&waiting[b]).await.is_empty(),
        "nothing for B's line"
    );
}

#[tokio::test]
async fn a_capacity_raised_by_publishing_again_promotes_by_the_next_run() {
    let app = spawn_send_links_app(|_| {}).await;
    let id = "grow-a";
    publish(&app, &program(id, "Growing", "https://zoom.us/j/9", 1)).await;
    let (first, second) = (unique_email(), unique_email());
    for email in [&first, &second] {
        let token = register(&app, id, email).await;
        app.confirmer.confirm(Some(&token)).await.unwrap();
    }
    // The first's link went out after its confirmation; the run sends the second's.
    app.confirmer.after_response.run().await;
    assert_eq!(
        status_of(&app, id, &second).await,
        Some(RegistrationStatus::Waitlisted)
    );

    publish(&app, &program(id, "Growing", "https://zoom.us/j/9", 2)).await;
    let report = run(&sender(&app)).await;
    assert_eq!(report.promoted, 1, "{report:?}");
    assert_eq!(
        status_of(&app, id, &second).await,
        Some(RegistrationStatus::Confirmed)
    );
    assert_eq!(
        report.programs[id],
        ProgramReport {
            sent: 1,
            failed: 0,
            remaining: 0
        }
    );
    assert!(
        app.mailbox
            .to(&second)
            .await
            .iter()
            .any(|e| e.text().contains("https://zoom.us/j/9"))
    );
}

#[tokio::test]
async fn a_link_to_a_program_the_deployment_does_not_have_is_unknown() {
    let app = spawn_send_links_app(|_| {}).await;
    let email = unique_email();
    // Stored, but its program was never published here.
    let token = register(&app, "ghost-program", &email).await;
    for err in [
        app.confirmer.check(Some(&token)).await.err(),
        app.confirmer.confirm(Some(&token)).await.err(),
        app.canceller.cancel(Some(&token)).await.err(),
    ] {
        assert!(
            matches!(
                err,
                Some(registration::use_cases::action::ActionError::UnknownToken)
            ),
            "{err:?}"
        );
    }
    assert_eq!(
        status_of(&app, "ghost-program", &email).await,
        Some(RegistrationStatus::Pending)
    );
}

/// SES's Delivery event of the link email to `email` in `program_id`.
fn delivery(
    program_id: &str,
    registration_id: &str,
    email: &str,
    message_id: &str,
) -> SesEventDetail {
    let path = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../infra/events/ses-delivery.json");
    let mut event: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let mail = &mut event["detail"]["mail"];
    mail["destination"] = serde_json::json!([email]);
    mail["messageId"] = serde_json::json!(message_id);
    mail["tags"]["event"] = serde_json::json!([program_id]);
    mail["tags"]["registration"] = serde_json::json!([registration_id]);
    mail["tags"]["kind"] = serde_json::json!(["confirmation"]);
    serde_json::from_value(event["detail"].clone()).unwrap()
}

#[tokio::test]
async fn email_events_records_a_published_programs_email_and_ignores_an_unknown_programs() {
    let app = spawn_send_links_app(|env| {
        env.insert(
            "SES_CONFIGURATION_SET".into(),
            "btbu-ecosf-registration-feedback".into(),
        );
    })
    .await;
    publish(&app, &program("known-a", "Known", "https://zoom.us/j/1", 5)).await;
    let config = registration::config::FeedbackConfig::from_source(&app.env).unwrap();
    let recorder = FeedbackRecorder::new(config, app.store.clone(), app.programs());
    let now = app.clock_now();
    for (id, recorded) in [("known-a", true), ("ghost-program", false)] {
        let email = unique_email();
        register(&app, id, &email).await;
        let key = key_for(id, &email);
        let message_id = format!("m-{}", unique_email());
        let sent = app
            .store
            .record_sent(&key, Outbox::Confirmation, "seed", &message_id, now);
        assert!(
            sent.await.unwrap(),
            "its confirmation email recorded as sent"
        );
        let before = app.store.get(&key).await.unwrap().unwrap();
        let event = delivery(id, &before.registration_id, &email, &message_id);
        let outcome = recorder.record(&event, now).await.unwrap();
        let after = app.store.get(&key).await.unwrap().unwrap();
        if recorded {
            assert!(matches!(outcome, Recorded::Recorded { .. }), "{outcome:?}");
            assert!(after != before, "the delivery is recorded");
        } else {
            assert!(
                matches!(
                    outcome,
                    Recorded::Ignored("an email of a program this deployment does not have")
                ),
                "{outcome:?}"
            );
            assert!(after == before, "nothing written");
        }
    }
}

#[tokio::test]
async fn a_links_page_shows_its_own_programs_title_and_a_token_from_before_programs_still_serves() {
    let app = spawn_send_links_app(|_| {}).await;
    publish(
        &app,
        &program("page-b", "Solar B", "https://zoom.us/j/2", 5),
    )
    .await;
    let email = unique_email();
    let token = register(&app, "page-b", &email).await;
    let page = app.confirm_page(Some(&format!("token={token}"))).await;
    assert_eq!(page.status, 200, "{}", page.body);
    let plain = page.body.replace(['\u{2068}', '\u{2069}'], "");
    assert!(plain.contains("· Solar B</title>"), "{}", page.body);
    let own_title = app.sendlinks_config().own.unwrap().title;
    assert!(!page.body.contains(&own_title), "{}", page.body);

    // A token emailed before tokens named their program (no `.id`): the
    // deployment's own program's registration.
    let own_email = unique_email();
    let own_token = register(&app, &app.event_id, &own_email).await;
    let (old_token, program) = own_token.split_once('.').unwrap();
    assert_eq!(program, app.event_id);
    let confirmed = app.confirmer.confirm(Some(old_token)).await.unwrap();
    assert!(matches!(confirmed, Confirmed::Now(_)), "{confirmed:?}");
    assert_eq!(
        status_of(&app, &app.event_id, &own_email).await,
        Some(RegistrationStatus::Confirmed)
    );
}
