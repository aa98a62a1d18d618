//! Confirm or cancel many registrations at once, as one of several processes
//! racing for the same seats (see tests/tests/seat_race.rs).
//!
//! Usage: `seat-race confirm|cancel TOKEN...`
//! - the configuration comes from the environment, as the `confirm` and
//!   `cancel` functions read it (`SeatsConfig::from_env`), with the real clock;
//! - prints `ready` once initialised, then reads the instant (epoch
//!   milliseconds) at which to fire from standard input, so that a test can
//!   release every process at once;
//! - fires every token at once through the use case, then runs the work each
//!   deferred until after its response (as the Lambda runtime does), and prints
//!   one JSON line per token: `{"token", "status", "position"}`.

use futures::future::join_all;
use registration::config::SeatsConfig;
use registration::mail::SesMailer;
use registration::platform::clock::SystemClock;
use registration::store::DynamoStore;
use registration::use_cases::cancelling::{Cancelled, Canceller};
use registration::use_cases::confirming::{Confirmed, Confirmer};
use serde_json::json;
use std::io::{BufRead, Write};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

const USAGE: &str = "usage: seat-race confirm|cancel TOKEN...";

fn epoch_millis() -> u128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("the clock is after 1970")
        .as_millis()
}

/// Print `ready`, read the start instant, and sleep until it.
async fn wait_for_start() -> Result<(), String> {
    println!("ready");
    std::io::stdout().flush().map_err(|e| e.to_string())?;
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| format!("reading the start instant: {e}"))?;
    let start: u128 = line
        .trim()
        .parse()
        .map_err(|_| format!("the start instant {line:?} is not epoch milliseconds"))?;
    let now = epoch_millis();
    if start > now {
        tokio::time::sleep(Duration::from_millis((start - now) as u64)).await;
    }
    Ok(())
}

#[tokio::main]
async fn main() -> Result<(), String> {
    let mut args = std::env::args().skip(1);
    let action = args.next().ok_or(USAGE)?;
    let tokens: Vec<String> = args.collect();
    let config = SeatsConfig::from_env().map_err(|e| e.to_string())?;
    let sdk = registration::platform::aws::sdk_config().await;
    let store = DynamoStore::new(
        registration::platform::aws::dynamodb(&sdk),
        &config.table_name,
    );
    let programs = store.shared_programs(SystemClock, config.own.clone());
    let mailer = SesMailer::new(
        registration::platform::aws::sesv2(&sdk),
        config.delivery.sender.clone(),
    );
    let lines = match action.as_str() {
        "confirm" => {
            let confirmer = Confirmer::new(config, store, mailer, SystemClock, programs);
            // Warm up: credentials and a connection, before the race starts.
            let _ = confirmer.check(Some("warm-up")).await;
            wait_for_start().await?;
            let outcomes = join_all(tokens.iter().map(|t| confirmer.confirm(Some(t)))).await;
            confirmer.after_response.run().await;
            tokens
                .iter()
                .zip(outcomes)
                .map(|(token, outcome)| match outcome {
                    Ok(Confirmed::Now(_) | Confirmed::Already(_)) => {
                        json!({"token": token, "status": "confirmed", "position": null})
                    }
                    Ok(Confirmed::Waitlisted(_, position)) => {
                        json!({"token": token, "status": "waitlisted", "position": position})
                    }
                    Err(err) => {
                        json!({"token": token, "status": "error", "error": err.to_string()})
                    }
                })
                .collect::<Vec<_>>()
        }
        "cancel" => {
            let canceller = Canceller::new(config, store, mailer, SystemClock, programs);
            let _ = canceller.check(Some("warm-up")).await;
            wait_for_start().await?;
            let outcomes = join_all(tokens.iter().map(|t| canceller.cancel(Some(t)))).await;
            canceller.after_response.run().await;
            tokens
                .iter()
                .zip(outcomes)
                .map(|(token, outcome)| match outcome {
                    Ok(Cancelled::Now(_) | Cancelled::Already(_) | Cancelled::Deleted(_)) => {
                        json!({"token": token, "status": "cancelled", "position": null})
                    }
                    Err(err) => {
                        json!({"token": token, "status": "error", "error": err.to_string()})
                    }
                })
                .collect()
        }
        _ => return Err(USAGE.into()),
    };
    let mut out = std::io::stdout().lock();
    for line in lines {
        writeln!(out, "{line}").map_err(|e| e.to_string())?;
    }
    Ok(())
}
