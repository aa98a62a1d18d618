//! Registrations in one DynamoDB table: the store trait every use case talks to,
//! and its DynamoDB adapter. `AttributeValue` never leaves this module.
//!
//! Key design (every key includes the event id):
//! - a registration: `pk = EVENT#<event>#REG#<key>`, where the key is a one-way
//!   function of the event and the lower-cased address
//!   ([`crate::token::registration_key`]), so a conditional put is the uniqueness
//!   check;
//! - its confirmation tokens live on the item, as the SHA-256 hashes of their
//!   secrets (`token_hashes`); a token names the key, so a confirm is one key
//!   lookup, several live links may coexist, and registering is one `PutItem`;
//! - the sparse index `outbox` lists only registrations that still owe an email
//!   (`<event>#confirmation` or `<event>#link`), so the sender's cost grows with what
//!   is left to send, never with the table.

use crate::domain::RegistrationStatus;
use async_trait::async_trait;
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_dynamodb::operation::update_item::builders::UpdateItemFluentBuilder;
use aws_sdk_dynamodb::types::{
    AttributeValue, ConsumedCapacity, ReturnConsumedCapacity, ReturnValue, Select,
};
use aws_smithy_types::error::display::DisplayErrorContext;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// The name of the sparse outbox index, as declared in `template.yaml`.
pub const OUTBOX_INDEX: &str = "outbox";

/// How many times a failing email is tried before the registration is given up on.
pub const MAX_EMAIL_ATTEMPTS: u32 = 5;

/// How many confirmation links one registration may hold: a bound on the item's
/// size however often a pending address is submitted again (one more link at most
/// every ten minutes) or its email retried.
pub const MAX_LIVE_TOKENS: usize = 20;

/// A registration as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Registration {
    pub pk: String,
    pub event_id: String,
    pub registration_id: String,
    pub full_name: String,
    pub email: String,
    pub country: String,
    pub organization: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub designation: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    pub status: RegistrationStatus,
    pub registered_at: Timestamp,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confirmed_at: Option<Timestamp>,
    /// The absolute base of links in emails, as known when the participant registered.
    pub link_base: String,
    /// When a confirmation email was last attempted (the re-send throttle).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confirmation_email_at: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confirmation_message_id: Option<String>,
    #[serde(default)]
    pub confirmation_attempts: u32,
    /// The outbox queue this registration waits in, if it owes an email.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outbox: Option<String>,
    /// Epoch milliseconds until which a sender holds this registration.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lease_until: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lease_owner: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link_sent_at: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link_message_id: Option<String>,
    #[serde(default)]
    pub link_attempts: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_email_error: Option<String>,
    /// DynamoDB TTL: epoch seconds after which the personal data expires.
    pub expires_at: i64,
}

impl Registration {
    /// The item key of an event's registration for a lower-cased address.
    pub fn key(event_id: &str, normalized_email: &str) -> String {
        Self::key_of(
            event_id,
            &crate::token::registration_key(event_id, normalized_email),
        )
    }

    /// The item key of an event's registration from its key part (as a token names it).
    pub fn key_of(event_id: &str, registration_key: &str) -> String {
        format!("EVENT#{event_id}#REG#{registration_key}")
    }

    /// The key part of this registration's item key, as its tokens carry it.
    pub fn registration_key(&self) -> &str {
        self.pk.rsplit_once('#').map_or("", |(_, key)| key)
    }
}

/// The attribute holding a registration's live token hashes (a list of strings).
const TOKEN_HASHES: &str = "token_hashes";

/// The update clause that appends `:token` to the token hashes.
const ADD_TOKEN: &str = "#tokens = list_append(if_not_exists(#tokens, :none), :token)";

/// The condition that the registration has room for one more token.
const ROOM_FOR_A_TOKEN: &str = "(attribute_not_exists(#tokens) OR size(#tokens) < :max_tokens)";

/// The event id inside a registration key (event ids hold no `#`).
fn event_of_key(pk: &str) -> &str {
    pk.split('#').nth(1).unwrap_or_default()
}

/// Which email a registration owes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outbox {
    Confirmation,
    Link,
}

impl Outbox {
    pub fn queue(self, event_id: &str) -> String {
        match self {
            Outbox::Confirmation => format!("{event_id}#confirmation"),
            Outbox::Link => format!("{event_id}#link"),
        }
    }
}

