//! Storing a new pending registration: one conditional put, or, for `register`,
//! the put and the count against its source address's hourly limit at once, so
//! that both are one round trip; a registration put past the limit is taken
//! back before the answer.

use super::dynamo::DynamoStore;
use super::ext::{classify, from_item, is_condition_failure, n, s, to_item};
use super::item::{self, Registration, attr};
use super::limits::LimitCounter;
use super::{CreateError, PendingRegistration, StoreError};
use crate::lifecycle::RegistrationStatus;
use aws_sdk_dynamodb::operation::put_item::PutItemError;
use aws_sdk_dynamodb::operation::put_item::builders::PutItemFluentBuilder;
use aws_sdk_dynamodb::types::{AttributeValue, ReturnValue, ReturnValuesOnConditionCheckFailure};
use std::collections::HashMap;

type Item = HashMap<String, AttributeValue>;

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
    /// it, both at once. The source's limit comes first: a refused count answers
    /// `SourceLimitReached` even for a duplicate, and a registration put while
    /// its source passed the limit is taken back (the item it replaced, if any,
    /// put back) before the answer. A duplicate counts on its source.
    pub(super) async fn create_counted(
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
        let (counted, put) = futures::join!(self.take(source, limit), put);
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
}
