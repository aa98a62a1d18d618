//! The storage and mail adapters, directly against DynamoDB Local and the SES
//! emulator: no mocks, each test with its own table.

use aws_sdk_dynamodb::types::AttributeValue;
use jiff::{SignedDuration, Timestamp};
use registration::config::Sender;
use registration::domain::{EmailAddress, RegistrationStatus};
use registration::mail::{EmailAttachment, MailError, Mailer, OutgoingEmail, SesMailer};
use registration::store::{
    ConfirmOutcome, CreateError, DynamoStore, Lease, MAX_EMAIL_ATTEMPTS, MAX_LIVE_TOKENS, Outbox,
    Registration, RegistrationStore,
};
use std::collections::HashMap;
use system_tests::{Mailbox, sdk_config, unique, unique_email};

struct Table {
    name: String,
    client: aws_sdk_dynamodb::Client,
    store: DynamoStore,
}

async fn fresh_table() -> Table {
    let client = registration::aws::dynamodb(&sdk_config().await);
    let name = unique("adapters");
    system_tests::table::create_from_template(&client, &name)
        .await
        .expect("the table is created from template.yaml");
    Table {
        store: DynamoStore::new(client.clone(), &name),
        client,
        name,
    }
}

impl Table {
    async fn items(&self) -> Vec<HashMap<String, AttributeValue>> {
        let mut items = Vec::new();
        let mut start = None;
        loop {
            let page = self
                .client
                .scan()
                .table_name(&self.name)
                .consistent_read(true)
                .set_exclusive_start_key(start)
                .send()
                .await
                .expect("scan");
            items.extend(page.items().iter().cloned());
            match page.last_evaluated_key {
                Some(key) => start = Some(key),
                None => return items,
            }
        }
    }

    async fn keys(&self) -> Vec<String> {
        let mut keys: Vec<String> = self
            .items()
            .await
            .iter()
            .map(|item| item["pk"].as_s().expect("a string key").clone())
            .collect();
        keys.sort();
        keys
    }

    async fn get(&self, pk: &str) -> Registration {
        self.store.get(pk).await.expect("read").expect("present")
    }

    /// Every key in an outbox, following the pages `limit` at a time.
    async fn all_due(&self, event_id: &str, outbox: Outbox, limit: i32) -> (Vec<String>, usize) {
        let mut keys = Vec::new();
        let mut pages = 0;
        let mut after = None;
        loop {
            let page = self
                .store
                .due(event_id, outbox, after, limit)
                .await
                .expect("query the outbox");
            pages += 1;
            assert!(
                page.keys.len() <= limit as usize,
                "a page holds at most the limit"
            );
            keys.extend(page.keys);
            match page.next {
                Some(next) => after = Some(next),
                None => return (keys, pages),
            }
        }
    }
}

fn at(text: &str) -> Timestamp {
    text.parse().expect("an instant")
}

fn t0() -> Timestamp {
    at("2022-09-20T04:00:00Z")
}

/// A registration built by hand, as the registrar would store it.
fn registration(event_id: &str, email: &str, registered_at: Timestamp) -> Registration {
    Registration {
        pk: Registration::key(event_id, &email.to_lowercase()),
        event_id: event_id.to_owned(),
        registration_id: uuid::Uuid::new_v4().to_string(),
        full_name: "Dilnoza Karimova".into(),
        email: email.to_owned(),
        country: "UZ".into(),
        organization: "Tashkent Battery Lab".into(),
        designation: Some("Engineer".into()),
        phone: Some("+998 71 123 4567".into()),
        status: RegistrationStatus::Pending,
        registered_at,
        confirmed_at: None,
        link_base: "https://register.example.org".into(),
        confirmation_email_at: Some(registered_at),
        confirmation_message_id: None,
        confirmation_attempts: 0,
        outbox: Some(Outbox::Confirmation.queue(event_id)),
        lease_until: None,
        lease_owner: None,
        link_sent_at: None,
        link_message_id: None,
        link_attempts: 0,
        last_email_error: None,
        // 2032: DynamoDB Local expires items by the real clock.
        expires_at: at("2032-09-28T05:00:00Z").as_second(),
    }
}

fn lease(owner: &str, until: Timestamp) -> Lease {
    Lease {
        owner: owner.into(),
        until,
    }
}

// ---------------------------------------------------------------- DynamoStore

