//! `POST /registrations/confirm` and `POST /registrations/cancel` through the
//! Lambda runtime interface, each against the raw DynamoDB round trips it makes,
//! taking turns.

use super::{ms, percentile};
use aws_sdk_dynamodb::types::{AttributeValue, ReturnConsumedCapacity, TransactWriteItem, Update};
use registration::domain::action_token::ActionToken;
use registration::store::{DynamoStore, Registrations};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::time::{Duration, Instant};
use system_tests::runtime_api::{FunctionProcess, release_binary};

fn s(value: &str) -> AttributeValue {
    AttributeValue::S(value.to_owned())
}

/// `n` pending registrations of the bench event, with their tokens.
async fn pending(store: &DynamoStore, tag: &str, n: usize) -> Vec<(String, ActionToken)> {
    let now = jiff::Timestamp::now();
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let email = format!(
            "seat-{tag}-{i}-{}@example.org",
            uuid::Uuid::new_v4().simple()
        );
        let participant = system_tests::participant("Bench Participant", &email);
        let pending = system_tests::pending_registration("bench", participant, now);
        let token = ActionToken::generate(&pending.key);
        store
            .create_pending(&pending, &token.hash())
            .await
            .expect("a pending registration");
        out.push((system_tests::pk_of(&pending.key), token));
    }
    out
}

fn post(path: &str, token: &ActionToken) -> Value {
    system_tests::events::request(
        "POST",
        path,
        json!({"content-type": "application/json", "accept": "application/json"}),
        Some(&json!({"token": token.expose()}).to_string()),
    )
}

async fn via_runtime(function: &FunctionProcess, event: Value) -> Duration {
    function.idle().await.expect("polls again");
    let out = function.invoke(event).await.expect("an answer");
    assert_eq!(out.response["statusCode"], 200, "{:?}", out.response);
    out.latency
}

struct Raw<'a> {
    dynamodb: &'a aws_sdk_dynamodb::Client,
    table: &'a str,
}

impl Raw<'_> {
    async fn get(&self, pk: &str) {
        self.dynamodb
            .get_item()
            .table_name(self.table)
            .key("pk", s(pk))
            .consistent_read(true)
            .send()
            .await
            .expect("the raw read");
    }

    /// The status and the seats item in one transaction; its write units.
    async fn transact(&self, pk: &str, from: &str, to: &str, seat: i64) -> f64 {
        let registration = Update::builder()
            .table_name(self.table)
            .key("pk", s(pk))
            .update_expression("SET #status = :to, #at = :now REMOVE #outbox")
            .condition_expression("#status = :from")
            .expression_attribute_names("#status", "status")
            .expression_attribute_names("#at", "confirmed_at")
            .expression_attribute_names("#outbox", "outbox")
            .expression_attribute_values(":to", s(to))
            .expression_attribute_values(":from", s(from))
            .expression_attribute_values(":now", s(&jiff::Timestamp::now().to_string()))
            .build()
            .expect("an update");
        let seats = Update::builder()
            .table_name(self.table)
            .key("pk", s("EVENT#bench-raw#SEATS"))
            .update_expression("ADD #confirmed :n")
            .expression_attribute_names("#confirmed", "confirmed")
            .expression_attribute_values(":n", AttributeValue::N(seat.to_string()))
            .build()
            .expect("an update");
        let output = self
            .dynamodb
            .transact_write_items()
            .transact_items(TransactWriteItem::builder().update(registration).build())
            .transact_items(TransactWriteItem::builder().update(seats).build())
            .return_consumed_capacity(ReturnConsumedCapacity::Total)
            .send()
            .await
            .expect("the raw transaction");
        output
            .consumed_capacity()
            .iter()
            .filter_map(|c| c.capacity_units())
            .sum()
    }

    /// What confirm makes: one read, then the seats transaction.
    async fn confirm(&self, pk: &str) -> (Duration, f64) {
        let started = Instant::now();
        self.get(pk).await;
        let units = self.transact(pk, "pending", "confirmed", 1).await;
        (started.elapsed(), units)
    }

    /// What cancel makes: the token's read, the current state's read, then the
    /// seats transaction.
    async fn cancel(&self, pk: &str) -> Duration {
        let started = Instant::now();
        self.get(pk).await;
        self.get(pk).await;
        self.transact(pk, "confirmed", "cancelled", -1).await;
        started.elapsed()
    }
}

fn row(name: &str, samples: &mut [Duration], base: (f64, f64)) {
    let (p50, p99) = (ms(percentile(samples, 0.5)), ms(percentile(samples, 0.99)));
    println!(
        "| {name} | {p50:.2} | {p99:.2} | {:.2} | {:.2} |",
        p50 / base.0,
        p99 / base.1
    );
}

pub async fn bench(
    env: &HashMap<String, String>,
    dynamodb: &aws_sdk_dynamodb::Client,
    table: &str,
    n: usize,
) {
    eprintln!("bench: {n} confirmations and cancellations each way, taking turns ...");
    let store = DynamoStore::new(dynamodb.clone(), table);
    let through = pending(&store, "fn", n).await;
    let raw_items = pending(&store, "raw", n).await;
    let confirm = FunctionProcess::start(&release_binary("confirm"), env, Duration::from_secs(30))
        .await
        .expect("confirm starts");
    let cancel = FunctionProcess::start(&release_binary("cancel"), env, Duration::from_secs(30))
        .await
        .expect("cancel starts");
    let raw = Raw { dynamodb, table };
    let (mut confirmed, mut raw_confirmed, mut cancelled, mut raw_cancelled) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut transaction_units = 0.0;
    for ((_, token), (raw_pk, _)) in through.iter().zip(&raw_items) {
        confirmed.push(via_runtime(&confirm, post("/registrations/confirm", token)).await);
        let (elapsed, units) = raw.confirm(raw_pk).await;
        raw_confirmed.push(elapsed);
        transaction_units += units;
    }
    for ((_, token), (raw_pk, _)) in through.iter().zip(&raw_items) {
        cancelled.push(via_runtime(&cancel, post("/registrations/cancel", token)).await);
        raw_cancelled.push(raw.cancel(raw_pk).await);
    }
    let base =
        |samples: &mut Vec<Duration>| (ms(percentile(samples, 0.5)), ms(percentile(samples, 0.99)));
    let (confirm_base, cancel_base) = (base(&mut raw_confirmed), base(&mut raw_cancelled));
    println!();
    println!("| seats ({n} requests each) | p50 ms | p99 ms | p50 × baseline | p99 × baseline |");
    println!("| --- | ---: | ---: | ---: | ---: |");
    row(
        "POST /registrations/confirm, through the runtime interface",
        &mut confirmed,
        confirm_base,
    );
    row(
        "raw GetItem + TransactWriteItems (registration, seats): baseline",
        &mut raw_confirmed,
        confirm_base,
    );
    row(
        "POST /registrations/cancel, through the runtime interface",
        &mut cancelled,
        cancel_base,
    );
    row(
        "raw GetItem × 2 + TransactWriteItems: baseline",
        &mut raw_cancelled,
        cancel_base,
    );
    println!();
    println!(
        "The seats transaction (the registration and the seats item) costs {:.2} write units per confirmation.",
        transaction_units / n as f64
    );
}
