//! Abuse resistance against DynamoDB Local and the SES emulator: the
//! per-address limit under contention from several processes, the hourly cap on
//! confirmation emails, names that cannot carry a message, unconfirmed
//! registrations that expire, and source addresses that never appear in clear.

use registration::domain::RegistrationStatus;
use registration::store::{Outbox, Registrations};
use std::collections::HashMap;
use std::process::Stdio;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use system_tests::send_links::{run, sender};
use system_tests::{key_for, seed_env, spawn_app_with, unique, unique_email, valid_json};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::process::Command;

const PROCESSES: usize = 4;
const PER_PROCESS: usize = 10;

/// The seed configuration with the event in 2030, so that registration is open
/// by the real clock the processes use.
fn open_env(table: &str, event_id: &str) -> HashMap<String, String> {
    let mut env = seed_env(table, event_id);
    env.insert("EVENT_STARTS_AT".into(), "2030-09-28T10:00:00+05:00".into());
    env.insert(
        "REGISTRATION_CLOSES_AT".into(),
        "2030-09-27T00:00:00+05:00".into(),
    );
    env.insert("MAX_REGISTRATIONS_PER_IP_PER_HOUR".into(), "20".into());
    env
}

/// Seconds into the current clock hour.
fn into_the_hour() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
        % 3600
}

