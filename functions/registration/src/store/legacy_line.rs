//! A waiting line kept the old way, as a list of key ids in the seats item
//! (before the line moved to the `line` index), moved to the index the first
//! time the seats item is read: each registration of the list still waitlisted
//! gets the ticket of its place (1 for the first), then one conditional write
//! sets the counters and removes the list. Every change of seats is
//! conditioned on the list being gone, so nothing joins, leaves or is promoted
//! half-way; moving is idempotent, so a function that dies part-way leaves the
//! work to the next, and two that move at once write the same tickets.

use super::StoreError;
use super::dynamo::DynamoStore;
use super::ext::{n, s};
use super::item::{attr, seats_attr};
use crate::domain::key::RegistrationKey;
use crate::domain::lifecycle::RegistrationStatus;

/// How many registrations of an old list get their ticket at once.
const MOVES_IN_FLIGHT: usize = 16;

impl DynamoStore {
    /// Move `line` (the seats item's list, first in line first) to the index.
    pub(super) async fn move_legacy_line(
        &self,
        event_id: &str,
        line: &[String],
    ) -> Result<(), StoreError> {
        tracing::info!(
            length = line.len(),
            "moving a waiting line kept in the seats item to the line index"
        );
        let mut waiting = 0;
        for (chunk, ids) in line.chunks(MOVES_IN_FLIGHT).enumerate() {
            let first = chunk * MOVES_IN_FLIGHT;
            let moves = ids.iter().enumerate().map(|(index, id)| {
                let key = RegistrationKey::from_stored(event_id, id);
                self.give_ticket(key, (first + index) as u64 + 1)
            });
            let placed = futures::future::try_join_all(moves).await?;
            waiting += placed.into_iter().filter(|placed| *placed).count();
        }
        let update = self
            .seats_update(event_id)
            .update_expression("SET #joined = :joined, #waiting = :waiting REMOVE #waitlist")
            .condition_expression("size(#waitlist) = :length AND attribute_not_exists(#joined)")
            .expression_attribute_names("#joined", seats_attr::JOINED)
            .expression_attribute_names("#waiting", seats_attr::WAITING)
            .expression_attribute_names("#waitlist", seats_attr::WAITLIST)
            .expression_attribute_values(":joined", n(line.len()))
            .expression_attribute_values(":waiting", n(waiting))
            .expression_attribute_values(":length", n(line.len()));
        // Refused: another function moved it first.
        self.conditional_update(update).await.map(|_| ())
    }

    /// The ticket of its place to a registration of an old list, if it still
    /// waits; `false` when it no longer does.
    async fn give_ticket(&self, key: RegistrationKey, ticket: u64) -> Result<bool, StoreError> {
        let update = self
            .update(&key)
            .update_expression("SET #line = :line, #ticket = :ticket")
            .condition_expression("#status = :waitlisted")
            .expression_attribute_names("#line", attr::LINE)
            .expression_attribute_names("#ticket", attr::TICKET)
            .expression_attribute_names("#status", attr::STATUS)
            .expression_attribute_values(":line", s(key.event_id()))
            .expression_attribute_values(":ticket", n(ticket))
            .expression_attribute_values(":waitlisted", s(RegistrationStatus::Waitlisted.as_str()));
        self.conditional_update(update).await
    }
}
