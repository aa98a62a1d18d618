//! The waiting line at scale, against the local emulators: a line of
//! `WAITING` (default 50,000) registrations, then one participant joining at
//! its end, one cancel whose freed seat goes to the first in line, and the
//! joiner's place read back. Prints, beside the same steps on a line of 3, the
//! request units of each step (DynamoDB's ReturnConsumedCapacity) and its time.
//!
//! Usage: `bash infra/local/emulators.sh run -- target/release/bench-waiting-line`

use std::time::Instant;
use system_tests::waiting_line::seed_line;
use system_tests::{TestApp, key_for, spawn_app_with, unique_email};

/// One step's request units and time.
struct Step {
    read_units: f64,
    write_units: f64,
    millis: u128,
}

async fn step<T>(app: &TestApp, work: impl std::future::Future<Output = T>) -> (T, Step) {
    let (before, started) = (app.store.consumed(), Instant::now());
    let out = work.await;
    let after = app.store.consumed();
    let step = Step {
        read_units: after.read_units - before.read_units,
        write_units: after.write_units - before.write_units,
        millis: started.elapsed().as_millis(),
    };
    (out, step)
}

async fn measure(length: u64) -> Result<Vec<(&'static str, Step)>, String> {
    use registration::store::{Registrations, Seats};
    let app = spawn_app_with(|env| {
        env.insert("CAPACITY".into(), "1".into());
    })
    .await;
    let seated = app.register_for_token(&unique_email()).await;
    app.confirm_token(&seated)
        .await
        .map_err(|e| e.to_string())?;
    let started = Instant::now();
    let first = seed_line(&app, length).await;
    eprintln!("a line of {length} written in {:?}", started.elapsed());

    let joiner = unique_email();
    let token = app.register_for_token(&joiner).await;
    let (joined, join) = step(&app, app.confirmer.confirm(Some(&token))).await;
    match joined.map_err(|e| e.to_string())? {
        registration::use_cases::confirming::Confirmed::Waitlisted(_, place)
            if u64::from(place) == length + 1 => {}
        other => return Err(format!("the joiner is not last in line: {other:?}")),
    }
    let (cancelled, promote) = step(&app, app.cancel_token(&seated)).await;
    cancelled.map_err(|e| e.to_string())?;
    let first = app.store.get(&key_for(&app.event_id, &first)).await;
    let promoted = first.map_err(|e| e.to_string())?.map(|r| r.status);
    if promoted != Some(registration::domain::RegistrationStatus::Confirmed) {
        return Err(format!("the first in line was not promoted: {promoted:?}"));
    }
    let key = key_for(&app.event_id, &joiner);
    let (place, position) = step(&app, app.store.waitlist_position(&key)).await;
    if place.map_err(|e| e.to_string())? != u32::try_from(length).ok() {
        return Err("the joiner's place is not one closer after the promotion".into());
    }
    Ok(vec![
        ("join the line (confirm)", join),
        ("cancel + promote the first (incl. its email)", promote),
        ("the last one's place in line", position),
    ])
}

#[tokio::main]
async fn main() -> Result<(), String> {
    let waiting: u64 = std::env::var("WAITING")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(50_000);
    let short = measure(3).await?;
    let long = measure(waiting).await?;
    println!("| step | line of 3: RCU / WCU / ms | line of {waiting}: RCU / WCU / ms |");
    println!("| --- | --- | --- |");
    for ((name, s), (_, l)) in short.iter().zip(&long) {
        println!(
            "| {name} | {:.1} / {:.1} / {} | {:.1} / {:.1} / {} |",
            s.read_units, s.write_units, s.millis, l.read_units, l.write_units, l.millis
        );
    }
    Ok(())
}
