//! The registrations table, created locally from its one definition in
//! `template.yaml` (resource `RegistrationsTable`).

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, GlobalSecondaryIndex, KeySchemaElement, KeyType, Projection,
    ProjectionType, ScalarAttributeType, TimeToLiveSpecification,
};
use serde_norway::Value;
use std::path::PathBuf;

/// The logical id of the table in `template.yaml`.
pub const TABLE_RESOURCE: &str = "RegistrationsTable";

pub fn template_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../template.yaml")
}

/// `template.yaml`, parsed.
pub fn template() -> Result<Value, String> {
    let path = template_path();
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    serde_norway::from_str(&text).map_err(|e| format!("template.yaml: {e}"))
}

/// The table's `Properties` from `template.yaml`.
pub fn table_properties() -> Result<Value, String> {
    template()?["Resources"][TABLE_RESOURCE]["Properties"]
        .as_mapping()
        .map(|m| Value::Mapping(m.clone()))
        .ok_or_else(|| format!("template.yaml has no Resources.{TABLE_RESOURCE}.Properties"))
}

fn text<'a>(value: &'a Value, key: &str) -> Result<&'a str, String> {
    value[key]
        .as_str()
        .ok_or_else(|| format!("{TABLE_RESOURCE}: missing string {key}"))
}

fn list<'a>(value: &'a Value, key: &str) -> Result<&'a Vec<Value>, String> {
    value[key]
        .as_sequence()
        .ok_or_else(|| format!("{TABLE_RESOURCE}: missing list {key}"))
}

fn key_schema(value: &Value) -> Result<Vec<KeySchemaElement>, String> {
    list(value, "KeySchema")?
        .iter()
        .map(|k| {
            KeySchemaElement::builder()
                .attribute_name(text(k, "AttributeName")?)
                .key_type(KeyType::from(text(k, "KeyType")?))
                .build()
                .map_err(|e| e.to_string())
        })
        .collect()
}

/// Create `table_name` with the template's keys, indexes, billing and TTL, and wait
/// until it is active.
pub async fn create_from_template(client: &Client, table_name: &str) -> Result<(), String> {
    let props = table_properties()?;
    let attributes = list(&props, "AttributeDefinitions")?
        .iter()
        .map(|a| {
            AttributeDefinition::builder()
                .attribute_name(text(a, "AttributeName")?)
                .attribute_type(ScalarAttributeType::from(text(a, "AttributeType")?))
                .build()
                .map_err(|e| e.to_string())
        })
        .collect::<Result<Vec<_>, String>>()?;
    let mut indexes = Vec::new();
    if let Some(gsis) = props["GlobalSecondaryIndexes"].as_sequence() {
        for gsi in gsis {
            let projection = &gsi["Projection"];
            let mut p = Projection::builder()
                .projection_type(ProjectionType::from(text(projection, "ProjectionType")?));
            if let Some(attrs) = projection["NonKeyAttributes"].as_sequence() {
                for a in attrs {
                    p = p.non_key_attributes(a.as_str().unwrap_or_default());
                }
            }
            indexes.push(
                GlobalSecondaryIndex::builder()
                    .index_name(text(gsi, "IndexName")?)
                    .set_key_schema(Some(key_schema(gsi)?))
                    .projection(p.build())
                    .build()
                    .map_err(|e| e.to_string())?,
            );
        }
    }
    let billing = BillingMode::from(props["BillingMode"].as_str().unwrap_or("PAY_PER_REQUEST"));
    client
        .create_table()
        .table_name(table_name)
        .set_attribute_definitions(Some(attributes))
        .set_key_schema(Some(key_schema(&props)?))
        .set_global_secondary_indexes((!indexes.is_empty()).then_some(indexes))
        .billing_mode(billing)
        .send()
        .await
        .map_err(|e| {
            format!(
                "CreateTable {table_name}: {}",
                aws_sdk_dynamodb::error::DisplayErrorContext(&e)
            )
        })?;
    if let Some(ttl) = props["TimeToLiveSpecification"].as_mapping() {
        let ttl = Value::Mapping(ttl.clone());
        client
            .update_time_to_live()
            .table_name(table_name)
            .time_to_live_specification(
                TimeToLiveSpecification::builder()
                    .attribute_name(text(&ttl, "AttributeName")?)
                    .enabled(ttl["Enabled"].as_bool().unwrap_or(false))
                    .build()
                    .map_err(|e| e.to_string())?,
            )
            .send()
            .await
            .map_err(|e| {
                format!(
                    "UpdateTimeToLive {table_name}: {}",
                    aws_sdk_dynamodb::error::DisplayErrorContext(&e)
                )
            })?;
    }
    Ok(())
}
