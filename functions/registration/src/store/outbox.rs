//! The outboxes ([`Outboxes`]): the sparse index of registrations that owe an
//! email, paged oldest first and counted, and the claim (its conditional write
//! in `claim.rs`), sent and failure records of each email. Also the status
//! transitions' updates, since the outbox follows the status.

use super::claim::{TokenRoom, claims_a_cancel_token};
use super::dynamo::DynamoStore;
use super::ext::{classify, from_item, n, s};
use super::item::{self, OUTBOX_INDEX, Registration, attr};
use super::{
    Attempt, DueCount, DuePage, Lease, MAX_EMAIL_ATTEMPTS, Outbox, OutboxCursor, Outboxes,
    StoreError,
};
use crate::domain::key::RegistrationKey;
use crate::domain::lifecycle::{RegistrationStatus, Transition};
use async_trait::async_trait;
use aws_sdk_dynamodb::operation::update_item::builders::UpdateItemFluentBuilder;
use aws_sdk_dynamodb::types::{AttributeValue, Select};
use jiff::Timestamp;

/// The attributes that record an email of this outbox: when it was sent, its
/// message id, and how many attempts failed.
struct EmailAttributes {
    sent_at: &'static str,
    message_id: &'static str,
    attempts: &'static str,
}

fn email_attributes(outbox: Outbox) -> EmailAttributes {
    match outbox {
        Outbox::Confirmation => EmailAttributes {
            sent_at: attr::CONFIRMATION_EMAIL_AT,
            message_id: attr::CONFIRMATION_MESSAGE_ID,
            attempts: attr::CONFIRMATION_ATTEMPTS,
        },
        Outbox::Link => EmailAttributes {
            sent_at: attr::LINK_SENT_AT,
            message_id: attr::LINK_MESSAGE_ID,
            attempts: attr::LINK_ATTEMPTS,
        },
        Outbox::Promotion => EmailAttributes {
            sent_at: attr::PROMOTION_SENT_AT,
            message_id: attr::PROMOTION_MESSAGE_ID,
            attempts: attr::PROMOTION_ATTEMPTS,
        },
        Outbox::Reminder => EmailAttributes {
            sent_at: attr::REMINDER_SENT_AT,
            message_id: attr::REMINDER_MESSAGE_ID,
            attempts: attr::REMINDER_ATTEMPTS,
        },
    }
}

/// An update expression's `SET` and `REMOVE` clauses.
#[derive(Default)]
pub(super) struct Clauses {
    set: Vec<&'static str>,
    remove: Vec<&'static str>,
}

impl Clauses {
    pub(super) fn set(mut self, clause: &'static str) -> Self {
        self.set.push(clause);
        self
    }

    pub(super) fn remove(mut self, path: &'static str) -> Self {
        self.remove.push(path);
        self
    }

    /// Leave an outbox: into the one owed next (`:next`, see [`with_next`]),
    /// or out of any.
    fn leave(self, next: Option<Outbox>) -> Self {
        match next {
            Some(_) => self.set("#outbox = :next"),
            None => self.remove("#outbox"),
        }
    }

    pub(super) fn render(&self) -> String {
        let mut expression = String::new();
        if !self.set.is_empty() {
            expression = format!("SET {}", self.set.join(", "));
        }
        if !self.remove.is_empty() {
            expression = format!("{expression} REMOVE {}", self.remove.join(", "));
        }
        expression.trim_start().to_owned()
    }
}

/// The update that applies `transition`, conditioned on its starting statuses.
/// The outbox follows the new status: a registration that now owes its link
/// enters the link outbox; any other leaves the outbox it was in (a confirmation
/// email is moot once the participant has clicked). Any lease is released.
pub(super) fn transition_update(
    update: UpdateItemFluentBuilder,
    key: &RegistrationKey,
    transition: Transition,
    now: Timestamp,
) -> UpdateItemFluentBuilder {
    let from = (transition, transition.from());
    transition_update_from(update, key, from, transition.owes(), now)
}

