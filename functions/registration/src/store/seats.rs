//! Seats: one item per event counts the confirmed registrations and holds the
//! waiting list in order. Every change of who holds a seat writes that item and
//! the registration in one transaction whose conditions keep the count exact
//! under any concurrency: confirmed never passes the capacity, a freed seat goes
//! to the first in line exactly once, and nobody jumps the line.

use super::dynamo::DynamoStore;
use super::ext::{classify, from_item, n, s};
use super::item::{self, Registration, attr, seats_attr};
use super::outbox::{transition_update, transition_update_from};
use super::transact::{Committed, contended, contention, update_of};
use super::{CancelOutcome, Outbox, SeatOutcome, StoreError};
use crate::key::RegistrationKey;
use crate::lifecycle::{RegistrationStatus, Transition};
use aws_sdk_dynamodb::operation::update_item::builders::UpdateItemFluentBuilder;
use aws_sdk_dynamodb::types::AttributeValue;
use jiff::Timestamp;
use serde::Deserialize;

/// How often a change of seats is tried when other changes keep winning the
/// item (each try re-reads what it needs).
const SEAT_ATTEMPTS: u32 = 12;

/// The seats item as read.
#[derive(Debug, Clone, Default, Deserialize)]
pub(super) struct Seats {
    #[serde(default)]
    pub confirmed: u32,
    #[serde(default)]
    pub waitlist: Vec<String>,
}

impl DynamoStore {
    /// The seats item of an event, strongly consistent.
    pub(super) async fn seats(&self, event_id: &str) -> Result<Seats, StoreError> {
        let output = self
            .client
            .get_item()
            .table_name(&self.table_name)
            .key(attr::PK, s(item::seats_pk(event_id)))
            .consistent_read(true)
            .set_return_consumed_capacity(self.capacity())
            .send()
            .await
            .map_err(classify)?;
        self.read(output.consumed_capacity());
        output
            .item
            .map(from_item)
            .transpose()
            .map(Option::unwrap_or_default)
    }

    pub(super) async fn seat_or_line(
        &self,
        pending: &Registration,
        capacity: Option<u32>,
        now: Timestamp,
    ) -> Result<SeatOutcome, StoreError> {
        let key = &pending.key();
        for attempt in 0..SEAT_ATTEMPTS {
            match self.take_a_seat(key, capacity, now).await? {
                Committed::Yes => {
                    let confirmed = Transition::Confirm;
                    let registration = pending.after(confirmed, confirmed.owes(), now);
                    return Ok(SeatOutcome::Confirmed(registration));
                }
                Committed::Refused {
                    registration: true, ..
                } => {
                    return Ok(SeatOutcome::Refused(self.get_registration(key).await?));
                }
                Committed::Refused { .. } => {}
                Committed::Conflict => {
                    contention(attempt).await;
                    continue;
                }
            }
            match self.join_the_line(key, capacity, now).await? {
                Committed::Yes => {
                    let registration = pending.after(Transition::Waitlist, None, now);
                    let position = self.position(key).await?.unwrap_or(0);
                    return Ok(SeatOutcome::Waitlisted(registration, position));
                }
                Committed::Refused {
                    registration: true, ..
                } => {
                    return Ok(SeatOutcome::Refused(self.get_registration(key).await?));
                }
                // A seat freed meanwhile, or another change won the item: again.
                Committed::Refused { .. } | Committed::Conflict => contention(attempt).await,
            }
        }
        Err(contended())
    }

    /// Pending to confirmed, counting the seat; refused on the seats item when
    /// every seat is taken or somebody waits.
    async fn take_a_seat(
        &self,
        key: &RegistrationKey,
        capacity: Option<u32>,
        now: Timestamp,
    ) -> Result<Committed, StoreError> {
        let mut seats = self
            .seats_update(key.event_id())
            .update_expression("ADD #confirmed :one")
            .expression_attribute_names("#confirmed", seats_attr::CONFIRMED)
            .expression_attribute_values(":one", n(1));
        if let Some(capacity) = capacity {
            seats = seats
                .condition_expression(
                    "(attribute_not_exists(#confirmed) OR #confirmed < :capacity) \
                     AND (attribute_not_exists(#waitlist) OR size(#waitlist) = :zero)",
                )
                .expression_attribute_names("#waitlist", seats_attr::WAITLIST)
                .expression_attribute_values(":capacity", n(capacity))
                .expression_attribute_values(":zero", n(0));
        }
        let registration = transition_update(self.update(key), key, Transition::Confirm, now);
        self.transact(vec![update_of(registration)?, update_of(seats)?])
            .await
    }

