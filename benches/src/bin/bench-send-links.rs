//! `make bench`: the send-links run over many confirmed registrations against the
//! local emulators. Prints, as a table, the sends per second achieved against the
//! configured rate, the unlimited rate against a raw concurrent SES v2 client
//! measured in the same run, and DynamoDB request units per participant served.
//! Figures are ratios against baselines of the same run, not absolute claims.

use futures::StreamExt;
use registration::domain::RegistrationStatus;
use std::sync::Arc;
use std::time::{Duration, Instant};
use system_tests::faulty_ses::FaultySes;
use system_tests::send_links::{run_for, seed, sender_with, spawn_send_links_app};

struct Row {
    scenario: String,
    target: Option<f64>,
    achieved: f64,
    ratio: f64,
    note: String,
}

async fn scenario(rate: u32, latency: Duration, recipients: usize) -> (f64, f64, f64, u64) {
    let app = spawn_send_links_app(|env| {
        env.insert("SEND_RATE_PER_SECOND".into(), rate.to_string());
    })
    .await;
    seed(&app, RegistrationStatus::Confirmed, recipients).await;
    let front = FaultySes::over_the_emulator().await;
    *front.faults.latency.lock().expect("lock") = latency;
    let sender = sender_with(&app, front.client().await);
    let before = app.store.consumed();
    let started = Instant::now();
    // Time enough for every send at the configured rate, and a margin.
    let budget = Duration::from_secs(60 + (recipients as u64) / u64::from(rate.max(1)));
    let report = run_for(&sender, budget).await;
    let elapsed = started.elapsed().as_secs_f64();
    let after = app.store.consumed();
    assert_eq!(
        report.sent as usize, recipients,
        "every recipient served: {report:?}"
    );
    let served = report.sent.max(1) as f64;
    (
        report.sent as f64 / elapsed,
        (after.read_units - before.read_units) / served,
        (after.write_units - before.write_units) / served,
        front
            .faults
            .max_in_flight
            .load(std::sync::atomic::Ordering::SeqCst) as u64,
    )
}

/// The baseline: the same emails straight through a concurrent SES v2 client.
async fn raw_ses(recipients: usize, concurrency: usize) -> f64 {
    let sdk = system_tests::sdk_config().await;
    let client = registration::platform::aws::sesv2(&sdk);
    let sender =
        registration::config::Sender::parse("Bench <bench@example.org>").expect("a sender");
    let mailer = Arc::new(registration::mail::SesMailer::new(client, sender));
    let app = spawn_send_links_app(|_| {}).await;
    let own = app.sendlinks_config().own.expect("the app's own program");
    let event = own.event(&app.table);
    let zoom = own.zoom_join_url.clone().expect("its Zoom link");
    let urls = registration::mail::ActionUrls::new(
        "https://register.example.org",
        "raw",
        registration::program::Language::En,
    );
    let emails: Vec<_> = (0..recipients)
        .map(|i| {
            registration::mail::link_email(
                &event,
                registration::domain::EmailAddress::parse(&format!("raw-{i}@example.org"))
                    .expect("an address"),
                registration::mail::LinkEmailFor {
                    participant: registration::mail::Participant {
                        name: "Raw Baseline",
                        language: registration::program::Language::En,
                        urls: &urls,
                    },
                    registration_id: "raw",
                    kind: registration::mail::LinkEmailKind::Confirmed,
                },
                &zoom,
                jiff::Timestamp::now(),
            )
        })
        .collect();
    let started = Instant::now();
    futures::stream::iter(emails)
        .map(|email| {
            let mailer = Arc::clone(&mailer);
            async move {
                use registration::mail::Mailer;
                mailer
                    .send(&email)
                    .await
                    .expect("the emulator accepts the email");
            }
        })
        .buffer_unordered(concurrency)
        .collect::<Vec<()>>()
        .await;
    recipients as f64 / started.elapsed().as_secs_f64()
}