/// The functions' store asks DynamoDB for nothing it does not need; the metered one
/// (for the benchmarks) sums the units DynamoDB reports, for every kind of call.
#[tokio::test]
async fn only_a_metered_store_counts_request_units() {
    let table = fresh_table().await;
    let metered = DynamoStore::metered(table.client.clone(), &table.name);
    let event = unique("event");
    let plain = registration(&event, &unique_email(), t0());
    table.store.create_pending(&plain, "h").await.unwrap();
    table.store.get(&plain.pk).await.unwrap();
    assert_eq!(table.store.consumed(), Default::default());

    let counted = registration(&event, &unique_email(), t0());
    metered.create_pending(&counted, "h").await.unwrap();
    let after_put = metered.consumed();
    assert!(after_put.write_units >= 1.0, "{after_put:?}");
    assert_eq!(after_put.read_units, 0.0);
    metered.get(&counted.pk).await.unwrap();
    let after_get = metered.consumed();
    assert_eq!(after_get.write_units, after_put.write_units);
    assert!(after_get.read_units >= 1.0, "{after_get:?}");
    // Clones share one meter.
    assert!(metered.clone().add_token(&counted, "h2").await.unwrap());
    assert!(metered.consumed().write_units > after_get.write_units);
    assert_eq!(table.store.consumed(), Default::default());
}

/// However often a pending address is submitted again or its email retried, the
/// registration holds at most `MAX_LIVE_TOKENS` links, and the first stay valid.
#[tokio::test]
async fn a_registration_holds_at_most_max_live_tokens() {
    let table = fresh_table().await;
    let r = registration(&unique("event"), &unique_email(), t0());
    table.store.create_pending(&r, "hash-0").await.unwrap();
    for i in 1..MAX_LIVE_TOKENS {
        assert!(
            table
                .store
                .add_token(&r, &format!("hash-{i}"))
                .await
                .unwrap(),
            "token {i}"
        );
    }
    assert!(
        !table.store.add_token(&r, "one-too-many").await.unwrap(),
        "no room for another"
    );
    let due = t0() + SignedDuration::from_hours(1);
    assert!(
        !table
            .store
            .renew_confirmation(&r, "one-too-many", due, due, &lease("resend", due))
            .await
            .unwrap(),
        "nor a re-sent confirmation"
    );
    for hash in ["hash-0", "hash-19"] {
        assert_eq!(
            table.store.find_by_token(&r.pk, hash).await.unwrap(),
            Some(r.clone()),
            "{hash}"
        );
    }
    assert_eq!(
        table
            .store
            .find_by_token(&r.pk, "one-too-many")
            .await
            .unwrap(),
        None
    );
    let hashes = table.items().await[0]["token_hashes"].as_l().unwrap().len();
    assert_eq!(hashes, MAX_LIVE_TOKENS);
}

#[tokio::test]
async fn create_pending_twice_for_one_key_gives_already_registered_and_keeps_one_item() {
    let table = fresh_table().await;
    let event = unique("event");
    let email = unique_email();
    let first = registration(&event, &email, t0());
    table
        .store
        .create_pending(&first, "hash-one")
        .await
        .expect("first create");
    assert_eq!(table.keys().await, vec![first.pk.clone()], "one item");
    assert_eq!(
        table
            .store
            .find_by_token(&first.pk, "hash-one")
            .await
            .unwrap(),
        Some(first.clone()),
        "holding its first token"
    );

    let mut second = registration(&event, &email, t0() + SignedDuration::from_mins(1));
    second.full_name = "Someone Else".into();
    let err = table
        .store
        .create_pending(&second, "hash-two")
        .await
        .expect_err("the same key again");
    match err {
        CreateError::AlreadyRegistered(Some(stored)) => {
            assert_eq!(*stored, first, "with the registration that holds the key")
        }
        other => panic!("expected AlreadyRegistered, got {other:?}"),
    }
    assert_eq!(table.keys().await, vec![first.pk.clone()], "no second item");
    assert_eq!(
        table
            .store
            .find_by_token(&first.pk, "hash-two")
            .await
            .unwrap(),
        None,
        "and no second token"
    );
    assert_eq!(
        table.get(&first.pk).await,
        first,
        "the first is kept as it was"
    );
}

#[tokio::test]
async fn storing_the_same_registration_again_succeeds_and_changes_nothing() {
    // What the SDK does when a put's answer is lost: it sends the put again.
    let table = fresh_table().await;
    let r = registration(&unique("event"), &unique_email(), t0());
    table.store.create_pending(&r, "hash-one").await.unwrap();
    let before = table.items().await;
    table
        .store
        .create_pending(&r, "hash-one")
        .await
        .expect("the same registration again is not a duplicate");
    assert_eq!(table.items().await, before, "nothing changed");
    assert_eq!(
        table.store.find_by_token(&r.pk, "hash-one").await.unwrap(),
        Some(r.clone())
    );
}

