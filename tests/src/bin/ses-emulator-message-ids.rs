//! The SES v2 emulator alone: sends `N` (argument, default 100,000) small
//! emails to distinct addresses through a raw SES v2 client, then reads its
//! mailbox back (`GET /store?since=<second the sends started>`) and counts what
//! it stored and how many distinct message ids it gave them.
//!
//! aws-ses-v2-local stores every email (an array, no cap) but draws each
//! message id as `ses-<random number in 100000000..=999999999>`: 900 million
//! values, so N emails share about N²/1.8e9 ids (5.6 at 100,000). SES's own
//! ids are unique; the emulator's are not, and a check that counts emails by
//! message id alone loses one email per shared id.
//!
//! `bash infra/local/emulators.sh run -- target/release/ses-emulator-message-ids 100000`

use futures::StreamExt;
use std::collections::{HashMap, HashSet};

#[derive(serde::Deserialize)]
struct StorePage {
    emails: Vec<StoredEmail>,
}

#[derive(serde::Deserialize)]
struct StoredEmail {
    #[serde(rename = "messageId")]
    message_id: String,
    destination: system_tests::mailbox::Destination,
}

async fn send_all(
    ses: &aws_sdk_sesv2::Client,
    run: &str,
    n: usize,
) -> (HashMap<String, String>, usize) {
    use aws_sdk_sesv2::types::{Body, Content, Destination, EmailContent, Message};
    let mut answered = HashMap::new();
    let mut stream = futures::stream::iter(0..n)
        .map(|i| {
            let to = format!("id-{i}-{run}@example.org");
            let content = Content::builder().data("x").build().expect("content");
            let message = Message::builder()
                .subject(content.clone())
                .body(Body::builder().text(content).build())
                .build();
            let call = ses
                .send_email()
                .from_email_address("bench@example.org")
                .destination(Destination::builder().to_addresses(&to).build())
                .content(EmailContent::builder().simple(message).build())
                .send();
            async move { (to, call.await) }
        })
        .buffer_unordered(64);
    let mut failed = 0;
    while let Some((to, answer)) = stream.next().await {
        match answer {
            Ok(answer) => {
                answered.insert(to, answer.message_id.unwrap_or_default());
            }
            Err(err) => {
                if failed == 0 {
                    eprintln!(
                        "first failure: {}",
                        aws_sdk_sesv2::error::DisplayErrorContext(&err)
                    );
                }
                failed += 1;
            }
        }
    }
    (answered, failed)
}

#[tokio::main]
async fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let sdk = system_tests::sdk_config().await;
    let ses = registration::platform::aws::sesv2(&sdk);
    let store_url = system_tests::required_env("SES_STORE_URL");
    let run = system_tests::unique("ids");
    let since = jiff::Timestamp::now().as_second();
    let (answered, failed) = send_all(&ses, &run, n).await;

    let page: StorePage = reqwest::get(format!("{store_url}?since={since}"))
        .await
        .expect("the SES emulator answers GET /store")
        .json()
        .await
        .expect("the store is JSON");
    let ours: Vec<StoredEmail> = page
        .emails
        .into_iter()
        .filter(|e| {
            e.destination
                .to
                .iter()
                .any(|to| to.ends_with(&format!("-{run}@example.org")))
        })
        .collect();
    let stored_to: HashSet<&str> = ours
        .iter()
        .flat_map(|e| e.destination.to.iter().map(String::as_str))
        .collect();
    let ids_answered: HashSet<&String> = answered.values().collect();
    let ids_stored: HashSet<&String> = ours.iter().map(|e| &e.message_id).collect();
    let expected = (n as f64) * (n as f64 - 1.0) / 2.0 / 900_000_000.0;

    println!(
        "sent {n} emails, each to its own address: {} answered with a message id, {failed} failed",
        answered.len()
    );
    println!(
        "stored in the emulator's mailbox: {} emails, to {} distinct addresses",
        ours.len(),
        stored_to.len()
    );
    println!(
        "distinct message ids: {} of the answers, {} of the stored emails: {} ids given to two emails (expected by chance: {expected:.1})",
        ids_answered.len(),
        ids_stored.len(),
        ours.len() - ids_stored.len()
    );
    println!(
        "counted by message id alone, the mailbox shows {} of the {n} addresses",
        ids_stored.len()
    );
}
