//! The cost of register's program read, in process against DynamoDB Local: cold
//! (the first request after init lists the programs: one Query on the
//! organizer's index, then one GetItem per published program) and cached (every
//! request for a minute after: no round trip).

use super::{ms, percentile};
use registration::config::RegisterConfig;
use registration::platform::clock::SystemClock;
use registration::program::{ProgramReader, parse_program_file};
use registration::store::DynamoStore;
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// Published beside the deployment's own program, as two programs open at once.
const PUBLISHED: [&str; 2] = ["bench-solar", "bench-wind"];

fn program_file(id: &str) -> String {
    format!(
        "id = {id:?}\ntitle = \"Bench {id}\"\nhost = \"Bench host\"\n\
         starts_at = \"2030-10-01T10:00:00Z\"\ntimezone = \"UTC\"\n\
         registration_closes_at = \"2030-09-30T00:00:00Z\"\nlanguages = [\"en\"]\n\
         zoom_join_url = \"https://zoom.example/j/1\"\n[text.en]\nsummary = \"s\"\n"
    )
}

/// What a POST naming a published program reads: the listing (is every program
/// closed?) and the program itself.
async fn read(reader: &ProgramReader<DynamoStore, SystemClock>) {
    reader.programs().await.expect("the listing");
    let id = registration::program::ProgramId::parse(PUBLISHED[0]).expect("an id");
    reader
        .get(&id)
        .await
        .expect("a program")
        .expect("published");
}

pub async fn bench(
    env: &HashMap<String, String>,
    dynamodb: &aws_sdk_dynamodb::Client,
    table: &str,
    rounds: usize,
) {
    let store = DynamoStore::new(dynamodb.clone(), table);
    for id in PUBLISHED {
        let program = parse_program_file(&program_file(id), None).expect("a valid program");
        store
            .publish_program(&program, jiff::Timestamp::now())
            .await
            .expect("published");
    }
    let own = RegisterConfig::from_source(env)
        .expect("config")
        .own
        .expect("the bench's own program");
    eprintln!("bench: register's program read, {rounds} cold and {rounds} cached ...");
    let (mut cold, mut cached) = (Vec::new(), Vec::new());
    for _ in 0..rounds {
        // A new reader is what a new process (a cold start) has.
        let reader = ProgramReader::new(store.clone(), SystemClock).with_own(own.clone());
        let started = Instant::now();
        read(&reader).await;
        cold.push(started.elapsed());
        let started = Instant::now();
        read(&reader).await;
        cached.push(started.elapsed());
    }
    let p =
        |samples: &mut Vec<Duration>| (ms(percentile(samples, 0.5)), ms(percentile(samples, 0.99)));
    let (c50, c99) = p(&mut cold);
    let (w50, w99) = p(&mut cached);
    println!();
    println!(
        "| register's program read (own + {} published, {rounds} rounds) | p50 ms | p99 ms |",
        PUBLISHED.len()
    );
    println!("| --- | ---: | ---: |");
    println!(
        "| cold: first request after init (Query + one GetItem per program) | {c50:.3} | {c99:.3} |"
    );
    println!("| cached: every request within 60 s | {w50:.4} | {w99:.4} |");
}