#[tokio::test]
async fn remove_token_takes_back_one_token_and_only_that_one() {
    let table = fresh_table().await;
    let r = registration(&unique("event"), &unique_email(), t0());
    table.store.create_pending(&r, "first").await.unwrap();
    for hash in ["second", "third"] {
        assert!(table.store.add_token(&r, hash).await.unwrap());
    }
    assert!(table.store.remove_token(&r.pk, "second").await.unwrap());
    assert_eq!(
        table.store.find_by_token(&r.pk, "second").await.unwrap(),
        None
    );
    let hashes: Vec<String> = table.items().await[0]["token_hashes"]
        .as_l()
        .unwrap()
        .iter()
        .map(|h| h.as_s().unwrap().clone())
        .collect();
    assert_eq!(hashes, ["first", "third"]);
    assert!(
        !table.store.remove_token(&r.pk, "second").await.unwrap(),
        "not held any more"
    );
    assert!(
        !table
            .store
            .remove_token(&Registration::key("e", "nobody@example.org"), "first")
            .await
            .unwrap(),
        "no such registration"
    );
    assert_eq!(table.keys().await, vec![r.pk.clone()], "nothing created");
}

#[tokio::test]
async fn find_by_token_finds_the_registration_by_the_right_hash_only() {
    let table = fresh_table().await;
    let event = unique("event");
    let r = registration(&event, &unique_email(), t0());
    table.store.create_pending(&r, "right-hash").await.unwrap();

    assert_eq!(
        table
            .store
            .find_by_token(&r.pk, "right-hash")
            .await
            .unwrap(),
        Some(r.clone())
    );
    assert_eq!(
        table
            .store
            .find_by_token(&r.pk, "wrong-hash")
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        table.store.find_by_token(&r.pk, "right-has").await.unwrap(),
        None,
        "a prefix of the hash is not the hash"
    );
    let same_key_elsewhere = Registration::key_of("another-event", r.registration_key());
    assert_eq!(
        table
            .store
            .find_by_token(&same_key_elsewhere, "right-hash")
            .await
            .unwrap(),
        None,
        "a token is only found for its own event"
    );
    assert_eq!(
        table
            .store
            .find_by_token(
                &Registration::key(&event, "nobody@example.org"),
                "right-hash"
            )
            .await
            .unwrap(),
        None,
        "nor for another registration"
    );

    // A token added later finds the same registration; the first still works.
    assert!(table.store.add_token(&r, "second-hash").await.unwrap());
    assert_eq!(
        table
            .store
            .find_by_token(&r.pk, "second-hash")
            .await
            .unwrap(),
        Some(r.clone())
    );
    assert_eq!(
        table
            .store
            .find_by_token(&r.pk, "right-hash")
            .await
            .unwrap(),
        Some(r.clone())
    );
    assert_eq!(table.keys().await, vec![r.pk], "still one item");
}

#[tokio::test]
async fn confirm_moves_a_pending_registration_to_the_link_outbox_once_and_is_idempotent() {
    let table = fresh_table().await;
    let event = unique("event");
    let mut r = registration(&event, &unique_email(), t0());
    r.lease_until = Some((t0() + SignedDuration::from_mins(2)).as_millisecond());
    r.lease_owner = Some("register:x".into());
    table.store.create_pending(&r, "h").await.unwrap();

    let first_at = t0() + SignedDuration::from_hours(1);
    let pending = table.get(&r.pk).await;
    let confirmed = match table.store.confirm(&pending, first_at).await.unwrap() {
        ConfirmOutcome::Confirmed(confirmed) => confirmed,
        other => panic!("expected Confirmed, got {other:?}"),
    };
    assert_eq!(confirmed.status, RegistrationStatus::Confirmed);
    assert_eq!(confirmed.confirmed_at, Some(first_at));
    assert_eq!(confirmed.outbox, Some(Outbox::Link.queue(&event)));
    assert_eq!(
        (confirmed.lease_until, confirmed.lease_owner.clone()),
        (None, None)
    );
    assert_eq!(
        table.get(&r.pk).await,
        confirmed,
        "what is returned is what is stored"
    );

    let later = first_at + SignedDuration::from_hours(5);
    let again = table.store.confirm(&confirmed, later).await.unwrap();
    assert_eq!(again, ConfirmOutcome::AlreadyConfirmed(confirmed.clone()));
    // A click that read the registration while it was still pending, and writes
    // after another click confirmed it, finds it already confirmed.
    let raced = table.store.confirm(&pending, later).await.unwrap();
    assert_eq!(raced, ConfirmOutcome::AlreadyConfirmed(confirmed.clone()));
    assert_eq!(
        table.get(&r.pk).await,
        confirmed,
        "a second confirm changes nothing"
    );

    // A registration that is not stored is not found, and confirming it writes nothing.
    let absent = registration(&event, "nobody@example.org", t0());
    assert_eq!(
        table.store.confirm(&absent, first_at).await.unwrap(),
        ConfirmOutcome::NotFound
    );
    let mut cancelled = pending.clone();
    cancelled.status = RegistrationStatus::Cancelled;
    assert_eq!(
        table.store.confirm(&cancelled, first_at).await.unwrap(),
        ConfirmOutcome::NotFound
    );
    assert_eq!(table.keys().await, vec![r.pk.clone()], "still one item");
    assert_eq!(table.get(&r.pk).await, confirmed);
}

