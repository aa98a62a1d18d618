//! The organizer's actions as a user runs them, followed by the scheduled
//! send-links run that serves what they queued or freed.

mod common;

use common::{confirm, on, person, register, scan_all};
use registration::domain::RegistrationStatus;
use registration::store::{Registrations, SeatOutcome, Seats};
use system_tests::send_links::{counts, run, sender, spawn_send_links_app};

#[tokio::test]
async fn resend_makes_the_next_run_send_the_link_exactly_once_more() {
    let app = spawn_send_links_app(|_| {}).await;
    let emails = system_tests::send_links::seed(&app, RegistrationStatus::Confirmed, 2).await;
    let sender = sender(&app);
    assert_eq!(run(&sender).await.sent, 2);
    assert_eq!(run(&sender).await.sent, 0, "nothing sent twice");
    let resent = on(&app, &["resend", &emails[0]]);
    assert_eq!(resent.code, 0, "{}", resent.stderr);
    assert!(resent.stdout.starts_with("queued"), "{}", resent.stdout);
    assert_eq!(run(&sender).await.sent, 1);
    assert_eq!(run(&sender).await.sent, 0, "once more, not again and again");
    let got = counts(&app, &emails).await;
    assert_eq!(got[&emails[0]], 2);
    assert_eq!(got[&emails[1]], 1);
}

#[tokio::test]
async fn cancel_frees_the_seat_and_the_next_run_promotes_the_first_waitlisted() {
    let app = spawn_send_links_app(|env| {
        env.insert("CAPACITY".into(), "1".into());
    })
    .await;
    let now = app.clock_now();
    let s = &app.store;
    let e = &app.event_id;
    let seat = system_tests::unique_email();
    let first = system_tests::unique_email();
    let second = system_tests::unique_email();
    let mut keys = Vec::new();
    for email in [&seat, &first, &second] {
        let key = register(s, e, &person("Somebody", email, "PK"), now, false).await;
        confirm(s, &key, 1, now).await;
        keys.push(key);
    }
    let cancelled = on(&app, &["cancel", &seat]);
    assert_eq!(cancelled.code, 0, "{}", cancelled.stderr);
    assert!(
        cancelled.stdout.starts_with("cancelled"),
        "{}",
        cancelled.stdout
    );
    let status = |i: usize| {
        let key = keys[i].clone();
        async move { s.get(&key).await.unwrap().unwrap().status }
    };
    assert_eq!(status(0).await, RegistrationStatus::Cancelled);
    assert_eq!(
        status(1).await,
        RegistrationStatus::Waitlisted,
        "by the next run, not now"
    );
    run(&sender(&app)).await;
    assert_eq!(status(1).await, RegistrationStatus::Confirmed);
    assert_eq!(status(2).await, RegistrationStatus::Waitlisted);
    assert_eq!(s.waitlist_position(&keys[2]).await.unwrap(), Some(1));
    let again = on(&app, &["cancel", &seat]);
    assert_eq!(again.code, 0);
    assert!(again.stdout.starts_with("already cancelled"));
}

#[tokio::test]
async fn erase_without_yes_changes_nothing_and_with_yes_leaves_no_trace_of_the_address() {
    let app = spawn_send_links_app(|env| {
        env.insert("CAPACITY".into(), "1".into());
    })
    .await;
    let now = app.clock_now();
    let s = &app.store;
    let e = &app.event_id;
    let seated = "seated.person@example.org";
    let waiting = "waiting.person@example.org";
    let seated_key = register(s, e, &person("Seated Person", seated, "PK"), now, false).await;
    let waiting_key = register(s, e, &person("Waiting Person", waiting, "AF"), now, false).await;
    assert!(matches!(
        confirm(s, &seated_key, 1, now).await,
        SeatOutcome::Confirmed(_)
    ));
    assert!(matches!(
        confirm(s, &waiting_key, 1, now).await,
        SeatOutcome::Waitlisted(_, 1)
    ));
    let before = scan_all(&app).await;

    let refused = on(&app, &["erase", waiting]);
    assert_eq!(refused.code, 2, "{}", refused.stderr);
    assert!(refused.stderr.contains("--yes") && refused.stderr.contains("nothing was changed"));
    assert_eq!(scan_all(&app).await.len(), before.len());
    assert!(s.get(&waiting_key).await.unwrap().is_some());

    let erased = on(&app, &["erase", waiting, "--yes"]);
    assert_eq!(erased.code, 0, "{}", erased.stderr);
    assert_eq!(
        s.waitlist_position(&waiting_key).await.unwrap(),
        None,
        "out of the line"
    );
    let erased = on(&app, &["erase", seated, "--yes"]);
    assert_eq!(erased.code, 0, "{}", erased.stderr);
    let mut items = scan_all(&app).await;
    let text = format!("{items:?}").to_lowercase();
    assert!(
        !text.contains("seated.person") && !text.contains("waiting.person"),
        "{text}"
    );
    // Besides the two erasures' audit entries (which name no address), only the
    // seats item is left, with the seat free and nobody in line.
    let audited = |item: &std::collections::HashMap<
        String,
        aws_sdk_dynamodb::types::AttributeValue,
    >| { item["pk"].as_s().is_ok_and(|pk| pk.starts_with("AUDIT#")) };
    assert_eq!(items.iter().filter(|item| audited(item)).count(), 2);
    items.retain(|item| !audited(item));
    assert_eq!(items.len(), 1, "{items:?}");
    assert_eq!(items[0]["confirmed"].as_n().unwrap(), "0");
    assert!(
        items[0]
            .get("waitlist")
            .is_none_or(|l| l.as_l().unwrap().is_empty())
    );
}
