//! The organizer's suite harness: the built binary run as a user runs it,
//! against DynamoDB Local (and the SES emulator for send-links runs), with an
//! event seeded in every status beside a second event in the same table.

#![allow(dead_code)]

pub mod cloudformation;

use jiff::Timestamp;
use registration::domain::key::RegistrationKey;
use registration::domain::{
    Country, Designation, EmailAddress, FullName, NewRegistration, Organization, Phone,
};
use registration::store::{
    DynamoStore, Lease, Outbox, Outboxes, PendingRegistration, Registrations, SeatOutcome, Seats,
};
use std::process::{Command, Output};
use system_tests::TestApp;

/// What a run of the binary gave.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
    pub bytes: Vec<u8>,
}

impl Run {
    fn from(output: Output) -> Self {
        Self {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
            bytes: output.stdout,
        }
    }

    /// A failure: exit 1 with exactly one line on stderr holding `cause`.
    pub fn assert_failed_with(&self, cause: &str) {
        assert_eq!(
            self.code, 1,
            "stdout {} stderr {}",
            self.stdout, self.stderr
        );
        assert_eq!(
            self.stderr.lines().count(),
            1,
            "one line: {:?}",
            self.stderr
        );
        assert!(
            self.stderr.contains(cause),
            "{cause:?} in {:?}",
            self.stderr
        );
    }
}

/// The organizer binary with only the AWS variables of this process (emulator
/// endpoints, region, credentials) and those given.
pub fn organizer(envs: &[(&str, &str)], args: &[&str]) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_organizer"));
    command.env_clear().envs(system_tests::aws_env());
    command.env("PATH", std::env::var("PATH").unwrap_or_default());
    command.envs(envs.iter().copied()).args(args);
    Run::from(command.output().expect("the organizer runs"))
}

/// The organizer on this app's table and event.
pub fn on(app: &TestApp, args: &[&str]) -> Run {
    organizer(
        &[("TABLE_NAME", &app.table), ("EVENT_ID", &app.event_id)],
        args,
    )
}

pub fn at(instant: &str) -> Timestamp {
    instant.parse().expect("an instant")
}

/// One participant's fields.
pub struct Person<'a> {
    pub name: &'a str,
    pub email: &'a str,
    pub country: &'a str,
    pub organization: &'a str,
    pub designation: Option<&'a str>,
    pub phone: Option<&'a str>,
}

impl Person<'_> {
    pub fn fields(&self) -> NewRegistration {
        NewRegistration {
            full_name: FullName::parse(self.name).expect("a name"),
            email: EmailAddress::parse(self.email).expect("an address"),
            country: Country::parse(self.country).expect("a country"),
            organization: Organization::parse(self.organization).expect("an organization"),
            designation: self
                .designation
                .and_then(|d| Designation::parse(d).expect("a designation")),
            phone: self.phone.and_then(|p| Phone::parse(p).expect("a phone")),
        }
    }
}

pub fn person<'a>(name: &'a str, email: &'a str, country: &'a str) -> Person<'a> {
    Person {
        name,
        email,
        country,
        organization: "Seeded Org",
        designation: None,
        phone: None,
    }
}

/// Store a pending registration registered at `at`, its confirmation email
/// recorded as sent by SES unless `confirmation_owed`.
pub async fn register(
    store: &DynamoStore,
    event_id: &str,
    who: &Person<'_>,
    at: Timestamp,
    confirmation_owed: bool,
) -> RegistrationKey {
    let pending: PendingRegistration =
        system_tests::pending_registration(event_id, who.fields(), at);
    let hash = format!("tokenhash{}", uuid::Uuid::new_v4().simple());
    let registration = store.create_pending(&pending, &hash).await.expect("stored");
    let key = registration.key();
    if !confirmation_owed {
        assert!(
            store
                .record_sent(&key, Outbox::Confirmation, "seed", "confirmation-msg", at)
                .await
                .expect("recorded")
        );
    }
    key
}

/// Confirm with seats of `capacity`: a seat or the waiting list.
pub async fn confirm(
    store: &DynamoStore,
    key: &RegistrationKey,
    capacity: u32,
    at: Timestamp,
) -> SeatOutcome {
    let pending = store.get(key).await.expect("read").expect("registered");
    store
        .confirm_seat(&pending, Some(capacity), at)
        .await
        .expect("confirmed")
}

/// Record the link email as sent (claimed and sent by a run).
pub async fn link_sent(store: &DynamoStore, key: &RegistrationKey, at: Timestamp) {
    let lease = Lease {
        owner: "seed-run".into(),
        until: at + jiff::SignedDuration::from_mins(2),
    };
    store
        .claim(key, Outbox::Link, &lease, Some("linktokenhash"), at)
        .await
        .expect("claimed")
        .expect("claimable");
    assert!(
        store
            .record_sent(key, Outbox::Link, "seed-run", "link-msg", at)
            .await
            .expect("recorded")
    );
}

