//! The DynamoDB adapter: one registration item per key, created with a
//! conditional put, read with strongly consistent reads, changed with
//! conditional updates whose conditions come from the life cycle.

use super::ext::{classify, from_item, is_condition_failure, n, s};
use super::item::{self, Registration, attr};
use super::meter::CapacityMeter;
use super::{
    Attempt, CancelOutcome, CreateError, DueCount, DuePage, FeedbackOutcome, Lease, LimitCounter,
    MAX_LIVE_TOKENS, Outbox, OutboxCursor, PendingRegistration, RegistrationStore, Renewal,
    SeatOutcome, StoreError, TransitionOutcome,
};
use crate::feedback::EmailEvent;
use crate::key::RegistrationKey;
use crate::lifecycle::{RegistrationStatus, Transition};
use async_trait::async_trait;
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::operation::update_item::UpdateItemOutput;
use aws_sdk_dynamodb::operation::update_item::builders::UpdateItemFluentBuilder;
use aws_sdk_dynamodb::types::{AttributeValue, ReturnValue};
use jiff::Timestamp;
use std::collections::HashMap;
use std::sync::Arc;

/// The update clause that appends `:token` to the token hashes.
const ADD_TOKEN: &str = "#tokens = list_append(if_not_exists(#tokens, :none), :token)";

/// The condition that the registration has room for one more token.
const ROOM_FOR_A_TOKEN: &str = "(attribute_not_exists(#tokens) OR size(#tokens) < :max_tokens)";

/// What a read fetches of an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Projection {
    WholeItem,
    TokenHashesOnly,
}

/// The DynamoDB adapter.
#[derive(Debug, Clone)]
pub struct DynamoStore {
    pub(super) client: Client,
    pub(super) table_name: String,
    /// `Some` when DynamoDB is asked to report the units each request consumed.
    pub(super) meter: Option<Arc<CapacityMeter>>,
}

impl DynamoStore {
    /// The store the functions use: nothing asked beyond what they need.
    pub fn new(client: Client, table_name: impl Into<String>) -> Self {
        Self {
            client,
            table_name: table_name.into(),
            meter: None,
        }
    }

    /// An update of the item at `key`.
    pub(super) fn update(&self, key: &RegistrationKey) -> UpdateItemFluentBuilder {
        self.client
            .update_item()
            .table_name(&self.table_name)
            .key(attr::PK, s(item::pk(key)))
    }

    /// One strongly consistent read of the item at `key`.
    async fn read_item(
        &self,
        key: &RegistrationKey,
        projection: Projection,
    ) -> Result<Option<HashMap<String, AttributeValue>>, StoreError> {
        let mut request = self
            .client
            .get_item()
            .table_name(&self.table_name)
            .key(attr::PK, s(item::pk(key)))
            .consistent_read(true)
            .set_return_consumed_capacity(self.capacity());
        if projection == Projection::TokenHashesOnly {
            request = request
                .projection_expression("#tokens, #cancel")
                .expression_attribute_names("#tokens", attr::TOKEN_HASHES)
                .expression_attribute_names("#cancel", attr::CANCEL_TOKEN_HASHES);
        }
        let output = request.send().await.map_err(classify)?;
        self.read(output.consumed_capacity());
        Ok(output.item)
    }

    /// Run `update`, whose expressions use [`ADD_TOKEN`] and [`ROOM_FOR_A_TOKEN`],
    /// adding `token_hash`; `false` when its condition does not hold.
    async fn update_with_token(
        &self,
        update: UpdateItemFluentBuilder,
        token_hash: &str,
    ) -> Result<bool, StoreError> {
        let update = update
            .expression_attribute_names("#tokens", attr::TOKEN_HASHES)
            .expression_attribute_values(":token", AttributeValue::L(vec![s(token_hash)]))
            .expression_attribute_values(":none", AttributeValue::L(Vec::new()))
            .expression_attribute_values(":max_tokens", n(MAX_LIVE_TOKENS));
        self.conditional_update(update).await
    }

    /// Run a conditional `update`; `false` when its condition does not hold.
    pub(super) async fn conditional_update(
        &self,
        update: UpdateItemFluentBuilder,
    ) -> Result<bool, StoreError> {
        Ok(self.send_conditional(update).await?.is_some())
    }

    /// Run a conditional `update` and return the item as it now stands; `None`
    /// when its condition does not hold.
    pub(super) async fn conditional_update_returning(
        &self,
        update: UpdateItemFluentBuilder,
    ) -> Result<Option<HashMap<String, AttributeValue>>, StoreError> {
        let output = self
            .send_conditional(update.return_values(ReturnValue::AllNew))
            .await?;
        Ok(output.map(|output| output.attributes.unwrap_or_default()))
    }

