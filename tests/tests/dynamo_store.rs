//! The DynamoDB adapter (`DynamoStore`) directly against DynamoDB Local: no
//! mocks, each test with its own table made from `template.yaml`.

use jiff::SignedDuration;
use registration::domain::key::RegistrationKey;
use registration::domain::lifecycle::Transition;
use registration::domain::{FullName, RegistrationStatus};
use registration::store::{
    Attempt, CreateError, DynamoStore, MAX_EMAIL_ATTEMPTS, MAX_LIVE_TOKENS, Outbox, Outboxes,
    Registrations, Renewal, Tokens, TransitionOutcome, attr,
};
use system_tests::store_table::{
    applied, at, create, fresh_table, lease, registration, t0, without_tokens,
};
use system_tests::{key_for, pk_of, unique, unique_email};

/// The functions' store asks DynamoDB for nothing it does not need; the metered one
/// (for the benchmarks) sums the units DynamoDB reports, for every kind of call.
#[tokio::test]
async fn only_a_metered_store_counts_request_units() {
    let table = fresh_table().await;
    let metered = DynamoStore::metered(table.client.clone(), &table.name);
    let event = unique("event");
    let plain = registration(&event, &unique_email(), t0());
    create(&table.store, &plain, "h").await;
    table.store.get(&plain.key).await.unwrap();
    assert_eq!(table.store.consumed(), Default::default());

    let counted = registration(&event, &unique_email(), t0());
    create(&metered, &counted, "h").await;
    let after_put = metered.consumed();
    assert!(after_put.write_units >= 1.0, "{after_put:?}");
    assert_eq!(after_put.read_units, 0.0);
    metered.get(&counted.key).await.unwrap();
    let after_get = metered.consumed();
    assert_eq!(after_get.write_units, after_put.write_units);
    assert!(after_get.read_units >= 1.0, "{after_get:?}");
    // Clones share one meter.
    assert!(metered.clone().add_token(&counted.key, "h2").await.unwrap());
    assert!(metered.consumed().write_units > after_get.write_units);
    assert_eq!(table.store.consumed(), Default::default());
}

/// The index of an event's registrations projects what the organizer reads: a
/// write that changes none of it (a token added, a sender's claim) writes the
/// table alone, not the index too.
#[tokio::test]
async fn a_token_added_writes_the_registration_and_no_index() {
    let table = fresh_table().await;
    let metered = DynamoStore::metered(table.client.clone(), &table.name);
    let counted = registration(&unique("event"), &unique_email(), t0());
    create(&metered, &counted, "h").await;
    let before = metered.consumed();
    assert!(metered.add_token(&counted.key, "h2").await.unwrap());
    let written = metered.consumed().write_units - before.write_units;
    assert_eq!(written, 1.0, "the item (under 1 KB), and no index");
}

