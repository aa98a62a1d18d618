//! SES feedback: every SES event fixture in `infra/events/` through the release
//! `email-events` binary and the Lambda Runtime API, against DynamoDB Local. Each
//! records the right state on its registration; repeated and late events change
//! nothing; events that are not ours are ignored, logged without any address; a
//! DynamoDB failure fails the invocation.

use registration::domain::RegistrationStatus;
use registration::store::{Feedback as _, Outbox, Registration, Registrations};
use serde_json::Value;
use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Duration;
use system_tests::runtime_api::{FunctionProcess, release_binary};
use system_tests::{participant, pending_registration, store_as, unique, unique_email};

const EVENT: &str = "bnr-li-ion-2022";
/// The stack's configuration set, as the fixtures name it.
const CONFIGURATION_SET: &str = "btbu-ecosf-registration-feedback";

fn fixture(name: &str) -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../infra/events")
        .join(name);
    serde_json::from_str(&std::fs::read_to_string(&path).expect("a fixture")).expect("JSON")
}

/// The event, about the email SES accepted at `sent_at` with `message_id`.
fn of_message(mut event: Value, message_id: &str, sent_at: &str) -> Value {
    event["detail"]["mail"]["messageId"] = message_id.into();
    event["detail"]["mail"]["timestamp"] = sent_at.into();
    event
}

/// SES's `Send` event of the email of `kind` to `registration`.
fn send_event(registration: &Registration, kind: &str) -> Value {
    about("ses-send.json", registration, kind)
}

/// The metric lines (Embedded Metric Format) in the function's logs.
fn metrics(logs: &str) -> Vec<Value> {
    logs.lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter(|line| line.get("_aws").is_some())
        .collect()
}