/// The update that applies a transition from some of its starting statuses
/// (`from`), leaving the registration owing `owes`.
pub(super) fn transition_update_from(
    update: UpdateItemFluentBuilder,
    key: &RegistrationKey,
    (transition, from): (Transition, &[RegistrationStatus]),
    owes: Option<Outbox>,
    now: Timestamp,
) -> UpdateItemFluentBuilder {
    debug_assert!(from.iter().all(|status| transition.from().contains(status)));
    // A confirmed address keeps its data for the retention period, no longer
    // the few hours of an unconfirmed one.
    let keeps = transition.to() != RegistrationStatus::Cancelled;
    // A seat goes only to someone who can be told: never to an unreachable address.
    let reachable_only = transition == Transition::Promote;
    let placeholders: Vec<String> = (0..from.len()).map(|i| format!(":from{i}")).collect();
    let mut condition = format!("#status IN ({})", placeholders.join(", "));
    if reachable_only {
        condition.push_str(" AND (attribute_not_exists(#unreachable) OR #unreachable = :false)");
    }
    let mut update = update
        .update_expression(transition_clauses(owes.is_some(), keeps).render())
        .condition_expression(condition)
        .expression_attribute_names("#status", attr::STATUS)
        .expression_attribute_names("#stamped", stamped_attribute(transition))
        .expression_attribute_names("#until", attr::LEASE_UNTIL)
        .expression_attribute_names("#owner", attr::LEASE_OWNER)
        .expression_attribute_names("#outbox", attr::OUTBOX)
        .expression_attribute_values(":to", s(transition.to().as_str()))
        .expression_attribute_values(":now", s(now.to_string()));
    for (placeholder, status) in placeholders.iter().zip(from) {
        update = update.expression_attribute_values(placeholder, s(status.as_str()));
    }
    if let Some(outbox) = owes {
        let queue = item::outbox_value(key.event_id(), outbox);
        update = update.expression_attribute_values(":queue", s(queue));
    }
    if keeps {
        update = update
            .expression_attribute_names("#expires", attr::EXPIRES_AT)
            .expression_attribute_names("#retain", attr::RETAIN_UNTIL);
    }
    if reachable_only {
        update = update
            .expression_attribute_names("#unreachable", attr::UNREACHABLE)
            .expression_attribute_values(":false", AttributeValue::Bool(false));
    }
    update
}

/// The instant a transition records.
fn stamped_attribute(transition: Transition) -> &'static str {
    match transition {
        // The instant the address was confirmed, seat or not.
        Transition::Confirm | Transition::Waitlist => attr::CONFIRMED_AT,
        Transition::Cancel => attr::CANCELLED_AT,
        Transition::Promote => attr::PROMOTED_AT,
    }
}

/// What a transition sets and removes: the status and its instant, the outbox
/// (`:queue`, or none), the lease, and the expiry when the data is kept.
fn transition_clauses(owes: bool, keeps: bool) -> Clauses {
    let clauses = Clauses::default()
        .set("#status = :to")
        .set("#stamped = :now")
        .remove("#until")
        .remove("#owner");
    let clauses = if owes {
        clauses.set("#outbox = :queue")
    } else {
        clauses.remove("#outbox")
    };
    if keeps {
        clauses.set("#expires = if_not_exists(#retain, #expires)")
    } else {
        clauses
    }
}