/// A table from before the `roster` index (its `event` index projecting every
/// attribute) is read through `event` until `roster` exists: the organizer's
/// page works during an upgrade.
#[tokio::test]
async fn a_table_with_only_the_old_event_index_gives_the_organizer_its_pages() {
    use aws_sdk_dynamodb::types::{
        BillingMode, GlobalSecondaryIndex, KeySchemaElement, Projection, ProjectionType,
    };
    use registration::store::{DynamoStore, EVENT_INDEX, EventRegistrations, ROSTER_INDEX};
    // The table as the template made it before `roster`: the same keys and
    // indexes, with `event` (every attribute) where `roster` is. Made whole by
    // one CreateTable: DynamoDB Local can leave an index added to a live table
    // `CREATING` for a minute.
    let template = fresh_table().await;
    let described = template
        .client
        .describe_table()
        .table_name(&template.name)
        .send()
        .await
        .expect("the template's table");
    let made = described.table().expect("a table");
    let indexes = made.global_secondary_indexes().iter().map(|index| {
        let keys: Vec<KeySchemaElement> = index.key_schema().to_vec();
        let old = index.index_name() == Some(ROSTER_INDEX);
        let projection = if old {
            Projection::builder()
                .projection_type(ProjectionType::All)
                .build()
        } else {
            index.projection().cloned().expect("a projection")
        };
        GlobalSecondaryIndex::builder()
            .index_name(if old {
                EVENT_INDEX
            } else {
                index.index_name().expect("a name")
            })
            .set_key_schema(Some(keys))
            .projection(projection)
            .build()
            .expect("an index")
    });
    let name = unique("adapters-old");
    template
        .client
        .create_table()
        .table_name(&name)
        .set_attribute_definitions(Some(made.attribute_definitions().to_vec()))
        .set_key_schema(Some(made.key_schema().to_vec()))
        .set_global_secondary_indexes(Some(indexes.collect()))
        .billing_mode(BillingMode::PayPerRequest)
        .send()
        .await
        .expect("the old table");
    let table = system_tests::store_table::Table {
        store: DynamoStore::new(template.client.clone(), &name),
        client: template.client.clone(),
        name,
    };
    let event = unique("event");
    let first = create(
        &table.store,
        &registration(&event, &unique_email(), t0()),
        "h",
    )
    .await;
    let later = t0() + SignedDuration::from_mins(1);
    let second = create(
        &table.store,
        &registration(&event, &unique_email(), later),
        "h",
    )
    .await;
    let page = table.store.event_page(&event, None, Some(1)).await.unwrap();
    assert_eq!(page.registrations, vec![first]);
    let next = table
        .store
        .event_page(&event, page.next, None)
        .await
        .unwrap();
    assert_eq!(next.registrations, vec![second]);
}

/// However often a pending address is submitted again or its email retried, the
/// registration holds at most `MAX_LIVE_TOKENS` links, and the first stay valid.
#[tokio::test]
async fn a_registration_holds_at_most_max_live_tokens() {
    let table = fresh_table().await;
    let pending = registration(&unique("event"), &unique_email(), t0());
    let r = create(&table.store, &pending, "hash-0").await;
    let key = r.key();
    for i in 1..MAX_LIVE_TOKENS {
        assert!(
            table
                .store
                .add_token(&key, &format!("hash-{i}"))
                .await
                .unwrap(),
            "token {i}"
        );
    }
    assert!(
        !table.store.add_token(&key, "one-too-many").await.unwrap(),
        "no room for another"
    );
    let due = t0() + SignedDuration::from_hours(1);
    assert!(
        !table
            .store
            .renew_confirmation(
                &key,
                &Renewal {
                    token_hash: "one-too-many",
                    now: due,
                    resend_before: due,
                    lease: &lease("resend", due),
                    expires_at: at("2032-09-28T05:00:00Z"),
                }
            )
            .await
            .unwrap(),
        "nor a re-sent confirmation"
    );
    let stored = table.get(&key).await;
    for hash in ["hash-0", "hash-19"] {
        let found = table.store.find_by_token(&key, hash).await.unwrap();
        // The registration as it was created, but for the tokens added since.
        assert_eq!(
            found.as_ref().map(without_tokens),
            Some(without_tokens(&r)),
            "{hash}"
        );
        assert_eq!(found, Some(stored.clone()), "{hash}");
    }
    assert_eq!(
        table
            .store
            .find_by_token(&key, "one-too-many")
            .await
            .unwrap(),
        None
    );
    let hashes = table.items().await[0][attr::TOKEN_HASHES]
        .as_l()
        .unwrap()
        .len();
    assert_eq!(hashes, MAX_LIVE_TOKENS);
}

#[tokio::test]
async fn create_pending_twice_for_one_key_gives_already_registered_and_keeps_one_item() {
    let table = fresh_table().await;
    let event = unique("event");
    let email = unique_email();
    let expected_pk = pk_of(&key_for(&event, &email));
    let first_pending = registration(&event, &email, t0());
    let first = create(&table.store, &first_pending, "hash-one").await;
    let key = first.key();
    assert_eq!(table.keys().await, vec![expected_pk.clone()], "one item");
    assert_eq!(
        table.store.find_by_token(&key, "hash-one").await.unwrap(),
        Some(first.clone()),
        "holding its first token"
    );

    let mut second = registration(&event, &email, t0() + SignedDuration::from_mins(1));
    second.participant.full_name = FullName::parse("Someone Else").unwrap();
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
    assert_eq!(table.keys().await, vec![expected_pk], "no second item");
    assert_eq!(
        table.store.find_by_token(&key, "hash-two").await.unwrap(),
        None,
        "and no second token"
    );
    assert_eq!(table.get(&key).await, first, "the first is kept as it was");
}

