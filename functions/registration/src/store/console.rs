//! The organizer console's items: sign-in links and sessions (each stored by the
//! hash of its secret only, expiring), the per-address count of sign-in emails,
//! and the deployment's audit log. Their keys start `ORGANIZER#` and `AUDIT#`,
//! which no registration, seats, limits, mailbox or program key does; audit
//! entries are listed newest first through the roster index under the partition
//! `#audit`, which is no program's id (see decision 99).

use super::dynamo::DynamoStore;
use super::ext::{classify, is_condition_failure, n, s};
use super::item::attr;
use super::{ROSTER_INDEX, StoreError};
use crate::platform::window::HourWindow;
use aws_sdk_dynamodb::types::{AttributeValue, KeysAndAttributes, ReturnValue};
use jiff::Timestamp;
use sha2::{Digest, Sha256};
use std::collections::HashMap;

/// The roster index's partition of the audit log.
const AUDIT_PARTITION: &str = "#audit";
const ORGANIZER: &str = "organizer";
const COUNT: &str = "count";

/// A console session as stored: whose it is and until when it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsoleSession {
    pub organizer: String,
    pub expires_at: Timestamp,
}

/// One action in the audit log. `registration_id` is the registration it
/// touched, if any; no participant's address is ever part of an entry.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AuditEntry {
    pub at: Timestamp,
    pub organizer: String,
    pub action: String,
    pub program: Option<String>,
    pub registration_id: Option<String>,
}

/// One page of the audit log, newest first, and where the next one starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
    pub next: Option<String>,
}

fn sign_in_pk(hash: &str) -> String {
    format!("ORGANIZER#SIGNIN#{hash}")
}

fn session_pk(hash: &str) -> String {
    format!("ORGANIZER#SESSION#{hash}")
}

/// The sign-in email counter of an address: its SHA-256, not the address.
fn sign_in_count_pk(organizer: &str, window: HourWindow) -> String {
    let hash = Sha256::digest(organizer.to_lowercase().as_bytes());
    let hex: String = hash.iter().map(|b| format!("{b:02x}")).collect();
    format!("ORGANIZER#LIMIT#{}#{hex}", window.id())
}

/// Sorts as time does: epoch nanoseconds, zero-padded, then a random suffix.
fn audit_sort_key(at: Timestamp, suffix: &str) -> String {
    format!("{:020}#{suffix}", at.as_nanosecond())
}

impl DynamoStore {
    /// Store a sign-in link's hash for `organizer`, good until `expires_at`.
    pub async fn put_sign_in(
        &self,
        hash: &str,
        organizer: &str,
        expires_at: Timestamp,
    ) -> Result<(), StoreError> {
        self.put_expiring(sign_in_pk(hash), organizer, expires_at)
            .await
    }

    /// Use a sign-in link: delete its item if it holds at `now`, in one
    /// conditional write, so it is good once; the organizer it was for.
    pub async fn take_sign_in(
        &self,
        hash: &str,
        now: Timestamp,
    ) -> Result<Option<String>, StoreError> {
        let deleted = self
            .client
            .delete_item()
            .table_name(&self.table_name)
            .key(attr::PK, s(sign_in_pk(hash)))
            .condition_expression("attribute_exists(#pk) AND #expires > :now")
            .expression_attribute_names("#pk", attr::PK)
            .expression_attribute_names("#expires", attr::EXPIRES_AT)
            .expression_attribute_values(":now", n(now.as_second()))
            .return_values(ReturnValue::AllOld)
            .send()
            .await;
        match deleted {
            Ok(output) => Ok(output.attributes.and_then(|item| string(&item, ORGANIZER))),
            Err(err) if is_condition_failure(&err) => Ok(None),
            Err(err) => Err(classify(err)),
        }
    }

    /// Store a session's hash for `organizer`, good until `expires_at`.
    pub async fn put_session(
        &self,
        hash: &str,
        organizer: &str,
        expires_at: Timestamp,
    ) -> Result<(), StoreError> {
        self.put_expiring(session_pk(hash), organizer, expires_at)
            .await
    }

