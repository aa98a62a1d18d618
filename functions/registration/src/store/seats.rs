//! Seats: one item per event counts the confirmed registrations (`confirmed`),
//! the tickets the waiting line has given out (`joined`) and who waits now
//! (`waiting`). The line itself is the waitlisted registrations, each holding
//! its ticket, in the sparse `line` index by ticket. Every change of who holds
//! a seat or waits writes the seats item and the registration in one
//! transaction whose conditions keep the counts exact under any concurrency:
//! confirmed never passes the capacity, a ticket is drawn once, and nobody
//! takes a seat while others wait. The seats item stays a few counters, so a
//! change costs the same write units however long the line.
//!
//! The four changes and reads of [`Seats`] are here; the steps of promotion
//! are in `line.rs`, of withdrawal in `withdraw.rs`; the seats item and the
//! helpers of its updates in `seats_item.rs`; moving a line kept the old way (a
//! list in the seats item) to the index, in `legacy_line.rs`.

use super::dynamo::DynamoStore;
use super::ext::{classify, n, s};
use super::item::{LINE_INDEX, Registration, attr, seats_attr};
use super::line::{Refusal, UNLISTED_TRIES};
use super::outbox::transition_update;
use super::seats_item::{LINE_MOVED, SEAT_ATTEMPTS, SeatsItem, counter_is, extend, line_moved};
use super::transact::{Committed, contended, contention, update_of};
use super::withdraw::cancelled;
use super::{CancelOutcome, Freed, Outbox, Registrations, SeatOutcome, Seats, StoreError};
use crate::domain::key::RegistrationKey;
use crate::domain::lifecycle::{RegistrationStatus, Transition};
use async_trait::async_trait;
use aws_sdk_dynamodb::types::Select;
use jiff::Timestamp;

#[async_trait]
impl Seats for DynamoStore {
    async fn confirm_seat(
        &self,
        pending: &Registration,
        capacity: Option<u32>,
        now: Timestamp,
    ) -> Result<SeatOutcome, StoreError> {
        let key = &pending.key();
        // Unknown until taking a seat is refused: the first try reads nothing.
        let mut seats: Option<SeatsItem> = None;
        for attempt in 0..SEAT_ATTEMPTS {
            // With no limit everyone gets a seat; with one, only while nobody waits.
            let join = match (capacity, &seats) {
                (Some(capacity), Some(seats))
                    if seats.confirmed >= capacity || seats.waiting > 0 =>
                {
                    Some((capacity, seats))
                }
                _ => None,
            };
            let committed = match join {
                Some((capacity, seats)) => self.join_the_line(key, capacity, seats, now).await?,
                None => self.take_a_seat(key, capacity, now).await?,
            };
            match (committed, join) {
                (Committed::Yes, None) => {
                    let confirmed = Transition::Confirm;
                    let registration = pending.after(confirmed, confirmed.owes(), now);
                    return Ok(SeatOutcome::Confirmed(registration));
                }
                (Committed::Yes, Some((_, seats))) => {
                    let registration = pending
                        .after(Transition::Waitlist, None, now)
                        .in_line(seats.joined + 1);
                    // The join was conditioned on `waiting`: exactly these are ahead.
                    return Ok(SeatOutcome::Waitlisted(registration, seats.waiting + 1));
                }
                (
                    Committed::Refused {
                        registration: true, ..
                    },
                    _,
                ) => {
                    return Ok(SeatOutcome::Refused(self.get(key).await?));
                }
                // Every seat taken or somebody waiting: read the seats, then join.
                (Committed::Refused { .. }, None) => {}
                // Another change won the seats item: again, after a pause.
                (Committed::Refused { .. } | Committed::Conflict, _) => contention(attempt).await,
            }
            seats = Some(self.line_state(key.event_id()).await?);
        }
        Err(contended())
    }