#[tokio::test]
async fn storing_the_same_registration_again_succeeds_and_changes_nothing() {
    // What the SDK does when a put's answer is lost: it sends the put again.
    let table = fresh_table().await;
    let pending = registration(&unique("event"), &unique_email(), t0());
    let r = create(&table.store, &pending, "hash-one").await;
    let before = table.items().await;
    let again = table
        .store
        .create_pending(&pending, "hash-one")
        .await
        .expect("the same registration again is not a duplicate");
    assert_eq!(again, r, "answered with the registration as stored");
    assert_eq!(table.items().await, before, "nothing changed");
    assert_eq!(
        table
            .store
            .find_by_token(&r.key(), "hash-one")
            .await
            .unwrap(),
        Some(r.clone())
    );
}

#[tokio::test]
async fn remove_token_takes_back_one_token_and_only_that_one() {
    let table = fresh_table().await;
    let event = unique("event");
    let email = unique_email();
    let pending = registration(&event, &email, t0());
    let key = create(&table.store, &pending, "first").await.key();
    for hash in ["second", "third"] {
        assert!(table.store.add_token(&key, hash).await.unwrap());
    }
    assert!(table.store.remove_token(&key, "second").await.unwrap());
    assert_eq!(
        table.store.find_by_token(&key, "second").await.unwrap(),
        None
    );
    let hashes: Vec<String> = table.items().await[0][attr::TOKEN_HASHES]
        .as_l()
        .unwrap()
        .iter()
        .map(|h| h.as_s().unwrap().clone())
        .collect();
    assert_eq!(hashes, ["first", "third"]);
    assert!(
        !table.store.remove_token(&key, "second").await.unwrap(),
        "not held any more"
    );
    assert!(
        !table
            .store
            .remove_token(&key_for("e", "nobody@example.org"), "first")
            .await
            .unwrap(),
        "no such registration"
    );
    assert_eq!(
        table.keys().await,
        vec![pk_of(&key_for(&event, &email))],
        "nothing created"
    );
}

#[tokio::test]
async fn find_by_token_finds_the_registration_by_the_right_hash_only() {
    let table = fresh_table().await;
    let event = unique("event");
    let email = unique_email();
    let pending = registration(&event, &email, t0());
    let r = create(&table.store, &pending, "right-hash").await;
    let key = r.key();

    assert_eq!(
        table.store.find_by_token(&key, "right-hash").await.unwrap(),
        Some(r.clone())
    );
    assert_eq!(
        table.store.find_by_token(&key, "wrong-hash").await.unwrap(),
        None
    );
    assert_eq!(
        table.store.find_by_token(&key, "right-has").await.unwrap(),
        None,
        "a prefix of the hash is not the hash"
    );
    let same_key_elsewhere =
        RegistrationKey::from_id("another-event", key.id()).expect("a well-formed key id");
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
            .find_by_token(&key_for(&event, "nobody@example.org"), "right-hash")
            .await
            .unwrap(),
        None,
        "nor for another registration"
    );

    // A token added later finds the same registration; the first still works.
    assert!(table.store.add_token(&key, "second-hash").await.unwrap());
    let stored = table.get(&key).await;
    for hash in ["second-hash", "right-hash"] {
        let found = table.store.find_by_token(&key, hash).await.unwrap();
        // The same registration, but for the token added.
        assert_eq!(
            found.as_ref().map(without_tokens),
            Some(without_tokens(&r)),
            "{hash}"
        );
        assert_eq!(found, Some(stored.clone()), "{hash}");
    }
    assert_eq!(
        table.keys().await,
        vec![pk_of(&key_for(&event, &email))],
        "still one item"
    );
}