fn count(metrics: &[Value], name: &str) -> usize {
    metrics.iter().filter(|m| m.get(name).is_some()).count()
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
        let dynamodb = registration::platform::aws::dynamodb(&sdk);
        let table = unique("feedback");
        system_tests::table::create_from_template(&dynamodb, &table)
            .await
            .unwrap();
        let mut env: HashMap<String, String> = system_tests::aws_env();
        env.extend(system_tests::seed_env(&table, EVENT));
        env.insert("SES_CONFIGURATION_SET".into(), CONFIGURATION_SET.into());
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
    feedback.send(send_event(&registration, "link")).await;
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

    let metrics = metrics(&feedback.process.logs());
    let count = |name: &str| count(&metrics, name);
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

#[tokio::test]
async fn a_send_event_counts_its_email_once_whether_repeated_or_after_its_delivery() {
    let feedback = Feedback::start().await;
    let first = feedback.registration().await;
    let second = feedback.registration().await;
    // At least once: the same Send twice, and a Delivery in between.
    feedback.send(send_event(&first, "link")).await;
    feedback
        .send(about("ses-delivery.json", &first, "link"))
        .await;
    let again = feedback.send(send_event(&first, "link")).await;
    assert_eq!(again["outcome"], "already-known", "{again}");
    // In any order: the Delivery before the Send, then the Send redelivered.
    feedback
        .send(about("ses-delivery.json", &second, "confirmation"))
        .await;
    for _ in 0..2 {
        feedback.send(send_event(&second, "confirmation")).await;
    }
    // A resend is another email: counted.
    let resend = of_message(
        send_event(&first, "link"),
        "0100018377f7a3b1-resend",
        "2022-09-27T06:00:00.000Z",
    );
    feedback.send(resend.clone()).await;
    feedback.send(resend).await;

    let metrics = metrics(&feedback.process.logs());
    assert_eq!(count(&metrics, "EmailsSent"), 3, "{metrics:?}");
    let now = feedback.now(&first).await;
    let link = now.feedback(Outbox::Link).unwrap();
    assert_eq!(link.state, "sent", "the resend has no news yet");
    assert_eq!(link.message_id.as_deref(), Some("0100018377f7a3b1-resend"));
    let confirmation = feedback.now(&second).await;
    assert_eq!(
        confirmation.feedback(Outbox::Confirmation).unwrap().state,
        "delivered",
        "a Send after its Delivery leaves the delivery"
    );
}

#[tokio::test]
async fn a_resend_delivered_after_the_first_email_bounced_shows_delivered_and_late_news_of_the_first_never_undoes_it()
 {
    let feedback = Feedback::start().await;
    let registration = feedback.registration().await;
    let first = |name| {
        of_message(
            about(name, &registration, "link"),
            "0100018377f7a3b1-first",
            "2022-09-27T05:00:01.012Z",
        )
    };
    let resend = |name| {
        of_message(
            about(name, &registration, "link"),
            "0100018377f7a3b1-resend",
            "2022-09-27T09:00:00.000Z",
        )
    };
    feedback
        .send(first("ses-bounce-transient-mailbox-full.json"))
        .await;
    let delivered = feedback.send(resend("ses-delivery.json")).await;
    assert_eq!(delivered["outcome"], "recorded", "{delivered}");
    let link = |r: &Registration| r.feedback(Outbox::Link).cloned().unwrap();
    let after_resend = feedback.now(&registration).await;
    assert_eq!(link(&after_resend).state, "delivered");
    assert_eq!(
        link(&after_resend).message_id.as_deref(),
        Some("0100018377f7a3b1-resend")
    );

    // Late news of the first email: a repeated bounce, a delay.
    for name in [
        "ses-bounce-transient-mailbox-full.json",
        "ses-delivery-delay.json",
    ] {
        let answer = feedback.send(first(name)).await;
        assert_eq!(answer["outcome"], "already-known", "{name}: {answer}");
    }
    assert_eq!(feedback.now(&registration).await, after_resend);
    // Nor does the resend's own late, lower news.
    feedback.send(resend("ses-delivery-delay.json")).await;
    assert_eq!(feedback.now(&registration).await, after_resend);

    // A permanent bounce of the first email still makes the address
    // unreachable for good; the resend's news stays.
    let bounced = feedback
        .send(first("ses-bounce-permanent-general.json"))
        .await;
    assert_eq!(bounced["outcome"], "recorded", "{bounced}");
    let now = feedback.now(&registration).await;
    assert!(now.unreachable);
    assert_eq!(link(&now), link(&after_resend));
    feedback.send(resend("ses-delivery.json")).await;
    assert!(feedback.now(&registration).await.unreachable);
}

#[tokio::test]
async fn an_event_of_another_configuration_set_is_ignored_and_logged_without_an_address() {
    let feedback = Feedback::start().await;
    let registration = feedback.registration().await;
    let before = feedback.now(&registration).await;
    let mut another_stack = about("ses-bounce-permanent-general.json", &registration, "link");
    another_stack["detail"]["mail"]["tags"]["ses:configuration-set"] =
        serde_json::json!(["another-stack-feedback"]);
    let mut no_set = about("ses-complaint.json", &registration, "link");
    no_set["detail"]["mail"]["tags"]
        .as_object_mut()
        .unwrap()
        .remove("ses:configuration-set");
    let mut another_stack_send = send_event(&registration, "link");
    another_stack_send["detail"]["mail"]["tags"]["ses:configuration-set"] =
        serde_json::json!(["another-stack-feedback"]);
    for event in [another_stack, no_set, another_stack_send] {
        let answer = feedback.send(event).await;
        assert_eq!(answer["outcome"], "ignored", "{answer}");
        assert_eq!(answer["why"], "another configuration set's email");
    }
    assert_eq!(feedback.now(&registration).await, before, "nothing written");

    let logs = feedback.process.logs();
    let ignored: Vec<&str> = logs
        .lines()
        .filter(|line| line.contains("another configuration set's email"))
        .collect();
    assert_eq!(ignored.len(), 3, "{logs}");
    for line in &ignored {
        assert!(line.contains("INFO"), "{line}");
    }
    assert_eq!(count(&metrics(&logs), "EmailsSent"), 0, "{logs}");
    assert!(
        !logs
            .to_lowercase()
            .contains(&registration.email.to_lowercase()),
        "the address in the logs"
    );
}

#[tokio::test]
async fn racing_deliveries_of_one_send_count_it_once_and_keep_the_highest_news() {
    use registration::domain::feedback::{DeliveryNews, EmailEvent};
    use registration::store::FeedbackOutcome;
    let feedback = Feedback::start().await;
    let registration = feedback.registration().await;
    let event = |news| EmailEvent {
        kind: Outbox::Link,
        message_id: "0100018377f7a3b1-raced".into(),
        sent_at: Some("2022-09-27T05:00:01Z".parse().unwrap()),
        news,
        at: "2022-09-27T05:00:03Z".parse().unwrap(),
    };
    let mut events = vec![event(DeliveryNews::Sent); 6];
    events.extend(vec![event(DeliveryNews::Delivered); 3]);
    events.push(event(DeliveryNews::Bounced {
        bounce_type: "Transient".into(),
        subtype: "MailboxFull".into(),
    }));
    let key = registration.key();
    let outcomes = futures::future::join_all(events.iter().map(|e| {
        feedback
            .store
            .record_feedback(&key, &registration.registration_id, e)
    }))
    .await;
    let sends_recorded = outcomes[..6]
        .iter()
        .filter(|o| matches!(o, Ok(FeedbackOutcome::Recorded)))
        .count();
    assert_eq!(sends_recorded, 1, "{outcomes:?}");
    assert!(outcomes.iter().all(Result::is_ok), "{outcomes:?}");
    let link = feedback.now(&registration).await.link_feedback.unwrap();
    assert_eq!(link.state, "bounced");
    assert!(link.send_counted);
}
