//! Load: 500 registrations from 50 concurrent clients against the release
//! `register` binary (four instances, as Lambda would scale it) through the
//! Runtime API, with DynamoDB Local and the SES emulator: no 5xx, nobody lost
//! (every 201 has its item and its email), no duplicate.

use futures::StreamExt;
use serde_json::json;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;
use system_tests::runtime_api::{FunctionProcess, release_binary};

const CLIENTS: usize = 50;
const REGISTRATIONS: usize = 500;
const INSTANCES: usize = 4;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn five_hundred_registrations_from_fifty_clients_are_all_stored_and_emailed_once() {
    let sdk = system_tests::sdk_config().await;
    let table = system_tests::unique("load");
    system_tests::table::create_from_template(&registration::platform::aws::dynamodb(&sdk), &table)
        .await
        .unwrap();
    let mut env = system_tests::aws_env();
    env.extend(
        system_tests::seed_env(&table, &system_tests::unique("load-event"))
            .into_iter()
            .chain([
                ("EVENT_STARTS_AT".into(), "2030-09-28T10:00:00+05:00".into()),
                (
                    "REGISTRATION_CLOSES_AT".into(),
                    "2030-09-27T00:00:00+05:00".into(),
                ),
            ]),
    );
    let binary = release_binary("register");
    assert!(
        binary.exists(),
        "{} is missing: `make test` builds it first",
        binary.display()
    );
    let mut instances = Vec::new();
    for _ in 0..INSTANCES {
        instances.push(Arc::new(
            FunctionProcess::start(&binary, &env, Duration::from_secs(30))
                .await
                .unwrap(),
        ));
    }

    let run = system_tests::unique("load");
    let emails: Vec<String> = (0..REGISTRATIONS)
        .map(|i| format!("{run}-{i}@example.org"))
        .collect();
    let results: Vec<(String, u64, String)> = futures::stream::iter(emails.iter().enumerate())
        .map(|(i, email)| {
            let instance = Arc::clone(&instances[i % INSTANCES]);
            let country = ["PK", "KZ", "TR", "IR", "UZ"][i % 5];
            let body = json!({
                "full_name": format!("Участник {i} 参加者"),
                "email": email,
                "country": country,
                "organization": "Load Test Energy",
                "consent": true
            });
            // Each client has an address of its own: ten registrations each, within
            // the per-address limit.
            let event = system_tests::events::from_source(
                system_tests::events::post_registrations(
                    "application/json",
                    &body.to_string(),
                    None,
                ),
                &format!("198.51.100.{}", i % CLIENTS),
            );
            async move {
                let out = instance.invoke(event).await.expect("an answer");
                let status = out.response["statusCode"].as_u64().unwrap_or(0);
                let body: serde_json::Value =
                    serde_json::from_str(out.response["body"].as_str().unwrap_or("null"))
                        .unwrap_or_default();
                let id = body["registration_id"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned();
                (email.clone(), status, id)
            }
        })
        .buffer_unordered(CLIENTS)
        .collect()
        .await;

    let statuses: HashMap<u64, usize> = results.iter().fold(HashMap::new(), |mut m, (_, s, _)| {
        *m.entry(*s).or_default() += 1;
        m
    });
    assert_eq!(
        statuses.get(&201),
        Some(&REGISTRATIONS),
        "statuses: {statuses:?}"
    );
    let ids: HashSet<&str> = results.iter().map(|(_, _, id)| id.as_str()).collect();
    assert_eq!(
        ids.len(),
        REGISTRATIONS,
        "every registration id is distinct"
    );

    // Each instance finishes what it defers after a response before its next poll.
    for instance in &instances {
        instance.idle().await.unwrap();
    }
    // Every 201 has its item…
    let dynamodb = registration::platform::aws::dynamodb(&sdk);
    let store = registration::store::DynamoStore::new(dynamodb, &table);
    let event_id = env["EVENT_ID"].clone();
    for (email, _, id) in &results {
        use registration::store::Registrations;
        let key = system_tests::key_for(&event_id, email);
        let item = store
            .get(&key)
            .await
            .unwrap()
            .unwrap_or_else(|| panic!("{email} lost"));
        assert_eq!(&item.registration_id, id);
        assert_eq!(item.owes(), None, "{email}: its confirmation email left");
    }
    // …and exactly one email.
    let mailbox = system_tests::Mailbox::from_env();
    let sent = mailbox.all().await;
    let mut per_address: HashMap<String, usize> = HashMap::new();
    for email in sent
        .iter()
        .filter(|e| e.destination.to.iter().any(|t| t.starts_with(&run)))
    {
        assert_eq!(email.destination.to.len(), 1);
        *per_address
            .entry(email.destination.to[0].clone())
            .or_default() += 1;
    }
    assert_eq!(per_address.len(), REGISTRATIONS);
    assert!(per_address.values().all(|n| *n == 1), "no duplicate emails");
    for instance in &instances {
        let logs = instance.logs();
        assert!(!logs.contains("panicked"), "{logs}");
    }
}

/// One source posting at this rate…
const FLOOD_PER_SECOND: u64 = 50;
/// …for this long…
const FLOOD_SECONDS: u64 = 3;
/// …while this many others register once each.
const OTHERS: usize = 20;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_source_at_fifty_requests_a_second_does_not_lock_out_twenty_others() {
    let sdk = system_tests::sdk_config().await;
    let table = system_tests::unique("flood");
    system_tests::table::create_from_template(&registration::platform::aws::dynamodb(&sdk), &table)
        .await
        .unwrap();
    let mut env = system_tests::aws_env();
    env.extend(
        system_tests::seed_env(&table, &system_tests::unique("flood-event"))
            .into_iter()
            .chain([
                ("EVENT_STARTS_AT".into(), "2030-09-28T10:00:00+05:00".into()),
                (
                    "REGISTRATION_CLOSES_AT".into(),
                    "2030-09-27T00:00:00+05:00".into(),
                ),
            ]),
    );
    let binary = release_binary("register");
    assert!(binary.exists(), "{} is missing", binary.display());
    // One warm instance: its per-source limit is what a flood meets first.
    let instance = Arc::new(
        FunctionProcess::start(&binary, &env, Duration::from_secs(30))
            .await
            .unwrap(),
    );
    let run = system_tests::unique("flood");
    let post = |email: String, source: String| {
        let body = json!({
            "full_name": "Flood Test",
            "email": email,
            "country": "PK",
            "organization": "Load Test Energy",
            "consent": true
        });
        system_tests::events::from_source(
            system_tests::events::post_registrations("application/json", &body.to_string(), None),
            &source,
        )
    };
    // Each answer: status and Retry-After.
    let answer = |instance: Arc<FunctionProcess>, event: serde_json::Value| async move {
        let out = instance.invoke(event).await.expect("an answer");
        let status = out.response["statusCode"].as_u64().unwrap_or(0);
        let retry_after = out.response["headers"]["retry-after"]
            .as_str()
            .and_then(|v| v.parse::<u64>().ok());
        (status, retry_after)
    };

    // The flood: a bounded, paced loop from one address, on loopback only.
    let started = std::time::Instant::now();
    let flood = {
        let (instance, run) = (Arc::clone(&instance), run.clone());
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_millis(1000 / FLOOD_PER_SECOND));
            let mut answers = Vec::new();
            for i in 0..FLOOD_PER_SECOND * FLOOD_SECONDS {
                tick.tick().await;
                let event = post(
                    format!("{run}-flood-{i}@example.org"),
                    "203.0.113.66".into(),
                );
                answers.push(tokio::spawn(answer(Arc::clone(&instance), event)));
            }
            futures::future::join_all(answers).await
        })
    };
    // The others, spread over the flood.
    let spacing = Duration::from_millis(FLOOD_SECONDS * 1000 / OTHERS as u64);
    let mut others = Vec::new();
    for i in 0..OTHERS {
        tokio::time::sleep(spacing).await;
        let event = post(
            format!("{run}-other-{i}@example.org"),
            format!("198.51.100.{}", 100 + i),
        );
        others.push(tokio::spawn(answer(Arc::clone(&instance), event)));
    }
    let others: Vec<(u64, Option<u64>)> = futures::future::join_all(others)
        .await
        .into_iter()
        .map(Result::unwrap)
        .collect();
    let flood: Vec<(u64, Option<u64>)> = flood
        .await
        .unwrap()
        .into_iter()
        .map(Result::unwrap)
        .collect();
    // How long the instance took to answer it all: longer than the flood on a
    // busy machine, and the per-source rate refills by the instance's clock.
    let took = started.elapsed().as_secs();

    assert_eq!(
        others,
        vec![(201, None); OTHERS],
        "every other source registers"
    );
    let created = flood.iter().filter(|(s, _)| *s == 201).count() as u64;
    let limited: Vec<_> = flood.iter().filter(|(s, _)| *s == 429).collect();
    assert_eq!(
        created + limited.len() as u64,
        FLOOD_PER_SECOND * FLOOD_SECONDS
    );
    // The per-source rate answered, in memory: its burst (10) and one more every
    // 2 s got through, fewer than the hourly limit (20), and a refused request
    // may try again within seconds, not at the end of the hour.
    assert!(
        created <= 10 + took / 2 + 1 && created < 20,
        "{created} got through in {took} s"
    );
    for (_, retry_after) in limited {
        let seconds = retry_after.expect("a 429 carries Retry-After");
        assert!((1..=2).contains(&seconds), "{seconds}");
    }
    instance.idle().await.unwrap();
    assert!(!instance.logs().contains("panicked"));
}
