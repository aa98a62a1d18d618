//! Transactions of conditional writes, and trying again when another change
//! won the same item.

use super::StoreError;
use super::dynamo::DynamoStore;
use super::ext::classify;
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::operation::update_item::builders::UpdateItemFluentBuilder;
use aws_sdk_dynamodb::types::{TransactWriteItem, Update};
use std::time::Duration;

/// How a transaction ended.
pub(super) enum Committed {
    Yes,
    /// A condition did not hold: on the registration (the first write) and/or
    /// on another item (the seats item).
    Refused {
        registration: bool,
        seats: bool,
    },
    /// Another transaction held one of the items: try again.
    Conflict,
}

/// The cancellation reasons that mean DynamoDB is throttling: worth retrying
/// later, as a whole request throttled is.
const THROTTLED: [&str; 3] = [
    "ThrottlingError",
    "ProvisionedThroughputExceeded",
    "RequestLimitExceeded",
];

impl DynamoStore {
    /// Run a transaction of writes.
    pub(super) async fn transact(
        &self,
        items: Vec<TransactWriteItem>,
    ) -> Result<Committed, StoreError> {
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
                return Ok(Committed::Yes);
            }
            Err(err) => err,
        };
        let Some(TransactWriteItemsError::TransactionCanceledException(cancelled)) =
            err.as_service_error()
        else {
            return Err(classify(err));
        };
        let codes: Vec<&str> = cancelled
            .cancellation_reasons()
            .iter()
            .map(|reason| reason.code().unwrap_or("None"))
            .collect();
        let refused = |i: usize| codes.get(i) == Some(&"ConditionalCheckFailed");
        let others_refused = (1..codes.len()).any(refused);
        if refused(0) || others_refused {
            return Ok(Committed::Refused {
                registration: refused(0),
                seats: others_refused,
            });
        }
        if codes.contains(&"TransactionConflict") {
            return Ok(Committed::Conflict);
        }
        if codes.iter().any(|code| THROTTLED.contains(code)) {
            return Err(StoreError::Unavailable(format!(
                "a transaction was throttled: {}",
                codes.join(", ")
            )));
        }
        Err(classify(err))
    }
}

/// One update of a transaction, from an update request's builder.
pub(super) fn update_of(update: UpdateItemFluentBuilder) -> Result<TransactWriteItem, StoreError> {
    let input = update.as_input().clone();
    let update = Update::builder()
        .set_key(input.get_key().clone())
        .set_table_name(input.get_table_name().clone())
        .set_update_expression(input.get_update_expression().clone())
        .set_condition_expression(input.get_condition_expression().clone())
        .set_expression_attribute_names(input.get_expression_attribute_names().clone())
        .set_expression_attribute_values(input.get_expression_attribute_values().clone())
        .build()
        .map_err(|e| StoreError::Internal(format!("building a transaction: {e}")))?;
    Ok(TransactWriteItem::builder().update(update).build())
}

/// Wait a little, longer each time, before trying a contended change again.
pub(super) async fn contention(attempt: u32) {
    let jitter = u64::from(crate::platform::clock::random_bytes::<1>()[0] % 20);
    let wait = Duration::from_millis(10 * u64::from(attempt.min(6) + 1) + jitter);
    tokio::time::sleep(wait).await;
}

pub(super) fn contended() -> StoreError {
    StoreError::Unavailable("the seats item stayed contended; try again".into())
}