#[tokio::test]
async fn a_claim_holds_until_its_lease_expires_and_then_another_sender_may_claim() {
    let table = fresh_table().await;
    let event = unique("event");
    let r = registration(&event, &unique_email(), t0());
    table.store.create_pending(&r, "h").await.unwrap();
    let queue = Outbox::Confirmation.queue(&event);
    let now = t0() + SignedDuration::from_mins(5);
    let until = now + SignedDuration::from_mins(2);

    let claimed = table
        .store
        .claim(&r.pk, &queue, &lease("sender-a", until), now)
        .await
        .unwrap()
        .expect("a free registration is claimed");
    assert_eq!(claimed.lease_owner.as_deref(), Some("sender-a"));
    assert_eq!(claimed.lease_until, Some(until.as_millisecond()));
    assert_eq!(claimed.email, r.email);

    let before_expiry = now + SignedDuration::from_secs(119);
    assert_eq!(
        table
            .store
            .claim(
                &r.pk,
                &queue,
                &lease("sender-b", before_expiry + SignedDuration::from_mins(2)),
                before_expiry
            )
            .await
            .unwrap(),
        None,
        "held by sender-a"
    );
    assert_eq!(
        table.get(&r.pk).await.lease_owner.as_deref(),
        Some("sender-a")
    );

    let after_expiry = until + SignedDuration::from_secs(1);
    let taken = table
        .store
        .claim(
            &r.pk,
            &queue,
            &lease("sender-b", after_expiry + SignedDuration::from_mins(2)),
            after_expiry,
        )
        .await
        .unwrap()
        .expect("an expired lease is free again");
    assert_eq!(taken.lease_owner.as_deref(), Some("sender-b"));

    assert_eq!(
        table
            .store
            .claim(
                &r.pk,
                &Outbox::Link.queue(&event),
                &lease("sender-c", at("2030-01-01T00:00:00Z")),
                at("2029-01-01T00:00:00Z")
            )
            .await
            .unwrap(),
        None,
        "a registration is only claimed from the outbox it waits in"
    );
}

#[tokio::test]
async fn record_sent_by_another_owner_returns_false_and_leaves_the_outbox_and_by_the_owner_clears_it()
 {
    let table = fresh_table().await;
    let event = unique("event");
    let r = registration(&event, &unique_email(), t0());
    table.store.create_pending(&r, "h").await.unwrap();
    let queue = Outbox::Confirmation.queue(&event);
    let now = t0() + SignedDuration::from_mins(5);
    table
        .store
        .claim(
            &r.pk,
            &queue,
            &lease("owner", now + SignedDuration::from_mins(2)),
            now,
        )
        .await
        .unwrap()
        .expect("claimed");

    let sent_at = now + SignedDuration::from_secs(3);
    assert!(
        !table
            .store
            .record_sent(&r.pk, Outbox::Confirmation, "intruder", "msg-1", sent_at)
            .await
            .unwrap()
    );
    let untouched = table.get(&r.pk).await;
    assert_eq!(untouched.outbox, Some(queue.clone()));
    assert_eq!(untouched.lease_owner.as_deref(), Some("owner"));
    assert_eq!(untouched.confirmation_message_id, None);
    assert_eq!(
        table.all_due(&event, Outbox::Confirmation, 10).await.0,
        vec![r.pk.clone()]
    );

    assert!(
        table
            .store
            .record_sent(&r.pk, Outbox::Confirmation, "owner", "msg-1", sent_at)
            .await
            .unwrap()
    );
    let sent = table.get(&r.pk).await;
    assert_eq!(sent.outbox, None);
    assert_eq!((sent.lease_until, sent.lease_owner), (None, None));
    assert_eq!(sent.confirmation_message_id.as_deref(), Some("msg-1"));
    assert_eq!(sent.confirmation_email_at, Some(sent_at));
    assert!(
        table
            .all_due(&event, Outbox::Confirmation, 10)
            .await
            .0
            .is_empty()
    );
    assert!(
        !table
            .store
            .record_sent(&r.pk, Outbox::Confirmation, "owner", "msg-2", sent_at)
            .await
            .unwrap(),
        "recording twice is refused"
    );
    assert_eq!(
        table.get(&r.pk).await.confirmation_message_id.as_deref(),
        Some("msg-1")
    );
}

