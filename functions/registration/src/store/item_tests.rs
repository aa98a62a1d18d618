//! Tests of `item.rs`.
use super::*;
use crate::domain::{RawRegistration, RawValue, Submission};
use crate::store::{Lease, PendingRegistration};

pub(crate) fn pending() -> PendingRegistration {
    let raw = RawRegistration {
        full_name: RawValue::Text("Ayesha Khan".into()),
        email: RawValue::Text("Ayesha@Example.org".into()),
        country: RawValue::Text("pk".into()),
        organization: RawValue::Text("Lahore Cells".into()),
        designation: RawValue::Text("CTO".into()),
        phone: RawValue::Text("+92 300 1234567".into()),
        consent: RawValue::Flag(true),
        website: RawValue::Absent,
        program: RawValue::Absent,
        language: RawValue::Absent,
    };
    let Ok(Submission::Participant(participant)) = Submission::try_from(&raw) else {
        panic!("a valid submission");
    };
    let now: Timestamp = "2022-09-20T04:00:00Z".parse().unwrap();
    PendingRegistration {
        key: RegistrationKey::for_address("bnr-li-ion-2022", &participant.email),
        registration_id: "id-1".into(),
        participant,
        link_base: "https://register.example.org/".into(),
        registered_at: now,
        lease: Lease {
            owner: "register:x".into(),
            until: "2022-09-20T04:02:00.5Z".parse().unwrap(),
        },
        expires_at: "2022-09-23T04:00:00Z".parse().unwrap(),
        retain_until: "2022-12-27T05:00:00Z".parse().unwrap(),
        language: crate::program::Language::Fa,
    }
}

fn feedback() -> crate::domain::feedback::EmailFeedback {
    crate::domain::feedback::EmailFeedback::new(
        &crate::domain::feedback::DeliveryNews::Delivered,
        Timestamp::UNIX_EPOCH,
    )
}

/// With every optional attribute set, so that each one is written.
fn full() -> Registration {
    Registration {
        designation: Some("d".into()),
        phone: Some("1".into()),
        unreachable: true,
        confirmed_at: Some(Timestamp::UNIX_EPOCH),
        cancelled_at: Some(Timestamp::UNIX_EPOCH),
        promoted_at: Some(Timestamp::UNIX_EPOCH),
        link_token_hash: Some("l".into()),
        cancel_token_hashes: vec!["c1".into(), "c2".into()],
        promotion_sent_at: Some(Timestamp::UNIX_EPOCH),
        promotion_message_id: Some("m".into()),
        promotion_token_hash: Some("p".into()),
        reminder_sent_at: Some(Timestamp::UNIX_EPOCH),
        reminder_message_id: Some("m".into()),
        reminder_token_hash: Some("r".into()),
        confirmation_feedback: Some(feedback()),
        link_feedback: Some(feedback()),
        promotion_feedback: Some(feedback()),
        reminder_feedback: Some(feedback()),
        confirmation_message_id: Some("m".into()),
        link_sent_at: Some(Timestamp::UNIX_EPOCH),
        link_message_id: Some("m".into()),
        last_email_error: Some("e".into()),
        line: Some("bnr-li-ion-2022".into()),
        ticket: Some(7),
        ..Registration::new_pending(&pending(), "hash")
    }
}

#[test]
fn the_attribute_constants_are_exactly_the_items_attributes() {
    let item: std::collections::HashMap<String, aws_sdk_dynamodb::types::AttributeValue> =
        serde_dynamo::to_item(full()).unwrap();
    let mut written: Vec<&str> = item.keys().map(String::as_str).collect();
    let mut named = attr::ALL.to_vec();
    written.sort_unstable();
    named.sort_unstable();
    assert_eq!(written, named);
}

#[test]
fn instants_are_stored_as_the_numbers_ttl_and_lease_conditions_compare() {
    let item: std::collections::HashMap<String, aws_sdk_dynamodb::types::AttributeValue> =
        serde_dynamo::to_item(full()).unwrap();
    assert_eq!(item[attr::EXPIRES_AT].as_n().unwrap(), "1663905600");
    assert_eq!(item[attr::RETAIN_UNTIL].as_n().unwrap(), "1672117200");
    assert_eq!(item[attr::LEASE_UNTIL].as_n().unwrap(), "1663646520500");
    let back: Registration = serde_dynamo::from_item(item).unwrap();
    assert_eq!(back, full());
}

#[test]
fn a_new_registration_owes_its_confirmation_and_names_its_key() {
    let pending = pending();
    let r = Registration::new_pending(&pending, "hash");
    assert_eq!(r.key(), pending.key);
    assert_eq!(
        r.pk,
        format!("EVENT#bnr-li-ion-2022#REG#{}", pending.key.id())
    );
    assert_eq!(r.owes(), Some(Outbox::Confirmation));
    assert_eq!(r.outbox.as_deref(), Some("bnr-li-ion-2022#confirmation"));
    assert_eq!(r.link_base, "https://register.example.org");
    assert_eq!(r.country, "PK");
    assert!(r.holds_token("hash") && !r.holds_token("hasH"));
}

#[test]
fn a_registration_prints_no_personal_data() {
    let printed = format!("{:?}", full());
    for secret in ["Ayesha", "ayesha@", "Example.org", "Lahore", "+92", "hash"] {
        assert!(!printed.contains(secret), "{secret} in {printed}");
    }
    assert!(printed.contains("id-1"));
}

#[test]
fn cancel_tokens_are_stored_as_a_string_set_and_each_is_live() {
    let item: std::collections::HashMap<String, aws_sdk_dynamodb::types::AttributeValue> =
        serde_dynamo::to_item(full()).unwrap();
    assert_eq!(
        item[attr::CANCEL_TOKEN_HASHES],
        aws_sdk_dynamodb::types::AttributeValue::Ss(vec!["c1".into(), "c2".into()])
    );
    let r = full();
    for hash in ["c1", "c2", "l", "p", "r", "hash"] {
        assert!(r.holds_token(hash), "{hash}");
    }
    assert!(!r.holds_token("c3"));
}

#[test]
fn a_registration_holds_its_ticket_while_in_line_and_leaves_it_with_the_line() {
    let now = Timestamp::UNIX_EPOCH;
    let waiting = Registration::new_pending(&pending(), "hash")
        .after(Transition::Waitlist, None, now)
        .in_line(7);
    assert_eq!(waiting.ticket(), Some(7));
    assert_eq!(waiting.line.as_deref(), Some("bnr-li-ion-2022"));
    for transition in [Transition::Promote, Transition::Cancel] {
        let left = waiting.after(transition, None, now);
        assert_eq!((left.ticket(), left.line), (None, None), "{transition:?}");
    }
}
