//! `make bench`: the functions as Lambda runs them, through a Runtime API of our
//! own, against the local emulators. Every figure is printed with a ratio against
//! a baseline measured in the same run:
//! - cold start: init (process start to the first poll) and the first invocation,
//!   against a bare `lambda_http` binary built with the same profile; peak RSS;
//! - registration: p50/p99 of `POST /registrations` through the runtime interface,
//!   against the raw DynamoDB write plus SES send it makes, measured alike.

use serde_json::{Value, json};
use std::collections::HashMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};
use system_tests::runtime_api::{FunctionProcess, release_binary};

fn event(name: &str) -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../infra/events")
        .join(name);
    serde_json::from_str(&std::fs::read_to_string(path).expect("a sample event")).expect("JSON")
}

fn env(table: &str) -> HashMap<String, String> {
    let mut env = system_tests::aws_env();
    for (k, v) in [
        ("TABLE_NAME", table),
        ("EVENT_ID", "bench"),
        (
            "EVENT_TITLE",
            "Powering Belt and Road Lithium-ion batteries",
        ),
        ("EVENT_STARTS_AT", "2030-09-28T10:00:00+05:00"),
        ("EVENT_TIMEZONE", "Asia/Karachi"),
        ("REGISTRATION_CLOSES_AT", "2030-09-27T00:00:00+05:00"),
        ("SENDER_EMAIL", "BTBU-ECOSF Training <training@example.org>"),
        ("PUBLIC_BASE_URL", "https://register.example.org"),
        ("ZOOM_JOIN_URL", "https://zoom.example/j/1"),
    ] {
        env.insert(k.into(), v.into());
    }
    env
}

