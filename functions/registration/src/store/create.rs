//! Storing a new pending registration: one conditional put, or, for `register`,
//! one transaction that also counts it against its source address's hourly
//! limit, so that the count and the write are one round trip and a refused
//! registration counts nothing.

use super::dynamo::DynamoStore;
use super::ext::{classify, from_item, n, s, to_item};
use super::item::{Registration, attr};
use super::limits::LimitCounter;
use super::transact::{contention, update_of};
use super::{CreateError, PendingRegistration, RegistrationStore, StoreError};
use crate::lifecycle::RegistrationStatus;
use aws_sdk_dynamodb::operation::put_item::builders::PutItemFluentBuilder;
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{
    CancellationReason, Put, ReturnValuesOnConditionCheckFailure, TransactWriteItem,
};

/// Transactions tried before counting and putting one after the other.
const TRANSACTION_ATTEMPTS: u32 = 2;
/// Counts that met a transaction on their counter, tried again before giving up.
const CONFLICT_RETRIES: u32 = 8;

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

    /// Count the registration on `source` (unless `limit` are counted) and put
    /// it, in one transaction. The source's limit is checked first: a refused
    /// count answers `SourceLimitReached` even for a duplicate.
    pub(super) async fn create_counted(
        &self,
        pending: &PendingRegistration,
        token_hash: &str,
        source: &LimitCounter,
        limit: u32,
    ) -> Result<Registration, CreateError> {
        let registration = Registration::new_pending(pending, token_hash);
        let items = vec![
            update_of(self.take_update(source, limit))?,
            TransactWriteItem::builder()
                .put(put_of(self.pending_put(&registration, pending)?)?)
                .build(),
        ];
        for attempt in 0..TRANSACTION_ATTEMPTS {
            if attempt > 0 {
                contention(attempt).await;
            }
            if let Some(result) = self.try_create(items.clone(), &registration).await {
                return result;
            }
        }
        // Requests from one address at once contend for its counter, and a
        // transaction loses to any other: count first, then put, as two writes
        // (a duplicate then counts, as it does on the usual path).
        if !self.take_contended(source, limit).await? {
            return Err(CreateError::SourceLimitReached);
        }
        <Self as RegistrationStore>::create_pending(self, pending, token_hash).await
    }

    /// Count one use of `counter`, trying again while transactions hold it.
    async fn take_contended(&self, counter: &LimitCounter, limit: u32) -> Result<bool, StoreError> {
        let mut attempt = 0;
        loop {
            match self.take(counter, limit).await {
                Err(StoreError::Unavailable(cause))
                    if cause.contains("TransactionConflict") && attempt < CONFLICT_RETRIES =>
                {
                    attempt += 1;
                    contention(attempt).await;
                }
                Err(StoreError::Unavailable(cause)) if cause.contains("TransactionConflict") => {
                    return Err(StoreError::Unavailable(
                        "a source address's counter stayed contended; try again".into(),
                    ));
                }
                other => return other,
            }
        }
    }

    /// One attempt at the transaction; `None` when another request held one of
    /// its items (try again).
    async fn try_create(
        &self,
        items: Vec<TransactWriteItem>,
        registration: &Registration,
    ) -> Option<Result<Registration, CreateError>> {
        let result = self
            .client
            .transact_write_items()
            .set_transact_items(Some(items))
            .set_return_consumed_capacity(self.capacity())
            .send()
            .await;
        let err = match result {
            Ok(output) => {
                self.write(output.consumed_capacity());
                return Some(Ok(registration.clone()));
            }
            Err(err) => err,
        };
        let Some(TransactWriteItemsError::TransactionCanceledException(cancelled)) =
            err.as_service_error()
        else {
            return Some(Err(classify(err).into()));
        };
        let reasons = cancelled.cancellation_reasons();
        let code = |i: usize| reasons.get(i).and_then(CancellationReason::code);
        if code(0) == Some("ConditionalCheckFailed") {
            return Some(Err(CreateError::SourceLimitReached));
        }
        if code(1) == Some("ConditionalCheckFailed") {
            let holder = reasons.get(1).and_then(|r| r.item()).cloned();
            return Some(self.held_by(holder, registration.clone()).await);
        }
        if reasons
            .iter()
            .any(|r| r.code() == Some("TransactionConflict"))
        {
            return None;
        }
        Some(Err(classify(err).into()))
    }

    /// The key is taken, by the registration the refusal returned (or, when it
    /// returned none, by whatever a read finds).
    async fn held_by(
        &self,
        holder: Option<std::collections::HashMap<String, aws_sdk_dynamodb::types::AttributeValue>>,
        registration: Registration,
    ) -> Result<Registration, CreateError> {
        let Some(item) = holder else {
            return self.taken(registration).await;
        };
        let stored: Registration = from_item(item)?;
        if stored.registration_id == registration.registration_id {
            // The SDK retried a transaction whose first answer was lost.
            Ok(stored)
        } else {
            Err(CreateError::AlreadyRegistered(Some(Box::new(stored))))
        }
    }
}

/// A transaction's put, from a put request's builder, returning the item that
/// refused it.
fn put_of(put: PutItemFluentBuilder) -> Result<Put, StoreError> {
    let input = put.as_input().clone();
    Put::builder()
        .set_item(input.get_item().clone())
        .set_table_name(input.get_table_name().clone())
        .set_condition_expression(input.get_condition_expression().clone())
        .set_expression_attribute_names(input.get_expression_attribute_names().clone())
        .set_expression_attribute_values(input.get_expression_attribute_values().clone())
        .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
        .build()
        .map_err(|e| StoreError::Internal(format!("building a transaction: {e}")))
}