/// A claim held on a registration by one sender, until an instant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lease {
    pub owner: String,
    pub until: Timestamp,
}

/// Why the store could not do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// DynamoDB is unreachable, throttling or failing: worth retrying later.
    #[error("DynamoDB unavailable: {0}")]
    Unavailable(String),
    /// A request was refused or an item could not be read: a fault to fix.
    #[error("DynamoDB request failed: {0}")]
    Internal(String),
}

#[derive(Debug, thiserror::Error)]
pub enum CreateError {
    /// With the registration that holds the key, as read just now (`None` if it
    /// was gone by then).
    #[error("a registration with this email already exists for this event")]
    AlreadyRegistered(Option<Box<Registration>>),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What confirming a registration found.
#[derive(Debug, Clone, PartialEq)]
pub enum ConfirmOutcome {
    Confirmed(Registration),
    AlreadyConfirmed(Registration),
    /// The token points at nothing usable (unknown, or cancelled).
    NotFound,
}

/// One page of registrations waiting in an outbox.
#[derive(Debug, Clone, Default)]
pub struct DuePage {
    pub keys: Vec<String>,
    pub next: Option<HashMap<String, String>>,
}

/// Everything the use cases need from storage. A store is a cheap handle (an SDK
/// client and a table name): work that outlives a request takes its own clone.
#[async_trait]
pub trait RegistrationStore: Clone + Send + Sync + 'static {
    /// Store a new pending registration holding its first token's hash, in one
    /// conditional write; the registration starts in the confirmation outbox, leased
    /// by its creator. Storing the same registration (same `registration_id`) again
    /// succeeds and changes nothing, so a retried write is not a duplicate.
    async fn create_pending(
        &self,
        registration: &Registration,
        token_hash: &str,
    ) -> Result<(), CreateError>;

    async fn get(&self, pk: &str) -> Result<Option<Registration>, StoreError>;

    /// For a still-pending registration whose last confirmation email is older than
    /// `resend_before`, add a new token and lease it for a new email. `false` when
    /// the registration is not pending, was emailed too recently, or already holds
    /// [`MAX_LIVE_TOKENS`] tokens.
    async fn renew_confirmation(
        &self,
        registration: &Registration,
        token_hash: &str,
        now: Timestamp,
        resend_before: Timestamp,
        lease: &Lease,
    ) -> Result<bool, StoreError>;

    /// Add one more live confirmation token for a registration; `false` when it
    /// already holds [`MAX_LIVE_TOKENS`] (or is gone).
    async fn add_token(
        &self,
        registration: &Registration,
        token_hash: &str,
    ) -> Result<bool, StoreError>;

    /// Take back a token whose link was never emailed; `false` when the
    /// registration does not hold it.
    async fn remove_token(&self, pk: &str, token_hash: &str) -> Result<bool, StoreError>;

    /// The registration at `pk` when it exists and holds a token with this hash
    /// (one strongly consistent read).
    async fn find_by_token(
        &self,
        pk: &str,
        token_hash: &str,
    ) -> Result<Option<Registration>, StoreError>;

    /// Move `registration`, as last read, from pending to confirmed: a single
    /// conditional write, so a registration confirmed meanwhile by another click
    /// comes back as [`ConfirmOutcome::AlreadyConfirmed`].
    async fn confirm(
        &self,
        registration: &Registration,
        now: Timestamp,
    ) -> Result<ConfirmOutcome, StoreError>;

    /// Keys of registrations waiting in an outbox, oldest first, one page at a time.
    async fn due(
        &self,
        event_id: &str,
        outbox: Outbox,
        after: Option<HashMap<String, String>>,
        limit: i32,
    ) -> Result<DuePage, StoreError>;

    /// How many registrations wait in an outbox.
    async fn count_due(&self, event_id: &str, outbox: Outbox) -> Result<u64, StoreError>;

    /// Take a registration out of an outbox for sending, unless another sender holds it.
    async fn claim(
        &self,
        pk: &str,
        queue: &str,
        lease: &Lease,
        now: Timestamp,
    ) -> Result<Option<Registration>, StoreError>;

