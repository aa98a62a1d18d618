//! The per-hour limits' counters: one item per counter and hour window, counted
//! up with a conditional write (exact under concurrency), expiring by TTL an
//! hour after their window. A window's secret, which keys the hash of source
//! addresses, lives beside them and expires with them.

use super::StoreError;
use super::dynamo::DynamoStore;
use super::ext::{classify, is_condition_failure, n, s};
use super::item::attr;
use crate::clock::random_bytes;
use crate::limits::HourWindow;
use aws_sdk_dynamodb::primitives::Blob;
use aws_sdk_dynamodb::types::AttributeValue;

/// What a per-hour limit counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LimitCounter<'a> {
    /// New registrations from one source address (its keyed hash).
    Registrations { source: &'a str },
    /// Confirmation emails `register` sends itself.
    ConfirmationEmails,
}

const COUNT: &str = "count";
const SECRET: &str = "secret";

fn window_pk(event_id: &str, window: HourWindow, what: &str) -> String {
    format!("EVENT#{event_id}#LIMITS#{}#{what}", window.id())
}

/// Counters and secrets expire an hour after their window.
fn expiry(window: HourWindow) -> AttributeValue {
    n(window.end().as_second() + HourWindow::LENGTH.as_secs())
}

impl DynamoStore {
    pub(super) async fn secret_of(
        &self,
        event_id: &str,
        window: HourWindow,
    ) -> Result<Vec<u8>, StoreError> {
        let pk = window_pk(event_id, window, "SECRET");
        // The first caller of the window makes it; everyone reads the one kept.
        let put = self
            .client
            .put_item()
            .table_name(&self.table_name)
            .item(attr::PK, s(&pk))
            .item(
                SECRET,
                AttributeValue::B(Blob::new(random_bytes::<32>().to_vec())),
            )
            .item(attr::EXPIRES_AT, expiry(window))
            .condition_expression("attribute_not_exists(#pk)")
            .expression_attribute_names("#pk", attr::PK)
            .set_return_consumed_capacity(self.capacity())
            .send()
            .await;
        match put {
            Ok(output) => self.write(output.consumed_capacity()),
            Err(err) if is_condition_failure(&err) => {}
            Err(err) => return Err(classify(err)),
        }
        let output = self
            .client
            .get_item()
            .table_name(&self.table_name)
            .key(attr::PK, s(&pk))
            .consistent_read(true)
            .set_return_consumed_capacity(self.capacity())
            .send()
            .await
            .map_err(classify)?;
        self.read(output.consumed_capacity());
        output
            .item
            .and_then(|item| item.get(SECRET)?.as_b().ok().map(|b| b.as_ref().to_vec()))
            .ok_or_else(|| StoreError::Internal("a window's secret has no value".into()))
    }

    pub(super) async fn take(
        &self,
        event_id: &str,
        window: HourWindow,
        counter: LimitCounter<'_>,
        limit: u32,
    ) -> Result<bool, StoreError> {
        let what = match counter {
            LimitCounter::Registrations { source } => format!("SOURCE#{source}"),
            LimitCounter::ConfirmationEmails => "EMAILS".to_owned(),
        };
        let update = self
            .client
            .update_item()
            .table_name(&self.table_name)
            .key(attr::PK, s(window_pk(event_id, window, &what)))
            .update_expression("ADD #count :one SET #expires = :expires")
            .condition_expression("attribute_not_exists(#count) OR #count < :limit")
            .expression_attribute_names("#count", COUNT)
            .expression_attribute_names("#expires", attr::EXPIRES_AT)
            .expression_attribute_values(":one", n(1))
            .expression_attribute_values(":limit", n(limit))
            .expression_attribute_values(":expires", expiry(window));
        self.conditional_update(update).await
    }
}
