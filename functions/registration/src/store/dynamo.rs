//! The DynamoDB adapter: its client and table, and the plumbing its roles share
//! (one registration item per key, read with strongly consistent reads, changed
//! with conditional updates). Each role is implemented in the file that does its
//! work: `create.rs`, `tokens.rs`, `seats.rs`, `outbox.rs`, `limits.rs`,
//! `domain/feedback.rs`, and `event.rs` for the organizer's.

use super::StoreError;
use super::ext::{classify, is_condition_failure, s};
use super::item::{self, attr};
use super::meter::CapacityMeter;
use crate::domain::key::RegistrationKey;
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::operation::update_item::UpdateItemOutput;
use aws_sdk_dynamodb::operation::update_item::builders::UpdateItemFluentBuilder;
use aws_sdk_dynamodb::types::{AttributeValue, ReturnValue};
use std::collections::HashMap;
use std::sync::Arc;

/// What a read fetches of an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Projection {
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
    pub(super) async fn read_item(
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
}