/// Mark a registration unreachable as SES feedback would (a permanent bounce).
pub async fn mark_unreachable(app: &TestApp, key: &RegistrationKey) {
    use aws_sdk_dynamodb::types::AttributeValue;
    app.dynamodb
        .update_item()
        .table_name(&app.table)
        .key(
            "pk",
            AttributeValue::S(format!("EVENT#{}#REG#{}", key.event_id(), key.id())),
        )
        .update_expression("SET unreachable = :yes")
        .expression_attribute_values(":yes", AttributeValue::Bool(true))
        .send()
        .await
        .expect("marked");
}

/// Every item of the table, by a full scan (only the tests scan).
pub async fn scan_all(
    app: &TestApp,
) -> Vec<std::collections::HashMap<String, aws_sdk_dynamodb::types::AttributeValue>> {
    let mut items = Vec::new();
    let mut start = None;
    loop {
        let page = app
            .dynamodb
            .scan()
            .table_name(&app.table)
            .set_exclusive_start_key(start)
            .send()
            .await
            .expect("scanned");
        items.extend(page.items.unwrap_or_default());
        match page.last_evaluated_key {
            Some(key) => start = Some(key),
            None => return items,
        }
    }
}

/// The seeded event: eight registrations in every status and email state, on
/// three days in Karachi (one of them still the day before in UTC), with
/// capacity 2; and three registrations of another event in the same table.
pub struct Seeded {
    pub emails: Vec<&'static str>,
    pub other_event: String,
}

pub const CHINESE_ORG: &str = "Wuhan \"Battery\", Ltd. 武汉电池";

pub async fn seed(app: &TestApp) -> Seeded {
    let s = &app.store;
    let e = app.event_id.as_str();
    let d18 = at("2022-09-18T04:00:00Z");
    let d19 = at("2022-09-19T04:00:00Z");
    // 01:00 on the 19th in Karachi, still the 18th in UTC.
    let d19_early = at("2022-09-18T20:00:00Z");
    let d20 = at("2022-09-20T04:00:00Z");
    let p1 = register(
        s,
        e,
        &person("Pending Sent", "p1@example.org", "PK"),
        d18,
        false,
    )
    .await;
    let _p2 = register(
        s,
        e,
        &person("Pending Owed", "p2@example.org", "TR"),
        d18 + jiff::SignedDuration::from_mins(1),
        true,
    )
    .await;
    let c1 = register(
        s,
        e,
        &person("Confirmed Sent", "c1@example.org", "PK"),
        d19,
        false,
    )
    .await;
    let c2_person = Person {
        name: "李小龙",
        email: "c2@example.org",
        country: "CN",
        organization: CHINESE_ORG,
        designation: Some("=HYPERLINK(\"http://x\")"),
        phone: Some("+86 27 1234"),
    };
    let c2 = register(
        s,
        e,
        &c2_person,
        d19 + jiff::SignedDuration::from_mins(1),
        false,
    )
    .await;
    let w1 = register(
        s,
        e,
        &person("Waiting First", "w1@example.org", "AF"),
        d19_early,
        false,
    )
    .await;
    let w2_person = Person {
        organization: "@evil -1",
        ..person("Waiting Second", "w2@example.org", "US")
    };
    let w2 = register(s, e, &w2_person, d20, false).await;
    let x1 = register(
        s,
        e,
        &person("Cancelled One", "x1@example.org", "PK"),
        d20 + jiff::SignedDuration::from_mins(1),
        false,
    )
    .await;
    let u1 = register(
        s,
        e,
        &person("Unreachable One", "u1@example.org", "KZ"),
        d20 + jiff::SignedDuration::from_mins(2),
        false,
    )
    .await;
    let now = d20 + jiff::SignedDuration::from_hours(1);
    assert!(matches!(
        confirm(s, &c1, 2, now).await,
        SeatOutcome::Confirmed(_)
    ));
    assert!(matches!(
        confirm(s, &c2, 2, now).await,
        SeatOutcome::Confirmed(_)
    ));
    assert!(matches!(
        confirm(s, &w1, 2, now).await,
        SeatOutcome::Waitlisted(_, 1)
    ));
    assert!(matches!(
        confirm(s, &w2, 2, now).await,
        SeatOutcome::Waitlisted(_, 2)
    ));
    link_sent(s, &c1, now).await;
    s.transition(
        &x1,
        registration::domain::lifecycle::Transition::Cancel,
        now,
    )
    .await
    .expect("cancelled");
    mark_unreachable(app, &u1).await;
    let _ = p1;
    let other_event = format!("{}-other", app.event_id);
    let o = other_event.as_str();
    let oc = register(
        s,
        o,
        &person("Other Confirmed", "c1@example.org", "IR"),
        d19,
        false,
    )
    .await;
    confirm(s, &oc, 10, now).await;
    register(
        s,
        o,
        &person("Other Pending", "o2@example.org", "IR"),
        d18,
        true,
    )
    .await;
    register(
        s,
        o,
        &person("Other Later", "o3@example.org", "DE"),
        d20,
        false,
    )
    .await;
    Seeded {
        emails: vec![
            "p1@example.org",
            "p2@example.org",
            "c1@example.org",
            "c2@example.org",
            "w1@example.org",
            "w2@example.org",
            "x1@example.org",
            "u1@example.org",
        ],
        other_event,
    }
}
