//! The hashes of the links' tokens a registration holds: the confirmation
//! links' (a list, appended to, bounded by [`MAX_LIVE_TOKENS`]) and the cancel
//! links' (a set the claims fill); a renewed confirmation email adds one, an
//! email that surely never left takes its token back.

use super::dynamo::{DynamoStore, Projection};
use super::ext::{from_item, n, s};
use super::item::{self, Registration, attr};
use super::{MAX_LIVE_TOKENS, Outbox, Registrations, Renewal, StoreError, Tokens};
use crate::domain::key::RegistrationKey;
use crate::domain::lifecycle::RegistrationStatus;
use async_trait::async_trait;
use aws_sdk_dynamodb::operation::update_item::builders::UpdateItemFluentBuilder;
use aws_sdk_dynamodb::types::AttributeValue;

/// The update clause that appends `:token` to the token hashes.
const ADD_TOKEN: &str = "#tokens = list_append(if_not_exists(#tokens, :none), :token)";

/// The condition that the registration has room for one more token.
const ROOM_FOR_A_TOKEN: &str = "(attribute_not_exists(#tokens) OR size(#tokens) < :max_tokens)";

#[async_trait]
impl Tokens for DynamoStore {
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
}

impl DynamoStore {
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
}