/// Run `count` submissions of `body` from `source` in one process per entry of
/// `counts`, released at once; each line: a status and its `Retry-After`, if any.
async fn submit(
    env: &HashMap<String, String>,
    counts: &[usize],
    body: &str,
    source: &str,
) -> Vec<(u16, Option<u64>)> {
    let mut children = Vec::new();
    for count in counts {
        let mut child = Command::new(env!("CARGO_BIN_EXE_submit-registrations"))
            .args([&count.to_string(), "-", body, source])
            .envs(env)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("submit-registrations starts");
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let ready = lines.next_line().await.unwrap();
        if ready.as_deref() != Some("ready") {
            let mut stderr = String::new();
            child
                .stderr
                .take()
                .unwrap()
                .read_to_string(&mut stderr)
                .await
                .unwrap();
            panic!("not ready: {ready:?}: {stderr}");
        }
        children.push((child, lines));
    }
    let start = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis()
        + 300;
    for (child, _) in &mut children {
        let stdin = child.stdin.as_mut().unwrap();
        stdin
            .write_all(format!("{start}\n").as_bytes())
            .await
            .unwrap();
        stdin.flush().await.unwrap();
    }
    let mut answers = Vec::new();
    for (mut child, mut lines) in children {
        while let Some(line) = lines.next_line().await.unwrap() {
            let mut parts = line.split_whitespace();
            let status = parts.next().unwrap().parse().unwrap();
            let retry_after = parts.next().map(|v| v.parse().unwrap());
            answers.push((status, retry_after));
        }
        assert!(child.wait().await.unwrap().success());
    }
    answers
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forty_registrations_at_once_from_one_address_over_four_processes_give_twenty_201s_and_twenty_429s()
 {
    // The limit counts per clock hour: start well inside one.
    if into_the_hour() > 3600 - 30 {
        tokio::time::sleep(Duration::from_secs(3600 - into_the_hour() + 2)).await;
    }
    let sdk = system_tests::sdk_config().await;
    let table = unique("limits");
    system_tests::table::create_from_template(&registration::platform::aws::dynamodb(&sdk), &table)
        .await
        .unwrap();
    let env = open_env(&table, &unique("event"));
    let run = unique("ip");
    let body = valid_json(&format!("{run}-{{n}}@example.org")).to_string();

    let answers = submit(&env, &[PER_PROCESS; PROCESSES], &body, "203.0.113.50").await;
    let created = answers.iter().filter(|(s, _)| *s == 201).count();
    let limited: Vec<_> = answers.iter().filter(|(s, _)| *s == 429).collect();
    assert_eq!((created, limited.len()), (20, 20), "{answers:?}");
    for (_, retry_after) in &limited {
        let seconds = retry_after.expect("a 429 carries Retry-After");
        assert!((1..=3600).contains(&seconds), "{seconds}");
    }
    assert!(
        answers
            .iter()
            .filter(|(s, _)| *s == 201)
            .all(|(_, r)| r.is_none())
    );

    // Another address is not limited by the first one's count.
    let other = submit(&env, &[1], &body, "203.0.113.51").await;
    assert_eq!(other, vec![(201, None)]);

    // Nothing was stored for the refused ones: 21 registrations in all.
    let client = registration::platform::aws::dynamodb(&sdk);
    let items = client.scan().table_name(&table).send().await.unwrap();
    let registrations = items
        .items()
        .iter()
        .filter(|item| item.contains_key("registration_id"))
        .count();
    assert_eq!(registrations, 21);
}

#[tokio::test]
async fn with_the_email_cap_at_three_eight_registrations_send_three_emails_and_each_hour_s_run_sends_three_more_at_most()
 {
    let app = spawn_app_with(|env| {
        env.insert("MAX_CONFIRMATION_EMAILS_PER_HOUR".into(), "3".into());
    })
    .await;
    let emails: Vec<String> = (0..8).map(|_| unique_email()).collect();
    for (i, email) in emails.iter().enumerate() {
        let event = system_tests::events::from_source(
            system_tests::events::post_registrations(
                "application/json",
                &valid_json(email).to_string(),
                None,
            ),
            &format!("192.0.2.{i}"),
        );
        let response = app.call_register(event).await;
        assert_eq!(response.status, 201, "{}", response.body);
    }
    let emailed = |app: &system_tests::TestApp| {
        let emails = emails.clone();
        let mailbox = app.mailbox.clone();
        async move {
            let mut total = 0;
            for email in &emails {
                let sent = mailbox.to(email).await.len();
                assert!(sent <= 1, "{email}: one email, never two");
                total += sent;
            }
            total
        }
    };
    assert_eq!(emailed(&app).await, 3, "three emails at once");
    for email in &emails {
        if app.mailbox.to(email).await.is_empty() {
            let r = app
                .store
                .get(&key_for(&app.event_id, email))
                .await
                .unwrap()
                .unwrap();
            assert_eq!(r.owes(), Some(Outbox::Confirmation), "waits for the run");
            assert_eq!(r.lease_owner, None, "released to the run");
        }
    }

    // The run counts its emails against the same hour: none is left in it.
    let report = run(&sender(&app)).await;
    assert_eq!(report.confirmations_sent, 0);
    assert_eq!(emailed(&app).await, 3);
    // Each later hour's run stops at the cap.
    app.clock.advance(jiff::SignedDuration::from_hours(1));
    let report = run(&sender(&app)).await;
    assert_eq!(report.confirmations_sent, 3);
    assert_eq!(emailed(&app).await, 6);
    app.clock.advance(jiff::SignedDuration::from_hours(1));
    let report = run(&sender(&app)).await;
    assert_eq!(report.confirmations_sent, 2);
    assert_eq!(emailed(&app).await, 8);
}

/// `name`'s aliases at Gmail: tags, dots, case and the other domain.
fn gmail_aliases(name: &str) -> Vec<String> {
    let dotted: String = name
        .chars()
        .enumerate()
        .map(|(i, c)| {
            if i > 0 && i % 3 == 0 {
                format!(".{c}")
            } else {
                c.to_string()
            }
        })
        .collect();
    vec![
        format!("{name}@gmail.com"),
        format!("{name}+1@gmail.com"),
        format!("{name}+2@gmail.com"),
        format!("{dotted}@gmail.com"),
        format!("{}+x@GoogleMail.com", name.to_uppercase()),
        format!("{dotted}+6@gmail.com"),
    ]
}

#[tokio::test]
async fn six_aliases_of_one_gmail_inbox_get_five_emails_and_the_sixth_goes_out_the_next_utc_day() {
    let app = spawn_app_with(|_| {}).await;
    let name = unique("victim").replace('-', "");
    let aliases = gmail_aliases(&name);
    let mut answers = Vec::new();
    for (i, alias) in aliases.iter().enumerate() {
        let event = system_tests::events::from_source(
            system_tests::events::post_registrations(
                "application/json",
                &valid_json(alias).to_string(),
                None,
            ),
            &format!("192.0.2.{}", 10 + i),
        );
        answers.push(app.call_register(event).await.status);
    }
    assert_eq!(answers, vec![201; 6], "every alias is stored");
    let sent = |app: &system_tests::TestApp| {
        let aliases = aliases.clone();
        let mailbox = app.mailbox.clone();
        async move {
            let mut sent = Vec::new();
            for alias in &aliases {
                sent.push(mailbox.to(alias).await.len());
            }
            sent
        }
    };
    assert_eq!(
        sent(&app).await,
        vec![1, 1, 1, 1, 1, 0],
        "five to the one inbox"
    );
    let sixth = app
        .store
        .get(&key_for(&app.event_id, &aliases[5]))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(sixth.owes(), Some(Outbox::Confirmation));

    // Later the same UTC day (04:00Z now), the run leaves it waiting…
    app.clock.advance(jiff::SignedDuration::from_hours(19));
    assert_eq!(run(&sender(&app)).await.confirmations_sent, 0);
    assert_eq!(sent(&app).await[5], 0);
    // …and the next UTC day's run sends it.
    app.clock.advance(jiff::SignedDuration::from_hours(1));
    assert_eq!(run(&sender(&app)).await.confirmations_sent, 1);
    assert_eq!(sent(&app).await, vec![1; 6]);
}

#[tokio::test]
async fn this_wasn_t_me_and_registering_again_does_not_reset_the_mailbox_s_count() {
    let app = spawn_app_with(|env| {
        env.insert(
            "MAX_CONFIRMATION_EMAILS_PER_MAILBOX_PER_DAY".into(),
            "2".into(),
        );
    })
    .await;
    let email = format!("{}@gmail.com", unique("victim").replace('-', ""));
    for _ in 0..2 {
        let token = app.register_for_token(&email).await;
        let cancelled = app.cancel_token(&token).await.unwrap();
        assert!(
            matches!(
                cancelled,
                registration::use_cases::cancelling::Cancelled::Deleted(_)
            ),
            "{cancelled:?}"
        );
        assert!(
            app.store
                .get(&key_for(&app.event_id, &email))
                .await
                .unwrap()
                .is_none()
        );
    }
    assert_eq!(app.mailbox.to(&email).await.len(), 2);
    let event = system_tests::events::from_source(
        system_tests::events::post_registrations(
            "application/json",
            &valid_json(&email).to_string(),
            None,
        ),
        "192.0.2.77",
    );
    assert_eq!(app.call_register(event).await.status, 201, "stored");
    assert_eq!(
        app.mailbox.to(&email).await.len(),
        2,
        "no third email today"
    );
}

#[tokio::test]
async fn names_that_could_carry_a_message_are_refused_and_every_script_passes_intact() {
    let app = spawn_app_with(|_| {}).await;
    for (field, value) in [
        ("full_name", "Ali\u{202E}nahK"),
        ("full_name", "Ali\u{200B}Khan"),
        ("organization", "Cells \u{2066}Ltd"),
        ("designation", "\u{FEFF}Chief"),
        ("full_name", "Unlock your mailbox at https://evil.example"),
        ("full_name", "Visit www.evil.example"),
    ] {
        let mut body = valid_json(&unique_email());
        body[field] = value.into();
        let response = app.post_json(&body).await;
        assert_eq!(response.status, 422, "{field} {value:?}");
        let problem: serde_json::Value = serde_json::from_str(&response.body).unwrap();
        assert!(problem["errors"][field].is_string(), "{}", response.body);
        assert!(
            !response.body.contains(value),
            "the message never quotes the input"
        );
    }
    for name in ["علی رضایی", "王小明", "Алексей Иванов", "Çağrı Yılmaz"]
    {
        let email = unique_email();
        let mut body = valid_json(&email);
        body["full_name"] = name.into();
        assert_eq!(app.post_json(&body).await.status, 201, "{name}");
        let sent = app.mailbox.to(&email).await;
        // A right-to-left name is isolated in the text part, between FSI and PDI.
        let shown = if name.starts_with('ع') {
            format!("\u{2068}{name}\u{2069}")
        } else {
            name.to_owned()
        };
        assert!(sent[0].text().contains(&format!("Dear {shown},")), "{name}");
    }
    // Typed decomposed (C + cedilla, g + breve), stored composed.
    let email = unique_email();
    let mut body = valid_json(&email);
    body["full_name"] = "C\u{327}ag\u{306}r\u{131} Y\u{131}lmaz".into();
    assert_eq!(app.post_json(&body).await.status, 201);
    let r = app
        .store
        .get(&key_for(&app.event_id, &email))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(r.full_name, "\u{c7}a\u{11f}r\u{131} Y\u{131}lmaz");
}

#[tokio::test]
async fn an_expired_pending_registration_is_absent_and_its_address_registers_again() {
    let app = spawn_app_with(|env| {
        env.insert("PENDING_EXPIRES_AFTER_HOURS".into(), "1".into());
    })
    .await;
    let email = unique_email();
    let old_token = app.register_for_token(&email).await;
    let old = app
        .store
        .get(&key_for(&app.event_id, &email))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        old.expires_at,
        system_tests::while_open() + jiff::SignedDuration::from_hours(1)
    );

    app.clock.advance(jiff::SignedDuration::from_hours(1));
    let page = app.confirm(Some(&format!("token={old_token}"))).await;
    assert_eq!(page.status, 404, "its link is gone");

    let response = app.post_json(&valid_json(&email)).await;
    assert_eq!(response.status, 201, "{}", response.body);
    let new = app
        .store
        .get(&key_for(&app.event_id, &email))
        .await
        .unwrap()
        .unwrap();
    assert_ne!(new.registration_id, old.registration_id);
    assert_eq!(new.status, RegistrationStatus::Pending);
    assert_eq!(
        app.confirm(Some(&format!("token={old_token}")))
            .await
            .status,
        404
    );
    // The old one never comes back: the new link confirms the new registration.
    let new_token = app.confirmation_token(&email).await;
    let confirmed = app.confirm_token(&new_token).await.unwrap();
    let registration_id = match confirmed {
        registration::use_cases::confirming::Confirmed::Now(r) => r.registration_id,
        other => panic!("{other:?}"),
    };
    assert_eq!(registration_id, new.registration_id);
    // Confirmed, it keeps its data for the retention period.
    let kept = app
        .store
        .get(&key_for(&app.event_id, &email))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(Some(kept.expires_at), kept.retain_until);
}

