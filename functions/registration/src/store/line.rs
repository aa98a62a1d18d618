//! The steps of the waiting line moving (`Seats::promote_next`, in
//! `seats.rs`): a free seat to the first in line (in ticket order, read from
//! the `line` index), and a registration that can no longer take a seat
//! (unreachable, or no longer waitlisted) taken out of the line on the way,
//! which is progress and never uses up the attempts.

use super::dynamo::DynamoStore;
use super::ext::{classify, n, s};
use super::item::{self, LINE_INDEX, Registration, attr, seats_attr};
use super::outbox::transition_update_from;
use super::seats_item::{LINE_MOVED, and_condition, extend, line_moved};
use super::transact::{Committed, update_of};
use super::{Outbox, Registrations, StoreError};
use crate::domain::key::RegistrationKey;
use crate::domain::lifecycle::{RegistrationStatus, Transition};
use aws_sdk_dynamodb::operation::update_item::builders::UpdateItemFluentBuilder;
use aws_sdk_dynamodb::types::AttributeValue;
use jiff::Timestamp;

/// How often the index is asked again when it lists nobody while the seats
/// item counts somebody waiting (its propagation takes well under a second).
pub(super) const UNLISTED_TRIES: u32 = 3;

/// What to do with the first in line, as read after its promotion was refused.
pub(super) enum Refusal {
    /// Still in line but unable to take a seat: out of the line.
    Drop(Box<Registration>),
    /// Already out of the line; the index has not caught up: skip it.
    Gone,
}

impl DynamoStore {
    /// The key and ticket of the first in the event's line (after ticket
    /// `after`, when given), as the `line` index lists it.
    pub(super) async fn first_in_line(
        &self,
        event_id: &str,
        after: Option<u64>,
    ) -> Result<Option<(RegistrationKey, u64)>, StoreError> {
        let mut query = self
            .client
            .query()
            .table_name(&self.table_name)
            .index_name(LINE_INDEX)
            .key_condition_expression("#line = :line")
            .expression_attribute_names("#line", attr::LINE)
            .expression_attribute_values(":line", s(event_id));
        if let Some(after) = after {
            query = query
                .key_condition_expression("#line = :line AND #ticket > :after")
                .expression_attribute_names("#ticket", attr::TICKET)
                .expression_attribute_values(":after", n(after));
        }
        let output = query
            .limit(1)
            .set_return_consumed_capacity(self.capacity())
            .send()
            .await
            .map_err(classify)?;
        self.read(output.consumed_capacity());
        Ok(output.items().first().and_then(|entry| {
            let pk = entry.get(attr::PK)?.as_s().ok()?;
            let ticket = entry.get(attr::TICKET)?.as_n().ok()?.parse().ok()?;
            Some((item::key_of_pk(event_id, pk)?, ticket))
        }))
    }

    /// The registration with `ticket` to confirmed, owing `owes`, counting the seat.
    pub(super) async fn promote(
        &self,
        key: &RegistrationKey,
        ticket: u64,
        capacity: Option<u32>,
        owes: Outbox,
        now: Timestamp,
    ) -> Result<Committed, StoreError> {
        let mut condition = format!("{LINE_MOVED} AND #waiting > :zero");
        if capacity.is_some() {
            condition.push_str(" AND (attribute_not_exists(#confirmed) OR #confirmed < :capacity)");
        }
        let mut seats = self
            .seats_update(key.event_id())
            .update_expression("ADD #confirmed :one, #waiting :minus_one")
            .condition_expression(condition)
            .expression_attribute_names("#confirmed", seats_attr::CONFIRMED)
            .expression_attribute_names("#waiting", seats_attr::WAITING)
            .expression_attribute_values(":one", n(1))
            .expression_attribute_values(":minus_one", n(-1));
        if let Some(capacity) = capacity {
            seats = seats.expression_attribute_values(":capacity", n(capacity));
        }
        // A promotion before links go out owes the promotion email first; the
        // transition's condition also wants the registration reachable.
        let registration = transition_update_from(
            self.update(key),
            key,
            (Transition::Promote, Transition::Promote.from()),
            Some(owes),
            now,
        );
        let registration = in_line_with(extend(registration, None, Some("#line, #ticket")), ticket);
        self.transact(vec![
            update_of(registration)?,
            update_of(line_moved(seats))?,
        ])
        .await
    }

    /// Why the registration with `ticket` could not be promoted.
    pub(super) async fn refusal(
        &self,
        key: &RegistrationKey,
        ticket: u64,
    ) -> Result<Refusal, StoreError> {
        Ok(match self.get(key).await? {
            Some(registration) if registration.ticket() == Some(ticket) => {
                Refusal::Drop(Box::new(registration))
            }
            _ => Refusal::Gone,
        })
    }

    /// Take out of the line a registration that cannot take a seat: unreachable
    /// (it stays waitlisted and unreachable, for the organizer to see), or no
    /// longer waitlisted.
    pub(super) async fn drop_from_line(
        &self,
        registration: &Registration,
        ticket: u64,
    ) -> Result<Committed, StoreError> {
        tracing::warn!(
            registration_id = %registration.registration_id,
            unreachable = registration.unreachable,
            status = ?registration.status,
            "the first in line cannot take a seat (unreachable, or no longer waitlisted); taken out of the line"
        );
        let key = registration.key();
        let update = self
            .update(&key)
            .update_expression("REMOVE #line, #ticket")
            .condition_expression(
                "#ticket = :ticket AND (#unreachable = :true OR #status <> :waitlisted)",
            )
            .expression_attribute_names("#line", attr::LINE)
            .expression_attribute_names("#ticket", attr::TICKET)
            .expression_attribute_names("#unreachable", attr::UNREACHABLE)
            .expression_attribute_names("#status", attr::STATUS)
            .expression_attribute_values(":ticket", n(ticket))
            .expression_attribute_values(":true", AttributeValue::Bool(true))
            .expression_attribute_values(":waitlisted", s(RegistrationStatus::Waitlisted.as_str()));
        let seats = self.leave_line_seats(key.event_id());
        self.transact(vec![update_of(update)?, update_of(seats)?])
            .await
    }

    /// The seats item's part of leaving the line: one fewer waiting.
    pub(super) fn leave_line_seats(&self, event_id: &str) -> UpdateItemFluentBuilder {
        line_moved(
            self.seats_update(event_id)
                .update_expression("ADD #waiting :minus_one")
                .condition_expression(format!("{LINE_MOVED} AND #waiting > :zero"))
                .expression_attribute_names("#waiting", seats_attr::WAITING)
                .expression_attribute_values(":minus_one", n(-1)),
        )
    }
}

/// A registration's transition update conditioned on its holding `ticket`
/// (so still in line, as the one read).
pub(super) fn in_line_with(
    update: UpdateItemFluentBuilder,
    ticket: u64,
) -> UpdateItemFluentBuilder {
    and_condition(update, "#ticket = :ticket")
        .expression_attribute_names("#line", attr::LINE)
        .expression_attribute_names("#ticket", attr::TICKET)
        .expression_attribute_values(":ticket", n(ticket))
}
