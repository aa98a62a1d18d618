//! SES feedback: every SES event fixture in `infra/events/` through the release
//! `email-events` binary and the Lambda Runtime API, against DynamoDB Local. Each
//! records the right state on its registration; repeated and late events change
//! nothing; events that are not ours are ignored, logged without any address; a
//! DynamoDB failure fails the invocation.

use registration::domain::RegistrationStatus;
use registration::store::{Outbox, Registration, RegistrationStore};
use serde_json::Value;
use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Duration;
use system_tests::runtime_api::{FunctionProcess, release_binary};
use system_tests::{participant, pending_registration, store_as, unique, unique_email};

const EVENT: &str = "bnr-li-ion-2022";

fn fixture(name: &str) -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../infra/events")
        .join(name);
    serde_json::from_str(&std::fs::read_to_string(&path).expect("a fixture")).expect("JSON")
}

/// The fixture, about the email of `kind` to `registration`.
fn about(name: &str, registration: &Registration, kind: &str) -> Value {
    let mut event = fixture(name);
    let mail = &mut event["detail"]["mail"];
    mail["destination"] = serde_json::json!([registration.email]);
    mail["tags"]["registration"] = serde_json::json!([registration.registration_id]);
    mail["tags"]["kind"] = serde_json::json!([kind]);
    event
}

struct Feedback {
    process: FunctionProcess,
    store: registration::store::DynamoStore,
}

impl Feedback {
    async fn start() -> Self {
        let sdk = system_tests::sdk_config().await;
        let dynamodb = registration::aws::dynamodb(&sdk);
        let table = unique("feedback");
        system_tests::table::create_from_template(&dynamodb, &table)
            .await
            .unwrap();
        let mut env: HashMap<String, String> = system_tests::aws_env();
        env.extend(system_tests::seed_env(&table, EVENT));
        let binary = release_binary("email-events");
        assert!(
            binary.exists(),
            "{} is missing: `make test` builds it",
            binary.display()
        );
        let process = FunctionProcess::start(&binary, &env, Duration::from_secs(30))
            .await
            .unwrap();
        Self {
            process,
            store: registration::store::DynamoStore::new(dynamodb, &table),
        }
    }

    /// A confirmed registration of this event.
    async fn registration(&self) -> Registration {
        let email = unique_email();
        let now = jiff::Timestamp::now();
        let pending = pending_registration(EVENT, participant("Ayesha Khan", &email), now);
        store_as(&self.store, &pending, RegistrationStatus::Confirmed, now).await;
        self.store.get(&pending.key).await.unwrap().unwrap()
    }

    async fn send(&self, event: Value) -> Value {
        let out = self.process.invoke(event).await.expect("an answer");
        assert!(!out.is_error, "{:?}", out.response);
        out.response
    }

    async fn now(&self, registration: &Registration) -> Registration {
        self.store.get(&registration.key()).await.unwrap().unwrap()
    }
}

#[tokio::test]
async fn each_kind_of_ses_event_records_its_state_on_the_registration() {
    let feedback = Feedback::start().await;
    for (name, state, detail, unreachable) in [
        ("ses-delivery.json", "delivered", None, false),
        (
            "ses-bounce-permanent-general.json",
            "bounced",
            Some("Permanent/General"),
            true,
        ),
        (
            "ses-bounce-permanent-suppressed.json",
            "bounced",
            Some("Permanent/OnAccountSuppressionList"),
            true,
        ),
        (
            "ses-bounce-transient-mailbox-full.json",
            "bounced",
            Some("Transient/MailboxFull"),
            false,
        ),
        ("ses-complaint.json", "complained", Some("abuse"), true),
        (
            "ses-delivery-delay.json",
            "delayed",
            Some("MailboxFull"),
            false,
        ),
        (
            "ses-reject.json",
            "bounced",
            Some("Rejected/Bad content"),
            false,
        ),
    ] {
        let registration = feedback.registration().await;
        let answer = feedback.send(about(name, &registration, "link")).await;
        assert_eq!(answer["outcome"], "recorded", "{name}: {answer}");
        let now = feedback.now(&registration).await;
        let recorded = now
            .feedback(Outbox::Link)
            .unwrap_or_else(|| panic!("{name}"));
        assert_eq!(recorded.state, state, "{name}");
        assert_eq!(recorded.detail.as_deref(), detail, "{name}");
        assert_eq!(now.unreachable, unreachable, "{name}");
        assert_eq!(
            now.feedback(Outbox::Confirmation),
            None,
            "{name}: only the link's"
        );
        assert_eq!(
            now.status,
            RegistrationStatus::Confirmed,
            "{name}: nothing else changed"
        );
    }
}

