//! The scheduled send-links run against DynamoDB Local and the SES emulator (and a
//! fault-injecting front for it): exactly-once links, windows, deadlines, failures.

use jiff::{SignedDuration, Timestamp};
use registration::domain::RegistrationStatus;
use registration::domain::lifecycle::Transition;
use registration::store::{
    EventRegistrations, MAX_EMAIL_ATTEMPTS, MAX_LIVE_TOKENS, Outbox, Outboxes, Registrations,
    Requeued, Tokens, TransitionOutcome,
};
use registration::use_cases::cancelling::{CancelPage, Cancelled};
use std::sync::atomic::Ordering;
use std::time::Duration;
use system_tests::faulty_ses::FaultySes;
use system_tests::log_capture::Capture;
use system_tests::send_links::{
    TimedMailer, TroubledStore, closest_pair, counts, owed_confirmations, run, run_for,
    run_through, seed, seed_owed_confirmations, sender, sender_over, sender_with, ses_mailer,
    spawn_send_links_app,
};
use system_tests::{key_for, unique_email, valid_json};

#[tokio::test]
async fn every_confirmed_participant_gets_one_link_email_and_pending_ones_none() {
    let app = spawn_send_links_app(|_| {}).await;
    let confirmed = seed(&app, RegistrationStatus::Confirmed, 30).await;
    let pending = seed(&app, RegistrationStatus::Pending, 10).await;
    let sender = sender(&app);

    let report = run(&sender).await;
    assert_eq!((report.sent, report.failed, report.remaining), (30, 0, 0));
    let sent = counts(&app, &confirmed).await;
    assert!(sent.values().all(|n| *n == 1), "{sent:?}");
    assert!(counts(&app, &pending).await.values().all(|n| *n == 0));
    for email in app
        .mailbox
        .all()
        .await
        .iter()
        .filter(|e| confirmed.contains(&e.destination.to[0]))
    {
        assert_eq!(email.destination.to.len(), 1, "one recipient per email");
        assert!(email.destination.cc.is_empty() && email.destination.bcc.is_empty());
    }
    for r in app.registrations().await {
        if r.status == RegistrationStatus::Confirmed {
            assert!(r.link_sent_at.is_some() && r.link_message_id.is_some());
            // Out of the link outbox; what is left is the reminder.
            assert_eq!(r.owes(), Some(Outbox::Reminder));
            assert_eq!(r.lease_owner, None);
        }
    }

    let again = run(&sender).await;
    assert_eq!((again.sent, again.failed, again.remaining), (0, 0, 0));
    assert!(counts(&app, &confirmed).await.values().all(|n| *n == 1));

    // Two of the pending confirm later: the next run sends just theirs.
    for email in &pending[..2] {
        let key = system_tests::key_for(&app.event_id, email);
        let confirmed = app
            .store
            .transition(&key, Transition::Confirm, app.clock_now())
            .await
            .unwrap();
        assert!(matches!(confirmed, TransitionOutcome::Applied(_)));
    }
    let later = run(&sender).await;
    assert_eq!(later.sent, 2);
    let pending_counts = counts(&app, &pending).await;
    assert_eq!(pending_counts.values().sum::<usize>(), 2);
    assert_eq!(pending_counts[&pending[0]], 1);
}

#[tokio::test]
async fn the_link_email_holds_title_name_link_times_and_an_invitation() {
    let app = spawn_send_links_app(|_| {}).await;
    let email = unique_email();
    let mut body = valid_json(&email);
    body["full_name"] = serde_json::json!("<b>Zhanna</b> Абдуллаева");
    assert_eq!(app.post_json(&body).await.status, 201);
    let token = app.confirmation_token(&email).await;
    assert_eq!(
        app.confirm(Some(&format!("token={token}"))).await.status,
        200
    );
    assert_eq!(run(&sender(&app)).await.sent, 1);

    let mail = app
        .mailbox
        .to(&email)
        .await
        .into_iter()
        .find(|m| m.subject.starts_with("Your Zoom link"))
        .expect("a link email");
    assert_eq!(
        mail.subject,
        "Your Zoom link: Powering Belt and Road Lithium-ion batteries"
    );
    let zoom = &app.env["ZOOM_JOIN_URL"];
    assert!(mail.text().contains(zoom.as_str()));
    assert!(mail.text().contains("Dear <b>Zhanna</b> Абдуллаева,"));
    assert!(
        mail.text()
            .contains("Saturday, 28 September 2030 at 10:00 Pakistan Standard Time")
    );
    assert!(mail.text().contains("05:00 UTC"));
    assert!(
        mail.html()
            .contains("&#60;b&#62;Zhanna&#60;/b&#62; Абдуллаева")
    );
    assert!(
        mail.html()
            .contains("https://zoom.example/j/2022092810?pwd=s3cr3t")
    );
    assert!(!mail.subject.contains("Zhanna"));
    let ics = mail
        .attachments
        .iter()
        .find(|a| a.filename.as_deref() == Some("invitation.ics"))
        .expect("an invitation");
    assert!(
        ics.content_type
            .as_deref()
            .unwrap_or_default()
            .starts_with("text/calendar")
    );
    let ics = ics.text();
    assert!(ics.contains("BEGIN:VEVENT"));
    assert!(ics.contains("DTSTART:20300928T050000Z"));
    assert!(ics.contains("SUMMARY;LANGUAGE=en:Powering Belt and Road Lithium-ion batteries"));
}