    /// Record a sent email and take the registration out of `outbox`; `false` when the
    /// lease was lost meanwhile.
    async fn record_sent(
        &self,
        pk: &str,
        outbox: Outbox,
        owner: &str,
        message_id: &str,
        at: Timestamp,
    ) -> Result<bool, StoreError>;

    /// Record a failed attempt (counted when `count_attempt`), release the lease, and
    /// give up once the attempts reach [`MAX_EMAIL_ATTEMPTS`].
    async fn record_failure(
        &self,
        pk: &str,
        outbox: Outbox,
        owner: &str,
        reason: &str,
        count_attempt: bool,
    ) -> Result<(), StoreError>;
}

/// The DynamoDB adapter.
#[derive(Debug, Clone)]
pub struct DynamoStore {
    client: Client,
    table_name: String,
    /// `Some` when DynamoDB is asked to report the units each request consumed.
    meter: Option<Arc<CapacityMeter>>,
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

    /// A store that also asks DynamoDB for the request units each call consumed
    /// and sums them (for `make bench`): the extra reporting costs DynamoDB Local
    /// about 0.2 ms a write, so the functions do without it.
    pub fn metered(client: Client, table_name: impl Into<String>) -> Self {
        Self {
            meter: Some(Arc::default()),
            ..Self::new(client, table_name)
        }
    }

    /// Request units consumed through this store (and its clones) so far; zero
    /// unless the store is [`metered`](Self::metered).
    pub fn consumed(&self) -> Consumed {
        self.meter
            .as_ref()
            .map(|meter| meter.total())
            .unwrap_or_default()
    }

    /// What to ask DynamoDB to report with each request.
    fn capacity(&self) -> Option<ReturnConsumedCapacity> {
        self.meter.as_ref().map(|_| ReturnConsumedCapacity::Total)
    }

    fn read<'a>(&self, consumed: impl Into<Capacities<'a>>) {
        if let Some(meter) = &self.meter {
            meter.read(consumed);
        }
    }

    fn write<'a>(&self, consumed: impl Into<Capacities<'a>>) {
        if let Some(meter) = &self.meter {
            meter.write(consumed);
        }
    }

    /// One strongly consistent read of the item at `pk`: the whole item, or only
    /// its token hashes when `tokens_only`.
    async fn read_item(
        &self,
        pk: &str,
        tokens_only: bool,
    ) -> Result<Option<HashMap<String, AttributeValue>>, StoreError> {
        let mut request = self
            .client
            .get_item()
            .table_name(&self.table_name)
            .key("pk", s(pk))
            .consistent_read(true)
            .set_return_consumed_capacity(self.capacity());
        if tokens_only {
            request = request
                .projection_expression("#tokens")
                .expression_attribute_names("#tokens", TOKEN_HASHES);
        }
        let output = request.send().await.map_err(classify)?;
        self.read(output.consumed_capacity());
        Ok(output.item)
    }

    /// Run `update`, whose expressions use [`ADD_TOKEN`] and [`ROOM_FOR_A_TOKEN`],
    /// adding `token_hash`; `false` when its condition does not hold.
    async fn update_with_token(
        &self,
        update: UpdateItemFluentBuilder,
        token_hash: &str,
    ) -> Result<bool, StoreError> {
        let update = update
            .expression_attribute_names("#tokens", TOKEN_HASHES)
            .expression_attribute_values(":token", AttributeValue::L(vec![s(token_hash)]))
            .expression_attribute_values(":none", AttributeValue::L(Vec::new()))
            .expression_attribute_values(":max_tokens", n(MAX_LIVE_TOKENS));
        self.conditional_update(update).await
    }

    /// Run a conditional `update`; `false` when its condition does not hold.
    async fn conditional_update(
        &self,
        update: UpdateItemFluentBuilder,
    ) -> Result<bool, StoreError> {
        let result = update
            .set_return_consumed_capacity(self.capacity())
            .send()
            .await;
        match result {
            Ok(output) => {
                self.write(output.consumed_capacity());
                Ok(true)
            }
            Err(err) if is_condition_failure(&err) => Ok(false),
            Err(err) => Err(classify(err)),
        }
    }
}

/// Read and write request units, as DynamoDB reports them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Consumed {
    pub read_units: f64,
    pub write_units: f64,
}