    /// Pending to waitlisted, at the end of the line; refused on the seats item
    /// when a seat is free and nobody waits.
    async fn join_the_line(
        &self,
        key: &RegistrationKey,
        capacity: Option<u32>,
        now: Timestamp,
    ) -> Result<Committed, StoreError> {
        let Some(capacity) = capacity else {
            // No limit: nobody ever waits (only reached when a seat update conflicted).
            return Ok(Committed::Refused {
                registration: false,
                seats: true,
            });
        };
        let seats = self
            .seats_update(key.event_id())
            .update_expression("SET #waitlist = list_append(if_not_exists(#waitlist, :empty), :me)")
            .condition_expression("#confirmed >= :capacity OR size(#waitlist) > :zero")
            .expression_attribute_names("#confirmed", seats_attr::CONFIRMED)
            .expression_attribute_names("#waitlist", seats_attr::WAITLIST)
            .expression_attribute_values(":empty", AttributeValue::L(Vec::new()))
            .expression_attribute_values(":me", AttributeValue::L(vec![s(key.id())]))
            .expression_attribute_values(":capacity", n(capacity))
            .expression_attribute_values(":zero", n(0));
        let registration = transition_update(self.update(key), key, Transition::Waitlist, now);
        self.transact(vec![update_of(registration)?, update_of(seats)?])
            .await
    }

    /// A waitlisted registration's place in line (1 = next).
    pub(super) async fn position(&self, key: &RegistrationKey) -> Result<Option<u32>, StoreError> {
        let seats = self.seats(key.event_id()).await?;
        Ok(seats
            .waitlist
            .iter()
            .position(|id| id == key.id())
            .and_then(|i| u32::try_from(i + 1).ok()))
    }

    pub(super) async fn withdraw(
        &self,
        key: &RegistrationKey,
        now: Timestamp,
    ) -> Result<CancelOutcome, StoreError> {
        for attempt in 0..SEAT_ATTEMPTS {
            let Some(current) = self.get_registration(key).await? else {
                return Ok(CancelOutcome::Refused(None));
            };
            let committed = match current.status {
                RegistrationStatus::Cancelled => return Ok(CancelOutcome::Refused(Some(current))),
                RegistrationStatus::Pending => {
                    if self.delete_pending(key).await? {
                        return Ok(CancelOutcome::Deleted(current));
                    }
                    continue;
                }
                RegistrationStatus::Confirmed => self.give_back_seat(key, now).await?,
                RegistrationStatus::Waitlisted => self.leave_the_line(key, now).await?,
            };
            match committed {
                Committed::Yes => {
                    let cancelled = current.after(Transition::Cancel, None, now);
                    return Ok(CancelOutcome::Cancelled(cancelled));
                }
                // A confirmed registration the seats never counted (written
                // before seats were, or by hand): its status alone.
                Committed::Refused {
                    registration: false,
                    seats: true,
                } if current.status == RegistrationStatus::Confirmed => {
                    tracing::warn!(
                        "a confirmed registration without a counted seat; cancelled without one"
                    );
                    let update = transition_update_from(
                        self.update(key),
                        key,
                        (Transition::Cancel, &[RegistrationStatus::Confirmed]),
                        None,
                        now,
                    );
                    if matches!(
                        self.transact(vec![update_of(update)?]).await?,
                        Committed::Yes
                    ) {
                        let cancelled = current.after(Transition::Cancel, None, now);
                        return Ok(CancelOutcome::Cancelled(cancelled));
                    }
                }
                // Its status changed since it was read, or the line moved: again.
                Committed::Refused { .. } | Committed::Conflict => contention(attempt).await,
            }
        }
        Err(contended())
    }