#[tokio::test]
async fn a_repeated_event_and_a_delivery_after_a_bounce_leave_the_bounce() {
    let feedback = Feedback::start().await;
    let alone = feedback.registration().await;
    feedback
        .send(about("ses-bounce-permanent-general.json", &alone, "link"))
        .await;
    let bounce_alone = feedback.now(&alone).await;

    let repeated = feedback.registration().await;
    for name in [
        "ses-bounce-permanent-general.json",
        "ses-bounce-permanent-general.json",
        "ses-delivery.json",
        "ses-delivery-delay.json",
    ] {
        feedback.send(about(name, &repeated, "link")).await;
    }
    let after = feedback.now(&repeated).await;
    assert_eq!(
        after.feedback(Outbox::Link),
        bounce_alone.feedback(Outbox::Link)
    );
    assert!(after.unreachable);

    // Later news still counts: a delivery, then a complaint.
    let complained = feedback.registration().await;
    feedback
        .send(about("ses-delivery.json", &complained, "confirmation"))
        .await;
    feedback
        .send(about("ses-complaint.json", &complained, "confirmation"))
        .await;
    let after = feedback.now(&complained).await;
    assert_eq!(
        after.feedback(Outbox::Confirmation).unwrap().state,
        "complained"
    );
    assert!(after.unreachable);
}

#[tokio::test]
async fn events_that_are_not_ours_are_ignored_and_logged_without_an_address() {
    let feedback = Feedback::start().await;
    let registration = feedback.registration().await;
    let before = feedback.now(&registration).await;

    let mut unknown = about("ses-bounce-permanent-general.json", &registration, "link");
    unknown["detail"]["mail"]["tags"]["registration"] = serde_json::json!(["no-such-registration"]);
    let mut another_event = about("ses-complaint.json", &registration, "link");
    another_event["detail"]["mail"]["tags"]["event"] = serde_json::json!(["another-event"]);
    let mut untagged = about("ses-complaint.json", &registration, "link");
    for tag in ["event", "registration", "kind"] {
        untagged["detail"]["mail"]["tags"]
            .as_object_mut()
            .unwrap()
            .remove(tag);
    }
    let mut stranger = fixture("ses-bounce-permanent-general.json");
    stranger["detail"]["mail"]["destination"] = serde_json::json!(["stranger@example.net"]);
    for event in [unknown, another_event, untagged, stranger] {
        let answer = feedback.send(event).await;
        assert_eq!(answer["outcome"], "ignored", "{answer}");
    }
    assert_eq!(feedback.now(&registration).await, before, "nothing written");
    let logs = feedback.process.logs();
    assert!(logs.contains("SES event ignored"), "{logs}");
    for address in [
        registration.email.as_str(),
        "stranger@example.net",
        "ayesha.khan@example.org",
    ] {
        assert!(
            !logs.to_lowercase().contains(&address.to_lowercase()),
            "{address} in the logs"
        );
    }
}

#[tokio::test]
async fn a_dynamodb_failure_fails_the_invocation_so_that_it_is_retried() {
    let mut env: HashMap<String, String> = system_tests::aws_env();
    env.extend(system_tests::seed_env("any-table", EVENT));
    env.insert(
        "AWS_ENDPOINT_URL_DYNAMODB".into(),
        system_tests::UNREACHABLE.into(),
    );
    let process = FunctionProcess::start(
        &release_binary("email-events"),
        &env,
        Duration::from_secs(30),
    )
    .await
    .unwrap();
    let mut event = fixture("ses-bounce-permanent-general.json");
    event["detail"]["mail"]["destination"] = serde_json::json!([unique_email()]);
    let out = process.invoke(event).await.expect("an answer");
    assert!(out.is_error, "{:?}", out.response);
}

#[tokio::test]
async fn sent_bounced_and_complained_emails_are_counted_once_as_metrics_for_the_alarms() {
    let feedback = Feedback::start().await;
    let registration = feedback.registration().await;
    let mut send = about("ses-delivery.json", &registration, "link");
    send["detail-type"] = "Email Sent".into();
    send["detail"]["eventType"] = "Send".into();
    feedback.send(send).await;
    for _ in 0..2 {
        feedback
            .send(about(
                "ses-bounce-permanent-general.json",
                &registration,
                "link",
            ))
            .await;
    }
    let other = feedback.registration().await;
    feedback
        .send(about("ses-complaint.json", &other, "link"))
        .await;
    feedback
        .send(about(
            "ses-bounce-transient-mailbox-full.json",
            &other,
            "reminder",
        ))
        .await;

    let logs = feedback.process.logs();
    let metrics: Vec<Value> = logs
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter(|line| line.get("_aws").is_some())
        .collect();
    let count = |name: &str| metrics.iter().filter(|m| m.get(name).is_some()).count();
    assert_eq!(count("EmailsSent"), 1, "{metrics:?}");
    assert_eq!(
        count("EmailsBounced"),
        1,
        "a repeated bounce counts once: {metrics:?}"
    );
    assert_eq!(count("EmailsComplained"), 1, "{metrics:?}");
    for metric in &metrics {
        assert_eq!(metric["EventId"], EVENT);
        assert_eq!(
            metric["_aws"]["CloudWatchMetrics"][0]["Namespace"],
            "BTBU-ECOSF/Registration"
        );
    }
}
