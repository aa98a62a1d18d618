//! `make bench`: the functions as Lambda runs them, through a Runtime API of our
//! own, against the local emulators. Every figure is printed with a ratio against
//! a baseline measured in the same run:
//! - cold start: init (process start to the first poll) and the first invocation,
//!   against a bare `lambda_http` binary built with the same profile; peak RSS;
//! - confirmation and cancellation: p50/p99 of `POST /registrations/confirm` and
//!   `POST /registrations/cancel` through the runtime interface, against the raw
//!   DynamoDB round trips each makes (its reads and the seats transaction);
//! - registration: p50/p99 of `POST /registrations` through the runtime interface,
//!   against the floor of the work: one raw `PutItem` of the registration and one
//!   raw `SendEmail` of its confirmation, measured alike and interleaved; also
//!   against the raw round trips register makes today (its limits' counters
//!   included), and back-to-back throughput against the floor's. Every request
//!   comes from an address of its own, and the email cap is set out of reach: the
//!   limits are counted as always, none is reached. With
//!   `BENCH_BEFORE_REGISTER=PATH`, a second `register` binary (an earlier build)
//!   takes its turn among the ways too, so that two builds meet the same
//!   conditions in one run.

use serde_json::{Value, json};
use std::collections::HashMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};
use system_tests::runtime_api::{FunctionProcess, release_binary};

#[path = "bench-functions/programs.rs"]
mod programs;
#[path = "bench-functions/seats.rs"]
mod seats;

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
        ("MAX_CONFIRMATION_EMAILS_PER_HOUR", "1000000"),
        // Links go out later: a confirmation's work is the confirmation itself.
        ("LINKS_SEND_AT", "2030-09-27T10:00:00+05:00"),
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

/// One cold start of `binary`: init, the first invocation, peak RSS.
async fn cold_start(
    binary: &str,
    env: &HashMap<String, String>,
    first_event: &Value,
) -> (Duration, Duration, u64) {
    let path = release_binary(binary);
    assert!(
        path.exists(),
        "{} is missing: run `make bench`",
        path.display()
    );
    let process = FunctionProcess::start(&path, env, Duration::from_secs(30))
        .await
        .expect("the function starts");
    let out = process
        .invoke(first_event.clone())
        .await
        .expect("an answer");
    assert!(!out.is_error, "{binary}: {:?}", out.response);
    (
        process.init,
        out.latency,
        process.peak_rss_kib().unwrap_or(0),
    )
}