#[tokio::test]
async fn no_source_address_or_key_material_is_stored_in_the_table() {
    let app = spawn_app_with(|_| {}).await;
    let email = unique_email();
    let event = system_tests::events::from_source(
        system_tests::events::post_registrations(
            "application/json",
            &valid_json(&email).to_string(),
            None,
        ),
        "198.18.7.201",
    );
    assert_eq!(app.call_register(event).await.status, 201);
    let items = app.items().await;
    let pks: Vec<&str> = items
        .iter()
        .filter_map(|item| item.get("pk")?.as_s().ok().map(String::as_str))
        .collect();
    // The registration, its source's hourly counter, the hour's email counter
    // and its mailbox's daily counter: nothing else, no window secret.
    assert_eq!(items.len(), 4, "{pks:?}");
    assert_eq!(pks.iter().filter(|pk| pk.contains("#SOURCE#")).count(), 1);
    assert_eq!(
        pks.iter().filter(|pk| pk.starts_with("MAILBOX#")).count(),
        1
    );
    for item in &items {
        let text = format!("{item:?}");
        assert!(!text.contains("198.18.7.201"), "{text}");
        assert!(!text.to_lowercase().contains("secret"), "{text}");
        assert!(
            item.values().all(|value| !value.is_b()),
            "no binary value (key material): {text}"
        );
        if !item.contains_key("registration_id") {
            // A counter names its address or mailbox by a keyed hash only.
            assert!(!text.contains(&email), "{text}");
            assert_eq!(item.len(), 3, "pk, count and expiry: {text}");
        }
    }
}

