//! Seats under contention: confirmations and cancellations fired at once from
//! several processes, against DynamoDB Local and the SES emulator. Confirmed
//! registrations never outnumber `CAPACITY`; each place in line is given once;
//! each freed seat goes to exactly one registration, the first in line.

use registration::domain::RegistrationStatus;
use registration::store::{Registrations, Seats};
use serde_json::Value;
use std::collections::HashMap;
use std::process::Stdio;
use std::time::{SystemTime, UNIX_EPOCH};
use system_tests::{TestApp, key_for, spawn_app_with, unique_email};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::process::{Child, Command};

const PROCESSES: usize = 4;
const CAPACITY: usize = 10;
const REGISTRATIONS: usize = 30;

/// The event in 2030, so that the processes' real clock is before its start;
/// links go out the day before, so a promotion is announced by its own email.
fn race_env(env: &mut HashMap<String, String>) {
    env.insert("EVENT_STARTS_AT".into(), "2030-09-28T10:00:00+05:00".into());
    env.insert(
        "REGISTRATION_CLOSES_AT".into(),
        "2030-09-27T00:00:00+05:00".into(),
    );
    env.insert("LINKS_SEND_AT".into(), "2030-09-27T10:00:00+05:00".into());
    env.insert("CAPACITY".into(), CAPACITY.to_string());
}

struct Racer {
    child: Child,
    lines: tokio::io::Lines<BufReader<tokio::process::ChildStdout>>,
}

/// Fire `action` for every token, spread over [`PROCESSES`] processes released at
/// the same instant; the outcome of each token, keyed by token.
async fn race(app: &TestApp, action: &str, tokens: &[String]) -> HashMap<String, Value> {
    let mut racers = Vec::new();
    for share in tokens.chunks(tokens.len().div_ceil(PROCESSES)) {
        let mut child = Command::new(env!("CARGO_BIN_EXE_seat-race"))
            .arg(action)
            .args(share)
            .envs(&app.env)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("seat-race starts");
        let stdout = child.stdout.take().expect("piped stdout");
        racers.push(Racer {
            child,
            lines: BufReader::new(stdout).lines(),
        });
    }
    assert_eq!(racers.len(), PROCESSES);
    for racer in &mut racers {
        let first = racer.lines.next_line().await.expect("read stdout");
        assert_eq!(
            first.as_deref(),
            Some("ready"),
            "{}",
            stderr_of(racer).await
        );
    }
    let start = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis()
        + 300;
    for racer in &mut racers {
        let stdin = racer.child.stdin.as_mut().expect("piped stdin");
        stdin
            .write_all(format!("{start}\n").as_bytes())
            .await
            .expect("send the start");
        stdin.flush().await.expect("flush");
    }
    let mut outcomes = HashMap::new();
    for mut racer in racers {
        while let Some(line) = racer.lines.next_line().await.expect("read stdout") {
            let outcome: Value = serde_json::from_str(&line).expect("a JSON line");
            outcomes.insert(outcome["token"].as_str().unwrap().to_owned(), outcome);
        }
        let stderr = stderr_of(&mut racer).await;
        let status = racer.child.wait().await.expect("the process ends");
        assert!(status.success(), "seat-race failed ({status}): {stderr}");
    }
    assert_eq!(outcomes.len(), tokens.len());
    outcomes
}

async fn stderr_of(racer: &mut Racer) -> String {
    let mut stderr = String::new();
    if let Some(mut err) = racer.child.stderr.take() {
        let _ = err.read_to_string(&mut stderr).await;
    }
    stderr
}

async fn statuses(app: &TestApp, emails: &[String]) -> Vec<RegistrationStatus> {
    let mut statuses = Vec::new();
    for email in emails {
        let r = app
            .store
            .get(&key_for(&app.event_id, email))
            .await
            .unwrap()
            .unwrap();
        statuses.push(r.status);
    }
    statuses
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn thirty_confirmations_from_four_processes_fill_ten_seats_then_ten_cancels_promote_the_ten_first_in_line()
 {
    let app = spawn_app_with(race_env).await;
    app.clock.set(jiff::Timestamp::now());
    let emails: Vec<String> = (0..REGISTRATIONS).map(|_| unique_email()).collect();
    let mut tokens = Vec::new();
    for email in &emails {
        tokens.push(app.register_for_token(email).await);
    }

    // 30 confirmations at once: exactly 10 seats, and places 1 to 20, each once.
    let confirmed = race(&app, "confirm", &tokens).await;
    let with_status = |status: &str| {
        tokens
            .iter()
            .filter(|t| confirmed[*t]["status"] == status)
            .cloned()
            .collect::<Vec<_>>()
    };
    let seated = with_status("confirmed");
    let waiting = with_status("waitlisted");
    assert_eq!(
        (seated.len(), waiting.len()),
        (CAPACITY, REGISTRATIONS - CAPACITY),
        "{confirmed:?}"
    );
    let mut places: Vec<u64> = waiting
        .iter()
        .map(|t| confirmed[t]["position"].as_u64().expect("a place in line"))
        .collect();
    places.sort_unstable();
    assert_eq!(places, (1..=20).collect::<Vec<u64>>());
    let stored = statuses(&app, &emails).await;
    let count = |status| stored.iter().filter(|s| **s == status).count();
    assert_eq!(count(RegistrationStatus::Confirmed), CAPACITY);
    assert_eq!(
        count(RegistrationStatus::Waitlisted),
        REGISTRATIONS - CAPACITY
    );

    // The line, first first.
    let mut line = waiting.clone();
    line.sort_by_key(|t| confirmed[t]["position"].as_u64());
    let email_of = |token: &String| emails[tokens.iter().position(|t| t == token).unwrap()].clone();

    // The 10 seated cancel at once: the 10 first in line take their seats.
    let cancelled = race(&app, "cancel", &seated).await;
    assert!(
        cancelled.values().all(|o| o["status"] == "cancelled"),
        "{cancelled:?}"
    );
    let stored = statuses(&app, &emails).await;
    let count = |status| stored.iter().filter(|s| **s == status).count();
    assert_eq!(
        count(RegistrationStatus::Confirmed),
        CAPACITY,
        "confirmed stays 10"
    );
    assert_eq!(count(RegistrationStatus::Cancelled), CAPACITY);
    assert_eq!(
        count(RegistrationStatus::Waitlisted),
        REGISTRATIONS - 2 * CAPACITY
    );
    for (place, token) in line.iter().enumerate() {
        let email = email_of(token);
        let r = app
            .store
            .get(&key_for(&app.event_id, &email))
            .await
            .unwrap()
            .unwrap();
        let promotions = app
            .mailbox
            .to(&email)
            .await
            .into_iter()
            .filter(|e| e.subject.starts_with("A seat is yours"))
            .count();
        if place < CAPACITY {
            assert_eq!(
                r.status,
                RegistrationStatus::Confirmed,
                "place {}",
                place + 1
            );
            assert_eq!(promotions, 1, "place {}: one email", place + 1);
        } else {
            assert_eq!(
                r.status,
                RegistrationStatus::Waitlisted,
                "place {}",
                place + 1
            );
            assert_eq!(promotions, 0);
            let now_at = app.store.waitlist_position(&r.key()).await.unwrap();
            assert_eq!(
                now_at,
                Some((place - CAPACITY + 1) as u32),
                "moved up the line"
            );
        }
    }
    for token in &seated {
        let sent = app.mailbox.to(&email_of(token)).await;
        assert_eq!(
            sent.len(),
            1,
            "a cancelled registration got only its confirmation email"
        );
    }
}
