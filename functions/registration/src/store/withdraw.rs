//! The steps of withdrawing a registration (`Seats::cancel`, in `seats.rs`):
//! a confirmed one gives back its seat, a waiting one leaves the line, a
//! pending one is deleted. What the cancel freed is what
//! its transaction wrote, so that only a seat actually given back is filled.

use super::dynamo::DynamoStore;
use super::ext::{classify, s};
use super::item::{self, Registration, attr, seats_attr};
use super::line::in_line_with;
use super::outbox::transition_update_from;
use super::seats_item::{and_condition, extend};
use super::transact::{Committed, update_of};
use super::{CancelOutcome, Freed, StoreError};
use crate::domain::key::RegistrationKey;
use crate::domain::lifecycle::{RegistrationStatus, Transition};
use jiff::Timestamp;

impl DynamoStore {
    /// A pending registration ("this wasn't me") goes with everything it held.
    pub(super) async fn delete_pending(&self, key: &RegistrationKey) -> Result<bool, StoreError> {
        let result = self
            .client
            .delete_item()
            .table_name(&self.table_name)
            .key(attr::PK, s(item::pk(key)))
            .condition_expression("#status = :pending")
            .expression_attribute_names("#status", attr::STATUS)
            .expression_attribute_values(":pending", s(RegistrationStatus::Pending.as_str()))
            .set_return_consumed_capacity(self.capacity())
            .send()
            .await;
        match result {
            Ok(output) => {
                self.write(output.consumed_capacity());
                Ok(true)
            }
            Err(err) if super::ext::is_condition_failure(&err) => Ok(false),
            Err(err) => Err(classify(err)),
        }
    }

    /// Confirmed to cancelled, and the seat counted free.
    pub(super) async fn give_back_seat(
        &self,
        key: &RegistrationKey,
        now: Timestamp,
    ) -> Result<Committed, StoreError> {
        let seats = self
            .seats_update(key.event_id())
            .update_expression("ADD #confirmed :minus_one")
            .condition_expression("#confirmed > :zero")
            .expression_attribute_names("#confirmed", seats_attr::CONFIRMED)
            .expression_attribute_values(":minus_one", super::ext::n(-1))
            .expression_attribute_values(":zero", super::ext::n(0));
        let registration = transition_update_from(
            self.update(key),
            key,
            (Transition::Cancel, &[RegistrationStatus::Confirmed]),
            None,
            now,
        );
        self.transact(vec![update_of(registration)?, update_of(seats)?])
            .await
    }

    /// Waitlisted to cancelled, out of the line (it held `ticket`).
    pub(super) async fn leave_the_line(
        &self,
        key: &RegistrationKey,
        ticket: u64,
        now: Timestamp,
    ) -> Result<Committed, StoreError> {
        let registration = transition_update_from(
            self.update(key),
            key,
            (Transition::Cancel, &[RegistrationStatus::Waitlisted]),
            None,
            now,
        );
        let registration = in_line_with(extend(registration, None, Some("#line, #ticket")), ticket);
        let seats = self.leave_line_seats(key.event_id());
        self.transact(vec![update_of(registration)?, update_of(seats)?])
            .await
    }

    /// `status` to cancelled, touching no seat: a registration the seats do not
    /// count (a waitlisted one out of the line, a confirmed one never counted).
    pub(super) async fn cancel_status_only(
        &self,
        key: &RegistrationKey,
        status: RegistrationStatus,
        now: Timestamp,
    ) -> Result<Committed, StoreError> {
        let update = transition_update_from(
            self.update(key),
            key,
            (Transition::Cancel, &[status]),
            None,
            now,
        );
        let update = and_condition(update, "attribute_not_exists(#line)")
            .expression_attribute_names("#line", attr::LINE);
        self.transact(vec![update_of(update)?]).await
    }

    /// Whether the event's line was still kept the old way (and is now moved).
    pub(super) async fn moved_legacy_line(&self, event_id: &str) -> Result<bool, StoreError> {
        let seats = self.seats(event_id).await?;
        if seats.waitlist.is_empty() {
            return Ok(false);
        }
        self.move_legacy_line(event_id, &seats.waitlist).await?;
        Ok(true)
    }
}

/// What a committed cancel of `current` returns.
pub(super) fn cancelled(current: &Registration, freed: Freed, now: Timestamp) -> CancelOutcome {
    CancelOutcome::Cancelled(current.after(Transition::Cancel, None, now), freed)
}