fn percentile(samples: &mut [Duration], p: f64) -> Duration {
    samples.sort();
    let i = ((samples.len() as f64 - 1.0) * p).round() as usize;
    samples[i]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

struct Cold {
    init: Duration,
    first: Duration,
    rss_kib: u64,
}

async fn cold_start(
    binary: &str,
    env: &HashMap<String, String>,
    first_event: &Value,
    runs: usize,
) -> Cold {
    let path = release_binary(binary);
    assert!(
        path.exists(),
        "{} is missing: run `make bench`",
        path.display()
    );
    let (mut inits, mut firsts, mut rss) = (Vec::new(), Vec::new(), 0);
    for _ in 0..runs {
        let process = FunctionProcess::start(&path, env, Duration::from_secs(30))
            .await
            .expect("the function starts");
        let out = process
            .invoke(first_event.clone())
            .await
            .expect("an answer");
        assert!(!out.is_error, "{binary}: {:?}", out.response);
        inits.push(process.init);
        firsts.push(out.latency);
        rss = rss.max(process.peak_rss_kib().unwrap_or(0));
    }
    Cold {
        init: percentile(&mut inits, 0.5),
        first: percentile(&mut firsts, 0.5),
        rss_kib: rss,
    }
}

#[tokio::main]
async fn main() {
    let runs: usize = std::env::var("BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(15);
    let requests: usize = std::env::var("BENCH_REQUESTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(300);
    let sdk = system_tests::sdk_config().await;
    let dynamodb = registration::aws::dynamodb(&sdk);
    let table = system_tests::unique("bench");
    system_tests::table::create_from_template(&dynamodb, &table)
        .await
        .expect("a table");
    let env = env(&table);

    eprintln!("bench: cold starts, {runs} runs each ...");
    let get_form = event("register-get-form.json");
    let baseline = cold_start("hello-lambda", &env, &get_form, runs).await;
    let functions = [
        ("register", get_form.clone()),
        ("confirm", event("confirm-unknown-token.json")),
        ("send-links", json!({})),
    ];
    let mut cold = Vec::new();
    for (name, first) in &functions {
        cold.push((name, cold_start(name, &env, first, runs).await));
    }

    eprintln!("bench: {requests} registrations through the runtime interface ...");
    let register =
        FunctionProcess::start(&release_binary("register"), &env, Duration::from_secs(30))
            .await
            .expect("register starts");
    let mut through_runtime = Vec::new();
    for i in 0..requests {
        let body = json!({
            "full_name": "Bench Participant", "email": format!("bench-{i}@example.org"),
            "country": "PK", "organization": "Bench", "consent": true
        });
        let request =
            system_tests::events::post_registrations("application/json", &body.to_string(), None);
        let out = register.invoke(request).await.expect("an answer");
        assert_eq!(out.response["statusCode"], 201, "{:?}", out.response);
        through_runtime.push(out.latency);
    }

    eprintln!("bench: the same writes and sends, raw ...");
    let ses = registration::aws::sesv2(&sdk);
    let config = registration::config::RegisterConfig::from_source(&env).expect("config");
    let mut raw = Vec::new();
    for i in 0..requests {
        let started = Instant::now();
        let pk = format!("EVENT#raw#EMAIL#raw-{i}@example.org");
        dynamodb
            .transact_write_items()
            .transact_items(
                aws_sdk_dynamodb::types::TransactWriteItem::builder()
                    .put(
                        aws_sdk_dynamodb::types::Put::builder()
                            .table_name(&table)
                            .item("pk", aws_sdk_dynamodb::types::AttributeValue::S(pk.clone()))
                            .item(
                                "full_name",
                                aws_sdk_dynamodb::types::AttributeValue::S("Raw".into()),
                            )
                            .condition_expression("attribute_not_exists(pk)")
                            .build()
                            .expect("a put"),
                    )
                    .build(),
            )
            .transact_items(
                aws_sdk_dynamodb::types::TransactWriteItem::builder()
                    .put(
                        aws_sdk_dynamodb::types::Put::builder()
                            .table_name(&table)
                            .item(
                                "pk",
                                aws_sdk_dynamodb::types::AttributeValue::S(format!("{pk}#TOKEN")),
                            )
                            .condition_expression("attribute_not_exists(pk)")
                            .build()
                            .expect("a put"),
                    )
                    .build(),
            )
            .send()
            .await
            .expect("the raw write");
        let email = registration::mail::confirmation_email(
            &config.event,
            registration::domain::EmailAddress::parse(&format!("raw-{i}@example.org"))
                .expect("an address"),
            "Raw",
            "https://register.example.org/registrations/confirm?token=x",
        );
        use registration::mail::Mailer;
        registration::mail::SesMailer::new(ses.clone(), config.sender.clone())
            .send(&email)
            .await
            .expect("the raw send");
        raw.push(started.elapsed());
    }

    println!();
    println!(
        "Functions through the Lambda Runtime API (release builds, local emulators, {runs} cold starts each)"
    );
    println!();
    println!(
        "| function | init ms (p50) | × baseline | first invocation ms (p50) | × baseline | peak RSS MiB | size MB |"
    );
    println!("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
    let size = |name: &str| {
        std::fs::metadata(release_binary(name))
            .map(|m| m.len() as f64 / 1e6)
            .unwrap_or(0.0)
    };
    println!(
        "| hello-lambda (baseline) | {:.2} | 1.00 | {:.2} | 1.00 | {:.1} | {:.2} |",
        ms(baseline.init),
        ms(baseline.first),
        baseline.rss_kib as f64 / 1024.0,
        size("hello-lambda")
    );
    for (name, c) in &cold {
        println!(
            "| {name} | {:.2} | {:.2} | {:.2} | {:.2} | {:.1} | {:.2} |",
            ms(c.init),
            ms(c.init) / ms(baseline.init),
            ms(c.first),
            ms(c.first) / ms(baseline.first),
            c.rss_kib as f64 / 1024.0,
            size(name)
        );
    }
    let (p50, p99) = (
        percentile(&mut through_runtime, 0.5),
        percentile(&mut through_runtime, 0.99),
    );
    let (r50, r99) = (percentile(&mut raw, 0.5), percentile(&mut raw, 0.99));
    println!();
    println!("| POST /registrations ({requests} requests) | p50 ms | p99 ms |");
    println!("| --- | ---: | ---: |");
    println!(
        "| through the runtime interface | {:.2} | {:.2} |",
        ms(p50),
        ms(p99)
    );
    println!(
        "| raw TransactWriteItems + SendEmail (baseline) | {:.2} | {:.2} |",
        ms(r50),
        ms(r99)
    );
    println!(
        "| ratio | {:.2} | {:.2} |",
        ms(p50) / ms(r50),
        ms(p99) / ms(r99)
    );
}