#[tokio::test]
async fn a_registration_waits_for_one_dynamodb_round_trip_before_its_answer_and_emails_after_it() {
    let app = spawn_app_with(|_| {}).await;
    let trips = system_tests::round_trips::RoundTrips::default();
    let store = registration::store::DynamoStore::new(trips.dynamodb(&app.dynamodb), &app.table);
    let registrar = app.registrar_with(store, trips.sesv2(&app.ses));
    let email = unique_email();
    let event = system_tests::events::from_source(
        system_tests::events::post_registrations(
            "application/json",
            &valid_json(&email).to_string(),
            None,
        ),
        "192.0.2.200",
    );
    let response = register::handle(&registrar, system_tests::events::to_request(&event)).await;
    assert_eq!(response.status(), 201);
    // Before the answer: the put with its source's count, at once.
    assert_eq!((trips.rounds(), trips.requests()), (1, 2));
    assert!(app.mailbox.to(&email).await.is_empty(), "no email yet");
    // After it: the email caps' two counters (at once), SES, the outcome recorded.
    registrar.after_response.run().await;
    assert_eq!((trips.rounds(), trips.requests()), (4, 6));
    assert_eq!(app.mailbox.to(&email).await.len(), 1);
}

#[tokio::test]
async fn past_its_hourly_limit_a_source_gets_429_before_409_and_duplicates_count() {
    let app = spawn_app_with(|env| {
        env.insert("MAX_REGISTRATIONS_PER_IP_PER_HOUR".into(), "2".into());
    })
    .await;
    let post = |email: &str, source: &str| {
        system_tests::events::from_source(
            system_tests::events::post_registrations(
                "application/json",
                &valid_json(email).to_string(),
                None,
            ),
            source,
        )
    };
    let (first, second) = (unique_email(), unique_email());
    let source = "198.51.100.20";
    assert_eq!(app.call_register(post(&first, source)).await.status, 201);
    // A duplicate counts: probing which addresses are registered is bounded too.
    assert_eq!(app.call_register(post(&first, source)).await.status, 409);
    let limited = app.call_register(post(&second, source)).await;
    assert_eq!(limited.status, 429, "{}", limited.body);
    // Past the limit, a duplicate gets the 429 first.
    assert_eq!(app.call_register(post(&first, source)).await.status, 429);
    // Another source: the uniqueness answer, and its own count.
    assert_eq!(
        app.call_register(post(&first, "198.51.100.21"))
            .await
            .status,
        409
    );
    assert_eq!(
        app.call_register(post(&second, "198.51.100.21"))
            .await
            .status,
        201
    );
    assert_eq!(
        app.registrations().await.len(),
        2,
        "nothing stored when refused"
    );
}