    /// A waitlisted registration's place in line (1 = next): one more than the
    /// registrations waiting with a lower ticket, counted in the `line` index
    /// (eventually consistent: a change of the last moment may not show yet).
    async fn waitlist_position(&self, key: &RegistrationKey) -> Result<Option<u32>, StoreError> {
        let Some(mut registration) = self.get(key).await? else {
            return Ok(None);
        };
        if registration.status == RegistrationStatus::Waitlisted
            && registration.ticket().is_none()
            && !self.seats(key.event_id()).await?.waitlist.is_empty()
        {
            // Still in a line kept the old way: moved, it holds its ticket.
            self.line_state(key.event_id()).await?;
            registration = self.read_back(key).await?;
        }
        let Some(ticket) = registration.ticket() else {
            return Ok(None);
        };
        let ahead = self.count_ahead(key.event_id(), ticket).await?;
        Ok(Some(ahead.saturating_add(1)))
    }

    async fn cancel(
        &self,
        key: &RegistrationKey,
        now: Timestamp,
    ) -> Result<CancelOutcome, StoreError> {
        for attempt in 0..SEAT_ATTEMPTS {
            let Some(current) = self.get(key).await? else {
                return Ok(CancelOutcome::Refused(None));
            };
            let (committed, freed) = match current.status {
                RegistrationStatus::Cancelled => return Ok(CancelOutcome::Refused(Some(current))),
                RegistrationStatus::Pending => {
                    if self.delete_pending(key).await? {
                        return Ok(CancelOutcome::Deleted(current));
                    }
                    continue;
                }
                RegistrationStatus::Confirmed => {
                    (self.give_back_seat(key, now).await?, Freed::Seat)
                }
                RegistrationStatus::Waitlisted => match current.ticket() {
                    Some(ticket) => (
                        self.leave_the_line(key, ticket, now).await?,
                        Freed::PlaceInLine,
                    ),
                    None => {
                        if self.moved_legacy_line(key.event_id()).await? {
                            // It now holds its ticket: read it again.
                            continue;
                        }
                        // Out of the line already (unreachable): its status alone.
                        let committed = self.cancel_status_only(key, current.status, now).await?;
                        (committed, Freed::Nothing)
                    }
                },
            };
            match committed {
                Committed::Yes => return Ok(cancelled(&current, freed, now)),
                // A confirmed registration the seats never counted (written
                // before seats were, or by hand): its status alone.
                Committed::Refused {
                    registration: false,
                    seats: true,
                } if freed == Freed::Seat => {
                    tracing::warn!(
                        "a confirmed registration without a counted seat; cancelled without one"
                    );
                    let committed = self.cancel_status_only(key, current.status, now).await?;
                    if matches!(committed, Committed::Yes) {
                        return Ok(cancelled(&current, Freed::Nothing, now));
                    }
                }
                // Its status changed since it was read, or the seats moved: again.
                Committed::Refused { .. } | Committed::Conflict => contention(attempt).await,
            }
        }
        Err(contended())
    }

    async fn promote_next(
        &self,
        event_id: &str,
        capacity: Option<u32>,
        owes: Outbox,
        now: Timestamp,
    ) -> Result<Option<Registration>, StoreError> {
        let mut attempt = 0;
        // Tickets the index still lists but whose registrations left the line.
        let mut after = None;
        loop {
            let seats = self.line_state(event_id).await?;
            let seat_free = capacity.is_none_or(|capacity| seats.confirmed < capacity);
            if seats.waiting == 0 || !seat_free {
                return Ok(None);
            }
            let committed = match self.first_in_line(event_id, after).await? {
                Some((key, ticket)) => {
                    match self.promote(&key, ticket, capacity, owes, now).await? {
                        Committed::Yes => return Ok(Some(self.read_back(&key).await?)),
                        Committed::Refused {
                            registration: true, ..
                        } => match self.refusal(&key, ticket).await? {
                            Refusal::Drop(registration) => {
                                self.drop_from_line(&registration, ticket).await?
                            }
                            Refusal::Gone => {
                                after = Some(ticket);
                                continue;
                            }
                        },
                        other => other,
                    }
                }
                // Somebody waits whom the index does not list yet: again
                // shortly, a few times; a count the index never matches must not
                // stop the runs that call this.
                None if attempt < UNLISTED_TRIES => Committed::Conflict,
                None => {
                    tracing::warn!(
                        waiting = seats.waiting,
                        "the seats count registrations waiting that the line index does not list; no promotion"
                    );
                    return Ok(None);
                }
            };
            if !matches!(committed, Committed::Yes) {
                attempt += 1;
                if attempt >= SEAT_ATTEMPTS {
                    return Err(contended());
                }
                after = None;
                contention(attempt).await;
            }
        }
    }
}