#[tokio::test]
async fn record_failure_counts_attempts_and_after_max_email_attempts_takes_the_registration_out_of_the_outbox()
 {
    let table = fresh_table().await;
    let event = unique("event");
    let mut r = registration(&event, &unique_email(), t0());
    r.status = RegistrationStatus::Confirmed;
    r.confirmed_at = Some(t0());
    r.outbox = Some(Outbox::Link.queue(&event));
    table.store.create_pending(&r, "h").await.unwrap();
    let queue = Outbox::Link.queue(&event);
    let mut now = t0() + SignedDuration::from_hours(1);

    // An outage (not counted) releases the lease and records the reason.
    table
        .store
        .claim(
            &r.pk,
            &queue,
            &lease("run-0", now + SignedDuration::from_mins(2)),
            now,
        )
        .await
        .unwrap()
        .expect("claimed");
    table
        .store
        .record_failure(
            &r.pk,
            Outbox::Link,
            "run-0",
            "SES unavailable: outage",
            false,
        )
        .await
        .unwrap();
    let after_outage = table.get(&r.pk).await;
    assert_eq!(after_outage.link_attempts, 0);
    assert_eq!(
        after_outage.last_email_error.as_deref(),
        Some("SES unavailable: outage")
    );
    assert_eq!(
        (after_outage.lease_until, after_outage.lease_owner),
        (None, None)
    );
    assert_eq!(after_outage.outbox, Some(queue.clone()));

    // A failure reported by someone who does not hold the lease changes nothing.
    table
        .store
        .claim(
            &r.pk,
            &queue,
            &lease("holder", now + SignedDuration::from_mins(2)),
            now,
        )
        .await
        .unwrap()
        .expect("claimed");
    table
        .store
        .record_failure(&r.pk, Outbox::Link, "stranger", "nope", true)
        .await
        .unwrap();
    let held = table.get(&r.pk).await;
    assert_eq!(
        (held.link_attempts, held.lease_owner.as_deref()),
        (0, Some("holder"))
    );
    table
        .store
        .record_failure(&r.pk, Outbox::Link, "holder", "released", false)
        .await
        .unwrap();

    for attempt in 1..=MAX_EMAIL_ATTEMPTS {
        now += SignedDuration::from_mins(10);
        let owner = format!("run-{attempt}");
        table
            .store
            .claim(
                &r.pk,
                &queue,
                &lease(&owner, now + SignedDuration::from_mins(2)),
                now,
            )
            .await
            .unwrap()
            .unwrap_or_else(|| panic!("claimed for attempt {attempt}"));
        let reason = format!("SES rejected the message (MessageRejected {attempt})");
        table
            .store
            .record_failure(&r.pk, Outbox::Link, &owner, &reason, true)
            .await
            .unwrap();
        let stored = table.get(&r.pk).await;
        assert_eq!(stored.link_attempts, attempt);
        assert_eq!(stored.last_email_error.as_deref(), Some(reason.as_str()));
        assert_eq!(
            (stored.lease_until, stored.lease_owner.clone()),
            (None, None)
        );
        let due = table.all_due(&event, Outbox::Link, 10).await.0;
        if attempt < MAX_EMAIL_ATTEMPTS {
            assert_eq!(
                stored.outbox,
                Some(queue.clone()),
                "attempt {attempt}: still owed"
            );
            assert_eq!(due, vec![r.pk.clone()]);
        } else {
            assert_eq!(
                stored.outbox, None,
                "given up after {MAX_EMAIL_ATTEMPTS} attempts"
            );
            assert!(due.is_empty(), "no longer due: {due:?}");
            assert_eq!(
                stored.status,
                RegistrationStatus::Confirmed,
                "the registration itself is kept"
            );
        }
    }
    now += SignedDuration::from_mins(10);
    assert_eq!(
        table
            .store
            .claim(
                &r.pk,
                &queue,
                &lease("run-late", now + SignedDuration::from_mins(2)),
                now
            )
            .await
            .unwrap(),
        None,
        "a registration given up on cannot be claimed"
    );
    assert_eq!(
        table.store.count_due(&event, Outbox::Link).await.unwrap(),
        0
    );
}

