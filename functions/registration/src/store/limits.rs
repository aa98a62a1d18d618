//! The limits' counters: one item per counter and window, counted up with a
//! conditional write (exact under concurrency), expiring by TTL a window after
//! their own. Their keys hold keyed hashes only; the key lives outside the table.

use super::dynamo::DynamoStore;
use super::ext::{n, s};
use super::item::attr;
use super::{LimitCounters, StoreError};
use crate::platform::window::{HourWindow, UtcDay};
use async_trait::async_trait;
use aws_sdk_dynamodb::operation::update_item::builders::UpdateItemFluentBuilder;
use aws_sdk_dynamodb::types::AttributeValue;

/// What a limit counts, and in which window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LimitCounter {
    /// New registrations from one source address (its keyed hash) in an hour,
    /// to any of the deployment's programs: posting to several programs does
    /// not multiply a source's allowance.
    Registrations { window: HourWindow, source: String },
    /// Confirmation emails to one event's participants in an hour.
    ConfirmationEmails {
        event_id: String,
        window: HourWindow,
    },
    /// Confirmation emails to one mailbox (its keyed hash) in a UTC day, across
    /// events: it is no registration's, so cancelling or erasing one keeps it.
    MailboxEmails { day: UtcDay, mailbox: String },
}

const COUNT: &str = "count";

impl LimitCounter {
    fn pk(&self) -> String {
        match self {
            Self::Registrations { window, source } => {
                format!("LIMITS#{}#SOURCE#{source}", window.id())
            }
            Self::ConfirmationEmails { event_id, window } => {
                format!("EVENT#{event_id}#LIMITS#{}#EMAILS", window.id())
            }
            Self::MailboxEmails { day, mailbox } => format!("MAILBOX#{mailbox}#DAY#{day}"),
        }
    }

    /// Counters expire one window after their own.
    fn expiry(&self) -> AttributeValue {
        let expires = match self {
            Self::Registrations { window, .. } | Self::ConfirmationEmails { window, .. } => {
                window.end().as_second() + HourWindow::LENGTH.as_secs()
            }
            Self::MailboxEmails { day, .. } => day.end().as_second() + UtcDay::LENGTH.as_secs(),
        };
        n(expires)
    }
}

impl DynamoStore {
    /// The conditional update that counts one more use of `counter`, unless
    /// `limit` uses are counted already.
    pub(super) fn take_update(
        &self,
        counter: &LimitCounter,
        limit: u32,
    ) -> UpdateItemFluentBuilder {
        self.client
            .update_item()
            .table_name(&self.table_name)
            .key(attr::PK, s(counter.pk()))
            .update_expression("ADD #count :one SET #expires = :expires")
            .condition_expression("attribute_not_exists(#count) OR #count < :limit")
            .expression_attribute_names("#count", COUNT)
            .expression_attribute_names("#expires", attr::EXPIRES_AT)
            .expression_attribute_values(":one", n(1))
            .expression_attribute_values(":limit", n(limit))
            .expression_attribute_values(":expires", counter.expiry())
    }
}

#[async_trait]
impl LimitCounters for DynamoStore {
    async fn take_slot(&self, counter: &LimitCounter, limit: u32) -> Result<bool, StoreError> {
        self.conditional_update(self.take_update(counter, limit))
            .await
    }

    /// Count one use less, never below zero.
    async fn give_back_slot(&self, counter: &LimitCounter) -> Result<(), StoreError> {
        let update = self
            .client
            .update_item()
            .table_name(&self.table_name)
            .key(attr::PK, s(counter.pk()))
            .update_expression("ADD #count :minus_one")
            .condition_expression("#count > :zero")
            .expression_attribute_names("#count", COUNT)
            .expression_attribute_values(":minus_one", n(-1))
            .expression_attribute_values(":zero", n(0));
        self.conditional_update(update).await.map(|_| ())
    }
}