/// Sums the consumed capacity DynamoDB returns with every successful request, in
/// thousandths of a unit.
#[derive(Debug, Default)]
struct CapacityMeter {
    read_milli: AtomicU64,
    write_milli: AtomicU64,
}

impl CapacityMeter {
    fn add(counter: &AtomicU64, consumed: &[ConsumedCapacity]) {
        let units: f64 = consumed.iter().filter_map(|c| c.capacity_units()).sum();
        counter.fetch_add((units * 1000.0).round() as u64, Ordering::Relaxed);
    }

    fn read<'a>(&self, consumed: impl Into<Capacities<'a>>) {
        Self::add(&self.read_milli, consumed.into().0);
    }

    fn write<'a>(&self, consumed: impl Into<Capacities<'a>>) {
        Self::add(&self.write_milli, consumed.into().0);
    }

    fn total(&self) -> Consumed {
        Consumed {
            read_units: self.read_milli.load(Ordering::Relaxed) as f64 / 1000.0,
            write_units: self.write_milli.load(Ordering::Relaxed) as f64 / 1000.0,
        }
    }
}

/// One request's consumed capacity (or a transaction's, one per table).
struct Capacities<'a>(&'a [ConsumedCapacity]);

impl<'a> From<Option<&'a ConsumedCapacity>> for Capacities<'a> {
    fn from(value: Option<&'a ConsumedCapacity>) -> Self {
        Self(value.map(std::slice::from_ref).unwrap_or_default())
    }
}

impl<'a> From<&'a [ConsumedCapacity]> for Capacities<'a> {
    fn from(value: &'a [ConsumedCapacity]) -> Self {
        Self(value)
    }
}

fn classify<E, R>(err: SdkError<E, R>) -> StoreError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    let transient = match &err {
        SdkError::DispatchFailure(_) | SdkError::TimeoutError(_) | SdkError::ResponseError(_) => {
            true
        }
        SdkError::ServiceError(service) => matches!(
            service.err().code(),
            Some(
                "ProvisionedThroughputExceededException"
                    | "ThrottlingException"
                    | "RequestLimitExceeded"
                    | "InternalServerError"
                    | "ServiceUnavailable"
                    | "TransactionConflictException"
                    | "TransactionInProgressException"
            )
        ),
        _ => false,
    };
    let cause = DisplayErrorContext(&err).to_string();
    if transient {
        StoreError::Unavailable(cause)
    } else {
        StoreError::Internal(cause)
    }
}

/// The per-item reason codes of a cancelled transaction, in item order (`None`
/// for items that were fine); empty for any other error.
fn is_condition_failure<E: ProvideErrorMetadata, R>(err: &SdkError<E, R>) -> bool {
    err.as_service_error()
        .and_then(|e| e.code())
        .is_some_and(|code| code == "ConditionalCheckFailedException")
}

fn to_item<T: Serialize>(value: &T) -> Result<HashMap<String, AttributeValue>, StoreError> {
    serde_dynamo::to_item(value).map_err(|e| StoreError::Internal(format!("encoding an item: {e}")))
}

fn from_item<T: for<'de> Deserialize<'de>>(
    item: HashMap<String, AttributeValue>,
) -> Result<T, StoreError> {
    serde_dynamo::from_item(item)
        .map_err(|e| StoreError::Internal(format!("decoding an item: {e}")))
}

/// The token hashes an item holds (none when it holds no list).
fn token_hashes(item: &HashMap<String, AttributeValue>) -> &[AttributeValue] {
    item.get(TOKEN_HASHES)
        .and_then(|hashes| hashes.as_l().ok())
        .map_or(&[], Vec::as_slice)
}

/// Compare two hashes without stopping at the first difference.
fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |diff, (x, y)| diff | (x ^ y))
            == 0
}

fn s(value: impl Into<String>) -> AttributeValue {
    AttributeValue::S(value.into())
}

fn n(value: impl ToString) -> AttributeValue {
    AttributeValue::N(value.to_string())
}