#[tokio::test]
async fn two_runs_at_once_send_each_link_exactly_once() {
    let app = spawn_send_links_app(|_| {}).await;
    let confirmed = seed(&app, RegistrationStatus::Confirmed, 100).await;
    let (a, b) = (sender(&app), sender(&app));
    let (ra, rb) = tokio::join!(run(&a), run(&b));
    assert_eq!(ra.sent + rb.sent, 100, "{ra:?} {rb:?}");
    let sent = counts(&app, &confirmed).await;
    assert!(sent.values().all(|n| *n == 1), "{sent:?}");
}

#[tokio::test]
async fn a_run_killed_part_way_loses_nobody_and_repeats_at_most_what_was_in_flight() {
    let app = spawn_send_links_app(|env| {
        env.insert("SEND_RATE_PER_SECOND".into(), "50".into());
        env.insert("SEND_CLAIM_LEASE_SECS".into(), "90".into());
    })
    .await;
    let confirmed = seed(&app, RegistrationStatus::Confirmed, 300).await;
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_send-links-run"))
        .arg("120")
        .envs(&app.env)
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("start a send-links run");
    // Let it send about a third, then kill it without warning.
    loop {
        let sent: usize = counts(&app, &confirmed).await.values().sum();
        if sent >= 100 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    child.start_kill().expect("SIGKILL the run");
    let status = child.wait().await.unwrap();
    assert!(!status.success(), "it was killed, not finished");
    let sent_by_dead_run: usize = counts(&app, &confirmed).await.values().sum();
    assert!(sent_by_dead_run < 300, "killed part-way");

    // The dead run's claims are free once their lease ends; later runs finish.
    app.clock
        .set(Timestamp::now() + SignedDuration::from_secs(91));
    let report = run(&sender(&app)).await;
    assert_eq!(report.remaining, 0);
    let sent = counts(&app, &confirmed).await;
    assert!(sent.values().all(|n| *n >= 1), "everybody gets the link");
    let repeats: usize = sent.values().map(|n| n - 1).sum();
    // At most one second's worth of sends (the run's concurrency) was in flight.
    assert!(repeats <= 50, "{repeats} repeated sends");
}

#[tokio::test]
async fn a_run_short_of_time_stops_before_its_deadline_and_the_next_run_finishes() {
    let app = spawn_send_links_app(|env| {
        env.insert("SEND_RATE_PER_SECOND".into(), "10".into());
        env.insert("SEND_SAFETY_MARGIN_SECS".into(), "10".into());
    })
    .await;
    let confirmed = seed(&app, RegistrationStatus::Confirmed, 400).await;
    let started = tokio::time::Instant::now();
    let report = run_for(&sender(&app), Duration::from_secs(20)).await;
    let took = started.elapsed();
    assert!(
        took < Duration::from_secs(20),
        "returned before the deadline: {took:?}"
    );
    assert_eq!(report.stopped, Some("deadline"));
    assert!(report.sent > 0 && report.sent < 400, "{report:?}");
    assert_eq!(report.remaining, 400 - report.sent, "{report:?}");

    let mut env = app.env.clone();
    env.insert("SEND_RATE_PER_SECOND".into(), "500".into());
    let fast = registration::use_cases::send_links::SendLinks::new(
        registration::config::SendLinksConfig::from_source(&env).unwrap(),
        app.store.clone(),
        registration::mail::SesMailer::new(app.ses_paced.clone(), app.sendlinks_config().sender),
        app.clock.clone(),
        app.programs(),
    );
    let next = run(&std::sync::Arc::new(fast)).await;
    assert_eq!(next.sent + report.sent, 400);
    assert_eq!(next.remaining, 0);
    assert!(counts(&app, &confirmed).await.values().all(|n| *n == 1));
}

#[tokio::test]
async fn rejects_are_recorded_throttling_is_backed_off_and_everyone_else_gets_one() {
    let app = spawn_send_links_app(|_| {}).await;
    let confirmed = seed(&app, RegistrationStatus::Confirmed, 40).await;
    let front = FaultySes::over_the_emulator().await;
    let rejected = &confirmed[..3];
    front
        .faults
        .reject
        .lock()
        .unwrap()
        .extend(rejected.iter().map(|e| e.to_lowercase()));
    front.faults.throttle_next.store(8, Ordering::SeqCst);
    *front.faults.latency.lock().unwrap() = Duration::from_millis(20);
    let sender = sender_with(&app, front.client().await);

    let report = run(&sender).await;
    assert_eq!(report.sent, 37, "{report:?}");
    assert_eq!(report.failed, 3);
    assert_eq!(report.remaining, 3, "rejects stay due for a later run");
    assert_eq!(front.faults.throttled.load(Ordering::SeqCst), 8);
    let sent = counts(&app, &confirmed).await;
    for email in &confirmed {
        let expected = usize::from(!rejected.contains(email));
        assert_eq!(sent[email], expected, "{email}");
    }
    for r in app.registrations().await {
        if rejected.contains(&r.email) {
            assert_eq!(r.link_attempts, 1);
            assert!(
                r.last_email_error
                    .as_deref()
                    .unwrap()
                    .contains("MessageRejected")
            );
            assert_eq!(r.link_sent_at, None);
            assert_eq!(r.lease_owner, None, "released for the next run");
        } else {
            assert_eq!(r.link_attempts, 0);
        }
    }

    // Later runs retry the rejects a bounded number of times, then give up.
    for _ in 1..MAX_EMAIL_ATTEMPTS {
        let again = run(&sender).await;
        assert_eq!((again.sent, again.failed), (0, 3));
    }
    let last = run(&sender).await;
    assert_eq!((last.sent, last.failed, last.remaining), (0, 0, 0));
    for r in app
        .registrations()
        .await
        .iter()
        .filter(|r| rejected.contains(&r.email))
    {
        assert_eq!(r.link_attempts, MAX_EMAIL_ATTEMPTS);
        assert_eq!(r.owes(), None);
    }
    assert_eq!(
        front.faults.rejected.load(Ordering::SeqCst),
        3 * u64::from(MAX_EMAIL_ATTEMPTS)
    );
}

#[tokio::test]
async fn an_ses_outage_ends_the_run_cleanly_with_the_rest_remaining() {
    let app = spawn_send_links_app(|_| {}).await;
    // Enough registrations that the run is still starting sends (5 ms apart at
    // 200 a second) when the third failure comes back, even on a busy machine.
    const OWED: u64 = 60;
    let confirmed = seed(&app, RegistrationStatus::Confirmed, OWED as usize).await;
    let front = FaultySes::start(system_tests::UNREACHABLE).await;
    let report = run_through(&app, &front).await;
    assert_eq!(report.sent, 0);
    assert_eq!(report.failed, 0, "an outage is nobody's reject");
    assert_eq!(report.stopped, Some("ses-unavailable"));
    assert_eq!(report.remaining, OWED);
    for item in app.registration_items().await {
        // No email left: no cancel link was handed out.
        assert!(!item.contains_key("cancel_token_hashes"), "{item:?}");
    }
    assert!(
        front.faults.calls.load(Ordering::SeqCst) < OWED,
        "it stopped starting sends"
    );
    for r in app.registrations().await {
        assert_eq!(r.link_attempts, 0);
        assert_eq!(r.lease_owner, None);
    }
    let calls = front.faults.calls.load(Ordering::SeqCst);
    assert!(
        (3..OWED).contains(&calls),
        "a server error alone is not an outage; {calls} calls"
    );
    for r in app.registrations().await {
        assert_eq!(r.link_attempts, 0);
        assert_eq!(r.lease_owner, None);
    }
    let next = run(&sender(&app)).await;
    assert_eq!(next.sent, OWED);
    assert!(counts(&app, &confirmed).await.values().all(|n| *n == 1));
}

#[tokio::test]
async fn an_ses_account_that_is_not_sending_ends_the_run_at_its_first_answer() {
    let app = spawn_send_links_app(|env| {
        env.insert("SEND_RATE_PER_SECOND".into(), "2".into());
    })
    .await;
    let confirmed = seed(&app, RegistrationStatus::Confirmed, 20).await;
    let front = FaultySes::over_the_emulator().await;
    *front.faults.error_code.lock().unwrap() = Some((400, "SendingPausedException"));
    let report = run_through(&app, &front).await;
    assert_eq!((report.sent, report.failed), (0, 0), "{report:?}");
    assert_eq!(report.stopped, Some("ses-unavailable"));
    assert_eq!(report.remaining, 20);
    // At 2/s the first request is answered long before the next slot.
    assert_eq!(front.faults.calls.load(Ordering::SeqCst), 1);
    for r in app.registrations().await {
        assert_eq!(r.link_attempts, 0);
        assert_eq!(r.lease_owner, None);
    }
    *front.faults.error_code.lock().unwrap() = None;
    let next = run_through(&app, &front).await;
    assert_eq!(next.sent, 20);
    assert!(counts(&app, &confirmed).await.values().all(|n| *n == 1));
}

#[tokio::test]
async fn emails_ses_keeps_failing_while_it_sends_others_count_one_attempt_each_and_stop_nobody() {
    let app = spawn_send_links_app(|env| {
        env.insert("SEND_RATE_PER_SECOND".into(), "10".into());
    })
    .await;
    // The two failing registrations are the oldest, so they are served first and
    // SES sends the others while they are retried.
    let now = app.clock_now();
    app.clock.set(now - SignedDuration::from_secs(60));
    let failing = seed(&app, RegistrationStatus::Confirmed, 2).await;
    app.clock.set(now);
    let others = seed(&app, RegistrationStatus::Confirmed, 28).await;
    let front = FaultySes::over_the_emulator().await;
    front
        .faults
        .fail_for
        .lock()
        .unwrap()
        .extend(failing.iter().map(|e| e.to_lowercase()));
    let report = run_through(&app, &front).await;
    assert_eq!(
        (report.sent, report.failed, report.remaining, report.stopped),
        (28, 2, 2, None),
        "two emails' failures are not an outage: {report:?}"
    );
    // Each failing email's first attempt and five retries, and the others.
    assert_eq!(front.faults.server_errors.load(Ordering::SeqCst), 12);
    assert_eq!(front.faults.calls.load(Ordering::SeqCst), 40);
    assert!(counts(&app, &others).await.values().all(|n| *n == 1));
    for r in app.registrations().await {
        if failing.contains(&r.email) {
            assert_eq!(r.link_attempts, 1, "one of its bounded attempts");
            let error = r.last_email_error.unwrap();
            assert!(
                error.contains("InternalFailure, 6 times in a row"),
                "{error}"
            );
            assert_eq!(r.lease_owner, None);
        } else {
            assert!(r.link_sent_at.is_some());
        }
    }
}

#[tokio::test]
async fn a_confirmation_retry_that_ses_fails_takes_its_unsent_link_back() {
    let app = spawn_send_links_app(|env| {
        env.insert("SEND_RATE_PER_SECOND".into(), "50".into());
    })
    .await;
    let email = owed_confirmations(&app, 1).await.remove(0);
    let front = FaultySes::over_the_emulator().await;
    front.faults.fail_every.store(1, Ordering::SeqCst);

    let report = run_through(&app, &front).await;
    // One email failing alone is not an outage, and SES sent nothing else
    // meanwhile, so it may be down for all: not counted against the participant.
    assert_eq!(
        (
            report.confirmations_sent,
            report.confirmations_failed,
            report.confirmations_remaining,
            report.stopped
        ),
        (0, 0, 1, None),
        "{report:?}"
    );
    let registration = app.registrations().await.remove(0);
    assert_eq!(registration.confirmation_attempts, 0);
    assert_eq!(front.faults.server_errors.load(Ordering::SeqCst), 6);
    let item = app.registration_items().await.remove(0);
    assert_eq!(
        item["token_hashes"].as_l().unwrap().len(),
        1,
        "only the link of the email that failed at registration"
    );
    assert!(!item.contains_key("lease_owner"));

    front.faults.fail_every.store(0, Ordering::SeqCst);
    let next = run_through(&app, &front).await;
    assert_eq!(next.confirmations_sent, 1, "{next:?}");
    assert_eq!(counts(&app, std::slice::from_ref(&email)).await[&email], 1);
}

#[tokio::test]
async fn an_outage_met_by_confirmation_retries_takes_every_unsent_link_back() {
    let app = spawn_send_links_app(|_| {}).await;
    owed_confirmations(&app, 3).await;
    let front = FaultySes::over_the_emulator().await;
    front.faults.fail_every.store(1, Ordering::SeqCst);

    let report = run_through(&app, &front).await;
    assert_eq!(report.stopped, Some("ses-unavailable"), "{report:?}");
    assert_eq!(
        (report.confirmations_failed, report.confirmations_remaining),
        (0, 3)
    );
    for item in app.registration_items().await {
        // Also the email whose failure revealed the outage.
        assert_eq!(item["token_hashes"].as_l().unwrap().len(), 1, "{item:?}");
        assert!(!item.contains_key("lease_owner"));
        assert_eq!(item["confirmation_attempts"].as_n().unwrap(), "0");
    }
}

#[tokio::test]
async fn server_errors_are_retried_through_the_pacer_and_everyone_gets_one_link() {
    let app = spawn_send_links_app(|env| {
        env.insert("SEND_RATE_PER_SECOND".into(), "5".into());
    })
    .await;
    let confirmed = seed(&app, RegistrationStatus::Confirmed, 12).await;
    let front = FaultySes::over_the_emulator().await;
    front.faults.fail_every.store(3, Ordering::SeqCst);
    let report = run_through(&app, &front).await;

    // Every third request fails: 12 sends take 17 requests (the 3rd, 6th … 15th
    // failed), and a server error now and then is not an outage.
    assert_eq!(
        (report.sent, report.failed, report.remaining, report.stopped),
        (12, 0, 0, None),
        "{report:?}"
    );
    assert_eq!(front.faults.server_errors.load(Ordering::SeqCst), 5);
    assert_eq!(front.faults.calls.load(Ordering::SeqCst), 17);
    assert!(counts(&app, &confirmed).await.values().all(|n| *n == 1));
    for r in app.registrations().await {
        assert_eq!(r.link_attempts, 0, "a server error is nobody's reject");
        assert!(r.link_sent_at.is_some());
    }
    // Every request, retries included, took a slot: at 5/s they leave 200 ms
    // apart. They are timed as they arrive, after the client's own latency, so the
    // bound leaves most of that to the machine; the SDK's own retries, unpaced,
    // put two requests 17 and 29 ms apart.
    let closest = closest_pair(&front.faults.arrivals.lock().unwrap());
    assert!(
        closest >= Duration::from_millis(50),
        "two requests {closest:?} apart"
    );
}

#[tokio::test]
async fn a_confirmation_email_that_failed_at_registration_is_sent_by_the_next_run() {
    let app = spawn_send_links_app(|_| {}).await;
    let email = owed_confirmations(&app, 1).await.remove(0);
    assert!(app.mailbox.to(&email).await.is_empty());

    let report = run(&sender(&app)).await;
    assert_eq!(report.confirmations_sent, 1, "{report:?}");
    assert_eq!(report.confirmations_remaining, 0);
    assert_eq!(report.sent, 0, "pending participants get no link");
    let token = app.confirmation_token(&email).await;
    assert_eq!(
        app.confirm(Some(&format!("token={token}"))).await.status,
        200
    );
    let links = run(&sender(&app)).await;
    assert_eq!(links.sent, 1);
    let subjects: Vec<String> = app
        .mailbox
        .to(&email)
        .await
        .into_iter()
        .map(|m| m.subject)
        .collect();
    assert_eq!(subjects.len(), 2);
    assert!(subjects[0].starts_with("Please confirm"));
    assert!(subjects[1].starts_with("Your Zoom link"));
}

/// A registration whose retries already left `MAX_LIVE_TOKENS` links gets no more:
/// the attempt is counted, so it leaves the outbox after the usual attempts.
#[tokio::test]
async fn a_confirmation_retry_with_no_room_for_another_link_counts_an_attempt() {
    let app = spawn_send_links_app(|_| {}).await;
    let email = owed_confirmations(&app, 1).await.remove(0);
    let registration = app.registrations().await.pop().unwrap();
    for i in 1..MAX_LIVE_TOKENS {
        assert!(
            app.store
                .add_token(&registration.key(), &format!("earlier-{i}"))
                .await
                .unwrap()
        );
    }

    let report = run(&sender(&app)).await;
    assert_eq!(report.confirmations_sent, 0, "{report:?}");
    assert!(app.mailbox.to(&email).await.is_empty());
    let after = app.registrations().await.pop().unwrap();
    assert_eq!(
        after.confirmation_attempts,
        registration.confirmation_attempts + 1
    );
    assert_eq!(
        after.last_email_error.as_deref(),
        Some("too many confirmation links")
    );
    assert_eq!(after.status, RegistrationStatus::Pending);
}

#[tokio::test]
async fn nothing_is_sent_before_links_send_at_or_from_the_event_start() {
    let send_at = Timestamp::now() + SignedDuration::from_hours(2);
    let app = spawn_send_links_app(|env| {
        env.insert("LINKS_SEND_AT".into(), send_at.to_string());
    })
    .await;
    let confirmed = seed(&app, RegistrationStatus::Confirmed, 5).await;
    let sender = sender(&app);
    let early = run(&sender).await;
    assert_eq!((early.sent, early.remaining), (0, 5));
    assert_eq!(early.skipped, Some("before-links-send-at"));

    app.clock.set("2030-09-28T10:00:00+05:00".parse().unwrap());
    let started = run(&sender).await;
    assert_eq!(started.sent, 0);
    assert_eq!(started.skipped, Some("event-started"));
    assert!(counts(&app, &confirmed).await.values().all(|n| *n == 0));

    app.clock.set(send_at);
    assert_eq!(run(&sender).await.sent, 5);
}

#[tokio::test]
async fn the_outbox_lists_only_what_is_still_owed() {
    let app = spawn_send_links_app(|_| {}).await;
    seed(&app, RegistrationStatus::Confirmed, 60).await;
    assert_eq!(run(&sender(&app)).await.sent, 60);
    seed(&app, RegistrationStatus::Confirmed, 4).await;
    seed(&app, RegistrationStatus::Pending, 20).await;
    // 84 registrations in the table, but the sender's index holds the 4 owed links.
    assert_eq!(app.registrations().await.len(), 84);
    assert_eq!(
        app.store
            .count_due(&app.event_id, Outbox::Link)
            .await
            .unwrap(),
        4
    );
    let page = app
        .store
        .due(&app.event_id, Outbox::Link, None, 100)
        .await
        .unwrap();
    assert_eq!(page.keys.len(), 4);
}

/// Set the clock 2.25 s before the webinar: a run then has minutes before its own
/// deadline, and at 2 sends a second its slots come at 0, 0.5, … 2.0 s, so it
/// sends at most 5 emails before the start.
fn start_in_two_and_a_quarter_seconds(app: &system_tests::TestApp) {
    let starts_at = app.sendlinks_config().own.unwrap().starts_at;
    app.clock.set(starts_at - SignedDuration::from_millis(2250));
}

#[tokio::test]
async fn a_run_that_reaches_the_event_start_stops_sending_links() {
    let app = spawn_send_links_app(|env| {
        env.insert("SEND_RATE_PER_SECOND".into(), "2".into());
    })
    .await;
    let confirmed = seed(&app, RegistrationStatus::Confirmed, 20).await;
    start_in_two_and_a_quarter_seconds(&app);
    let report = run(&sender(&app)).await;
    assert_eq!(report.stopped, Some("event-started"), "{report:?}");
    assert!((1..=5).contains(&report.sent), "{report:?}");
    assert_eq!(report.remaining, 20 - report.sent, "{report:?}");
    let sent = counts(&app, &confirmed).await;
    assert_eq!(sent.values().sum::<usize>() as u64, report.sent);
    assert!(sent.values().all(|n| *n <= 1));
    // What it had claimed but not sent is free again, not left to its lease.
    assert!(
        app.registrations()
            .await
            .iter()
            .all(|r| r.lease_owner.is_none()),
        "no lease left behind"
    );
}

#[tokio::test]
async fn sends_keep_the_rate_when_claims_take_uneven_time() {
    let app = spawn_send_links_app(|env| {
        env.insert("SEND_RATE_PER_SECOND".into(), "5".into());
    })
    .await;
    let confirmed = seed(&app, RegistrationStatus::Confirmed, 12).await;
    let mailer = TimedMailer {
        mailer: ses_mailer(&app, app.ses_paced.clone()),
        calls: Default::default(),
    };
    let store = TroubledStore::new(app.store.clone()).with_claim_delay(Duration::from_millis(300));
    let sender = sender_over(&app, store, mailer);
    let report = sender
        .run(tokio::time::Instant::now() + Duration::from_secs(60))
        .await;
    assert_eq!((report.sent, report.remaining), (12, 0), "{report:?}");
    assert!(counts(&app, &confirmed).await.values().all(|n| *n == 1));

    // The pacer spaces sends 200 ms apart. A slot taken before a claim that then
    // took 300 ms longer than the next one's would put two sends 100 ms apart;
    // with the slot taken right before the SES call the spacing holds (the bound
    // leaves 50 ms for the machine's scheduling).
    let closest = closest_pair(&sender.mailer.calls.lock().unwrap());
    assert!(
        closest >= Duration::from_millis(150),
        "two sends {closest:?} apart"
    );
}

#[tokio::test]
async fn a_failed_outbox_query_ends_that_outbox_s_share_after_its_sends_are_recorded() {
    let app = spawn_send_links_app(|_| {}).await;
    let confirmed = seed(&app, RegistrationStatus::Confirmed, 250).await;
    // The first round lists the promotion outbox (empty), the first page of
    // links (100 keys) and the confirmation outbox (empty); the query for the
    // second page of links fails.
    let store = TroubledStore::new(app.store.clone()).with_due_answers(3);
    let troubled = sender_over(&app, store, ses_mailer(&app, app.ses_paced.clone()));
    let (logs, capturing) = Capture::on_this_thread();
    let report = troubled
        .run(tokio::time::Instant::now() + Duration::from_secs(60))
        .await;
    drop(capturing);
    assert_eq!(report.failed_steps, ["link-outbox"], "{report:?}");
    assert_eq!((report.sent, report.failed), (100, 0), "{report:?}");
    assert_eq!(report.remaining, 150, "the counts still ran");
    let line = failed_steps_line(&logs);
    assert!(
        line.contains("ERROR") && line.contains("link-outbox"),
        "{line}"
    );
    let cause = logs.text();
    assert!(
        cause.contains("could not list an outbox") && cause.contains("the outbox query failed"),
        "the cause is logged: {cause}"
    );
    let registrations = app.registrations().await;
    let sent = registrations
        .iter()
        .filter(|r| r.link_sent_at.is_some())
        .count();
    assert_eq!(sent, 100, "the first page was served to the end");
    assert!(
        registrations.iter().all(|r| r.lease_owner.is_none()),
        "and every send it started was recorded"
    );

    let next = run(&sender(&app)).await;
    assert_eq!((next.sent, next.remaining), (150, 0), "{next:?}");
    assert!(counts(&app, &confirmed).await.values().all(|n| *n == 1));
}

#[tokio::test]
async fn a_failed_count_at_the_end_of_a_run_is_named_in_its_report() {
    let app = spawn_send_links_app(|_| {}).await;
    let confirmed = seed(&app, RegistrationStatus::Confirmed, 5).await;
    // An outbox found empty is not counted again: both hold something.
    system_tests::send_links::seed_owed_confirmations(&app, 2).await;
    let store = TroubledStore::new(app.store.clone()).with_failing_counts();
    let troubled = sender_over(&app, store, ses_mailer(&app, app.ses_paced.clone()));
    let (logs, capturing) = Capture::on_this_thread();
    let report = troubled
        .run(tokio::time::Instant::now() + Duration::from_secs(60))
        .await;
    drop(capturing);
    assert_eq!(
        report.failed_steps,
        ["link-count", "confirmation-count"],
        "{report:?}"
    );
    assert_eq!(report.sent, 5);
    assert!(counts(&app, &confirmed).await.values().all(|n| *n == 1));
    let line = failed_steps_line(&logs);
    assert!(line.contains("sent: 5"), "{line}");
    assert!(
        logs.text().contains("outbox count failed"),
        "the cause is logged"
    );
}

#[tokio::test]
async fn a_failed_promotion_and_a_failed_confirmation_query_leave_the_links_going_out() {
    let app = spawn_send_links_app(|_| {}).await;
    let confirmed = seed(&app, RegistrationStatus::Confirmed, 20).await;
    let pending = seed_owed_confirmations(&app, 3).await;
    let store = TroubledStore::new(app.store.clone())
        .with_failing_promotions()
        .with_failing_outbox(Outbox::Confirmation);
    let troubled = sender_over(&app, store, ses_mailer(&app, app.ses_paced.clone()));
    let (logs, capturing) = Capture::on_this_thread();
    let report = troubled
        .run(tokio::time::Instant::now() + Duration::from_secs(60))
        .await;
    drop(capturing);
    assert_eq!(
        report.failed_steps,
        ["promotion", "confirmation-outbox"],
        "{report:?}"
    );
    assert_eq!((report.sent, report.remaining), (20, 0), "{report:?}");
    assert_eq!(report.confirmations_remaining, 3);
    assert!(counts(&app, &confirmed).await.values().all(|n| *n == 1));
    assert!(counts(&app, &pending).await.values().all(|n| *n == 0));
    let logged = logs.text();
    for cause in ["the seats could not be read", "the outbox query failed"] {
        assert!(logged.contains(cause), "{cause} is logged: {logged}");
    }
}

#[tokio::test]
async fn one_send_ses_never_answers_fails_alone_and_the_run_goes_on() {
    let app = spawn_send_links_app(|env| {
        env.insert("SEND_RATE_PER_SECOND".into(), "10".into());
    })
    .await;
    // The oldest, so it is sent first; the others take 8 s at 10 a second, past
    // the 5 s after which the SES client gives up on it.
    let now = app.clock_now();
    app.clock.set(now - SignedDuration::from_secs(60));
    let hanging = seed(&app, RegistrationStatus::Confirmed, 1).await.remove(0);
    app.clock.set(now);
    let others = seed(&app, RegistrationStatus::Confirmed, 80).await;
    let front = FaultySes::over_the_emulator().await;
    front
        .faults
        .hang_for
        .lock()
        .unwrap()
        .insert(hanging.to_lowercase());
    let report = run_through(&app, &front).await;
    assert_eq!(
        (report.sent, report.failed, report.remaining, report.stopped),
        (80, 1, 1, None),
        "one timeout is one email's failure, not an outage: {report:?}"
    );
    assert_eq!(
        front.faults.calls.load(Ordering::SeqCst),
        81,
        "no resend at once"
    );
    assert!(counts(&app, &others).await.values().all(|n| *n == 1));
    let key = key_for(&app.event_id, &hanging);
    let r = app.store.get(&key).await.unwrap().unwrap();
    assert_eq!(r.link_attempts, 1, "one of its bounded attempts");
    assert!(r.link_sent_at.is_none() && r.lease_owner.is_none());
    let error = r.last_email_error.as_deref().unwrap_or_default();
    assert!(error.contains("SES did not answer"), "{error}");
    assert_eq!(r.owes(), Some(Outbox::Link), "retried by a later run");

    front.faults.hang_for.lock().unwrap().clear();
    let next = run_through(&app, &front).await;
    assert_eq!((next.sent, next.remaining), (1, 0), "{next:?}");
    assert_eq!(
        counts(&app, std::slice::from_ref(&hanging)).await[&hanging],
        1
    );
}

/// The cancel token in an email's text.
fn cancel_token_in(text: &str) -> String {
    text.split("/registrations/cancel?token=")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|url_rest| url_rest.split('&').next())
        .expect("a cancel link")
        .to_owned()
}

