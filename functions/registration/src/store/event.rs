//! One event's registrations as the organizer's command reads and repairs them:
//! paged through the `event` index (never a scan of the table), the waiting
//! list read once, a registration put back in an outbox, and erasure.

use super::dynamo::DynamoStore;
use super::ext::{classify, from_item, n, s};
use super::item::{self, Registration, attr, seats_attr};
use super::{Outbox, Registrations, StoreError};
use crate::domain::key::RegistrationKey;
use crate::domain::lifecycle::RegistrationStatus;
use async_trait::async_trait;
use aws_sdk_dynamodb::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_dynamodb::operation::query::{QueryError, QueryOutput};
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{AttributeValue, Delete, TransactWriteItem, Update};
use aws_smithy_types::error::display::DisplayErrorContext;
use std::collections::HashMap;

/// The name of the index of every registration by event, as declared in
/// `template.yaml` (hash `event_id`, range `registered_at`), projecting what the
/// organizer's export and stats read: a registration read from it holds no
/// tokens, lease or outbox.
pub const ROSTER_INDEX: &str = "roster";

/// The index it replaces (the same keys, every attribute): read while a table
/// upgraded from it has no `roster` yet, or while `roster` is backfilling.
pub const EVENT_INDEX: &str = "event";

/// How often an erasure is tried when the registration or the line changes
/// under it.
const ERASE_ATTEMPTS: u32 = 12;

/// Where the next page of an event's registrations starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventCursor(pub(super) HashMap<String, String>);

/// One page of an event's registrations, oldest first.
#[derive(Debug, Clone, Default)]
pub struct EventPage {
    pub registrations: Vec<Registration>,
    pub next: Option<EventCursor>,
}

/// Why the organizer's reads could not start: told apart, since each needs a
/// different fix from the person at the keyboard.
#[derive(Debug, thiserror::Error)]
pub enum AccessError {
    #[error("no such table: {0}")]
    NoSuchTable(String),
    #[error("AWS credentials missing or refused: {0}")]
    Credentials(String),
    #[error("not allowed by IAM: {0}")]
    Denied(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What putting a registration back in an outbox did.
#[derive(Debug, Clone, PartialEq)]
pub enum Requeued {
    /// It waits in the outbox: the next send-links run sends the email once.
    Queued(Registration),
    /// It was already waiting in an outbox (this one or the promotion email's).
    AlreadyQueued(Registration),
    /// Not in a state that may receive the email (wrong status, unreachable),
    /// or `None` when it is gone.
    NotDue(Option<Registration>),
}

/// What erasing a registration did.
#[derive(Debug, Clone, PartialEq)]
pub enum Erased {
    /// Deleted, as it was; a confirmed one's seat is free for the first in
    /// line, a waitlisted one has left the line.
    Deleted(Box<Registration>),
    /// There was nothing to erase.
    Absent,
}

/// The organizer's view of one event, beside the roles the use cases share
/// (it reads and cancels through [`Registrations`] and [`Seats`](super::Seats)).
#[async_trait]
pub trait EventRegistrations: Clone + Send + Sync + 'static {
    /// That the table exists and the credentials may read it.
    async fn check_access(&self) -> Result<(), AccessError>;

    /// One page of the event's registrations, oldest first (DynamoDB's 1 MB
    /// page when `limit` is `None`).
    async fn event_page(
        &self,
        event_id: &str,
        after: Option<EventCursor>,
        limit: Option<i32>,
    ) -> Result<EventPage, StoreError>;

    /// The waiting list in order (first in line first), as registration keys.
    async fn waiting_list(&self, event_id: &str) -> Result<Vec<RegistrationKey>, StoreError>;

    /// Put a registration back in `outbox` (the link, or the confirmation for a
    /// pending one) with its failed attempts forgotten, so that the next
    /// send-links run sends that email exactly once more.
    async fn requeue(&self, key: &RegistrationKey, outbox: Outbox) -> Result<Requeued, StoreError>;

    /// Delete a registration and everything it held, in one transaction with
    /// its seat (freed) or its place in line (left).
    async fn erase(&self, key: &RegistrationKey) -> Result<Erased, StoreError>;
}

#[async_trait]
impl EventRegistrations for DynamoStore {
    async fn check_access(&self) -> Result<(), AccessError> {
        self.client
            .describe_table()
            .table_name(&self.table_name)
            .send()
            .await
            .map(|_| ())
            .map_err(|err| access_error(err, &self.table_name))
    }

    async fn event_page(
        &self,
        event_id: &str,
        after: Option<EventCursor>,
        limit: Option<i32>,
    ) -> Result<EventPage, StoreError> {
        let start: Option<HashMap<String, AttributeValue>> =
            after.map(|cursor| cursor.0.into_iter().map(|(k, v)| (k, s(v))).collect());
        let output = self.roster_page(event_id, start, limit).await?;
        let next = output.last_evaluated_key.map(|keys| {
            EventCursor(
                keys.into_iter()
                    .filter_map(|(k, v)| v.as_s().ok().cloned().map(|v| (k, v)))
                    .collect(),
            )
        });
        let registrations = output
            .items
            .unwrap_or_default()
            .into_iter()
            .map(from_item)
            .collect::<Result<_, _>>()?;
        Ok(EventPage {
            registrations,
            next,
        })
    }

