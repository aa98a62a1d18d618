//! A registration's own item ([`Registrations`]). Storing a new pending one:
//! one conditional put, or, for `register`, the put and the count against its
//! source address's hourly limit at once, so that both are one round trip; a
//! registration put past the limit is taken back before the answer. Reading
//! it, and its life-cycle transitions (built in `outbox.rs`, since the outbox
//! follows the status).

use super::dynamo::{DynamoStore, Projection};
use super::ext::{classify, from_item, is_condition_failure, n, s, to_item};
use super::item::{self, Registration, attr};
use super::limits::LimitCounter;
use super::{
    CreateError, LimitCounters, PendingRegistration, Registrations, StoreError, TransitionOutcome,
};
use crate::domain::key::RegistrationKey;
use crate::domain::lifecycle::{RegistrationStatus, Transition};
use async_trait::async_trait;
use aws_sdk_dynamodb::operation::put_item::PutItemError;
use aws_sdk_dynamodb::operation::put_item::builders::PutItemFluentBuilder;
use aws_sdk_dynamodb::types::{AttributeValue, ReturnValue, ReturnValuesOnConditionCheckFailure};
use jiff::Timestamp;
use std::collections::HashMap;

type Item = HashMap<String, AttributeValue>;

#[async_trait]
impl Registrations for DynamoStore {
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

    /// Count the registration on `source` (unless `limit` are counted) and put
    /// it, both at once. The source's limit comes first: a refused count answers
    /// `SourceLimitReached` even for a duplicate, and a registration put while
    /// its source passed the limit is taken back (the item it replaced, if any,
    /// put back) before the answer. A duplicate counts on its source.
    async fn create_pending_counted(
        &self,
        pending: &PendingRegistration,
        token_hash: &str,
        source: &LimitCounter,
        limit: u32,
    ) -> Result<Registration, CreateError> {
        let registration = Registration::new_pending(pending, token_hash);
        let put = self
            .pending_put(&registration, pending)?
            .return_values(ReturnValue::AllOld)
            .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
            .set_return_consumed_capacity(self.capacity())
            .send();
        let (counted, put) = futures::join!(self.take_slot(source, limit), put);
        match put {
            Ok(output) => {
                self.write(output.consumed_capacity());
                if matches!(counted, Ok(true)) {
                    return Ok(registration);
                }
                self.take_back(&registration, output.attributes).await;
                Err(match counted {
                    Err(err) => CreateError::Store(err),
                    _ => CreateError::SourceLimitReached,
                })
            }
            Err(err) if is_condition_failure(&err) => match counted {
                Ok(true) => {
                    let holder = match err.as_service_error() {
                        Some(PutItemError::ConditionalCheckFailedException(e)) => e.item().cloned(),
                        _ => None,
                    };
                    self.held_by(holder, registration).await
                }
                Ok(false) => Err(CreateError::SourceLimitReached),
                Err(err) => Err(CreateError::Store(err)),
            },
            Err(err) => Err(classify(err).into()),
        }
    }

    async fn get(&self, key: &RegistrationKey) -> Result<Option<Registration>, StoreError> {
        self.read_item(key, Projection::WholeItem)
            .await?
            .map(from_item)
            .transpose()
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
}

impl DynamoStore {
    /// The put of a new pending registration. A cancelled registration is no
    /// duplicate: the address registers anew. An expired pending one counts as
    /// absent, before the TTL sweep too.
    pub(super) fn pending_put(
        &self,
        registration: &Registration,
        pending: &PendingRegistration,
    ) -> Result<PutItemFluentBuilder, StoreError> {
        Ok(self
            .client
            .put_item()
            .table_name(&self.table_name)
            .set_item(Some(to_item(registration)?))
            .condition_expression(
                "attribute_not_exists(#pk) OR #status = :cancelled \
                 OR (#status = :pending AND #expires <= :now)",
            )
            .expression_attribute_names("#pk", attr::PK)
            .expression_attribute_names("#status", attr::STATUS)
            .expression_attribute_names("#expires", attr::EXPIRES_AT)
            .expression_attribute_values(":cancelled", s(RegistrationStatus::Cancelled.as_str()))
            .expression_attribute_values(":pending", s(RegistrationStatus::Pending.as_str()))
            .expression_attribute_values(":now", n(pending.registered_at.as_second())))
    }

    /// Take back a registration put while its source passed its limit: put back
    /// the item it replaced (a cancelled or expired registration of the
    /// address), or delete it. A failure is logged: the registration then stays,
    /// as if it had come in just under the limit.
    async fn take_back(&self, registration: &Registration, replaced: Option<Item>) {
        let ours = "#id = :id";
        let result = match replaced {
            Some(old) => self
                .client
                .put_item()
                .table_name(&self.table_name)
                .set_item(Some(old))
                .condition_expression(ours)
                .expression_attribute_names("#id", attr::REGISTRATION_ID)
                .expression_attribute_values(":id", s(&registration.registration_id))
                .send()
                .await
                .map(|_| ())
                .map_err(classify),
            None => self
                .client
                .delete_item()
                .table_name(&self.table_name)
                .key(attr::PK, s(item::pk(&registration.key())))
                .condition_expression(ours)
                .expression_attribute_names("#id", attr::REGISTRATION_ID)
                .expression_attribute_values(":id", s(&registration.registration_id))
                .send()
                .await
                .map(|_| ())
                .map_err(classify),
        };
        if let Err(err) = result {
            tracing::error!(error = %err, "a registration past its source's limit could not be taken back");
        }
    }

    /// The key is taken, by the registration the refusal returned (or, when it
    /// returned none, by whatever a read finds).
    async fn held_by(
        &self,
        holder: Option<Item>,
        registration: Registration,
    ) -> Result<Registration, CreateError> {
        let Some(item) = holder else {
            return self.taken(registration).await;
        };
        let stored: Registration = from_item(item)?;
        if stored.registration_id == registration.registration_id {
            // The SDK retried a put whose first answer was lost.
            Ok(stored)
        } else {
            Err(CreateError::AlreadyRegistered(Some(Box::new(stored))))
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