#[tokio::test]
async fn due_pages_oldest_first_and_count_due_counts_only_the_given_events_outbox() {
    let table = fresh_table().await;
    let event = unique("event");
    let other_event = unique("event");
    let mut expected = Vec::new();
    for i in 0..7 {
        let r = registration(&event, &unique_email(), t0() + SignedDuration::from_secs(i));
        expected.push(r.pk.clone());
        table
            .store
            .create_pending(&r, &format!("h-{i}"))
            .await
            .unwrap();
    }
    // Created out of order: the index orders by registration time, not by writes.
    let earliest = registration(
        &event,
        &unique_email(),
        t0() - SignedDuration::from_hours(1),
    );
    table
        .store
        .create_pending(&earliest, "h-early")
        .await
        .unwrap();
    expected.insert(0, earliest.pk.clone());
    for i in 0..3 {
        let r = registration(
            &other_event,
            &unique_email(),
            t0() + SignedDuration::from_secs(i),
        );
        table
            .store
            .create_pending(&r, &format!("o-{i}"))
            .await
            .unwrap();
    }
    let mut linked = registration(&event, &unique_email(), t0());
    linked.status = RegistrationStatus::Confirmed;
    linked.outbox = Some(Outbox::Link.queue(&event));
    table.store.create_pending(&linked, "h-link").await.unwrap();
    let mut done = registration(&event, &unique_email(), t0());
    done.outbox = None;
    table.store.create_pending(&done, "h-done").await.unwrap();

    let (keys, pages) = table.all_due(&event, Outbox::Confirmation, 3).await;
    assert_eq!(
        keys, expected,
        "every due registration of the event, oldest first"
    );
    assert!(
        pages >= 3,
        "8 keys in pages of 3 take at least 3 pages, took {pages}"
    );

    let first = table
        .store
        .due(&event, Outbox::Confirmation, None, 3)
        .await
        .unwrap();
    assert_eq!(first.keys, expected[..3]);
    assert!(first.next.is_some());

    assert_eq!(
        table
            .store
            .count_due(&event, Outbox::Confirmation)
            .await
            .unwrap(),
        8
    );
    assert_eq!(
        table
            .store
            .count_due(&other_event, Outbox::Confirmation)
            .await
            .unwrap(),
        3
    );
    assert_eq!(
        table.store.count_due(&event, Outbox::Link).await.unwrap(),
        1
    );
    assert_eq!(
        table.all_due(&event, Outbox::Link, 3).await.0,
        vec![linked.pk.clone()]
    );
    assert_eq!(
        table
            .store
            .count_due("no-such-event", Outbox::Confirmation)
            .await
            .unwrap(),
        0
    );
}

// ---------------------------------------------------------------- SesMailer