#[async_trait]
impl RegistrationStore for DynamoStore {
    async fn create_pending(
        &self,
        registration: &Registration,
        token_hash: &str,
    ) -> Result<(), CreateError> {
        let mut item = to_item(registration)?;
        item.insert(
            TOKEN_HASHES.to_owned(),
            AttributeValue::L(vec![s(token_hash)]),
        );
        let result = self
            .client
            .put_item()
            .table_name(&self.table_name)
            .set_item(Some(item))
            .condition_expression("attribute_not_exists(pk)")
            .set_return_consumed_capacity(self.capacity())
            .send()
            .await;
        match result {
            Ok(output) => {
                self.write(output.consumed_capacity());
                Ok(())
            }
            // The key is taken: by another registration, or by this very one when
            // the SDK retried a put whose first answer was lost.
            Err(err) if is_condition_failure(&err) => match self.get(&registration.pk).await {
                Ok(Some(stored)) if stored.registration_id == registration.registration_id => {
                    Ok(())
                }
                Ok(stored) => Err(CreateError::AlreadyRegistered(stored.map(Box::new))),
                // The key is taken either way; without the read, the answer is the
                // duplicate's (were it this very registration, it is in the
                // confirmation outbox and the scheduled run emails it).
                Err(read) => {
                    tracing::error!(error = %read, "could not read the registration holding a taken key");
                    Err(CreateError::AlreadyRegistered(None))
                }
            },
            Err(err) => Err(classify(err).into()),
        }
    }

    async fn get(&self, pk: &str) -> Result<Option<Registration>, StoreError> {
        self.read_item(pk, false).await?.map(from_item).transpose()
    }