    /// The session with this hash, expired or not (one strongly consistent read).
    pub async fn get_session(&self, hash: &str) -> Result<Option<ConsoleSession>, StoreError> {
        let output = self
            .client
            .get_item()
            .table_name(&self.table_name)
            .key(attr::PK, s(session_pk(hash)))
            .consistent_read(true)
            .send()
            .await
            .map_err(classify)?;
        Ok(output.item.and_then(|item| {
            Some(ConsoleSession {
                organizer: string(&item, ORGANIZER)?,
                expires_at: Timestamp::from_second(number(&item, attr::EXPIRES_AT)?).ok()?,
            })
        }))
    }

    /// End a session on the server.
    pub async fn delete_session(&self, hash: &str) -> Result<(), StoreError> {
        self.client
            .delete_item()
            .table_name(&self.table_name)
            .key(attr::PK, s(session_pk(hash)))
            .send()
            .await
            .map_err(classify)?;
        Ok(())
    }

    /// Count one more sign-in email to `organizer` in the hour of `now`;
    /// `false`, counting nothing, once `limit` are counted. Exact under concurrency.
    pub async fn count_sign_in_email(
        &self,
        organizer: &str,
        now: Timestamp,
        limit: u32,
    ) -> Result<bool, StoreError> {
        let window = HourWindow::of(now);
        let expires = window.end().as_second() + HourWindow::LENGTH.as_secs();
        let result = self
            .client
            .update_item()
            .table_name(&self.table_name)
            .key(attr::PK, s(sign_in_count_pk(organizer, window)))
            .update_expression("ADD #count :one SET #expires = :expires")
            .condition_expression("attribute_not_exists(#count) OR #count < :limit")
            .expression_attribute_names("#count", COUNT)
            .expression_attribute_names("#expires", attr::EXPIRES_AT)
            .expression_attribute_values(":one", n(1))
            .expression_attribute_values(":limit", n(limit))
            .expression_attribute_values(":expires", n(expires))
            .send()
            .await;
        match result {
            Ok(_) => Ok(true),
            Err(err) if is_condition_failure(&err) => Ok(false),
            Err(err) => Err(classify(err)),
        }
    }

    /// Write one audit entry.
    pub async fn append_audit(&self, entry: &AuditEntry) -> Result<(), StoreError> {
        let suffix = crate::platform::clock::random_hex::<8>();
        let sort_key = audit_sort_key(entry.at, &suffix);
        let mut item = HashMap::from([
            (attr::PK.to_owned(), s(format!("AUDIT#{sort_key}"))),
            (attr::EVENT_ID.to_owned(), s(AUDIT_PARTITION)),
            (attr::REGISTERED_AT.to_owned(), s(sort_key)),
            ("at".to_owned(), s(entry.at.to_string())),
            (ORGANIZER.to_owned(), s(&entry.organizer)),
            ("action".to_owned(), s(&entry.action)),
        ]);
        if let Some(program) = &entry.program {
            item.insert("program".to_owned(), s(program));
        }
        if let Some(id) = &entry.registration_id {
            item.insert(attr::REGISTRATION_ID.to_owned(), s(id));
        }
        self.client
            .put_item()
            .table_name(&self.table_name)
            .set_item(Some(item))
            .send()
            .await
            .map_err(classify)?;
        Ok(())
    }

    /// Up to `limit` audit entries, newest first, from `after` (a page's `next`).
    pub async fn audit_page(
        &self,
        after: Option<&str>,
        limit: i32,
    ) -> Result<AuditPage, StoreError> {
        let mut query = self
            .client
            .query()
            .table_name(&self.table_name)
            .index_name(ROSTER_INDEX)
            .key_condition_expression("#event = :audit")
            .expression_attribute_names("#event", attr::EVENT_ID)
            .expression_attribute_values(":audit", s(AUDIT_PARTITION))
            .scan_index_forward(false)
            .limit(limit);
        if let Some(after) = after {
            query = query.set_exclusive_start_key(Some(audit_start_key(after)));
        }
        let output = query.send().await.map_err(classify)?;
        let sort_keys: Vec<String> = output
            .items()
            .iter()
            .filter_map(|item| string(item, attr::REGISTERED_AT))
            .collect();
        let next = output
            .last_evaluated_key()
            .and_then(|key| string(key, attr::REGISTERED_AT));
        let mut entries = self.audit_items(&sort_keys).await?;
        entries.sort_by(|a, b| b.0.cmp(&a.0));
        Ok(AuditPage {
            entries: entries.into_iter().map(|(_, entry)| entry).collect(),
            next,
        })
    }

