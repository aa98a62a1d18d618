//! The claim's conditional write on an owed email (the claim itself is
//! `Outboxes::claim`, in `outbox.rs`): an expiring lease, and for a link,
//! promotion or reminder email the hash of the token its cancel link carries,
//! added to the registration's cancel tokens in the same write.

use super::dynamo::DynamoStore;
use super::ext::{n, s};
use super::item::{self, attr};
use super::{Lease, MAX_CANCEL_TOKENS, Outbox, StoreError};
use crate::domain::key::RegistrationKey;
use aws_sdk_dynamodb::types::AttributeValue;
use jiff::Timestamp;
use std::collections::HashMap;

/// Whether an email of this outbox carries a cancel token stored by its claim
/// (the confirmation email's tokens are a list of their own).
pub(super) fn claims_a_cancel_token(outbox: Outbox) -> bool {
    outbox != Outbox::Confirmation
}

/// How a claim stores the cancel token: added to the set while it has room,
/// else the set starts over with it.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum TokenRoom {
    Room,
    Full,
}

impl DynamoStore {
    /// One conditional claim: the lease, and the cancel token if any.
    pub(super) async fn claim_update(
        &self,
        key: &RegistrationKey,
        outbox: Outbox,
        lease: &Lease,
        token: Option<(&str, TokenRoom)>,
        now: Timestamp,
    ) -> Result<Option<HashMap<String, AttributeValue>>, StoreError> {
        let (expression, room) = match token.map(|(_, room)| room) {
            None => ("SET #until = :until, #owner = :owner", ""),
            Some(TokenRoom::Room) => (
                "SET #until = :until, #owner = :owner ADD #tokens :token",
                " AND (attribute_not_exists(#tokens) OR size(#tokens) < :max_tokens)",
            ),
            Some(TokenRoom::Full) => (
                "SET #until = :until, #owner = :owner, #tokens = :token",
                " AND size(#tokens) >= :max_tokens",
            ),
        };
        let mut update = self
            .update(key)
            .update_expression(expression)
            .condition_expression(format!(
                "#outbox = :queue AND (attribute_not_exists(#until) OR #until <= :now){room}"
            ))
            .expression_attribute_names("#outbox", attr::OUTBOX)
            .expression_attribute_names("#until", attr::LEASE_UNTIL)
            .expression_attribute_names("#owner", attr::LEASE_OWNER)
            .expression_attribute_values(":queue", s(item::outbox_value(key.event_id(), outbox)))
            .expression_attribute_values(":until", n(lease.until.as_millisecond()))
            .expression_attribute_values(":owner", s(&lease.owner))
            .expression_attribute_values(":now", n(now.as_millisecond()));
        if let Some((hash, _)) = token {
            update = update
                .expression_attribute_names("#tokens", attr::CANCEL_TOKEN_HASHES)
                .expression_attribute_values(":token", AttributeValue::Ss(vec![hash.to_owned()]))
                .expression_attribute_values(":max_tokens", n(MAX_CANCEL_TOKENS));
        }
        self.conditional_update_returning(update).await
    }
}