#[tokio::test]
async fn confirm_moves_a_pending_registration_to_the_link_outbox_once_and_is_idempotent() {
    let table = fresh_table().await;
    let event = unique("event");
    let email = unique_email();
    let mut pending = registration(&event, &email, t0());
    pending.lease = lease("register:x", t0() + SignedDuration::from_mins(2));
    let key = create(&table.store, &pending, "h").await.key();
    let expected_pk = pk_of(&key_for(&event, &email));

    let first_at = t0() + SignedDuration::from_hours(1);
    let before = table.get(&key).await;
    assert_eq!(before.status, RegistrationStatus::Pending);
    let confirmed = applied(
        table
            .store
            .transition(&key, Transition::Confirm, first_at)
            .await
            .unwrap(),
    );
    assert_eq!(confirmed.status, RegistrationStatus::Confirmed);
    assert_eq!(confirmed.confirmed_at, Some(first_at));
    assert_eq!(confirmed.owes(), Some(Outbox::Link));
    assert_eq!(
        table.raw_outbox(&key).await,
        Some(format!("{event}#link")),
        "in the event's link outbox"
    );
    assert_eq!(
        (confirmed.lease_until, confirmed.lease_owner.clone()),
        (None, None)
    );
    assert_eq!(
        table.get(&key).await,
        confirmed,
        "what is returned is what is stored"
    );

    let later = first_at + SignedDuration::from_hours(5);
    let again = table
        .store
        .transition(&key, Transition::Confirm, later)
        .await
        .unwrap();
    assert_eq!(again, TransitionOutcome::Refused(Some(confirmed.clone())));
    // A click that read the registration while it was still pending, and writes
    // after another click confirmed it, finds it already confirmed.
    let raced = table
        .store
        .transition(&before.key(), Transition::Confirm, later)
        .await
        .unwrap();
    match &raced {
        TransitionOutcome::Refused(Some(current)) => {
            assert_eq!(current.status, RegistrationStatus::Confirmed)
        }
        other => panic!("expected Refused(Some(confirmed)), got {other:?}"),
    }
    assert_eq!(raced, TransitionOutcome::Refused(Some(confirmed.clone())));
    assert_eq!(
        table.get(&key).await,
        confirmed,
        "a second confirm changes nothing"
    );

    // A registration that is not stored is not found, and confirming it writes nothing.
    assert_eq!(
        table
            .store
            .transition(
                &key_for(&event, "nobody@example.org"),
                Transition::Confirm,
                first_at
            )
            .await
            .unwrap(),
        TransitionOutcome::Refused(None)
    );
    assert_eq!(
        table.keys().await,
        vec![expected_pk.clone()],
        "still one item"
    );

    // A cancelled registration is not confirmed, and confirming it writes nothing.
    let other_email = unique_email();
    let other = registration(&event, &other_email, t0());
    let other_key = create(&table.store, &other, "h-other").await.key();
    let cancelled = applied(
        table
            .store
            .transition(&other_key, Transition::Cancel, first_at)
            .await
            .unwrap(),
    );
    assert_eq!(cancelled.status, RegistrationStatus::Cancelled);
    assert_eq!(
        table
            .store
            .transition(&other_key, Transition::Confirm, first_at)
            .await
            .unwrap(),
        TransitionOutcome::Refused(Some(cancelled.clone()))
    );
    assert_eq!(table.get(&other_key).await, cancelled);
    let mut expected_keys = vec![expected_pk, pk_of(&key_for(&event, &other_email))];
    expected_keys.sort();
    assert_eq!(table.keys().await, expected_keys, "no item created");
    assert_eq!(table.get(&key).await, confirmed);
}