#[async_trait]
impl Outboxes for DynamoStore {
    async fn due(
        &self,
        event_id: &str,
        outbox: Outbox,
        after: Option<OutboxCursor>,
        limit: i32,
    ) -> Result<DuePage, StoreError> {
        let start = after.map(|cursor| cursor.0.into_iter().map(|(k, v)| (k, s(v))).collect());
        let output = self
            .client
            .query()
            .table_name(&self.table_name)
            .index_name(OUTBOX_INDEX)
            .key_condition_expression("#outbox = :queue")
            .expression_attribute_names("#outbox", attr::OUTBOX)
            .expression_attribute_values(":queue", s(item::outbox_value(event_id, outbox)))
            .set_exclusive_start_key(start)
            .limit(limit)
            .set_return_consumed_capacity(self.capacity())
            .send()
            .await
            .map_err(classify)?;
        self.read(output.consumed_capacity());
        let keys = output
            .items()
            .iter()
            .filter_map(|item| item.get(attr::PK).and_then(|v| v.as_s().ok()))
            .filter_map(|pk| item::key_of_pk(event_id, pk))
            .collect();
        let next = output.last_evaluated_key.map(|keys| {
            OutboxCursor(
                keys.into_iter()
                    .filter_map(|(k, v)| v.as_s().ok().cloned().map(|v| (k, v)))
                    .collect(),
            )
        });
        Ok(DuePage { keys, next })
    }

    async fn count_due(&self, event_id: &str, outbox: Outbox) -> Result<u64, StoreError> {
        Ok(self.count_in(event_id, outbox, None).await?.count)
    }

    async fn count_due_up_to(
        &self,
        event_id: &str,
        outbox: Outbox,
        up_to: u32,
    ) -> Result<DueCount, StoreError> {
        self.count_in(event_id, outbox, Some(up_to)).await
    }

    async fn claim(
        &self,
        key: &RegistrationKey,
        outbox: Outbox,
        lease: &Lease,
        token_hash: Option<&str>,
        now: Timestamp,
    ) -> Result<Option<Registration>, StoreError> {
        let token = token_hash.filter(|_| claims_a_cancel_token(outbox));
        let claimed = self
            .claim_update(key, outbox, lease, token.map(|t| (t, TokenRoom::Room)), now)
            .await?;
        let Some(token) = token.filter(|_| claimed.is_none()) else {
            return claimed.map(from_item).transpose();
        };
        // Held or served meanwhile, or the cancel tokens are full (this second
        // write only follows a claim that did not hold).
        self.claim_update(key, outbox, lease, Some((token, TokenRoom::Full)), now)
            .await?
            .map(from_item)
            .transpose()
    }

    async fn record_sent(
        &self,
        key: &RegistrationKey,
        outbox: Outbox,
        owner: &str,
        message_id: &str,
        at: Timestamp,
    ) -> Result<bool, StoreError> {
        let email = email_attributes(outbox);
        let clauses = Clauses::default()
            .set("#sent_at = :at")
            .set("#message = :message")
            .remove("#until")
            .remove("#owner")
            .remove("#error")
            .leave(outbox.after_sent());
        let update = self
            .update(key)
            .update_expression(clauses.render())
            .condition_expression("#outbox = :queue AND #owner = :owner")
            .expression_attribute_names("#sent_at", email.sent_at)
            .expression_attribute_names("#message", email.message_id)
            .expression_attribute_names("#outbox", attr::OUTBOX)
            .expression_attribute_names("#until", attr::LEASE_UNTIL)
            .expression_attribute_names("#owner", attr::LEASE_OWNER)
            .expression_attribute_names("#error", attr::LAST_EMAIL_ERROR)
            .expression_attribute_values(":at", s(at.to_string()))
            .expression_attribute_values(":message", s(message_id))
            .expression_attribute_values(":queue", s(item::outbox_value(key.event_id(), outbox)))
            .expression_attribute_values(":owner", s(owner));
        let update = with_next(update, key, outbox.after_sent());
        self.conditional_update(update).await
    }