#[tokio::test]
async fn ses_mailer_sends_the_text_part_the_html_part_and_the_attachment_as_given() {
    let sdk = sdk_config().await;
    let sender = Sender::parse("BTBU-ECOSF Training <training@example.org>").unwrap();
    let mailer = SesMailer::new(registration::aws::sesv2(&sdk), sender);
    let to = unique_email();
    let calendar = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nSUMMARY:Çağrı's webinar\r\nEND:VCALENDAR\r\n";
    let email = OutgoingEmail {
        to: EmailAddress::parse(&to).unwrap(),
        subject: "Your Zoom link: Powering Belt and Road Lithium-ion batteries".into(),
        text: "Dear Алексей,\n\nJoin here: https://zoom.example/j/1\n".into(),
        html: "<p>Dear Алексей,</p><p><a href=\"https://zoom.example/j/1\">Join</a></p>".into(),
        attachments: vec![EmailAttachment {
            file_name: "invitation.ics".into(),
            content_type: "text/calendar; charset=UTF-8; method=PUBLISH".into(),
            content: calendar.as_bytes().to_vec(),
        }],
    };
    let message_id = mailer.send(&email).await.expect("sent");
    assert!(!message_id.is_empty());

    let emails = Mailbox::from_env().to(&to).await;
    assert_eq!(emails.len(), 1);
    let mail = &emails[0];
    assert_eq!(mail.message_id, message_id);
    assert_eq!(mail.from, "BTBU-ECOSF Training <training@example.org>");
    assert_eq!(mail.destination.to, vec![to.clone()]);
    assert!(mail.destination.cc.is_empty() && mail.destination.bcc.is_empty());
    assert_eq!(mail.subject, email.subject);
    assert_eq!(mail.text(), email.text);
    assert_eq!(mail.html(), email.html);
    assert_eq!(mail.attachments.len(), 1);
    let attachment = &mail.attachments[0];
    assert_eq!(attachment.filename.as_deref(), Some("invitation.ics"));
    assert!(
        attachment
            .content_type
            .as_deref()
            .unwrap_or_default()
            .starts_with("text/calendar"),
        "{:?}",
        attachment.content_type
    );
    assert_eq!(attachment.text(), calendar);
}

#[tokio::test]
async fn ses_mailer_reports_an_unreachable_endpoint_as_a_failed_connection() {
    let mailer = SesMailer::new(
        system_tests::unreachable_sesv2().await,
        Sender::parse("training@example.org").unwrap(),
    );
    let to = unique_email();
    let err = mailer
        .send(&OutgoingEmail {
            to: EmailAddress::parse(&to).unwrap(),
            subject: "s".into(),
            text: "t".into(),
            html: "<p>h</p>".into(),
            attachments: Vec::new(),
        })
        .await
        .expect_err("nothing listens on port 9");
    assert!(matches!(err, MailError::ConnectionFailed(_)), "{err:?}");
    assert!(err.nothing_sent(), "refused before anything was sent");
    assert!(Mailbox::from_env().to(&to).await.is_empty());
}

/// A listener that takes connections, counts them and never answers.
async fn silent_listener() -> (
    String,
    std::sync::Arc<std::sync::atomic::AtomicUsize>,
    tokio::task::JoinHandle<()>,
) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let endpoint = format!("http://{}", listener.local_addr().unwrap());
    let accepted = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let count = std::sync::Arc::clone(&accepted);
    let hold = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            count.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            held.push(socket);
        }
    });
    (endpoint, accepted, hold)
}

#[tokio::test]
async fn a_service_that_accepts_and_never_answers_is_an_outage_not_a_hang() {
    let (dynamodb_endpoint, _, dynamodb_hold) = silent_listener().await;
    let (ses_endpoint, ses_connections, ses_hold) = silent_listener().await;
    // The functions' own SDK clients, aimed at the listeners.
    let config = registration::aws::sdk_config().await;
    let dynamodb = aws_sdk_dynamodb::Client::from_conf(
        registration::aws::dynamodb(&config)
            .config()
            .to_builder()
            .endpoint_url(&dynamodb_endpoint)
            .build(),
    );
    let sesv2 = aws_sdk_sesv2::Client::from_conf(
        registration::aws::sesv2(&config)
            .config()
            .to_builder()
            .endpoint_url(&ses_endpoint)
            .build(),
    );
    let store = DynamoStore::new(dynamodb, "registrations");
    let mailer = SesMailer::new(sesv2, Sender::parse("training@example.org").unwrap());
    let email = OutgoingEmail {
        to: EmailAddress::parse(&unique_email()).unwrap(),
        subject: "s".into(),
        text: "t".into(),
        html: "<p>h</p>".into(),
        attachments: Vec::new(),
    };
    // Without the SDK's timeouts both calls would wait forever; the outer bound
    // only turns such a hang into a failure of this test.
    let (read, send) = tokio::time::timeout(std::time::Duration::from_secs(60), async {
        tokio::join!(store.get("EVENT#e#REG#k"), mailer.send(&email))
    })
    .await
    .expect("both calls give up on their own");
    assert!(
        matches!(read, Err(registration::store::StoreError::Unavailable(_))),
        "{read:?}"
    );
    assert!(matches!(send, Err(MailError::Unavailable(_))), "{send:?}");
    // An SES attempt that may have sent its email is not sent again.
    assert_eq!(
        ses_connections.load(std::sync::atomic::Ordering::SeqCst),
        1,
        "one SES attempt"
    );
    dynamodb_hold.abort();
    ses_hold.abort();
}

