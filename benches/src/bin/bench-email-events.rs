//! `make bench`: the `email-events` function as Lambda runs it, through a Runtime
//! API of our own, against DynamoDB Local. Each figure beside a baseline measured
//! in the same run:
//! - cold start: init (process start to the first poll) and the first invocation
//!   (an SES Delivery event for a seeded registration), against the bare
//!   `lambda_http` binary `hello-lambda` built with the same profile, starts
//!   taking turns;
//! - per event: p50/p99 of one SES Delivery event (infra/events/ses-delivery.json,
//!   its recipient and tags rewritten to a seeded, confirmed registration; each
//!   event about a registration of its own, so each is recorded) through the
//!   runtime interface, against the one conditional `UpdateItem` the function
//!   makes, sent raw with the SDK client to another seeded registration. The ways
//!   take turns in a rotating order after untimed rounds.
//!
//! Knobs: `BENCH_RUNS` (cold starts each, default 15), `BENCH_EVENTS` (events
//! timed each way, default 2000).

use aws_sdk_dynamodb::types::AttributeValue;
use futures::StreamExt;
use registration::domain::RegistrationStatus;
use registration::store::attr;
use serde_json::Value;
use std::collections::HashMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};
use system_tests::runtime_api::{FunctionProcess, release_binary};

/// The fixtures' event id (their `event` tag).
const EVENT: &str = "bnr-li-ion-2022";
const WARM_UP: usize = 50;

fn fixture(name: &str) -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../infra/events")
        .join(name);
    serde_json::from_str(&std::fs::read_to_string(path).expect("a fixture")).expect("JSON")
}

/// A seeded registration: its address and id.
#[derive(Clone)]
struct Seeded {
    email: String,
    registration_id: String,
}

/// The Delivery fixture, about the link email to `registration`.
fn delivery(registration: &Seeded) -> Value {
    let mut event = fixture("ses-delivery.json");
    let mail = &mut event["detail"]["mail"];
    mail["destination"] = serde_json::json!([registration.email]);
    mail["tags"]["registration"] = serde_json::json!([registration.registration_id]);
    mail["tags"]["kind"] = serde_json::json!(["link"]);
    event
}

async fn seed(store: &registration::store::DynamoStore, n: usize) -> Vec<Seeded> {
    let now = jiff::Timestamp::now();
    let emails: Vec<String> = (0..n).map(|_| system_tests::unique_email()).collect();
    let pendings: Vec<_> = emails
        .iter()
        .enumerate()
        .map(|(i, email)| {
            system_tests::pending_registration(
                EVENT,
                system_tests::participant(&format!("Participant {i}"), email),
                now,
            )
        })
        .collect();
    let seeded = emails
        .iter()
        .zip(&pendings)
        .map(|(email, p)| Seeded {
            email: email.clone(),
            registration_id: p.registration_id.clone(),
        })
        .collect();
    futures::stream::iter(pendings.iter().map(|pending| async move {
        system_tests::store_as(store, pending, RegistrationStatus::Confirmed, now).await
    }))
    .buffer_unordered(32)
    .collect::<Vec<()>>()
    .await;
    seeded
}