/// Request units of the participant path, measured through the use cases' own
/// store: each step's reads and writes per participant.
async fn participant_path_units(participants: usize) -> Vec<(&'static str, f64, f64)> {
    // A seat for each; links already go out, so confirming sends the link.
    let app = spawn_send_links_app(|env| {
        env.insert("CAPACITY".into(), participants.to_string());
    })
    .await;
    let n = participants as f64;
    let mut steps = Vec::new();
    let mut last = app.store.consumed();
    let mut step = |name, app: &system_tests::TestApp| {
        let now = app.store.consumed();
        steps.push((
            name,
            (now.read_units - last.read_units) / n,
            (now.write_units - last.write_units) / n,
        ));
        last = now;
    };
    let mut tokens = Vec::new();
    for i in 0..participants {
        let email = system_tests::unique_email();
        let event = system_tests::events::from_source(
            system_tests::events::post_registrations(
                "application/json",
                &system_tests::valid_json(&email).to_string(),
                None,
            ),
            &format!("10.9.{}.{}", i / 256, i % 256),
        );
        assert_eq!(app.call_register(event).await.status, 201);
        tokens.push(app.confirmation_token(&email).await);
    }
    step(
        "register (POST /registrations, 201, its email recorded)",
        &app,
    );
    for token in &tokens {
        let confirmed = app.confirmer.confirm(Some(token)).await;
        assert!(matches!(
            confirmed,
            Ok(registration::use_cases::confirming::Confirmed::Now(_))
        ));
    }
    step("confirm (POST, a seat taken)", &app);
    app.confirmer.after_response.run().await;
    step("its link email, sent by confirm after the response", &app);
    for token in &tokens {
        assert!(app.canceller.cancel(Some(token)).await.is_ok());
    }
    step("cancel (POST, the seat freed)", &app);
    steps
}

#[tokio::main]
async fn main() {
    let recipients: usize = std::env::var("BENCH_RECIPIENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2000);
    let mut rows = Vec::new();
    let mut units = (0.0, 0.0);
    for (rate, latency_ms) in [(10u32, 0u64), (50, 0), (200, 0), (25, 100)] {
        eprintln!("bench: {recipients} recipients at {rate}/s, SES latency {latency_ms} ms ...");
        let (achieved, reads, writes, in_flight) =
            scenario(rate, Duration::from_millis(latency_ms), recipients).await;
        if rate == 200 {
            units = (reads, writes);
        }
        rows.push(Row {
            scenario: format!("rate {rate}/s, SES +{latency_ms} ms"),
            target: Some(f64::from(rate)),
            achieved,
            ratio: achieved / f64::from(rate),
            note: format!("max {in_flight} sends in flight"),
        });
    }
    eprintln!("bench: unlimited rate, and the raw SES client baseline ...");
    let (unlimited, _, _, in_flight) = scenario(10_000, Duration::ZERO, recipients).await;
    let raw = raw_ses(recipients, 256).await;
    rows.push(Row {
        scenario: "unlimited rate (10000/s)".into(),
        target: None,
        achieved: unlimited,
        ratio: unlimited / raw,
        note: format!("vs raw concurrent SES v2 client {raw:.0}/s; max {in_flight} in flight"),
    });

    println!();
    println!(
        "Delivery run, {recipients} confirmed registrations, DynamoDB Local + SES v2 emulator"
    );
    println!();
    println!("| scenario | configured /s | achieved /s | ratio | note |");
    println!("| --- | ---: | ---: | ---: | --- |");
    for row in &rows {
        let target = row
            .target
            .map(|t| format!("{t:.0}"))
            .unwrap_or_else(|| "-".into());
        println!(
            "| {} | {} | {:.1} | {:.3} | {} |",
            row.scenario, target, row.achieved, row.ratio, row.note
        );
    }
    println!();
    println!(
        "DynamoDB request units per participant served (rate 200/s run): {:.2} read, {:.2} write",
        units.0, units.1
    );
    println!("(ratio: achieved / configured rate; for the unlimited row, achieved / raw client)");
    println!();
    println!("| DynamoDB request units per participant | read | write |");
    println!("| --- | ---: | ---: |");
    for (step, reads, writes) in participant_path_units(200).await {
        println!("| {step} | {reads:.2} | {writes:.2} |");
    }
    println!(
        "| send-links (one link sent) | {:.2} | {:.2} |",
        units.0, units.1
    );
}