impl DynamoStore {
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
        seats = match capacity {
            Some(capacity) => seats
                .condition_expression(format!(
                    "{LINE_MOVED} AND (attribute_not_exists(#confirmed) OR #confirmed < :capacity) \
                     AND (attribute_not_exists(#waiting) OR #waiting = :zero)"
                ))
                .expression_attribute_names("#waiting", seats_attr::WAITING)
                .expression_attribute_values(":capacity", n(capacity)),
            None => seats.condition_expression(LINE_MOVED),
        };
        let registration = transition_update(self.update(key), key, Transition::Confirm, now);
        self.transact(vec![
            update_of(registration)?,
            update_of(line_moved(seats))?,
        ])
        .await
    }

    /// Pending to waitlisted, drawing the next ticket; refused on the seats
    /// item when another ticket was drawn or somebody left the line since
    /// `seats` was read, or when a seat is free and nobody waits.
    async fn join_the_line(
        &self,
        key: &RegistrationKey,
        capacity: u32,
        seats: &SeatsItem,
        now: Timestamp,
    ) -> Result<Committed, StoreError> {
        let ticket = seats.joined + 1;
        let mut condition = format!(
            "{LINE_MOVED} AND {} AND {}",
            counter_is("#joined", ":joined", seats.joined),
            counter_is("#waiting", ":waiting", u64::from(seats.waiting)),
        );
        if seats.waiting == 0 {
            condition.push_str(" AND #confirmed >= :capacity");
        }
        let mut update = self
            .seats_update(key.event_id())
            .update_expression("SET #joined = :ticket, #waiting = :waiting_now")
            .condition_expression(condition)
            .expression_attribute_names("#joined", seats_attr::JOINED)
            .expression_attribute_names("#waiting", seats_attr::WAITING)
            .expression_attribute_values(":joined", n(seats.joined))
            .expression_attribute_values(":waiting", n(seats.waiting))
            .expression_attribute_values(":ticket", n(ticket))
            .expression_attribute_values(":waiting_now", n(seats.waiting + 1));
        if seats.waiting == 0 {
            update = update
                .expression_attribute_names("#confirmed", seats_attr::CONFIRMED)
                .expression_attribute_values(":capacity", n(capacity));
        }
        let registration = transition_update(self.update(key), key, Transition::Waitlist, now);
        let registration = extend(
            registration,
            Some("#line = :line, #ticket = :my_ticket"),
            None,
        )
        .expression_attribute_names("#line", attr::LINE)
        .expression_attribute_names("#ticket", attr::TICKET)
        .expression_attribute_values(":line", s(key.event_id()))
        .expression_attribute_values(":my_ticket", n(ticket));
        self.transact(vec![
            update_of(registration)?,
            update_of(line_moved(update))?,
        ])
        .await
    }

    /// How many registrations wait in the event's line with a ticket below `ticket`.
    async fn count_ahead(&self, event_id: &str, ticket: u64) -> Result<u32, StoreError> {
        let mut count: u32 = 0;
        let mut start = None;
        loop {
            let output = self
                .client
                .query()
                .table_name(&self.table_name)
                .index_name(LINE_INDEX)
                .key_condition_expression("#line = :line AND #ticket < :ticket")
                .expression_attribute_names("#line", attr::LINE)
                .expression_attribute_names("#ticket", attr::TICKET)
                .expression_attribute_values(":line", s(event_id))
                .expression_attribute_values(":ticket", n(ticket))
                .select(Select::Count)
                .set_exclusive_start_key(start)
                .set_return_consumed_capacity(self.capacity())
                .send()
                .await
                .map_err(classify)?;
            self.read(output.consumed_capacity());
            count = count.saturating_add(u32::try_from(output.count).unwrap_or(0));
            match output.last_evaluated_key {
                Some(key) => start = Some(key),
                None => return Ok(count),
            }
        }
    }
}
