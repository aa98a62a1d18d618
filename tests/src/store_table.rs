//! The DynamoStore suite's fixtures: a fresh table made from `template.yaml`, with
//! the functions' store over it and raw reads of its items; a registration as
//! the registrar stores it; and the checks the suite repeats.

use crate::{pk_of, sdk_config, unique};
use aws_sdk_dynamodb::types::AttributeValue;
use jiff::{SignedDuration, Timestamp};
use registration::domain::key::RegistrationKey;
use registration::domain::{
    Country, Designation, EmailAddress, FullName, NewRegistration, Organization, Phone,
    RegistrationStatus,
};
use registration::store::{
    DynamoStore, Lease, Outbox, Outboxes, PendingRegistration, Registration, Registrations,
    TransitionOutcome, attr,
};
use std::collections::HashMap;

/// A table of its own, with the functions' store over it.
pub struct Table {
    pub name: String,
    pub client: aws_sdk_dynamodb::Client,
    pub store: DynamoStore,
}

/// A new table made from `template.yaml`.
pub async fn fresh_table() -> Table {
    let client = registration::platform::aws::dynamodb(&sdk_config().await);
    let name = unique("adapters");
    crate::table::create_from_template(&client, &name)
        .await
        .expect("the table is created from template.yaml");
    Table {
        store: DynamoStore::new(client.clone(), &name),
        client,
        name,
    }
}

impl Table {
    pub async fn items(&self) -> Vec<HashMap<String, AttributeValue>> {
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

    /// The `pk` of every item in the table, as stored, sorted.
    pub async fn keys(&self) -> Vec<String> {
        let mut keys: Vec<String> = self
            .items()
            .await
            .iter()
            .map(|item| item[attr::PK].as_s().expect("a string key").clone())
            .collect();
        keys.sort();
        keys
    }

    pub async fn get(&self, key: &RegistrationKey) -> Registration {
        self.store.get(key).await.expect("read").expect("present")
    }

    /// The outbox index value of the item at `key`, as stored (`None` when the
    /// attribute is absent).
    pub async fn raw_outbox(&self, key: &RegistrationKey) -> Option<String> {
        self.items()
            .await
            .into_iter()
            .find(|item| item[attr::PK].as_s().ok() == Some(&pk_of(key)))
            .expect("the item is stored")
            .get(attr::OUTBOX)
            .map(|v| v.as_s().expect("a string outbox").clone())
    }

    /// Every key in an outbox, following the pages `limit` at a time.
    pub async fn all_due(
        &self,
        event_id: &str,
        outbox: Outbox,
        limit: i32,
    ) -> (Vec<RegistrationKey>, usize) {
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

pub fn at(text: &str) -> Timestamp {
    text.parse().expect("an instant")
}

pub fn t0() -> Timestamp {
    at("2022-09-20T04:00:00Z")
}

/// A registration as the registrar would store it, leased by its creator for two
/// minutes for its first confirmation email.
pub fn registration(event_id: &str, email: &str, registered_at: Timestamp) -> PendingRegistration {
    let participant = NewRegistration {
        full_name: FullName::parse("Dilnoza Karimova").expect("a valid name"),
        email: EmailAddress::parse(email).expect("a valid address"),
        country: Country::parse("UZ").expect("a country"),
        organization: Organization::parse("Tashkent Battery Lab").expect("an organization"),
        designation: Designation::parse("Engineer").expect("a designation"),
        phone: Phone::parse("+998 71 123 4567").expect("a phone number"),
    };
    PendingRegistration {
        key: RegistrationKey::for_address(event_id, &participant.email),
        registration_id: uuid::Uuid::new_v4().to_string(),
        participant,
        link_base: "https://register.example.org".into(),
        registered_at,
        lease: lease("register:x", registered_at + SignedDuration::from_mins(2)),
        // 2032: DynamoDB Local expires items by the real clock.
        expires_at: at("2032-09-28T05:00:00Z"),
        retain_until: at("2032-09-28T05:00:00Z"),
        language: registration::program::Language::Ru,
    }
}

/// Store `pending` holding `token_hash`, checking that the registration returned
/// holds exactly what was given, as a new pending registration.
pub async fn create(
    store: &impl Registrations,
    pending: &PendingRegistration,
    token_hash: &str,
) -> Registration {
    let r = store
        .create_pending(pending, token_hash)
        .await
        .expect("create a pending registration");
    assert_eq!(r.key(), pending.key);
    assert_eq!(r.event_id, pending.key.event_id());
    assert_eq!(r.registration_id, pending.registration_id);
    assert_eq!(r.full_name, pending.participant.full_name.as_ref());
    assert_eq!(r.email, pending.participant.email.as_ref());
    assert_eq!(r.country, pending.participant.country.code());
    assert_eq!(r.organization, pending.participant.organization.as_ref());
    assert_eq!(
        r.designation.as_deref(),
        pending.participant.designation.as_ref().map(AsRef::as_ref)
    );
    assert_eq!(
        r.phone.as_deref(),
        pending.participant.phone.as_ref().map(AsRef::as_ref)
    );
    assert_eq!(r.status, RegistrationStatus::Pending);
    assert!(!r.unreachable);
    assert_eq!(r.registered_at, pending.registered_at);
    assert_eq!((r.confirmed_at, r.cancelled_at), (None, None));
    assert_eq!(r.link_base, pending.link_base);
    assert_eq!(r.confirmation_email_at, Some(pending.registered_at));
    assert_eq!(r.confirmation_message_id, None);
    assert_eq!(r.confirmation_attempts, 0);
    assert_eq!(r.owes(), Some(Outbox::Confirmation));
    assert_eq!(
        (r.lease_until, r.lease_owner.as_deref()),
        (
            Some(pending.lease.until),
            Some(pending.lease.owner.as_str())
        )
    );
    assert_eq!((r.link_sent_at, r.link_message_id.as_deref()), (None, None));
    assert_eq!(r.link_attempts, 0);
    assert_eq!(r.last_email_error, None);
    assert_eq!(r.expires_at, pending.expires_at);
    r
}

/// Every attribute of a registration but its token hashes: adding a token changes
/// nothing else.
pub fn without_tokens(r: &Registration) -> serde_json::Value {
    let mut value = serde_json::to_value(r).expect("a registration serializes");
    value
        .as_object_mut()
        .expect("an object")
        .remove(attr::TOKEN_HASHES);
    value
}

pub fn lease(owner: &str, until: Timestamp) -> Lease {
    Lease {
        owner: owner.into(),
        until,
    }
}

/// The registration a transition left, or a failure naming what it found instead.
pub fn applied(outcome: TransitionOutcome) -> Registration {
    match outcome {
        TransitionOutcome::Applied(r) => r,
        other => panic!("expected Applied, got {other:?}"),
    }
}