#[tokio::test]
async fn ses_failures_are_classified_by_code_and_by_bare_http_status() {
    use registration::mail::{MailError, Mailer, SesMailer};
    let front = system_tests::faulty_ses::FaultySes::over_the_emulator().await;
    let mailer = SesMailer::new(
        front.client().await,
        registration::config::Sender::parse("Training <training@example.org>").unwrap(),
    );
    let address = system_tests::unique_email();
    let email = registration::mail::OutgoingEmail {
        to: registration::domain::EmailAddress::parse(&address).unwrap(),
        subject: "s".into(),
        text: "t".into(),
        html: "<p>h</p>".into(),
        attachments: vec![],
    };
    for (status, expected) in [
        (503u16, "server error"),
        (500, "server error"),
        (429, "throttled"),
        (400, "rejected"),
    ] {
        *front.faults.bare_status.lock().unwrap() = Some(status);
        let got = match mailer.send(&email).await {
            Err(MailError::Unavailable(_)) => "unavailable",
            Err(MailError::ServerError(_)) => "server error",
            Err(MailError::ConnectionFailed(_)) => "no answer",
            Err(MailError::Throttled) => "throttled",
            Err(MailError::Deferred) => "deferred",
            Err(MailError::Rejected(_)) => "rejected",
            Ok(_) => "sent",
        };
        assert_eq!(got, expected, "HTTP {status}");
    }
    *front.faults.bare_status.lock().unwrap() = None;
    // The account, the credentials or the configuration: nobody's email is at
    // fault, so nothing may count against a participant.
    for coded in [
        (403u16, "AccessDeniedException"),
        (403, "SignatureDoesNotMatch"),
        (400, "NotFoundException"),
        (400, "SendingPausedException"),
        (403, "SomethingNew"),
    ] {
        *front.faults.error_code.lock().unwrap() = Some(coded);
        let got = mailer.send(&email).await;
        assert!(
            matches!(got, Err(MailError::Unavailable(_))),
            "{coded:?}: {got:?}"
        );
    }
    *front.faults.error_code.lock().unwrap() = None;
    front
        .faults
        .throttle_next
        .store(1, std::sync::atomic::Ordering::SeqCst);
    assert_eq!(mailer.send(&email).await, Err(MailError::Throttled));
    front
        .faults
        .reject
        .lock()
        .unwrap()
        .insert(address.to_lowercase());
    assert_eq!(
        mailer.send(&email).await,
        Err(MailError::Rejected("MessageRejected".into()))
    );
    front
        .faults
        .fail_every
        .store(1, std::sync::atomic::Ordering::SeqCst);
    assert_eq!(
        mailer.send(&email).await,
        Err(MailError::ServerError("InternalFailure".into()))
    );
}

/// send-links paces every request to SES itself, so its client must make exactly
/// one request per send; register's client retries a throttle on its own.
#[tokio::test]
async fn the_paced_ses_client_makes_one_request_per_send_and_the_other_retries() {
    use std::sync::atomic::Ordering;
    let front = system_tests::faulty_ses::FaultySes::over_the_emulator().await;
    let sender = Sender::parse("Training <training@example.org>").unwrap();
    let email = OutgoingEmail {
        to: EmailAddress::parse(&unique_email()).unwrap(),
        subject: "s".into(),
        text: "t".into(),
        html: "<p>h</p>".into(),
        attachments: vec![],
    };

    let paced = SesMailer::new(front.client().await, sender.clone());
    front.faults.throttle_next.store(1, Ordering::SeqCst);
    assert_eq!(paced.send(&email).await, Err(MailError::Throttled));
    assert_eq!(front.faults.calls.load(Ordering::SeqCst), 1);
    front.faults.fail_every.store(1, Ordering::SeqCst);
    assert!(matches!(
        paced.send(&email).await,
        Err(MailError::ServerError(_))
    ));
    assert_eq!(front.faults.calls.load(Ordering::SeqCst), 2);

    front.faults.fail_every.store(0, Ordering::SeqCst);
    front.faults.throttle_next.store(1, Ordering::SeqCst);
    let retrying = SesMailer::new(front.retrying_client().await, sender);
    assert!(
        retrying.send(&email).await.is_ok(),
        "its second attempt sent"
    );
    assert_eq!(front.faults.calls.load(Ordering::SeqCst), 4);
}