    /// The whole audit items for these sort keys (the index holds their keys only).
    async fn audit_items(
        &self,
        sort_keys: &[String],
    ) -> Result<Vec<(String, AuditEntry)>, StoreError> {
        let mut keys: Vec<HashMap<String, AttributeValue>> = sort_keys
            .iter()
            .map(|k| HashMap::from([(attr::PK.to_owned(), s(format!("AUDIT#{k}")))]))
            .collect();
        let mut found = Vec::new();
        for _ in 0..5 {
            if keys.is_empty() {
                break;
            }
            let request = KeysAndAttributes::builder()
                .set_keys(Some(std::mem::take(&mut keys)))
                .build()
                .map_err(|e| StoreError::Internal(e.to_string()))?;
            let output = self
                .client
                .batch_get_item()
                .request_items(&self.table_name, request)
                .send()
                .await
                .map_err(classify)?;
            let items = output.responses().and_then(|r| r.get(&self.table_name));
            found.extend(items.into_iter().flatten().filter_map(audit_entry));
            keys = output
                .unprocessed_keys()
                .and_then(|u| u.get(&self.table_name))
                .map(|k| k.keys().to_vec())
                .unwrap_or_default();
        }
        Ok(found)
    }

    async fn put_expiring(
        &self,
        pk: String,
        organizer: &str,
        expires_at: Timestamp,
    ) -> Result<(), StoreError> {
        self.client
            .put_item()
            .table_name(&self.table_name)
            .item(attr::PK, s(pk))
            .item(ORGANIZER, s(organizer))
            .item(attr::EXPIRES_AT, n(expires_at.as_second()))
            .send()
            .await
            .map_err(classify)?;
        Ok(())
    }
}

/// The index key an audit page starts after.
fn audit_start_key(sort_key: &str) -> HashMap<String, AttributeValue> {
    HashMap::from([
        (attr::PK.to_owned(), s(format!("AUDIT#{sort_key}"))),
        (attr::EVENT_ID.to_owned(), s(AUDIT_PARTITION)),
        (attr::REGISTERED_AT.to_owned(), s(sort_key)),
    ])
}

fn audit_entry(item: &HashMap<String, AttributeValue>) -> Option<(String, AuditEntry)> {
    let entry = AuditEntry {
        at: string(item, "at")?.parse().ok()?,
        organizer: string(item, ORGANIZER)?,
        action: string(item, "action")?,
        program: string(item, "program"),
        registration_id: string(item, attr::REGISTRATION_ID),
    };
    Some((string(item, attr::REGISTERED_AT)?, entry))
}

fn string(item: &HashMap<String, AttributeValue>, name: &str) -> Option<String> {
    item.get(name)?.as_s().ok().cloned()
}

fn number(item: &HashMap<String, AttributeValue>, name: &str) -> Option<i64> {
    item.get(name)?.as_n().ok()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn audit_sort_keys_sort_as_their_instants() {
        let early: Timestamp = "2022-09-20T00:00:00Z".parse().unwrap();
        let late: Timestamp = "2026-01-01T00:00:00.5Z".parse().unwrap();
        assert!(audit_sort_key(early, "ffffffff") < audit_sort_key(late, "00000000"));
    }

    #[test]
    fn console_keys_start_apart_from_every_other_kind_of_item() {
        let window = HourWindow::of("2022-09-20T00:00:00Z".parse().unwrap());
        for key in [
            sign_in_pk("h"),
            session_pk("h"),
            sign_in_count_pk("a@b.c", window),
        ] {
            assert!(key.starts_with("ORGANIZER#"), "{key}");
            assert!(!key.contains("a@b.c"), "{key}");
        }
    }
}