#[tokio::test]
async fn a_resent_link_email_leaves_the_first_one_s_cancel_link_working() {
    let app = spawn_send_links_app(|_| {}).await;
    let email = seed(&app, RegistrationStatus::Confirmed, 1).await.remove(0);
    assert_eq!(run(&sender(&app)).await.sent, 1);
    let key = key_for(&app.event_id, &email);
    let requeued = app.store.requeue(&key, Outbox::Link).await.unwrap();
    assert!(matches!(requeued, Requeued::Queued(_)), "{requeued:?}");
    assert_eq!(run(&sender(&app)).await.sent, 1);

    let received = app.mailbox.to(&email).await;
    assert_eq!(received.len(), 2, "the link email, then its resend");
    let tokens: Vec<String> = received.iter().map(|m| cancel_token_in(m.text())).collect();
    assert_ne!(tokens[0], tokens[1], "each email has a token of its own");
    for token in &tokens {
        let page = app.canceller.check(Some(token)).await;
        assert!(
            matches!(page, Ok(CancelPage::Active(ref r)) if r.email == email),
            "the page shows its button (200): {page:?}"
        );
    }
    let cancelled = app.cancel_token(&tokens[0]).await.unwrap();
    assert!(
        matches!(cancelled, Cancelled::Now(ref r) if r.status == RegistrationStatus::Cancelled),
        "{cancelled:?}"
    );
    let page = app.canceller.check(Some(&tokens[1])).await;
    assert!(
        matches!(page, Ok(CancelPage::AlreadyCancelled(_))),
        "{page:?}"
    );
}