    async fn send_conditional(
        &self,
        update: UpdateItemFluentBuilder,
    ) -> Result<Option<UpdateItemOutput>, StoreError> {
        let result = update
            .set_return_consumed_capacity(self.capacity())
            .send()
            .await;
        match result {
            Ok(output) => {
                self.write(output.consumed_capacity());
                Ok(Some(output))
            }
            Err(err) if is_condition_failure(&err) => Ok(None),
            Err(err) => Err(classify(err)),
        }
    }

    /// The key is taken: by another registration, or by this very one when the
    /// SDK retried a put whose first answer was lost.
    pub(super) async fn taken(
        &self,
        registration: Registration,
    ) -> Result<Registration, CreateError> {
        match self.get(&registration.key()).await {
            Ok(Some(stored)) if stored.registration_id == registration.registration_id => {
                Ok(stored)
            }
            Ok(stored) => Err(CreateError::AlreadyRegistered(stored.map(Box::new))),
            // The key is taken either way; without the read, the answer is the
            // duplicate's (were it this very registration, it is in the
            // confirmation outbox and the scheduled send-links run emails it).
            Err(read) => {
                tracing::error!(error = %read, "could not read the registration holding a taken key");
                Err(CreateError::AlreadyRegistered(None))
            }
        }
    }
}

#[async_trait]
impl RegistrationStore for DynamoStore {
    async fn create_pending(
        &self,
        pending: &PendingRegistration,
        token_hash: &str,
    ) -> Result<Registration, CreateError> {
        let registration = Registration::new_pending(pending, token_hash);
        let result = self
            .pending_put(&registration, pending)?
            .set_return_consumed_capacity(self.capacity())
            .send()
            .await;
        match result {
            Ok(output) => {
                self.write(output.consumed_capacity());
                Ok(registration)
            }
            Err(err) if is_condition_failure(&err) => self.taken(registration).await,
            Err(err) => Err(classify(err).into()),
        }
    }

    async fn create_pending_counted(
        &self,
        pending: &PendingRegistration,
        token_hash: &str,
        source: &LimitCounter,
        limit: u32,
    ) -> Result<Registration, CreateError> {
        self.create_counted(pending, token_hash, source, limit)
            .await
    }

    async fn get(&self, key: &RegistrationKey) -> Result<Option<Registration>, StoreError> {
        self.read_item(key, Projection::WholeItem)
            .await?
            .map(from_item)
            .transpose()
    }

    async fn renew_confirmation(
        &self,
        key: &RegistrationKey,
        renewal: &Renewal<'_>,
    ) -> Result<bool, StoreError> {
        let Renewal {
            token_hash,
            now,
            resend_before,
            lease,
            expires_at,
        } = renewal;
        let update = self
            .update(key)
            .update_expression(format!(
                "SET #emailed = :now, #outbox = :queue, #until = :until, #owner = :owner, #expires = :expires, {ADD_TOKEN}"
            ))
            .condition_expression(format!(
                "#status = :pending AND (attribute_not_exists(#emailed) OR #emailed <= :before) AND {ROOM_FOR_A_TOKEN}"
            ))
            .expression_attribute_names("#status", attr::STATUS)
            .expression_attribute_names("#emailed", attr::CONFIRMATION_EMAIL_AT)
            .expression_attribute_names("#outbox", attr::OUTBOX)
            .expression_attribute_names("#until", attr::LEASE_UNTIL)
            .expression_attribute_names("#owner", attr::LEASE_OWNER)
            .expression_attribute_names("#expires", attr::EXPIRES_AT)
            .expression_attribute_values(":expires", n(expires_at.as_second()))
            .expression_attribute_values(":now", s(now.to_string()))
            .expression_attribute_values(":before", s(resend_before.to_string()))
            .expression_attribute_values(":pending", s(RegistrationStatus::Pending.as_str()))
            .expression_attribute_values(
                ":queue",
                s(item::outbox_value(key.event_id(), Outbox::Confirmation)),
            )
            .expression_attribute_values(":until", n(lease.until.as_millisecond()))
            .expression_attribute_values(":owner", s(&lease.owner));
        self.update_with_token(update, token_hash).await
    }

    async fn add_token(&self, key: &RegistrationKey, token_hash: &str) -> Result<bool, StoreError> {
        let update = self
            .update(key)
            .update_expression(format!("SET {ADD_TOKEN}"))
            .condition_expression(format!("attribute_exists(#pk) AND {ROOM_FOR_A_TOKEN}"))
            .expression_attribute_names("#pk", attr::PK);
        self.update_with_token(update, token_hash).await
    }