/// A confirmed registration may still be cancelled, which takes it out of the link
/// outbox; nothing leaves cancelled, because each transition's condition is the
/// life cycle's own list of the statuses it starts from.
#[tokio::test]
async fn a_confirmed_registration_may_be_cancelled_and_a_cancelled_one_is_never_confirmed() {
    let table = fresh_table().await;
    let event = unique("event");
    let pending = registration(&event, &unique_email(), t0());
    let key = create(&table.store, &pending, "h").await.key();
    let confirmed_at = t0() + SignedDuration::from_hours(1);
    let confirmed = applied(
        table
            .store
            .transition(&key, Transition::Confirm, confirmed_at)
            .await
            .unwrap(),
    );
    assert_eq!(confirmed.owes(), Some(Outbox::Link));
    assert_eq!(
        table.all_due(&event, Outbox::Link, 10).await.0,
        vec![key.clone()]
    );

    let cancelled_at = confirmed_at + SignedDuration::from_hours(2);
    let cancelled = applied(
        table
            .store
            .transition(&key, Transition::Cancel, cancelled_at)
            .await
            .unwrap(),
    );
    assert_eq!(cancelled.status, RegistrationStatus::Cancelled);
    assert_eq!(cancelled.cancelled_at, Some(cancelled_at));
    assert_eq!(cancelled.confirmed_at, Some(confirmed_at), "kept");
    assert_eq!(cancelled.owes(), None);
    assert_eq!(table.raw_outbox(&key).await, None, "out of every outbox");
    assert_eq!(
        (cancelled.lease_until, cancelled.lease_owner.clone()),
        (None, None)
    );
    assert_eq!(
        table.get(&key).await,
        cancelled,
        "what is returned is what is stored"
    );
    assert!(table.all_due(&event, Outbox::Link, 10).await.0.is_empty());
    assert_eq!(
        table.store.count_due(&event, Outbox::Link).await.unwrap(),
        0
    );

    let later = cancelled_at + SignedDuration::from_hours(1);
    for transition in Transition::ALL {
        assert!(
            transition.apply(RegistrationStatus::Cancelled).is_err(),
            "the life cycle lets nothing leave cancelled: {transition:?}"
        );
        assert_eq!(
            table
                .store
                .transition(&key, transition, later)
                .await
                .unwrap(),
            TransitionOutcome::Refused(Some(cancelled.clone())),
            "{transition:?}"
        );
    }
    assert_eq!(
        table.get(&key).await,
        cancelled,
        "a refused transition changes nothing"
    );
}

/// For every status and every transition, the store applies the transition exactly
/// when the life cycle allows it from that status.
#[tokio::test]
async fn the_store_applies_a_transition_exactly_where_the_life_cycle_allows_it() {
    let table = fresh_table().await;
    let event = unique("event");
    let now = t0() + SignedDuration::from_hours(1);
    for status in RegistrationStatus::ALL {
        for transition in Transition::ALL {
            let pending = system_tests::pending_registration(
                &event,
                system_tests::participant("Dilnoza Karimova", &unique_email()),
                t0(),
            );
            system_tests::store_as(&table.store, &pending, status, t0()).await;
            let before = table.get(&pending.key).await;
            assert_eq!(before.status, status);
            let outcome = table
                .store
                .transition(&pending.key, transition, now)
                .await
                .unwrap();
            match transition.apply(status) {
                Ok(to) => {
                    let after = applied(outcome);
                    assert_eq!(after.status, to, "{transition:?} from {status:?}");
                    assert_eq!(
                        after.owes(),
                        transition.owes(),
                        "{transition:?} from {status:?}"
                    );
                    assert_eq!(table.get(&pending.key).await, after);
                }
                Err(_) => {
                    assert_eq!(
                        outcome,
                        TransitionOutcome::Refused(Some(before.clone())),
                        "{transition:?} from {status:?}"
                    );
                    assert_eq!(table.get(&pending.key).await, before);
                }
            }
        }
    }
}

