//! Fire concurrent `POST /registrations` events at `register::handle`, as one of
//! several processes racing for the same address (see tests/tests/concurrency.rs).
//!
//! Usage: `submit-registrations COUNT START BODY_JSON [SOURCE_IP]`
//! - the configuration comes from the environment, exactly as the `register`
//!   function reads it (`RegisterConfig::from_env`), with the real clock;
//! - `START` is the instant (epoch milliseconds) at which to fire, or `-` to print
//!   `ready` once initialised and then read that instant from standard input, so
//!   that a test can release every process at once after all are ready;
//! - `{n}` in the body becomes a number unique to each submission (distinct
//!   addresses); every event comes from `SOURCE_IP` when given;
//! - prints one line per submission on standard output, its HTTP status and its
//!   `Retry-After` header when it has one, then exits 0.

use futures::future::join_all;
use registration::config::RegisterConfig;
use registration::mail::SesMailer;
use registration::platform::clock::SystemClock;
use registration::store::{DynamoStore, Registrations};
use registration::use_cases::registering::Registrar;
use std::io::{BufRead, Write};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use system_tests::events;

const USAGE: &str = "usage: submit-registrations COUNT START_EPOCH_MILLIS|- BODY_JSON [SOURCE_IP]";

fn epoch_millis() -> u128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("the clock is after 1970")
        .as_millis()
}

#[tokio::main]
async fn main() -> Result<(), String> {
    let mut args = std::env::args().skip(1);
    let count: usize = args
        .next()
        .and_then(|n| n.parse().ok())
        .filter(|n| *n > 0)
        .ok_or(USAGE)?;
    let start = args.next().ok_or(USAGE)?;
    let body = args.next().ok_or(USAGE)?;
    let source = args.next();
    serde_json::from_str::<serde_json::Value>(&body)
        .map_err(|e| format!("BODY_JSON is not JSON: {e}"))?;

    let config = RegisterConfig::from_env().map_err(|e| e.to_string())?;
    let sdk = registration::platform::aws::sdk_config().await;
    let store = DynamoStore::new(
        registration::platform::aws::dynamodb(&sdk),
        &config.table_name,
    );
    // Warm up: resolve credentials and open a connection before the race starts.
    store
        .get(&system_tests::key_for("warm-up", "nobody@example.org"))
        .await
        .map_err(|e| format!("DynamoDB is not reachable: {e}"))?;
    let mailer = SesMailer::new(
        registration::platform::aws::sesv2(&sdk),
        config.sender.clone(),
    );
    let registrar = Registrar::new(config, store, mailer, SystemClock);
    // …and read the programs once, as a warm function has them cached.
    registrar
        .all_closed()
        .await
        .map_err(|e| format!("the programs could not be read: {e}"))?;

    let start: u128 = if start == "-" {
        println!("ready");
        std::io::stdout().flush().map_err(|e| e.to_string())?;
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .map_err(|e| format!("reading the start instant: {e}"))?;
        line.trim()
            .parse()
            .map_err(|_| format!("the start instant {line:?} is not epoch milliseconds"))?
    } else {
        start
            .parse()
            .map_err(|_| format!("START {start:?} is not epoch milliseconds"))?
    };
    let now = epoch_millis();
    if start > now {
        tokio::time::sleep(Duration::from_millis((start - now) as u64)).await;
    } else {
        eprintln!(
            "submit-registrations: started {} ms after the start instant",
            now - start
        );
    }

    let submissions = (0..count).map(|i| {
        let body = body.replace("{n}", &format!("{}-{i}", std::process::id()));
        let mut event = events::post_registrations("application/json", &body, None);
        if let Some(source) = &source {
            event = events::from_source(event, source);
        }
        system_tests::invoke_register(&registrar, events::to_request(&event))
    });
    let responses = join_all(submissions).await;
    let mut out = std::io::stdout().lock();
    for response in responses {
        let retry_after = response
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .map(|v| format!(" {v}"))
            .unwrap_or_default();
        writeln!(out, "{}{retry_after}", response.status().as_u16()).map_err(|e| e.to_string())?;
    }
    Ok(())
}