    /// Each update is one atomic step: either the lease is released with the
    /// registration still due, or (at the last counted attempt) both leave
    /// together, so no other sender can claim it in between.
    async fn record_failure(
        &self,
        key: &RegistrationKey,
        outbox: Outbox,
        owner: &str,
        reason: &str,
        attempt: Attempt,
    ) -> Result<(), StoreError> {
        let increment = u32::from(attempt == Attempt::Counted);
        let threshold = match attempt {
            Attempt::Final => 0,
            _ => MAX_EMAIL_ATTEMPTS - increment,
        };
        for give_up in [false, true] {
            let clauses = Clauses::default()
                .set("#attempts = if_not_exists(#attempts, :zero) + :inc")
                .set("#error = :reason")
                .remove("#until")
                .remove("#owner");
            let (clauses, bound) = if give_up {
                (
                    clauses.leave(outbox.after_given_up()),
                    "#attempts >= :threshold",
                )
            } else {
                (
                    clauses,
                    "(attribute_not_exists(#attempts) OR #attempts < :threshold)",
                )
            };
            let update = self
                .update(key)
                .update_expression(clauses.render())
                .condition_expression(format!("#outbox = :queue AND #owner = :owner AND {bound}"))
                .expression_attribute_names("#attempts", email_attributes(outbox).attempts)
                .expression_attribute_names("#error", attr::LAST_EMAIL_ERROR)
                .expression_attribute_names("#outbox", attr::OUTBOX)
                .expression_attribute_names("#until", attr::LEASE_UNTIL)
                .expression_attribute_names("#owner", attr::LEASE_OWNER)
                .expression_attribute_values(":zero", n(0))
                .expression_attribute_values(":inc", n(increment))
                .expression_attribute_values(":threshold", n(threshold))
                .expression_attribute_values(":reason", s(reason))
                .expression_attribute_values(
                    ":queue",
                    s(item::outbox_value(key.event_id(), outbox)),
                )
                .expression_attribute_values(":owner", s(owner));
            let update = if give_up {
                with_next(update, key, outbox.after_given_up())
            } else {
                update
            };
            if self.conditional_update(update).await? {
                return Ok(());
            }
        }
        // Neither matched: the lease is no longer ours.
        Ok(())
    }
}

impl DynamoStore {
    /// Count what waits in an outbox, reading at most `up_to` + 1 keys when
    /// bounded: the count is then exact below `up_to`, else a lower bound.
    async fn count_in(
        &self,
        event_id: &str,
        outbox: Outbox,
        up_to: Option<u32>,
    ) -> Result<DueCount, StoreError> {
        let mut total = 0u64;
        let mut start = None;
        loop {
            let output = self
                .client
                .query()
                .table_name(&self.table_name)
                .index_name(OUTBOX_INDEX)
                .key_condition_expression("#outbox = :queue")
                .expression_attribute_names("#outbox", attr::OUTBOX)
                .expression_attribute_values(":queue", s(item::outbox_value(event_id, outbox)))
                .select(Select::Count)
                .set_limit(up_to.map(|n| i32::try_from(n.saturating_add(1)).unwrap_or(i32::MAX)))
                .set_exclusive_start_key(start)
                .set_return_consumed_capacity(self.capacity())
                .send()
                .await
                .map_err(classify)?;
            self.read(output.consumed_capacity());
            total += u64::try_from(output.count).unwrap_or(0);
            if let Some(up_to) = up_to.map(u64::from) {
                return Ok(DueCount {
                    count: total.min(up_to),
                    at_least: total > up_to,
                });
            }
            match output.last_evaluated_key {
                Some(key) => start = Some(key),
                None => {
                    return Ok(DueCount {
                        count: total,
                        at_least: false,
                    });
                }
            }
        }
    }
}

/// Add `:next`, the outbox owed next, when there is one.
fn with_next(
    update: UpdateItemFluentBuilder,
    key: &RegistrationKey,
    next: Option<Outbox>,
) -> UpdateItemFluentBuilder {
    match next {
        Some(next) => {
            update.expression_attribute_values(":next", s(item::outbox_value(key.event_id(), next)))
        }
        None => update,
    }
}