    async fn waiting_list(&self, event_id: &str) -> Result<Vec<RegistrationKey>, StoreError> {
        self.line_state(event_id).await?;
        let mut keys = Vec::new();
        let mut start = None;
        loop {
            let output = self
                .client
                .query()
                .table_name(&self.table_name)
                .index_name(item::LINE_INDEX)
                .key_condition_expression("#line = :line")
                .expression_attribute_names("#line", attr::LINE)
                .expression_attribute_values(":line", s(event_id))
                .set_exclusive_start_key(start)
                .set_return_consumed_capacity(self.capacity())
                .send()
                .await
                .map_err(classify)?;
            self.read(output.consumed_capacity());
            keys.extend(
                output
                    .items()
                    .iter()
                    .filter_map(|entry| entry.get(attr::PK)?.as_s().ok())
                    .filter_map(|pk| item::key_of_pk(event_id, pk)),
            );
            match output.last_evaluated_key {
                Some(key) => start = Some(key),
                None => return Ok(keys),
            }
        }
    }

    async fn requeue(&self, key: &RegistrationKey, outbox: Outbox) -> Result<Requeued, StoreError> {
        let attempts = match outbox {
            Outbox::Confirmation => attr::CONFIRMATION_ATTEMPTS,
            Outbox::Link => attr::LINK_ATTEMPTS,
            Outbox::Promotion => attr::PROMOTION_ATTEMPTS,
            Outbox::Reminder => attr::REMINDER_ATTEMPTS,
        };
        // A link is resent from where it left the registration: owing nothing,
        // or its reminder.
        let after_link = item::outbox_value(key.event_id(), Outbox::Reminder);
        let update = self
            .update(key)
            .update_expression("SET #outbox = :queue, #attempts = :zero REMOVE #until, #owner")
            .condition_expression(
                "#status = :due AND (attribute_not_exists(#outbox) OR #outbox = :after_link) \
                 AND (attribute_not_exists(#unreachable) OR #unreachable = :false)",
            )
            .expression_attribute_values(":after_link", s(after_link))
            .expression_attribute_names("#outbox", attr::OUTBOX)
            .expression_attribute_names("#attempts", attempts)
            .expression_attribute_names("#until", attr::LEASE_UNTIL)
            .expression_attribute_names("#owner", attr::LEASE_OWNER)
            .expression_attribute_names("#status", attr::STATUS)
            .expression_attribute_names("#unreachable", attr::UNREACHABLE)
            .expression_attribute_values(":queue", s(item::outbox_value(key.event_id(), outbox)))
            .expression_attribute_values(":zero", n(0))
            .expression_attribute_values(":due", s(outbox.due_in().as_str()))
            .expression_attribute_values(":false", AttributeValue::Bool(false));
        if let Some(item) = self.conditional_update_returning(update).await? {
            return Ok(Requeued::Queued(from_item(item)?));
        }
        Ok(match self.get(key).await? {
            Some(current) if current.owes().is_some_and(|o| o != Outbox::Reminder) => {
                Requeued::AlreadyQueued(current)
            }
            current => Requeued::NotDue(current),
        })
    }

    async fn erase(&self, key: &RegistrationKey) -> Result<Erased, StoreError> {
        for _ in 0..ERASE_ATTEMPTS {
            let Some(current) = self.get(key).await? else {
                return Ok(Erased::Absent);
            };
            let mut writes = vec![self.delete_in_status(key, current.status, current.ticket())?];
            match current.status {
                RegistrationStatus::Confirmed => writes.push(self.free_seat(key)?),
                RegistrationStatus::Waitlisted => {
                    if current.ticket().is_none() && self.line_state_moved(key).await? {
                        // It now holds its ticket: read it again.
                        continue;
                    }
                    if current.ticket().is_some() {
                        writes.push(super::transact::update_of(
                            self.leave_line_seats(key.event_id()),
                        )?);
                    }
                }
                RegistrationStatus::Pending | RegistrationStatus::Cancelled => {}
            }
            if self.commit(writes).await? {
                return Ok(Erased::Deleted(Box::new(current)));
            }
            // Its status or the line changed since they were read: again.
        }
        Err(StoreError::Unavailable(
            "the registration kept changing during its erasure; try again".into(),
        ))
    }
}

impl DynamoStore {
    /// Delete the item at `key` if it is still in `status`, and still in line
    /// with `ticket` (or out of it).
    fn delete_in_status(
        &self,
        key: &RegistrationKey,
        status: RegistrationStatus,
        ticket: Option<u64>,
    ) -> Result<TransactWriteItem, StoreError> {
        let delete = Delete::builder()
            .table_name(&self.table_name)
            .key(attr::PK, s(item::pk(key)))
            .expression_attribute_names("#status", attr::STATUS)
            .expression_attribute_values(":status", s(status.as_str()));
        let delete = match ticket {
            Some(ticket) => delete
                .condition_expression("#status = :status AND #ticket = :ticket")
                .expression_attribute_names("#ticket", attr::TICKET)
                .expression_attribute_values(":ticket", n(ticket)),
            None => delete
                .condition_expression("#status = :status AND attribute_not_exists(#line)")
                .expression_attribute_names("#line", attr::LINE),
        };
        Ok(TransactWriteItem::builder()
            .delete(delete.build().map_err(building)?)
            .build())
    }

