//! SES's news about a registration's emails, recorded per kind of email in one
//! conditional write: news replaces what is recorded only when it ranks higher,
//! so repeated and late events never undo a later state; a permanent bounce or a
//! complaint also marks the registration unreachable, for good.

use super::dynamo::DynamoStore;
use super::ext::{n, s, to_attribute};
use super::item::{Registration, attr};
use super::{FeedbackOutcome, Outbox, RegistrationStore, StoreError};
use crate::feedback::{DeliveryNews, EmailFeedback};
use crate::key::RegistrationKey;
use aws_sdk_dynamodb::types::AttributeValue;
use jiff::Timestamp;

/// The attribute holding what SES told of the emails of `kind`.
pub(super) fn feedback_attribute(kind: Outbox) -> &'static str {
    match kind {
        Outbox::Confirmation => attr::CONFIRMATION_FEEDBACK,
        Outbox::Link => attr::LINK_FEEDBACK,
        Outbox::Promotion => attr::PROMOTION_FEEDBACK,
        Outbox::Reminder => attr::REMINDER_FEEDBACK,
    }
}

impl DynamoStore {
    pub(super) async fn feedback(
        &self,
        key: &RegistrationKey,
        registration_id: &str,
        kind: Outbox,
        news: &DeliveryNews,
        at: Timestamp,
    ) -> Result<FeedbackOutcome, StoreError> {
        let feedback = EmailFeedback::new(news, at);
        let mut set = String::from("SET #feedback = :feedback");
        if news.makes_unreachable() {
            set.push_str(", #unreachable = :true");
        }
        let mut update = self
            .update(key)
            .update_expression(set)
            .condition_expression(
                "#id = :id AND (attribute_not_exists(#feedback) OR #feedback.#rank < :rank)",
            )
            .expression_attribute_names("#feedback", feedback_attribute(kind))
            .expression_attribute_names("#rank", "rank")
            .expression_attribute_names("#id", attr::REGISTRATION_ID)
            .expression_attribute_values(":feedback", to_attribute(&feedback)?)
            .expression_attribute_values(":rank", n(news.rank()))
            .expression_attribute_values(":id", s(registration_id));
        if news.makes_unreachable() {
            update = update
                .expression_attribute_names("#unreachable", attr::UNREACHABLE)
                .expression_attribute_values(":true", AttributeValue::Bool(true));
        }
        if self.conditional_update(update).await? {
            return Ok(FeedbackOutcome::Recorded);
        }
        // Not written: another registration (or none) holds the key, or the news
        // is no later than what is recorded.
        let current: Option<Registration> = self.get(key).await?;
        Ok(match current {
            Some(r) if r.registration_id == registration_id => FeedbackOutcome::AlreadyKnown,
            _ => FeedbackOutcome::UnknownRegistration,
        })
    }
}