    /// A pending registration ("this wasn't me") goes with everything it held.
    async fn delete_pending(&self, key: &RegistrationKey) -> Result<bool, StoreError> {
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
    async fn give_back_seat(
        &self,
        key: &RegistrationKey,
        now: Timestamp,
    ) -> Result<Committed, StoreError> {
        let seats = self
            .seats_update(key.event_id())
            .update_expression("ADD #confirmed :minus_one")
            .condition_expression("#confirmed > :zero")
            .expression_attribute_names("#confirmed", seats_attr::CONFIRMED)
            .expression_attribute_values(":minus_one", n(-1))
            .expression_attribute_values(":zero", n(0));
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

    /// Waitlisted to cancelled, and out of the line.
    async fn leave_the_line(
        &self,
        key: &RegistrationKey,
        now: Timestamp,
    ) -> Result<Committed, StoreError> {
        let line = self.seats(key.event_id()).await?.waitlist;
        let registration = transition_update_from(
            self.update(key),
            key,
            (Transition::Cancel, &[RegistrationStatus::Waitlisted]),
            None,
            now,
        );
        let Some(index) = line.iter().position(|id| id == key.id()) else {
            // Not in the line (it never should be missing): the status alone.
            return self.transact(vec![update_of(registration)?]).await;
        };
        let seats = self
            .seats_update(key.event_id())
            .update_expression(format!("REMOVE #waitlist[{index}]"))
            .condition_expression(format!("#waitlist[{index}] = :me"))
            .expression_attribute_names("#waitlist", seats_attr::WAITLIST)
            .expression_attribute_values(":me", s(key.id()));
        self.transact(vec![update_of(registration)?, update_of(seats)?])
            .await
    }

    pub(super) async fn promote_first(
        &self,
        event_id: &str,
        capacity: Option<u32>,
        owes: Outbox,
        now: Timestamp,
    ) -> Result<Option<Registration>, StoreError> {
        // No limit: nobody waits.
        let Some(capacity) = capacity else {
            return Ok(None);
        };
        for attempt in 0..SEAT_ATTEMPTS {
            let seats = self.seats(event_id).await?;
            let Some(first) = seats.waitlist.first() else {
                return Ok(None);
            };
            if seats.confirmed >= capacity {
                return Ok(None);
            }
            let key = RegistrationKey::from_stored(event_id, first);
            match self.promote(&key, capacity, owes, now).await? {
                // Read back: the waiting registration was not read before.
                Committed::Yes => return Ok(Some(self.read_back(&key).await?)),
                Committed::Refused {
                    registration: true,
                    seats: false,
                } => self.drop_from_line(&key).await?,
                Committed::Refused { .. } | Committed::Conflict => contention(attempt).await,
            }
        }
        Err(contended())
    }

    /// The first in line to confirmed, owing `owes`, counting the seat.
    async fn promote(
        &self,
        key: &RegistrationKey,
        capacity: u32,
        owes: Outbox,
        now: Timestamp,
    ) -> Result<Committed, StoreError> {
        let seats = self
            .seats_update(key.event_id())
            .update_expression("REMOVE #waitlist[0] ADD #confirmed :one")
            .condition_expression("#waitlist[0] = :me AND #confirmed < :capacity")
            .expression_attribute_names("#waitlist", seats_attr::WAITLIST)
            .expression_attribute_names("#confirmed", seats_attr::CONFIRMED)
            .expression_attribute_values(":me", s(key.id()))
            .expression_attribute_values(":one", n(1))
            .expression_attribute_values(":capacity", n(capacity));
        // A promotion before links go out owes the promotion email first.
        let registration = transition_update_from(
            self.update(key),
            key,
            (Transition::Promote, Transition::Promote.from()),
            Some(owes),
            now,
        );
        self.transact(vec![update_of(registration)?, update_of(seats)?])
            .await
    }

    /// Take out of the line a registration that is no longer waitlisted.
    async fn drop_from_line(&self, key: &RegistrationKey) -> Result<(), StoreError> {
        tracing::warn!(
            "the first in line could not take a seat (unreachable, or no longer waitlisted); taken out of the line"
        );
        let update = self
            .seats_update(key.event_id())
            .update_expression("REMOVE #waitlist[0]")
            .condition_expression("#waitlist[0] = :me")
            .expression_attribute_names("#waitlist", seats_attr::WAITLIST)
            .expression_attribute_values(":me", s(key.id()));
        self.conditional_update(update).await.map(|_| ())
    }

    fn seats_update(&self, event_id: &str) -> UpdateItemFluentBuilder {
        self.client
            .update_item()
            .table_name(&self.table_name)
            .key(attr::PK, s(item::seats_pk(event_id)))
    }

    async fn get_registration(
        &self,
        key: &RegistrationKey,
    ) -> Result<Option<Registration>, StoreError> {
        use super::RegistrationStore;
        self.get(key).await
    }

    /// The registration a committed transaction just wrote.
    async fn read_back(&self, key: &RegistrationKey) -> Result<Registration, StoreError> {
        self.get_registration(key)
            .await?
            .ok_or_else(|| StoreError::Internal("a registration vanished after a write".into()))
    }
}