    async fn renew_confirmation(
        &self,
        registration: &Registration,
        token_hash: &str,
        now: Timestamp,
        resend_before: Timestamp,
        lease: &Lease,
    ) -> Result<bool, StoreError> {
        let update = self
            .client
            .update_item()
            .table_name(&self.table_name)
            .key("pk", s(&registration.pk))
            .update_expression(format!(
                "SET confirmation_email_at = :now, outbox = :queue, lease_until = :until, lease_owner = :owner, {ADD_TOKEN}"
            ))
            .condition_expression(format!(
                "#status = :pending AND (attribute_not_exists(confirmation_email_at) OR confirmation_email_at <= :before) AND {ROOM_FOR_A_TOKEN}"
            ))
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":now", s(now.to_string()))
            .expression_attribute_values(":before", s(resend_before.to_string()))
            .expression_attribute_values(":pending", s(RegistrationStatus::Pending.as_str()))
            .expression_attribute_values(":queue", s(Outbox::Confirmation.queue(&registration.event_id)))
            .expression_attribute_values(":until", n(lease.until.as_millisecond()))
            .expression_attribute_values(":owner", s(&lease.owner));
        self.update_with_token(update, token_hash).await
    }

    async fn add_token(
        &self,
        registration: &Registration,
        token_hash: &str,
    ) -> Result<bool, StoreError> {
        let update = self
            .client
            .update_item()
            .table_name(&self.table_name)
            .key("pk", s(&registration.pk))
            .update_expression(format!("SET {ADD_TOKEN}"))
            .condition_expression(format!("attribute_exists(pk) AND {ROOM_FOR_A_TOKEN}"));
        self.update_with_token(update, token_hash).await
    }

    async fn remove_token(&self, pk: &str, token_hash: &str) -> Result<bool, StoreError> {
        let index = self.read_item(pk, true).await?.and_then(|item| {
            token_hashes(&item)
                .iter()
                .position(|h| h.as_s().is_ok_and(|h| h == token_hash))
        });
        let Some(index) = index else {
            return Ok(false);
        };
        // Tokens are only ever appended, so the index holds until a removal; the
        // condition makes sure it still names this hash.
        let update = self
            .client
            .update_item()
            .table_name(&self.table_name)
            .key("pk", s(pk))
            .update_expression(format!("REMOVE #tokens[{index}]"))
            .condition_expression(format!("#tokens[{index}] = :token"))
            .expression_attribute_names("#tokens", TOKEN_HASHES)
            .expression_attribute_values(":token", s(token_hash));
        self.conditional_update(update).await
    }

    async fn find_by_token(
        &self,
        pk: &str,
        token_hash: &str,
    ) -> Result<Option<Registration>, StoreError> {
        let Some(item) = self.read_item(pk, false).await? else {
            return Ok(None);
        };
        let holds = token_hashes(&item)
            .iter()
            .any(|h| h.as_s().is_ok_and(|h| constant_time_eq(h, token_hash)));
        if holds {
            from_item(item).map(Some)
        } else {
            Ok(None)
        }
    }

    async fn confirm(
        &self,
        current: &Registration,
        now: Timestamp,
    ) -> Result<ConfirmOutcome, StoreError> {
        match current.status {
            RegistrationStatus::Confirmed => {
                return Ok(ConfirmOutcome::AlreadyConfirmed(current.clone()));
            }
            RegistrationStatus::Cancelled => return Ok(ConfirmOutcome::NotFound),
            RegistrationStatus::Pending => {}
        }
        let pk = current.pk.as_str();
        // A pending registration moves to the link outbox; any confirmation email
        // still owed is moot now that the participant has clicked.
        let result = self
            .client
            .update_item()
            .table_name(&self.table_name)
            .key("pk", s(pk))
            .update_expression(
                "SET #status = :confirmed, confirmed_at = :now, outbox = :queue REMOVE lease_until, lease_owner",
            )
            .condition_expression("#status = :pending")
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":confirmed", s(RegistrationStatus::Confirmed.as_str()))
            .expression_attribute_values(":pending", s(RegistrationStatus::Pending.as_str()))
            .expression_attribute_values(":now", s(now.to_string()))
            .expression_attribute_values(":queue", s(Outbox::Link.queue(&current.event_id)))
            .return_values(ReturnValue::AllNew)
            .set_return_consumed_capacity(self.capacity())
            .send()
            .await;
        match result {
            Ok(output) => {
                self.write(output.consumed_capacity());
                Ok(ConfirmOutcome::Confirmed(from_item(
                    output.attributes.unwrap_or_default(),
                )?))
            }
            // Another click confirmed it after it was read (or it is gone).
            Err(err) if is_condition_failure(&err) => match self.get(pk).await? {
                Some(r) if r.status == RegistrationStatus::Confirmed => {
                    Ok(ConfirmOutcome::AlreadyConfirmed(r))
                }
                _ => Ok(ConfirmOutcome::NotFound),
            },
            Err(err) => Err(classify(err)),
        }
    }

    async fn due(
        &self,
        event_id: &str,
        outbox: Outbox,
        after: Option<HashMap<String, String>>,
        limit: i32,
    ) -> Result<DuePage, StoreError> {
        let start = after.map(|keys| keys.into_iter().map(|(k, v)| (k, s(v))).collect());
        let output = self
            .client
            .query()
            .table_name(&self.table_name)
            .index_name(OUTBOX_INDEX)
            .key_condition_expression("outbox = :queue")
            .expression_attribute_values(":queue", s(outbox.queue(event_id)))
            .set_exclusive_start_key(start)
            .limit(limit)
            .set_return_consumed_capacity(self.capacity())
            .send()
            .await
            .map_err(classify)?;
        self.read(output.consumed_capacity());
        let keys = output
            .items()
            .iter()
            .filter_map(|item| item.get("pk").and_then(|v| v.as_s().ok()).cloned())
            .collect();
        let next = output.last_evaluated_key.map(|keys| {
            keys.into_iter()
                .filter_map(|(k, v)| v.as_s().ok().cloned().map(|v| (k, v)))
                .collect()
        });
        Ok(DuePage { keys, next })
    }

    async fn count_due(&self, event_id: &str, outbox: Outbox) -> Result<u64, StoreError> {
        let mut total = 0u64;
        let mut start = None;
        loop {
            let output = self
                .client
                .query()
                .table_name(&self.table_name)
                .index_name(OUTBOX_INDEX)
                .key_condition_expression("outbox = :queue")
                .expression_attribute_values(":queue", s(outbox.queue(event_id)))
                .select(Select::Count)
                .set_exclusive_start_key(start)
                .set_return_consumed_capacity(self.capacity())
                .send()
                .await
                .map_err(classify)?;
            self.read(output.consumed_capacity());
            total += u64::try_from(output.count).unwrap_or(0);
            match output.last_evaluated_key {
                Some(key) => start = Some(key),
                None => return Ok(total),
            }
        }
    }

    async fn claim(
        &self,
        pk: &str,
        queue: &str,
        lease: &Lease,
        now: Timestamp,
    ) -> Result<Option<Registration>, StoreError> {
        let result = self
            .client
            .update_item()
            .table_name(&self.table_name)
            .key("pk", s(pk))
            .update_expression("SET lease_until = :until, lease_owner = :owner")
            .condition_expression(
                "outbox = :queue AND (attribute_not_exists(lease_until) OR lease_until <= :now)",
            )
            .expression_attribute_values(":queue", s(queue))
            .expression_attribute_values(":until", n(lease.until.as_millisecond()))
            .expression_attribute_values(":owner", s(&lease.owner))
            .expression_attribute_values(":now", n(now.as_millisecond()))
            .return_values(ReturnValue::AllNew)
            .set_return_consumed_capacity(self.capacity())
            .send()
            .await;
        match result {
            Ok(output) => {
                self.write(output.consumed_capacity());
                Ok(Some(from_item(output.attributes.unwrap_or_default())?))
            }
            Err(err) if is_condition_failure(&err) => Ok(None),
            Err(err) => Err(classify(err)),
        }
    }

    async fn record_sent(
        &self,
        pk: &str,
        outbox: Outbox,
        owner: &str,
        message_id: &str,
        at: Timestamp,
    ) -> Result<bool, StoreError> {
        let (sent_at, message) = match outbox {
            Outbox::Confirmation => ("confirmation_email_at", "confirmation_message_id"),
            Outbox::Link => ("link_sent_at", "link_message_id"),
        };
        let event_id = event_of_key(pk);
        let update = self
            .client
            .update_item()
            .table_name(&self.table_name)
            .key("pk", s(pk))
            .update_expression(format!(
                "SET {sent_at} = :at, {message} = :message REMOVE outbox, lease_until, lease_owner, last_email_error"
            ))
            .condition_expression("outbox = :queue AND lease_owner = :owner")
            .expression_attribute_values(":at", s(at.to_string()))
            .expression_attribute_values(":message", s(message_id))
            .expression_attribute_values(":queue", s(outbox.queue(event_id)))
            .expression_attribute_values(":owner", s(owner));
        self.conditional_update(update).await
    }

    async fn record_failure(
        &self,
        pk: &str,
        outbox: Outbox,
        owner: &str,
        reason: &str,
        count_attempt: bool,
    ) -> Result<(), StoreError> {
        let attempts = match outbox {
            Outbox::Confirmation => "confirmation_attempts",
            Outbox::Link => "link_attempts",
        };
        let event_id = event_of_key(pk);
        let increment = u32::from(count_attempt);
        // Each update is one atomic step: either the lease is released with the
        // registration still due, or (at the last attempt) both leave together, so no
        // other sender can claim it in between.
        let threshold = MAX_EMAIL_ATTEMPTS - increment;
        for give_up in [false, true] {
            let (removal, bound) = if give_up {
                (
                    "lease_until, lease_owner, outbox",
                    format!("{attempts} >= :threshold"),
                )
            } else {
                (
                    "lease_until, lease_owner",
                    format!("(attribute_not_exists({attempts}) OR {attempts} < :threshold)"),
                )
            };
            let result = self
                .client
                .update_item()
                .table_name(&self.table_name)
                .key("pk", s(pk))
                .update_expression(format!(
                    "SET {attempts} = if_not_exists({attempts}, :zero) + :inc, last_email_error = :reason REMOVE {removal}"
                ))
                .condition_expression(format!(
                    "outbox = :queue AND lease_owner = :owner AND {bound}"
                ))
                .expression_attribute_values(":zero", n(0))
                .expression_attribute_values(":inc", n(increment))
                .expression_attribute_values(":threshold", n(threshold))
                .expression_attribute_values(":reason", s(reason))
                .expression_attribute_values(":queue", s(outbox.queue(event_id)))
                .expression_attribute_values(":owner", s(owner))
                .set_return_consumed_capacity(self.capacity())
                .send()
                .await;
            match result {
                Ok(output) => {
                    self.write(output.consumed_capacity());
                    return Ok(());
                }
                Err(err) if is_condition_failure(&err) => continue,
                Err(err) => return Err(classify(err)),
            }
        }
        // Neither matched: the lease is no longer ours.
        Ok(())
    }
}