#[tokio::test]
async fn a_claim_holds_until_its_lease_expires_and_then_another_sender_may_claim() {
    let table = fresh_table().await;
    let event = unique("event");
    let pending = registration(&event, &unique_email(), t0());
    let r = create(&table.store, &pending, "h").await;
    let key = r.key();
    // The creator's lease ended at t0 + 2 min.
    let now = t0() + SignedDuration::from_mins(5);
    let until = now + SignedDuration::from_mins(2);

    let claimed = table
        .store
        .claim(
            &key,
            Outbox::Confirmation,
            &lease("sender-a", until),
            None,
            now,
        )
        .await
        .unwrap()
        .expect("a free registration is claimed");
    assert_eq!(claimed.lease_owner.as_deref(), Some("sender-a"));
    assert_eq!(claimed.lease_until, Some(until));
    assert_eq!(claimed.email, r.email);

    let before_expiry = now + SignedDuration::from_secs(119);
    assert_eq!(
        table
            .store
            .claim(
                &key,
                Outbox::Confirmation,
                &lease("sender-b", before_expiry + SignedDuration::from_mins(2)),
                None,
                before_expiry
            )
            .await
            .unwrap(),
        None,
        "held by sender-a"
    );
    assert_eq!(
        table.get(&key).await.lease_owner.as_deref(),
        Some("sender-a")
    );

    let after_expiry = until + SignedDuration::from_secs(1);
    let taken = table
        .store
        .claim(
            &key,
            Outbox::Confirmation,
            &lease("sender-b", after_expiry + SignedDuration::from_mins(2)),
            None,
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
                &key,
                Outbox::Link,
                &lease("sender-c", at("2030-01-01T00:00:00Z")),
                None,
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
    let pending = registration(&event, &unique_email(), t0());
    let key = create(&table.store, &pending, "h").await.key();
    let queue = format!("{event}#confirmation");
    let now = t0() + SignedDuration::from_mins(5);
    table
        .store
        .claim(
            &key,
            Outbox::Confirmation,
            &lease("owner", now + SignedDuration::from_mins(2)),
            None,
            now,
        )
        .await
        .unwrap()
        .expect("claimed");

    let sent_at = now + SignedDuration::from_secs(3);
    assert!(
        !table
            .store
            .record_sent(&key, Outbox::Confirmation, "intruder", "msg-1", sent_at)
            .await
            .unwrap()
    );
    let untouched = table.get(&key).await;
    assert_eq!(untouched.owes(), Some(Outbox::Confirmation));
    assert_eq!(table.raw_outbox(&key).await, Some(queue.clone()));
    assert_eq!(untouched.lease_owner.as_deref(), Some("owner"));
    assert_eq!(untouched.confirmation_message_id, None);
    assert_eq!(
        table.all_due(&event, Outbox::Confirmation, 10).await.0,
        vec![key.clone()]
    );

    assert!(
        table
            .store
            .record_sent(&key, Outbox::Confirmation, "owner", "msg-1", sent_at)
            .await
            .unwrap()
    );
    let sent = table.get(&key).await;
    assert_eq!(sent.owes(), None);
    assert_eq!(table.raw_outbox(&key).await, None);
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
            .record_sent(&key, Outbox::Confirmation, "owner", "msg-2", sent_at)
            .await
            .unwrap(),
        "recording twice is refused"
    );
    assert_eq!(
        table.get(&key).await.confirmation_message_id.as_deref(),
        Some("msg-1")
    );
}

