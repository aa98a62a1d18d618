//! The seats item of an event (its counters as read, the updates of it and
//! the conditions they share) and the update helpers every change of seats
//! uses; the changes themselves are [`Seats`](super::Seats), in `seats.rs`.

use super::dynamo::DynamoStore;
use super::ext::{classify, from_item, n, s};
use super::item::{self, Registration, attr, seats_attr};
use super::{Registrations, StoreError};
use crate::domain::key::RegistrationKey;
use aws_sdk_dynamodb::operation::update_item::builders::UpdateItemFluentBuilder;
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
pub(super) struct SeatsItem {
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
    pub(super) async fn seats(&self, event_id: &str) -> Result<SeatsItem, StoreError> {
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
    pub(super) async fn line_state(&self, event_id: &str) -> Result<SeatsItem, StoreError> {
        let seats = self.seats(event_id).await?;
        if seats.waitlist.is_empty() {
            return Ok(seats);
        }
        self.move_legacy_line(event_id, &seats.waitlist).await?;
        self.seats(event_id).await
    }

    pub(super) fn seats_update(&self, event_id: &str) -> UpdateItemFluentBuilder {
        self.client
            .update_item()
            .table_name(&self.table_name)
            .key(attr::PK, s(item::seats_pk(event_id)))
    }

    /// The registration a committed transaction just wrote.
    pub(super) async fn read_back(
        &self,
        key: &RegistrationKey,
    ) -> Result<Registration, StoreError> {
        self.get(key)
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