    /// Count one seat of the event free.
    fn free_seat(&self, key: &RegistrationKey) -> Result<TransactWriteItem, StoreError> {
        let update = Update::builder()
            .table_name(&self.table_name)
            .key(attr::PK, s(item::seats_pk(key.event_id())))
            .update_expression("ADD #confirmed :minus_one")
            .condition_expression("#confirmed > :zero")
            .expression_attribute_names("#confirmed", seats_attr::CONFIRMED)
            .expression_attribute_values(":minus_one", n(-1))
            .expression_attribute_values(":zero", n(0))
            .build()
            .map_err(building)?;
        Ok(TransactWriteItem::builder().update(update).build())
    }

    /// Whether the event's line was still kept the old way (and is now moved).
    async fn line_state_moved(&self, key: &RegistrationKey) -> Result<bool, StoreError> {
        let kept_the_old_way = !self.seats(key.event_id()).await?.waitlist.is_empty();
        if kept_the_old_way {
            self.line_state(key.event_id()).await?;
        }
        Ok(kept_the_old_way)
    }

    /// Run the writes as one transaction; `false` when a condition did not hold
    /// or another transaction held an item.
    async fn commit(&self, writes: Vec<TransactWriteItem>) -> Result<bool, StoreError> {
        let result = self
            .client
            .transact_write_items()
            .set_transact_items(Some(writes))
            .set_return_consumed_capacity(self.capacity())
            .send()
            .await;
        match result {
            Ok(output) => {
                self.write(output.consumed_capacity());
                Ok(true)
            }
            Err(err)
                if matches!(
                    err.as_service_error(),
                    Some(TransactWriteItemsError::TransactionCanceledException(_))
                ) =>
            {
                Ok(false)
            }
            Err(err) => Err(classify(err)),
        }
    }
}

impl DynamoStore {
    /// One page of `partition` (an event's id, or the programs') in the
    /// organizer's index: `roster`, or `event` while the table has no readable
    /// `roster`. Its read units are metered.
    pub(super) async fn roster_page(
        &self,
        partition: &str,
        start: Option<HashMap<String, AttributeValue>>,
        limit: Option<i32>,
    ) -> Result<QueryOutput, StoreError> {
        let query = |index: &str| {
            self.client
                .query()
                .table_name(&self.table_name)
                .index_name(index)
                .key_condition_expression("#event = :event")
                .expression_attribute_names("#event", attr::EVENT_ID)
                .expression_attribute_values(":event", s(partition))
                .set_exclusive_start_key(start.clone())
                .set_limit(limit)
                .set_return_consumed_capacity(self.capacity())
                .send()
        };
        let output = match query(ROSTER_INDEX).await {
            Err(err) if not_readable_yet(&err) => query(EVENT_INDEX).await,
            result => result,
        }
        .map_err(classify)?;
        self.read(output.consumed_capacity());
        Ok(output)
    }
}

/// Whether a query failed because its index does not exist (a table from
/// before it) or is still backfilling: both are `ValidationException`s naming
/// the index. The two indexes have the same keys, so a page's cursor fits both.
fn not_readable_yet<R>(err: &SdkError<QueryError, R>) -> bool {
    let Some(service) = err.as_service_error() else {
        return false;
    };
    service.code() == Some("ValidationException")
        && service.message().is_some_and(|m| {
            m.contains("specified index") || m.contains("backfilling global secondary index")
        })
}

fn building(err: impl std::fmt::Display) -> StoreError {
    StoreError::Internal(format!("building a transaction: {err}"))
}

/// Sort a failed first call into the causes a person can fix.
fn access_error<E, R>(err: SdkError<E, R>, table: &str) -> AccessError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    let code = err.as_service_error().and_then(|e| e.code()).unwrap_or("");
    let cause = DisplayErrorContext(&err).to_string();
    match code {
        "ResourceNotFoundException" => AccessError::NoSuchTable(table.to_owned()),
        "UnrecognizedClientException"
        | "InvalidSignatureException"
        | "ExpiredTokenException"
        | "MissingAuthenticationToken" => AccessError::Credentials(code.to_owned()),
        "AccessDeniedException" => AccessError::Denied(
            err.as_service_error()
                .and_then(|e| e.message())
                .unwrap_or(code)
                .to_owned(),
        ),
        // The SDK found no credentials before sending anything.
        _ if cause.contains("credentials") || cause.contains("Credentials") => {
            AccessError::Credentials(
                "none found in the environment, profile or instance role".into(),
            )
        }
        _ => AccessError::Store(classify(err)),
    }
}