#[tokio::test]
async fn record_failure_counts_attempts_and_after_max_email_attempts_takes_the_registration_out_of_the_outbox()
 {
    let table = fresh_table().await;
    let event = unique("event");
    let pending = registration(&event, &unique_email(), t0());
    let key = create(&table.store, &pending, "h").await.key();
    // Its confirmation email sent, then confirmed: it owes its link.
    assert!(
        table
            .store
            .record_sent(
                &key,
                Outbox::Confirmation,
                &pending.lease.owner,
                "msg-confirmation",
                t0()
            )
            .await
            .unwrap()
    );
    let confirmed = applied(
        table
            .store
            .transition(&key, Transition::Confirm, t0())
            .await
            .unwrap(),
    );
    assert_eq!(confirmed.status, RegistrationStatus::Confirmed);
    assert_eq!(confirmed.confirmed_at, Some(t0()));
    assert_eq!(confirmed.owes(), Some(Outbox::Link));
    let queue = format!("{event}#link");
    let mut now = t0() + SignedDuration::from_hours(1);

    // An outage (not counted) releases the lease and records the reason.
    table
        .store
        .claim(
            &key,
            Outbox::Link,
            &lease("run-0", now + SignedDuration::from_mins(2)),
            None,
            now,
        )
        .await
        .unwrap()
        .expect("claimed");
    table
        .store
        .record_failure(
            &key,
            Outbox::Link,
            "run-0",
            "SES unavailable: outage",
            Attempt::NotCounted,
        )
        .await
        .unwrap();
    let after_outage = table.get(&key).await;
    assert_eq!(after_outage.link_attempts, 0);
    assert_eq!(
        after_outage.last_email_error.as_deref(),
        Some("SES unavailable: outage")
    );
    assert_eq!(
        (after_outage.lease_until, after_outage.lease_owner.clone()),
        (None, None)
    );
    assert_eq!(after_outage.owes(), Some(Outbox::Link));
    assert_eq!(table.raw_outbox(&key).await, Some(queue.clone()));

    // A failure reported by someone who does not hold the lease changes nothing.
    table
        .store
        .claim(
            &key,
            Outbox::Link,
            &lease("holder", now + SignedDuration::from_mins(2)),
            None,
            now,
        )
        .await
        .unwrap()
        .expect("claimed");
    table
        .store
        .record_failure(&key, Outbox::Link, "stranger", "nope", Attempt::Counted)
        .await
        .unwrap();
    let held = table.get(&key).await;
    assert_eq!(
        (held.link_attempts, held.lease_owner.as_deref()),
        (0, Some("holder"))
    );
    table
        .store
        .record_failure(
            &key,
            Outbox::Link,
            "holder",
            "released",
            Attempt::NotCounted,
        )
        .await
        .unwrap();

    for attempt in 1..=MAX_EMAIL_ATTEMPTS {
        now += SignedDuration::from_mins(10);
        let owner = format!("run-{attempt}");
        table
            .store
            .claim(
                &key,
                Outbox::Link,
                &lease(&owner, now + SignedDuration::from_mins(2)),
                None,
                now,
            )
            .await
            .unwrap()
            .unwrap_or_else(|| panic!("claimed for attempt {attempt}"));
        let reason = format!("SES rejected the message (MessageRejected {attempt})");
        table
            .store
            .record_failure(&key, Outbox::Link, &owner, &reason, Attempt::Counted)
            .await
            .unwrap();
        let stored = table.get(&key).await;
        assert_eq!(stored.link_attempts, attempt);
        assert_eq!(stored.last_email_error.as_deref(), Some(reason.as_str()));
        assert_eq!(
            (stored.lease_until, stored.lease_owner.clone()),
            (None, None)
        );
        let due = table.all_due(&event, Outbox::Link, 10).await.0;
        let raw_outbox = table.raw_outbox(&key).await;
        if attempt < MAX_EMAIL_ATTEMPTS {
            assert_eq!(
                stored.owes(),
                Some(Outbox::Link),
                "attempt {attempt}: still owed"
            );
            assert_eq!(
                raw_outbox,
                Some(queue.clone()),
                "attempt {attempt}: still owed"
            );
            assert_eq!(due, vec![key.clone()]);
        } else {
            assert_eq!(
                stored.owes(),
                None,
                "given up after {MAX_EMAIL_ATTEMPTS} attempts"
            );
            assert_eq!(
                raw_outbox, None,
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
                &key,
                Outbox::Link,
                &lease("run-late", now + SignedDuration::from_mins(2)),
                None,
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
        let email = unique_email();
        let r = registration(&event, &email, t0() + SignedDuration::from_secs(i));
        expected.push(key_for(&event, &email));
        create(&table.store, &r, &format!("h-{i}")).await;
    }
    // Created out of order: the index orders by registration time, not by writes.
    let earliest_email = unique_email();
    let earliest = registration(
        &event,
        &earliest_email,
        t0() - SignedDuration::from_hours(1),
    );
    create(&table.store, &earliest, "h-early").await;
    expected.insert(0, key_for(&event, &earliest_email));
    for i in 0..3 {
        let r = registration(
            &other_event,
            &unique_email(),
            t0() + SignedDuration::from_secs(i),
        );
        create(&table.store, &r, &format!("o-{i}")).await;
    }
    // Confirmed: it owes its link, and no longer its confirmation.
    let linked_email = unique_email();
    let linked = registration(&event, &linked_email, t0());
    create(&table.store, &linked, "h-link").await;
    let linked = applied(
        table
            .store
            .transition(&linked.key, Transition::Confirm, t0())
            .await
            .unwrap(),
    );
    assert_eq!(linked.owes(), Some(Outbox::Link));
    // Its confirmation email sent: it owes nothing.
    let done = registration(&event, &unique_email(), t0());
    create(&table.store, &done, "h-done").await;
    assert!(
        table
            .store
            .record_sent(
                &done.key,
                Outbox::Confirmation,
                &done.lease.owner,
                "msg-done",
                t0()
            )
            .await
            .unwrap()
    );
    assert_eq!(table.get(&done.key).await.owes(), None);
    assert_eq!(table.raw_outbox(&done.key).await, None);

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
        vec![key_for(&event, &linked_email)]
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

/// Every link, promotion or reminder email's claim adds its cancel token; a
/// registration holds the last `MAX_CANCEL_TOKENS`, and one whose email never
/// left is taken back.
#[tokio::test]
async fn claims_keep_each_cancel_token_up_to_the_bound_then_start_over() {
    use registration::store::MAX_CANCEL_TOKENS;
    let table = fresh_table().await;
    let event = unique("event");
    let participant = system_tests::participant("Dilnoza Karimova", &unique_email());
    let pending = system_tests::pending_registration(&event, participant, t0());
    let now = t0() + SignedDuration::from_mins(5);
    system_tests::store_as(&table.store, &pending, RegistrationStatus::Confirmed, now).await;
    let key = pending.key.clone();
    let hashes: Vec<String> = (0..=MAX_CANCEL_TOKENS)
        .map(|i| format!("cancel-{i}"))
        .collect();
    let claim_with = |hash: &str| {
        let store = table.store.clone();
        let (key, hash) = (key.clone(), hash.to_owned());
        async move {
            let held = store
                .claim(&key, Outbox::Link, &lease("run", now), Some(&hash), now)
                .await
                .unwrap();
            assert!(held.is_some(), "claimed with {hash}");
            // Released at once (the lease ends at `now`), the link still owed.
            let released = store
                .record_failure(&key, Outbox::Link, "run", "x", Attempt::NotCounted)
                .await;
            released.unwrap();
        }
    };
    for hash in &hashes[..MAX_CANCEL_TOKENS] {
        claim_with(hash).await;
    }
    for hash in &hashes[..MAX_CANCEL_TOKENS] {
        let found = table.store.find_by_token(&key, hash).await.unwrap();
        assert!(found.is_some(), "{hash} still works");
    }
    let item = table
        .items()
        .await
        .into_iter()
        .find(|item| item[attr::PK].as_s().ok() == Some(&pk_of(&key)))
        .expect("the registration's item");
    assert_eq!(
        item[attr::CANCEL_TOKEN_HASHES].as_ss().unwrap().len(),
        MAX_CANCEL_TOKENS,
        "a string set"
    );

    claim_with(&hashes[MAX_CANCEL_TOKENS]).await;
    let last = &hashes[MAX_CANCEL_TOKENS];
    assert!(
        table
            .store
            .find_by_token(&key, last)
            .await
            .unwrap()
            .is_some()
    );
    assert!(
        table
            .store
            .find_by_token(&key, &hashes[0])
            .await
            .unwrap()
            .is_none(),
        "past the bound the set starts over"
    );
    assert!(table.store.remove_token(&key, last).await.unwrap());
    assert!(
        table
            .store
            .find_by_token(&key, last)
            .await
            .unwrap()
            .is_none()
    );
    assert!(!table.store.remove_token(&key, last).await.unwrap());
}
