//! The scheduled send-links run while nothing is due, against DynamoDB Local:
//! the request units one idle run reads with the deployment's own program and
//! 0, 1 and 5 published programs (each before its start, links going out, every
//! outbox empty), the first run (the programs' listing read) and a second
//! within 60 seconds (the listing cached), and what a day of them costs at the
//! template's schedule. Units are DynamoDB Local's report of each request's
//! consumed capacity; the figures do not depend on the build's optimization.

use registration::program::parse_program_file;
use registration::store::Consumed;
use std::time::Instant;
use system_tests::send_links::{run, sender, spawn_send_links_app};

/// The template's schedule: `rate(5 minutes)`.
const RUNS_PER_DAY: f64 = 24.0 * 60.0 / 5.0;
/// On-demand read request units, US East (N. Virginia), per million.
const USD_PER_MILLION_READS: f64 = 0.125;

fn published(id: &str) -> registration::program::ProgramSettings {
    let text = format!(
        "id = {id:?}\ntitle = \"Idle {id}\"\nhost = \"H\"\n\
         starts_at = \"2030-09-28T10:00:00+05:00\"\ntimezone = \"Asia/Karachi\"\n\
         registration_closes_at = \"2030-09-27T00:00:00+05:00\"\ncapacity = 100\n\
         languages = [\"en\"]\nzoom_join_url = \"https://zoom.us/j/1\"\n\
         [text.en]\nsummary = \"s\"\n"
    );
    parse_program_file(&text, None).expect("a valid program")
}

fn units(before: Consumed, after: Consumed) -> (f64, f64) {
    (
        after.read_units - before.read_units,
        after.write_units - before.write_units,
    )
}

/// Read and write units of a cold and a warm idle run, and the cold run's
/// milliseconds.
async fn idle_runs(programs: usize) -> ((f64, f64), (f64, f64), f64) {
    let app = spawn_send_links_app(|_| {}).await;
    for i in 0..programs {
        let outcome = app
            .store
            .publish_program(&published(&format!("idle-{i}")), app.clock_now())
            .await
            .expect("published");
        assert_eq!(outcome, registration::store::PublishOutcome::Published);
    }
    let sender = sender(&app);
    let before = app.store.consumed();
    let started = Instant::now();
    let report = run(&sender).await;
    let took = started.elapsed().as_secs_f64() * 1000.0;
    let cold = units(before, app.store.consumed());
    assert_eq!(report.sent + report.confirmations_sent, 0, "{report:?}");
    assert_eq!(report.programs.len(), programs + 1, "{report:?}");
    let before = app.store.consumed();
    run(&sender).await;
    let warm = units(before, app.store.consumed());
    (cold, warm, took)
}

#[tokio::main]
async fn main() {
    println!();
    println!("Idle send-links runs (nothing due), DynamoDB Local");
    println!();
    println!(
        "| programs served | read units, run after the cache expired | read units, run within 60 s | write units | reads per day ({RUNS_PER_DAY:.0} runs) | USD per day (reads) | USD per 30 days |"
    );
    println!("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
    for published in [0usize, 1, 5] {
        let (cold, warm, took) = idle_runs(published).await;
        let per_day = cold.0 * RUNS_PER_DAY;
        let usd = per_day * USD_PER_MILLION_READS / 1e6;
        eprintln!("bench-idle: {published} published: cold run {took:.0} ms");
        println!(
            "| own + {published} published | {:.1} | {:.1} | {:.1} | {per_day:.0} | {usd:.6} | {:.5} |",
            cold.0,
            warm.0,
            cold.1 + warm.1,
            usd * 30.0
        );
    }
}
