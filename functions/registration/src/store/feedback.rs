//! SES's news about a registration's emails, recorded per kind of email: the
//! item is read, the event's change decided (`EmailEvent::change`: news of the
//! latest email only, a later state only, each `Send` once), and written on
//! condition that the record is still the version read, so that two events
//! racing never lose one; a permanent bounce or a complaint also marks the
//! registration unreachable, for good.

use super::dynamo::DynamoStore;
use super::ext::{n, s, to_attribute};
use super::item::{Registration, attr};
use super::{Feedback, FeedbackOutcome, Outbox, Registrations, StoreError};
use crate::domain::feedback::{EmailEvent, EmailFeedback, FeedbackChange};
use crate::domain::key::RegistrationKey;
use async_trait::async_trait;
use aws_sdk_dynamodb::operation::update_item::builders::UpdateItemFluentBuilder;
use aws_sdk_dynamodb::types::AttributeValue;

/// Reads and conditional writes before giving up on a registration that keeps
/// changing under the event (each retry means another event was recorded).
const ATTEMPTS: usize = 5;

/// The attribute holding what SES told of the emails of `kind`.
pub(super) fn feedback_attribute(kind: Outbox) -> &'static str {
    match kind {
        Outbox::Confirmation => attr::CONFIRMATION_FEEDBACK,
        Outbox::Link => attr::LINK_FEEDBACK,
        Outbox::Promotion => attr::PROMOTION_FEEDBACK,
        Outbox::Reminder => attr::REMINDER_FEEDBACK,
    }
}

#[async_trait]
impl Feedback for DynamoStore {
    async fn record_feedback(
        &self,
        key: &RegistrationKey,
        registration_id: &str,
        event: &EmailEvent,
    ) -> Result<FeedbackOutcome, StoreError> {
        for _ in 0..ATTEMPTS {
            let current: Option<Registration> = self.get(key).await?;
            let Some(current) = current.filter(|r| r.registration_id == registration_id) else {
                return Ok(FeedbackOutcome::UnknownRegistration);
            };
            let recorded = current.feedback(event.kind);
            let update = match event.change(recorded, current.unreachable) {
                FeedbackChange::Nothing => return Ok(FeedbackOutcome::AlreadyKnown),
                FeedbackChange::Record(next) => {
                    self.record_update(key, registration_id, event, recorded, &next)?
                }
                FeedbackChange::UnreachableOnly => self.unreachable_update(key, registration_id),
            };
            if self.conditional_update(update).await? {
                return Ok(FeedbackOutcome::Recorded);
            }
        }
        Err(StoreError::Unavailable(
            "the registration kept changing while SES's news was recorded".into(),
        ))
    }
}

impl DynamoStore {
    /// Replace the kind's record with `next`, over the version read.
    fn record_update(
        &self,
        key: &RegistrationKey,
        registration_id: &str,
        event: &EmailEvent,
        recorded: Option<&EmailFeedback>,
        next: &EmailFeedback,
    ) -> Result<UpdateItemFluentBuilder, StoreError> {
        let unchanged = match recorded {
            None => "attribute_not_exists(#feedback)",
            Some(r) if r.version == 0 => "attribute_not_exists(#feedback.#version)",
            Some(_) => "#feedback.#version = :version",
        };
        let mut set = String::from("SET #feedback = :feedback");
        if event.news.makes_unreachable() {
            set.push_str(", #unreachable = :true");
        }
        let mut update = self
            .update(key)
            .update_expression(set)
            .condition_expression(format!("#id = :id AND {unchanged}"))
            .expression_attribute_names("#feedback", feedback_attribute(event.kind))
            .expression_attribute_names("#id", attr::REGISTRATION_ID)
            .expression_attribute_values(":feedback", to_attribute(next)?)
            .expression_attribute_values(":id", s(registration_id));
        if let Some(r) = recorded.filter(|r| r.version > 0) {
            update = update.expression_attribute_values(":version", n(r.version));
        }
        if recorded.is_some() {
            update = update.expression_attribute_names("#version", "version");
        }
        if event.news.makes_unreachable() {
            update = update
                .expression_attribute_names("#unreachable", attr::UNREACHABLE)
                .expression_attribute_values(":true", AttributeValue::Bool(true));
        }
        Ok(update)
    }

    /// Mark the registration unreachable, unless it is already.
    fn unreachable_update(
        &self,
        key: &RegistrationKey,
        registration_id: &str,
    ) -> UpdateItemFluentBuilder {
        self.update(key)
            .update_expression("SET #unreachable = :true")
            .condition_expression(
                "#id = :id AND (attribute_not_exists(#unreachable) OR #unreachable <> :true)",
            )
            .expression_attribute_names("#unreachable", attr::UNREACHABLE)
            .expression_attribute_names("#id", attr::REGISTRATION_ID)
            .expression_attribute_values(":true", AttributeValue::Bool(true))
            .expression_attribute_values(":id", s(registration_id))
    }
}
