//! A long waiting line, written straight into a test's table as joining would
//! leave it (for the suites and the waiting-line bench).

use crate::{TestApp, key_for, unique_email};
use aws_sdk_dynamodb::types::{AttributeValue, PutRequest, WriteRequest};
use futures::StreamExt;
use registration::store::{attr, seats_attr};
use std::collections::HashMap;

/// Write `n` registrations waiting in line (tickets 1 to `n`), as joining
/// would leave them, in batches of 25 writes, and count them in the seats item.
/// Returns the first in line's address.
pub async fn seed_line(app: &TestApp, n: u64) -> String {
    let now = app.clock_now().to_string();
    let first = format!("line-1-{}", unique_email());
    let expires = (jiff::Timestamp::now().as_second() + 10 * 365 * 86_400).to_string();
    let items: Vec<HashMap<String, AttributeValue>> = (1..=n)
        .map(|ticket| {
            let email = match ticket {
                1 => first.clone(),
                _ => format!("line-{ticket}-{}", unique_email()),
            };
            let key = key_for(&app.event_id, &email);
            let s = |v: &str| AttributeValue::S(v.to_owned());
            HashMap::from([
                (attr::PK.into(), s(&crate::pk_of(&key))),
                (attr::EVENT_ID.into(), s(&app.event_id)),
                (
                    attr::REGISTRATION_ID.into(),
                    s(&uuid::Uuid::new_v4().to_string()),
                ),
                (attr::FULL_NAME.into(), s(&format!("Participant {ticket}"))),
                (attr::EMAIL.into(), s(&email)),
                (attr::COUNTRY.into(), s("PK")),
                (attr::ORGANIZATION.into(), s("Seeded Org")),
                (attr::STATUS.into(), s("waitlisted")),
                (attr::REGISTERED_AT.into(), s(&now)),
                (attr::CONFIRMED_AT.into(), s(&now)),
                (attr::LINK_BASE.into(), s("https://register.example.org")),
                (attr::EXPIRES_AT.into(), AttributeValue::N(expires.clone())),
                (attr::LINE.into(), s(&app.event_id)),
                (attr::TICKET.into(), AttributeValue::N(ticket.to_string())),
            ])
        })
        .collect();
    let writes = items.chunks(25).map(|chunk| {
        let requests: Vec<WriteRequest> = chunk
            .iter()
            .map(|item| {
                let put = PutRequest::builder().set_item(Some(item.clone())).build();
                WriteRequest::builder().put_request(put.unwrap()).build()
            })
            .collect();
        write_batch(app, requests)
    });
    // A few batches at once: DynamoDB Local takes them no faster beyond that.
    futures::stream::iter(writes)
        .buffer_unordered(8)
        .collect::<Vec<()>>()
        .await;
    app.dynamodb
        .update_item()
        .table_name(&app.table)
        .key(
            attr::PK,
            AttributeValue::S(format!("EVENT#{}#SEATS", app.event_id)),
        )
        .update_expression("SET #joined = :n, #waiting = :n")
        .expression_attribute_names("#joined", seats_attr::JOINED)
        .expression_attribute_names("#waiting", seats_attr::WAITING)
        .expression_attribute_values(":n", AttributeValue::N(n.to_string()))
        .send()
        .await
        .expect("the seats item counts the line");
    first
}

async fn write_batch(app: &TestApp, mut requests: Vec<WriteRequest>) {
    while !requests.is_empty() {
        let output = app
            .dynamodb
            .batch_write_item()
            .request_items(&app.table, requests)
            .send()
            .await
            .expect("a batch of writes");
        requests = output
            .unprocessed_items
            .and_then(|mut left| left.remove(&app.table))
            .unwrap_or_default();
    }
}