fn percentile(samples: &mut [Duration], p: f64) -> Duration {
    samples.sort();
    let i = ((samples.len() as f64 - 1.0) * p).round() as usize;
    samples[i]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

async fn start(binary: &str, env: &HashMap<String, String>) -> FunctionProcess {
    let path = release_binary(binary);
    assert!(
        path.exists(),
        "{} is missing: run `make bench`",
        path.display()
    );
    FunctionProcess::start(&path, env, Duration::from_secs(30))
        .await
        .expect("the function starts")
}

/// One event through the runtime interface, meeting an idle function.
async fn invoke(process: &FunctionProcess, event: Value, expect: &str) -> Duration {
    process.idle().await.expect("the function polls again");
    let out = process.invoke(event).await.expect("an answer");
    assert!(!out.is_error, "{:?}", out.response);
    if !expect.is_empty() {
        assert_eq!(out.response["outcome"], expect, "{:?}", out.response);
    }
    out.latency
}

/// The write the function makes for a new Delivery, raw: one conditional
/// `UpdateItem` of the link's feedback map.
async fn raw_update(
    dynamodb: &aws_sdk_dynamodb::Client,
    table: &str,
    registration: &Seeded,
) -> Duration {
    let key = system_tests::key_for(EVENT, &registration.email);
    let feedback = AttributeValue::M(HashMap::from([
        ("state".to_owned(), AttributeValue::S("delivered".into())),
        ("rank".to_owned(), AttributeValue::N("2".into())),
        (
            "at".to_owned(),
            AttributeValue::S(jiff::Timestamp::now().to_string()),
        ),
    ]));
    let started = Instant::now();
    dynamodb
        .update_item()
        .table_name(table)
        .key(attr::PK, AttributeValue::S(system_tests::pk_of(&key)))
        .update_expression("SET #feedback = :feedback")
        .condition_expression(
            "#id = :id AND (attribute_not_exists(#feedback) OR #feedback.#rank < :rank)",
        )
        .expression_attribute_names("#feedback", attr::LINK_FEEDBACK)
        .expression_attribute_names("#rank", "rank")
        .expression_attribute_names("#id", attr::REGISTRATION_ID)
        .expression_attribute_values(":feedback", feedback)
        .expression_attribute_values(":rank", AttributeValue::N("2".into()))
        .expression_attribute_values(
            ":id",
            AttributeValue::S(registration.registration_id.clone()),
        )
        .send()
        .await
        .expect("the raw update");
    started.elapsed()
}

#[tokio::main]
async fn main() {
    let runs: usize = std::env::var("BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(15);
    let events: usize = std::env::var("BENCH_EVENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2000);
    let sdk = system_tests::sdk_config().await;
    let dynamodb = registration::platform::aws::dynamodb(&sdk);
    let table = system_tests::unique("bench-feedback");
    system_tests::table::create_from_template(&dynamodb, &table)
        .await
        .expect("a table");
    let mut env = system_tests::aws_env();
    env.extend(system_tests::seed_env(&table, EVENT));
    let store = registration::store::DynamoStore::new(dynamodb.clone(), &table);
    let rounds = WARM_UP.min(events) + events;
    eprintln!(
        "bench-email-events: seeding {} confirmed registrations ...",
        runs + 2 * rounds
    );
    let mut seeded = seed(&store, runs + 2 * rounds).await.into_iter();

    eprintln!("bench-email-events: cold starts, {runs} each, taking turns ...");
    let get_form = fixture("register-get-form.json");
    let (mut hello_init, mut hello_first, mut hello_rss) = (Vec::new(), Vec::new(), 0u64);
    let (mut init, mut first, mut rss) = (Vec::new(), Vec::new(), 0u64);
    for _ in 0..runs {
        let hello = start("hello-lambda", &env).await;
        hello_first.push(invoke(&hello, get_form.clone(), "").await);
        hello_init.push(hello.init);
        hello_rss = hello_rss.max(hello.peak_rss_kib().unwrap_or(0));
        drop(hello);
        let function = start("email-events", &env).await;
        let registration = seeded.next().expect("seeded");
        first.push(invoke(&function, delivery(&registration), "recorded").await);
        init.push(function.init);
        rss = rss.max(function.peak_rss_kib().unwrap_or(0));
    }

    eprintln!(
        "bench-email-events: {events} events each way (runtime interface, raw UpdateItem, bare runtime), interleaved ..."
    );
    let function = start("email-events", &env).await;
    let hello = start("hello-lambda", &env).await;
    let (mut through_runtime, mut raw, mut bare) = (Vec::new(), Vec::new(), Vec::new());
    for i in 0..rounds {
        let timed = i >= rounds - events;
        for way in 0..3 {
            match (i + way) % 3 {
                0 => {
                    let registration = seeded.next().expect("seeded");
                    let elapsed = invoke(&function, delivery(&registration), "recorded").await;
                    if timed {
                        through_runtime.push(elapsed);
                    }
                }
                1 => {
                    let registration = seeded.next().expect("seeded");
                    let elapsed = raw_update(&dynamodb, &table, &registration).await;
                    if timed {
                        raw.push(elapsed);
                    }
                }
                _ => {
                    let elapsed = invoke(&hello, get_form.clone(), "").await;
                    if timed {
                        bare.push(elapsed);
                    }
                }
            }
        }
    }
    assert!(
        !function.logs().contains("example.org"),
        "no address in the function's logs"
    );

    let size = |name: &str| {
        std::fs::metadata(release_binary(name))
            .map(|m| m.len() as f64 / 1e6)
            .unwrap_or(0.0)
    };
    let (hi, hf) = (
        ms(percentile(&mut hello_init, 0.5)),
        ms(percentile(&mut hello_first, 0.5)),
    );
    let (ei, ef) = (
        ms(percentile(&mut init, 0.5)),
        ms(percentile(&mut first, 0.5)),
    );
    println!();
    println!(
        "email-events through the Lambda Runtime API (release build, DynamoDB Local, {runs} cold starts each)"
    );
    println!();
    println!(
        "| function | init ms (p50) | × baseline | first invocation ms (p50) | × baseline | peak RSS MiB | size MB |"
    );
    println!("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
    println!(
        "| hello-lambda (baseline; `GET /`) | {hi:.2} | 1.00 | {hf:.2} | 1.00 | {:.1} | {:.2} |",
        hello_rss as f64 / 1024.0,
        size("hello-lambda")
    );
    println!(
        "| email-events (SES Delivery, recorded: one UpdateItem) | {ei:.2} | {:.2} | {ef:.2} | {:.2} | {:.1} | {:.2} |",
        ei / hi,
        ef / hf,
        rss as f64 / 1024.0,
        size("email-events")
    );
    let p =
        |samples: &mut Vec<Duration>| (ms(percentile(samples, 0.5)), ms(percentile(samples, 0.99)));
    let (f50, f99) = p(&mut through_runtime);
    let (r50, r99) = p(&mut raw);
    let (b50, b99) = p(&mut bare);
    println!();
    println!(
        "| one SES event, warm ({events} each way) | p50 ms | p99 ms | p50 × baseline | p99 × baseline |"
    );
    println!("| --- | ---: | ---: | ---: | ---: |");
    println!(
        "| SES Delivery through the runtime interface (recorded) | {f50:.2} | {f99:.2} | {:.2} | {:.2} |",
        f50 / r50,
        f99 / r99
    );
    println!(
        "| raw conditional UpdateItem of the feedback (baseline) | {r50:.2} | {r99:.2} | 1.00 | 1.00 |"
    );
    println!(
        "| the runtime interface alone: `GET /` to the bare hello function | {b50:.2} | {b99:.2} | {:.2} | {:.2} |",
        b50 / r50,
        b99 / r99
    );
}
