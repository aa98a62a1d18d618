//! `make bench-organizer`: the organizer's `export` and `stats` over one event
//! of 100,000 registrations (BENCH_REGISTRATIONS) in DynamoDB Local, beside
//! another event in the same table. Prints each command's wall time and peak
//! RSS (from `/usr/bin/time -v`), and the read units the export's paged
//! queries consume per 1,000 registrations (the same queries through a metered
//! store: the command itself does not ask DynamoDB to report them).
//!
//! Usage: bench-organizer PATH-TO-ORGANIZER (a release build).

use futures::StreamExt;
use registration::store::{DynamoStore, EventRegistrations};
use std::process::Command;
use std::time::Instant;
use system_tests::{participant, pending_registration, sdk_config, table, unique};

const DEFAULT_REGISTRATIONS: usize = 100_000;

async fn seed(store: &DynamoStore, event_id: &str, n: usize) {
    let now = system_tests::while_open();
    let started = Instant::now();
    futures::stream::iter(0..n)
        .map(|i| {
            let store = store.clone();
            let event_id = event_id.to_owned();
            async move {
                let email = format!("participant{i}@example.org");
                let who = participant(&format!("Participant {i} Ülkü"), &email);
                let at = now + jiff::SignedDuration::from_secs(i as i64 * 7);
                let pending = pending_registration(&event_id, who, at);
                registration::store::Registrations::create_pending(&store, &pending, "hash")
                    .await
                    .expect("seeded");
            }
        })
        .buffer_unordered(48)
        .collect::<Vec<()>>()
        .await;
    eprintln!(
        "seeded {n} registrations of {event_id} in {:.0} s",
        started.elapsed().as_secs_f64()
    );
}

/// Wall seconds and peak RSS (MB) of one run of the organizer.
fn measure(organizer: &str, table: &str, event_id: &str, args: &[&str]) -> (f64, f64) {
    let started = Instant::now();
    let output = Command::new("/usr/bin/time")
        .arg("-v")
        .arg(organizer)
        .args(["--table", table, "--event", event_id])
        .args(args)
        .stdout(std::process::Stdio::null())
        .output()
        .expect("/usr/bin/time runs the organizer");
    let wall = started.elapsed().as_secs_f64();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    let kb: f64 = stderr
        .lines()
        .find_map(|l| l.trim().strip_prefix("Maximum resident set size (kbytes):"))
        .and_then(|v| v.trim().parse().ok())
        .expect("time -v reports the peak RSS");
    (wall, kb / 1024.0)
}

#[tokio::main]
async fn main() {
    let organizer = std::env::args()
        .nth(1)
        .expect("the organizer binary's path");
    let n = std::env::var("BENCH_REGISTRATIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(DEFAULT_REGISTRATIONS);
    let dynamodb = registration::platform::aws::dynamodb(&sdk_config().await);
    let table_name = unique("bench-organizer");
    table::create_from_template(&dynamodb, &table_name)
        .await
        .expect("table");
    let store = DynamoStore::metered(dynamodb, &table_name);
    let event_id = "bench-event";
    seed(&store, event_id, n).await;
    seed(&store, "bench-other-event", n / 10).await;

    let before = store.consumed();
    let mut cursor = None;
    let mut read = 0usize;
    loop {
        let page = store
            .event_page(event_id, cursor, None)
            .await
            .expect("page");
        read += page.registrations.len();
        match page.next {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    assert_eq!(read, n, "the index holds exactly the event's registrations");
    let units = store.consumed().read_units - before.read_units;
    let file = std::env::temp_dir().join(format!("{table_name}.csv"));
    let (export_s, export_mb) = measure(
        &organizer,
        &table_name,
        event_id,
        &["export", "--output", file.to_str().expect("a path")],
    );
    let lines = std::fs::read_to_string(&file)
        .expect("the export")
        .lines()
        .count();
    assert_eq!(lines, n + 1, "a header and one row per registration");
    let _ = std::fs::remove_file(&file);
    let (json_s, json_mb) = measure(
        &organizer,
        &table_name,
        event_id,
        &["export", "--format", "json"],
    );
    let (stats_s, stats_mb) = measure(&organizer, &table_name, event_id, &["stats", "--json"]);
    println!("| command ({n} registrations) | time | peak RSS | read units per 1,000 |");
    println!("| --- | --- | --- | --- |");
    let per_thousand = units * 1000.0 / n as f64;
    println!(
        "| export (CSV to a file) | {export_s:.1} s | {export_mb:.1} MB | {per_thousand:.1} |"
    );
    println!(
        "| export --format json (to stdout) | {json_s:.1} s | {json_mb:.1} MB | {per_thousand:.1} |"
    );
    println!("| stats --json | {stats_s:.1} s | {stats_mb:.1} MB | {per_thousand:.1} |");
}
