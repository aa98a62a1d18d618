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
//! Promotion and withdrawal are in `line.rs`; moving a line kept the old way
//! (a list in the seats item) to the index, in `legacy_line.rs`.

use super::dynamo::DynamoStore;
use super::ext::{classify, from_item, n, s};
use super::item::{self, LINE_INDEX, Registration, attr, seats_attr};
use super::outbox::transition_update;
use super::transact::{Committed, contended, contention, update_of};
use super::{SeatOutcome, StoreError};
use crate::key::RegistrationKey;
use crate::lifecycle::{RegistrationStatus, Transition};
use aws_sdk_dynamodb::operation::update_item::builders::UpdateItemFluentBuilder;
use aws_sdk_dynamodb::types::Select;
use jiff::Timestamp;
use serde::Deserialize;

/// How often a change of seats is tried when other changes keep winning the
/// seats item (each try re-reads it). Joining the line is conditioned on the
/// ticket counter, so concurrent joins take turns: the budget covers a burst
/// of a few dozen at once. Skipping a registration that cannot take a seat is
/// progress, not contention, and never counts.
pub(super) const SEAT_ATTEMPTS: u32 = 40;

/// The condition that the line is no longer a list in the seats item (see
/// `legacy_line.rs`); it names `#waitlist` and `:zero`.
pub(super) const LINE_MOVED: &str = "(attribute_not_exists(#waitlist) OR size(#waitlist) = :zero)";

/// The seats item as read.
#[derive(Debug, Clone, Default, Deserialize)]
pub(super) struct Seats {
    #[serde(default)]
    pub confirmed: u32,
    /// The last ticket drawn (0: none yet).
    #[serde(default)]
    pub joined: u64,
    /// How many registrations wait in line.
    #[serde(default)]
    pub waiting: u32,
    /// A line kept the old way, not yet moved to the index.
    #[serde(default)]
    pub waitlist: Vec<String>,
}

impl DynamoStore {
    /// The seats item of an event, strongly consistent, as written.
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

    /// The seats item of an event, its line moved to the index first if it
    /// was still kept the old way.
    pub(super) async fn line_state(&self, event_id: &str) -> Result<Seats, StoreError> {
        let seats = self.seats(event_id).await?;
        if seats.waitlist.is_empty() {
            return Ok(seats);
        }
        self.move_legacy_line(event_id, &seats.waitlist).await?;
        self.seats(event_id).await
    }

    pub(super) async fn seat_or_line(
        &self,
        pending: &Registration,
        capacity: Option<u32>,
        now: Timestamp,
    ) -> Result<SeatOutcome, StoreError> {
        let key = &pending.key();
        // Unknown until taking a seat is refused: the first try reads nothing.
        let mut seats: Option<Seats> = None;
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
                    return Ok(SeatOutcome::Refused(self.get_registration(key).await?));
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
        seats: &Seats,
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

    /// A waitlisted registration's place in line (1 = next): one more than the
    /// registrations waiting with a lower ticket, counted in the `line` index
    /// (eventually consistent: a change of the last moment may not show yet).
    pub(super) async fn position(&self, key: &RegistrationKey) -> Result<Option<u32>, StoreError> {
        let Some(mut registration) = self.get_registration(key).await? else {
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

    pub(super) fn seats_update(&self, event_id: &str) -> UpdateItemFluentBuilder {
        self.client
            .update_item()
            .table_name(&self.table_name)
            .key(attr::PK, s(item::seats_pk(event_id)))
    }

    pub(super) async fn get_registration(
        &self,
        key: &RegistrationKey,
    ) -> Result<Option<Registration>, StoreError> {
        use super::RegistrationStore;
        self.get(key).await
    }

    /// The registration a committed transaction just wrote.
    pub(super) async fn read_back(
        &self,
        key: &RegistrationKey,
    ) -> Result<Registration, StoreError> {
        self.get_registration(key)
            .await?
            .ok_or_else(|| StoreError::Internal("a registration vanished after a write".into()))
    }
}

/// A seats update whose condition holds [`LINE_MOVED`], with its names.
pub(super) fn line_moved(update: UpdateItemFluentBuilder) -> UpdateItemFluentBuilder {
    update
        .expression_attribute_names("#waitlist", seats_attr::WAITLIST)
        .expression_attribute_values(":zero", n(0))
}

/// The condition that a counter (absent: 0) equals `value`.
pub(super) fn counter_is(name: &str, placeholder: &str, value: u64) -> String {
    if value == 0 {
        format!("(attribute_not_exists({name}) OR {name} = {placeholder})")
    } else {
        format!("{name} = {placeholder}")
    }
}

/// A registration's transition update that also sets `set` and removes
/// `remove` (a transition's expression always ends with its `REMOVE` clause:
/// it releases any lease).
pub(super) fn extend(
    update: UpdateItemFluentBuilder,
    set: Option<&str>,
    remove: Option<&str>,
) -> UpdateItemFluentBuilder {
    let mut expression = update.get_update_expression().clone().unwrap_or_default();
    debug_assert!(expression.starts_with("SET ") && expression.contains(" REMOVE "));
    if let Some(set) = set {
        expression = expression.replacen("SET ", &format!("SET {set}, "), 1);
    }
    if let Some(remove) = remove {
        expression = format!("{expression}, {remove}");
    }
    update.update_expression(expression)
}

/// A registration's transition update with one more condition.
pub(super) fn and_condition(
    update: UpdateItemFluentBuilder,
    condition: &str,
) -> UpdateItemFluentBuilder {
    let current = update
        .get_condition_expression()
        .clone()
        .unwrap_or_default();
    update.condition_expression(format!("({current}) AND {condition}"))
}