    async fn remove_token(
        &self,
        key: &RegistrationKey,
        token_hash: &str,
    ) -> Result<bool, StoreError> {
        #[derive(serde::Deserialize)]
        struct TokenHashes {
            #[serde(default)]
            token_hashes: Vec<String>,
            #[serde(default)]
            cancel_token_hashes: Vec<String>,
        }
        let Some(item) = self.read_item(key, Projection::TokenHashesOnly).await? else {
            return Ok(false);
        };
        let held = from_item::<TokenHashes>(item)?;
        if held.cancel_token_hashes.iter().any(|h| h == token_hash) {
            let update = self
                .update(key)
                .update_expression("DELETE #cancel :token")
                .condition_expression("contains(#cancel, :hash)")
                .expression_attribute_names("#cancel", attr::CANCEL_TOKEN_HASHES)
                .expression_attribute_values(":token", AttributeValue::Ss(vec![token_hash.into()]))
                .expression_attribute_values(":hash", s(token_hash));
            return self.conditional_update(update).await;
        }
        let Some(index) = held.token_hashes.iter().position(|h| h == token_hash) else {
            return Ok(false);
        };
        // Tokens are only ever appended, so the index holds until a removal; the
        // condition makes sure it still names this hash.
        let update = self
            .update(key)
            .update_expression(format!("REMOVE #tokens[{index}]"))
            .condition_expression(format!("#tokens[{index}] = :token"))
            .expression_attribute_names("#tokens", attr::TOKEN_HASHES)
            .expression_attribute_values(":token", s(token_hash));
        self.conditional_update(update).await
    }

    async fn find_by_token(
        &self,
        key: &RegistrationKey,
        token_hash: &str,
    ) -> Result<Option<Registration>, StoreError> {
        Ok(self
            .get(key)
            .await?
            .filter(|registration| registration.holds_token(token_hash)))
    }

    async fn transition(
        &self,
        key: &RegistrationKey,
        transition: Transition,
        now: Timestamp,
    ) -> Result<TransitionOutcome, StoreError> {
        let update = super::outbox::transition_update(self.update(key), key, transition, now);
        match self.conditional_update_returning(update).await? {
            Some(item) => Ok(TransitionOutcome::Applied(from_item(item)?)),
            // Another request changed it after it was read (or it is gone).
            None => Ok(TransitionOutcome::Refused(self.get(key).await?)),
        }
    }

    async fn confirm_seat(
        &self,
        pending: &Registration,
        capacity: Option<u32>,
        now: Timestamp,
    ) -> Result<SeatOutcome, StoreError> {
        self.seat_or_line(pending, capacity, now).await
    }

    async fn waitlist_position(&self, key: &RegistrationKey) -> Result<Option<u32>, StoreError> {
        self.position(key).await
    }

    async fn cancel(
        &self,
        key: &RegistrationKey,
        now: Timestamp,
    ) -> Result<CancelOutcome, StoreError> {
        self.withdraw(key, now).await
    }

    async fn promote_next(
        &self,
        event_id: &str,
        capacity: Option<u32>,
        owes: Outbox,
        now: Timestamp,
    ) -> Result<Option<Registration>, StoreError> {
        self.promote_first(event_id, capacity, owes, now).await
    }

    async fn take_slot(&self, counter: &LimitCounter, limit: u32) -> Result<bool, StoreError> {
        self.take(counter, limit).await
    }

    async fn give_back_slot(&self, counter: &LimitCounter) -> Result<(), StoreError> {
        self.give_back(counter).await
    }

    async fn record_feedback(
        &self,
        key: &RegistrationKey,
        registration_id: &str,
        event: &EmailEvent,
    ) -> Result<FeedbackOutcome, StoreError> {
        self.feedback(key, registration_id, event).await
    }

    async fn due(
        &self,
        event_id: &str,
        outbox: Outbox,
        after: Option<OutboxCursor>,
        limit: i32,
    ) -> Result<DuePage, StoreError> {
        self.due_page(event_id, outbox, after, limit).await
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
        self.claim_for(key, outbox, lease, token_hash, now).await
    }

    async fn record_sent(
        &self,
        key: &RegistrationKey,
        outbox: Outbox,
        owner: &str,
        message_id: &str,
        at: Timestamp,
    ) -> Result<bool, StoreError> {
        self.sent(key, outbox, owner, message_id, at).await
    }

    async fn record_failure(
        &self,
        key: &RegistrationKey,
        outbox: Outbox,
        owner: &str,
        reason: &str,
        attempt: Attempt,
    ) -> Result<(), StoreError> {
        self.failed(key, outbox, owner, reason, attempt).await
    }
}
