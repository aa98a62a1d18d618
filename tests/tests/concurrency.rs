//! Uniqueness under contention: many functions at once, in several processes,
//! racing to register one new address against DynamoDB Local and the SES emulator.

use std::collections::HashMap;
use std::process::Stdio;
use std::time::{SystemTime, UNIX_EPOCH};
use system_tests::{Mailbox, sdk_config, seed_env, unique, unique_email, valid_json};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::process::{Child, Command};

const PROCESSES: usize = 4;
const SUBMISSIONS_PER_PROCESS: usize = 5;

/// The seed configuration, moved to 2030 so that registration is open by the real
/// clock the subprocesses use.
fn open_env(table: &str, event_id: &str) -> HashMap<String, String> {
    let mut env = seed_env(table, event_id);
    env.insert("EVENT_STARTS_AT".into(), "2030-09-28T10:00:00+05:00".into());
    env.insert(
        "REGISTRATION_CLOSES_AT".into(),
        "2030-09-27T00:00:00+05:00".into(),
    );
    env.insert("RETENTION_DAYS".into(), "3650".into());
    env
}

struct Submitter {
    child: Child,
    lines: tokio::io::Lines<BufReader<tokio::process::ChildStdout>>,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twenty_concurrent_submissions_of_one_new_address_over_several_processes_give_one_201_nineteen_409s_one_item_and_one_email()
 {
    let sdk = sdk_config().await;
    let dynamodb = registration::platform::aws::dynamodb(&sdk);
    let table = unique("registrations");
    let event_id = unique("event");
    system_tests::table::create_from_template(&dynamodb, &table)
        .await
        .expect("the table is created from template.yaml");
    let email = unique_email();
    let body = valid_json(&email).to_string();

    // Start every process and wait until each has loaded its configuration and
    // reached DynamoDB, then release them all at the same instant.
    let mut submitters = Vec::new();
    for _ in 0..PROCESSES {
        let mut child = Command::new(env!("CARGO_BIN_EXE_submit-registrations"))
            .args([&SUBMISSIONS_PER_PROCESS.to_string(), "-", &body])
            .envs(open_env(&table, &event_id))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("submit-registrations starts");
        let stdout = child.stdout.take().expect("piped stdout");
        submitters.push(Submitter {
            child,
            lines: BufReader::new(stdout).lines(),
        });
    }
    for submitter in &mut submitters {
        let first = submitter.lines.next_line().await.expect("read stdout");
        if first.as_deref() != Some("ready") {
            let mut stderr = String::new();
            if let Some(mut err) = submitter.child.stderr.take() {
                let _ = err.read_to_string(&mut stderr).await;
            }
            panic!("submit-registrations did not get ready: {first:?}; stderr: {stderr}");
        }
    }
    let start = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis()
        + 300;
    for submitter in &mut submitters {
        let stdin = submitter.child.stdin.as_mut().expect("piped stdin");
        stdin
            .write_all(format!("{start}\n").as_bytes())
            .await
            .expect("send the start instant");
        stdin.flush().await.expect("flush");
    }

    let mut statuses = Vec::new();
    for mut submitter in submitters {
        while let Some(line) = submitter.lines.next_line().await.expect("read stdout") {
            statuses.push(
                line.split_whitespace()
                    .next()
                    .unwrap_or_default()
                    .parse::<u16>()
                    .unwrap_or_else(|_| panic!("a status, got {line:?}")),
            );
        }
        let mut stderr = String::new();
        if let Some(mut err) = submitter.child.stderr.take() {
            err.read_to_string(&mut stderr).await.expect("read stderr");
        }
        let status = submitter.child.wait().await.expect("the process ends");
        assert!(
            status.success(),
            "submit-registrations failed ({status}): {stderr}"
        );
    }

    assert_eq!(
        statuses.len(),
        PROCESSES * SUBMISSIONS_PER_PROCESS,
        "{statuses:?}"
    );
    let created = statuses.iter().filter(|s| **s == 201).count();
    let conflicts = statuses.iter().filter(|s| **s == 409).count();
    assert_eq!(
        (created, conflicts),
        (1, 19),
        "exactly one 201 and nineteen 409s: {statuses:?}"
    );

    // Exactly one registration in the table, holding one token.
    let mut items = Vec::new();
    let mut start_key = None;
    loop {
        let page = dynamodb
            .scan()
            .table_name(&table)
            .consistent_read(true)
            .set_exclusive_start_key(start_key)
            .send()
            .await
            .expect("scan the table");
        items.extend(page.items().iter().cloned());
        match page.last_evaluated_key {
            Some(key) => start_key = Some(key),
            None => break,
        }
    }
    // The per-hour limits keep counters beside the registrations.
    items.retain(|item| item["pk"].as_s().is_ok_and(|pk| pk.contains("#REG#")));
    let keys: Vec<String> = items
        .iter()
        .map(|item| item["pk"].as_s().expect("a string key").clone())
        .collect();
    assert_eq!(
        keys,
        vec![system_tests::pk_of(&system_tests::key_for(
            &event_id, &email
        ))],
        "one registration"
    );
    let hashes = items[0]["token_hashes"]
        .as_l()
        .expect("a list of token hashes");
    assert_eq!(hashes.len(), 1, "one token: {hashes:?}");

    // Exactly one confirmation email left.
    let emails = Mailbox::from_env().to(&email).await;
    assert_eq!(emails.len(), 1, "one email to {email}");
    assert_eq!(emails[0].destination.to, vec![email.clone()]);
    assert!(
        emails[0].text().contains("/registrations/confirm?token="),
        "{}",
        emails[0].text()
    );
}