#[tokio::test]
async fn a_confirmation_retry_cut_short_by_the_event_start_takes_its_unsent_link_back() {
    let app = spawn_send_links_app(|env| {
        env.insert("SEND_RATE_PER_SECOND".into(), "2".into());
    })
    .await;
    let emails = owed_confirmations(&app, 8).await;
    start_in_two_and_a_quarter_seconds(&app);
    let report = run(&sender(&app)).await;
    assert_eq!(report.stopped, Some("event-started"), "{report:?}");
    assert!((1..=5).contains(&report.confirmations_sent), "{report:?}");

    let received = counts(&app, &emails).await;
    let mut deferred = 0;
    for item in app.registration_items().await {
        let email = item["email"].as_s().unwrap();
        let hashes = item["token_hashes"].as_l().unwrap().len();
        // The link of the failed email at registration, and one per email sent.
        assert_eq!(hashes, 1 + received[email], "{email}");
        if item
            .get("last_email_error")
            .and_then(|e| e.as_s().ok())
            .is_some_and(|e| e.contains("the run stopped"))
        {
            deferred += 1;
        }
        assert!(!item.contains_key("lease_owner"), "no lease left behind");
    }
    assert!(deferred >= 1, "a claimed retry was cut short");
}

/// The log line of a run in which DynamoDB failed some steps.
fn failed_steps_line(logs: &Capture) -> String {
    let logged = logs.text();
    logged
        .lines()
        .find(|l| l.contains("DynamoDB failed some steps"))
        .unwrap_or_else(|| panic!("no line for the failed run in:\n{logged}"))
        .to_owned()
}