#[tokio::main]
async fn main() {
    let runs: usize = std::env::var("BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(15);
    // A p99 is the 1%-worst sample: of 1,000 the 10th-worst, which one busy moment
    // of a shared machine moves; of 5,000 the 50th-worst. 5,000 rounds of the four
    // ways take about a minute.
    let requests: usize = std::env::var("BENCH_REQUESTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5000);
    let sdk = system_tests::sdk_config().await;
    let dynamodb = registration::platform::aws::dynamodb(&sdk);
    let table = system_tests::unique("bench");
    system_tests::table::create_from_template(&dynamodb, &table)
        .await
        .expect("a table");
    let env = env(&table);

    eprintln!("bench: cold starts, {runs} runs each, taking turns ...");
    let get_form = event("register-get-form.json");
    let functions = [
        ("hello-lambda", get_form.clone()),
        ("register", get_form),
        ("confirm", event("confirm-unknown-token.json")),
        ("send-links", json!({})),
    ];
    // One start of each function per round, so that a busier moment of the machine
    // weighs on the baseline and the functions alike.
    let mut samples: Vec<(Vec<Duration>, Vec<Duration>, u64)> =
        vec![(Vec::new(), Vec::new(), 0); functions.len()];
    for _ in 0..runs {
        for ((name, first), (inits, firsts, rss)) in functions.iter().zip(samples.iter_mut()) {
            let (init, latency, peak) = cold_start(name, &env, first).await;
            inits.push(init);
            firsts.push(latency);
            *rss = (*rss).max(peak);
        }
    }
    let mut cold: Vec<(&str, Cold)> = functions
        .iter()
        .zip(samples)
        .map(|((name, _), (mut inits, mut firsts, rss_kib))| {
            let cold = Cold {
                init: percentile(&mut inits, 0.5),
                first: percentile(&mut firsts, 0.5),
                rss_kib,
            };
            (*name, cold)
        })
        .collect();
    let (_, baseline) = cold.remove(0);

    eprintln!(
        "bench: {requests} registrations each way (runtime interface, in-process handler, raw PutItem), interleaved ..."
    );
    let register =
        FunctionProcess::start(&release_binary("register"), &env, Duration::from_secs(30))
            .await
            .expect("register starts");
    let ses = registration::platform::aws::sesv2(&sdk);
    let config = registration::config::RegisterConfig::from_source(&env).expect("config");
    let mailer = registration::mail::SesMailer::new(ses, config.sender.clone());
    let registrar = registration::use_cases::registering::Registrar::new(
        config.clone(),
        registration::store::DynamoStore::new(dynamodb.clone(), &table),
        mailer.clone(),
        registration::platform::clock::SystemClock,
    );
    let raw = Raw {
        dynamodb: &dynamodb,
        table: &table,
        mailer: &mailer,
        config: &config,
    };
    let (mut through_runtime, mut busy, mut in_process, mut raw_put, mut floor) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let before = match std::env::var_os("BENCH_BEFORE_REGISTER") {
        Some(path) => Some(
            FunctionProcess::start(&PathBuf::from(path), &env, Duration::from_secs(30))
                .await
                .expect("the earlier register starts"),
        ),
        None => None,
    };
    let (mut before_runtime, mut before_busy) = (Vec::new(), Vec::new());
    let hello = FunctionProcess::start(
        &release_binary("hello-lambda"),
        &env,
        Duration::from_secs(30),
    )
    .await
    .expect("hello-lambda starts");
    let mut bare = Vec::new();
    // The ways take turns, in a rotating order, after an untimed warm-up: all of
    // them meet DynamoDB Local's JVM equally warm and equally loaded.
    let warm_up = WARM_UP.min(requests);
    for i in 0..warm_up + requests {
        let timed = i >= warm_up;
        for way in 0..6 {
            match (i + way) % 6 {
                0 => {
                    let (response, until_idle) = via_runtime(&register, i, 0).await;
                    if timed {
                        through_runtime.push(response);
                        busy.push(until_idle);
                    }
                }
                5 => {
                    if let Some(before) = &before {
                        let (response, until_idle) = via_runtime(before, i, 5).await;
                        if timed {
                            before_runtime.push(response);
                            before_busy.push(until_idle);
                        }
                    }
                }
                1 => {
                    let elapsed = via_handler(&registrar, i).await;
                    if timed {
                        in_process.push(elapsed);
                    }
                }
                3 => {
                    let elapsed = via_bare_runtime(&hello, i).await;
                    if timed {
                        bare.push(elapsed);
                    }
                }
                4 => {
                    let elapsed = raw.floor(i).await;
                    if timed {
                        floor.push(elapsed);
                    }
                }
                _ => {
                    let elapsed = raw.put_and_send(i).await;
                    if timed {
                        raw_put.push(elapsed);
                    }
                }
            }
        }
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
    let p =
        |samples: &mut Vec<Duration>| (ms(percentile(samples, 0.5)), ms(percentile(samples, 0.99)));
    let (f50, f99) = p(&mut through_runtime);
    let (b50, b99) = p(&mut busy);
    let (h50, h99) = p(&mut in_process);
    let (put50, put99) = p(&mut raw_put);
    let (r50, r99) = p(&mut bare);
    let (floor50, floor99) = p(&mut floor);
    println!();
    println!(
        "| POST /registrations ({requests} requests) | p50 ms | p99 ms | p50 × floor | p99 × floor |"
    );
    println!("| --- | ---: | ---: | ---: | ---: |");
    let row = |what: &str, p50: f64, p99: f64| {
        println!(
            "| {what} | {p50:.2} | {p99:.2} | {:.2} | {:.2} |",
            p50 / floor50,
            p99 / floor99
        );
    };
    row("response, through the runtime interface", f50, f99);
    row(
        "busy until the next poll (response + recording the email)",
        b50,
        b99,
    );
    if before.is_some() {
        let (e50, e99) = p(&mut before_runtime);
        let (eb50, eb99) = p(&mut before_busy);
        row(
            "the earlier build: response, through the runtime interface",
            e50,
            e99,
        );
        row("the earlier build: busy until the next poll", eb50, eb99);
    }
    row(
        "response, register's handler called in-process (no runtime interface)",
        h50,
        h99,
    );
    row(
        "floor: raw PutItem + SendEmail (baseline)",
        floor50,
        floor99,
    );
    row(
        "raw round trips register makes (limits' counters, PutItem, SendEmail)",
        put50,
        put99,
    );
    row(
        "the runtime interface alone: the same request to the bare hello function",
        r50,
        r99,
    );
    let back_to_back = requests.min(THROUGHPUT_REQUESTS);
    eprintln!("bench: {back_to_back} registrations back to back, register and the floor ...");
    let started = Instant::now();
    for i in 0..back_to_back {
        via_runtime(&register, requests + WARM_UP + i, 0).await;
    }
    let register_rate = back_to_back as f64 / started.elapsed().as_secs_f64();
    let mut before_rate = None;
    if let Some(before) = &before {
        let started = Instant::now();
        for i in 0..back_to_back {
            via_runtime(before, requests + WARM_UP + i, 5).await;
        }
        before_rate = Some(back_to_back as f64 / started.elapsed().as_secs_f64());
    }
    let started = Instant::now();
    for i in 0..back_to_back {
        raw.floor(requests + WARM_UP + i).await;
    }
    let floor_rate = back_to_back as f64 / started.elapsed().as_secs_f64();
    println!();
    println!("| back to back ({back_to_back} each) | registrations/s | × floor |");
    println!("| --- | ---: | ---: |");
    println!(
        "| register through the runtime interface (each waits for the last's after-response work) | {register_rate:.1} | {:.2} |",
        register_rate / floor_rate
    );
    if let Some(rate) = before_rate {
        println!(
            "| the earlier build through the runtime interface | {rate:.1} | {:.2} |",
            rate / floor_rate
        );
    }
    println!("| floor: raw PutItem + SendEmail (baseline) | {floor_rate:.1} | 1.00 |");
    seats::bench(&env, &dynamodb, &table, requests.min(2000)).await;
    programs::bench(&env, &dynamodb, &table, requests.min(1000)).await;
}

/// Untimed rounds before the timed ones.
const WARM_UP: usize = 50;

/// Registrations sent one after another for the throughput figures.
const THROUGHPUT_REQUESTS: usize = 1000;

fn registration_body(address: &str) -> String {
    json!({
        "full_name": "Bench Participant", "email": address,
        "country": "PK", "organization": "Bench", "consent": true
    })
    .to_string()
}

/// A registration event from an address of its own (`way` keeps the ways apart).
fn from_own_address(i: usize, way: usize, body: &str) -> Value {
    let request = system_tests::events::post_registrations("application/json", body, None);
    let source = format!("10.{way}.{}.{}", i / 256 % 256, i % 256);
    system_tests::events::from_source(request, &source)
}

/// One registration through the runtime interface, meeting an idle function as a
/// warm Lambda environment would: the response time, and the time until the
/// function polls again (its deferred work done).
async fn via_runtime(register: &FunctionProcess, i: usize, way: usize) -> (Duration, Duration) {
    let body = registration_body(&format!("bench-{way}-{i}@example.org"));
    let request = from_own_address(i, way, &body);
    register.idle().await.expect("register polls again");
    let out = register.invoke(request).await.expect("an answer");
    assert_eq!(out.response["statusCode"], 201, "{:?}", out.response);
    let after = register.idle().await.expect("register polls again");
    (out.latency, out.latency + after)
}

/// The same request to the bare baseline function: what the runtime interface
/// costs by itself.
async fn via_bare_runtime(hello: &FunctionProcess, i: usize) -> Duration {
    let body = registration_body(&format!("bench-bare-{i}@example.org"));
    let request = from_own_address(i, 1, &body);
    hello.idle().await.expect("hello polls again");
    let out = hello.invoke(request).await.expect("an answer");
    assert_eq!(out.response["statusCode"], 200, "{:?}", out.response);
    out.latency
}

/// The same request to `register`'s handler in this process (no runtime interface).
async fn via_handler(
    registrar: &registration::use_cases::registering::Registrar<
        registration::store::DynamoStore,
        registration::mail::SesMailer,
        registration::platform::clock::SystemClock,
    >,
    i: usize,
) -> Duration {
    let body = registration_body(&format!("bench-in-process-{i}@example.org"));
    let request = system_tests::events::to_request(&from_own_address(i, 2, &body));
    let started = Instant::now();
    let response = register::handle(registrar, request).await;
    let elapsed = started.elapsed();
    assert_eq!(response.status(), 201);
    registrar.after_response.run().await;
    elapsed
}

/// The raw calls, with the SDK client directly.
struct Raw<'a> {
    dynamodb: &'a aws_sdk_dynamodb::Client,
    table: &'a str,
    mailer: &'a registration::mail::SesMailer,
    config: &'a registration::config::RegisterConfig,
}

impl Raw<'_> {
    /// The floor of a registration's work: one conditional `PutItem` of an item
    /// like register's and one `SendEmail` of its confirmation, nothing else.
    async fn floor(&self, i: usize) -> Duration {
        let started = Instant::now();
        let address = format!("floor-{i}@example.org");
        self.dynamodb
            .put_item()
            .table_name(self.table)
            .set_item(Some(registration_item(&address)))
            .condition_expression("attribute_not_exists(pk)")
            .send()
            .await
            .expect("the floor's put");
        send_confirmation(self.mailer, self.config, &address).await;
        started.elapsed()
    }

    /// The round trips `register` makes, with the SDK client directly: the
    /// source address's counter, a `PutItem` of an item like the one `register`
    /// writes, the email counter, then the confirmation email.
    async fn put_and_send(&self, i: usize) -> Duration {
        let started = Instant::now();
        let address = format!("raw-put-{i}@example.org");
        self.count(&format!("EVENT#bench#LIMITS#raw#SOURCE#{i}"), 20)
            .await;
        self.dynamodb
            .put_item()
            .table_name(self.table)
            .set_item(Some(registration_item(&address)))
            .condition_expression("attribute_not_exists(pk)")
            .send()
            .await
            .expect("the raw put");
        self.count("EVENT#bench#LIMITS#raw#EMAILS", 1_000_000).await;
        send_confirmation(self.mailer, self.config, &address).await;
        started.elapsed()
    }

    /// One conditional count, as a per-hour limit's.
    async fn count(&self, pk: &str, limit: u32) {
        use aws_sdk_dynamodb::types::AttributeValue::N;
        self.dynamodb
            .update_item()
            .table_name(self.table)
            .key("pk", s(pk))
            .update_expression("ADD #count :one SET #expires = :expires")
            .condition_expression("attribute_not_exists(#count) OR #count < :limit")
            .expression_attribute_names("#count", "count")
            .expression_attribute_names("#expires", "expires_at")
            .expression_attribute_values(":one", N("1".into()))
            .expression_attribute_values(":limit", N(limit.to_string()))
            .expression_attribute_values(":expires", N("1900000000".into()))
            .send()
            .await
            .expect("the raw count");
    }
}

fn s(value: &str) -> aws_sdk_dynamodb::types::AttributeValue {
    aws_sdk_dynamodb::types::AttributeValue::S(value.to_owned())
}

/// A registration item with the attributes `register` stores (its first token
/// hash too), in the
/// confirmation outbox (so the outbox index is written, as for a real one).
fn registration_item(address: &str) -> HashMap<String, aws_sdk_dynamodb::types::AttributeValue> {
    use aws_sdk_dynamodb::types::AttributeValue::N;
    let now = jiff::Timestamp::now();
    HashMap::from([
        (
            "pk".to_owned(),
            s(&system_tests::pk_of(&system_tests::key_for(
                "bench", address,
            ))),
        ),
        ("event_id".to_owned(), s("bench")),
        (
            "registration_id".to_owned(),
            s(&uuid::Uuid::new_v4().to_string()),
        ),
        ("full_name".to_owned(), s("Bench Participant")),
        ("email".to_owned(), s(address)),
        ("country".to_owned(), s("PK")),
        ("organization".to_owned(), s("Bench")),
        ("status".to_owned(), s("pending")),
        ("registered_at".to_owned(), s(&now.to_string())),
        ("link_base".to_owned(), s("https://register.example.org")),
        ("confirmation_email_at".to_owned(), s(&now.to_string())),
        ("confirmation_attempts".to_owned(), N("0".into())),
        ("outbox".to_owned(), s("bench#confirmation")),
        (
            "lease_until".to_owned(),
            N(now.as_millisecond().to_string()),
        ),
        ("lease_owner".to_owned(), s("register:bench")),
        ("link_attempts".to_owned(), N("0".into())),
        ("expires_at".to_owned(), N(now.as_second().to_string())),
        (
            "token_hashes".to_owned(),
            aws_sdk_dynamodb::types::AttributeValue::L(vec![s(&"h".repeat(43))]),
        ),
    ])
}

async fn send_confirmation(
    mailer: &registration::mail::SesMailer,
    config: &registration::config::RegisterConfig,
    address: &str,
) {
    use registration::mail::Mailer;
    let own = config.own.as_ref().expect("the bench's own program");
    let language = registration::program::Language::En;
    let urls = registration::mail::ActionUrls::new("https://register.example.org", "x", language);
    let email = registration::mail::confirmation_email(
        &own.event(&config.table_name),
        registration::domain::EmailAddress::parse(address).expect("an address"),
        registration::mail::Participant {
            name: "Bench Participant",
            language,
            urls: &urls,
        },
    );
    mailer.send(&email).await.expect("the raw send");
}
