//! Programs in the registrations' table: one item per program
//! (`PROGRAM#<id>`, a key no registration, seats, limits or mailbox item can
//! have), listed without a scan through the `event` index under a partition
//! no program id can be (`#programs`, sorted by id). Publishing replaces the
//! item in one transaction with a check of the program's seats item, so a
//! capacity below the seats taken is refused however confirmations race it.
//! The item holds the Zoom link (send-links needs it); nothing here logs.

use super::StoreError;
use super::dynamo::DynamoStore;
use super::ext::{classify, from_item, n, s, to_item};
use super::item::{self, attr, seats_attr};
use super::transact::{Committed, contended, contention};
use crate::platform::clock::Clock;
use crate::program::{
    Language, ProgramId, ProgramReader, ProgramSettings, ProgramText, Programs, ZoomJoinUrl,
};
use aws_sdk_dynamodb::types::{ConditionCheck, Put, ReturnValue, TransactWriteItem};
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The `event` index's partition that lists the programs: not a slug, so no
/// program's registrations can share it.
const PROGRAMS_PARTITION: &str = "#programs";

/// How often a publish is tried when a confirmation holds the seats item.
const PUBLISH_ATTEMPTS: u32 = 12;

/// What every program item's key starts with.
const PK_PREFIX: &str = "PROGRAM#";

fn program_pk(id: &str) -> String {
    format!("{PK_PREFIX}{id}")
}

/// A program as stored: its settings, when they were published, and when
/// an organizer closed its registration.
#[derive(Debug, Clone, PartialEq)]
pub struct PublishedProgram {
    /// With `registration_closes_at` already the earlier of the file's and
    /// the closing's.
    pub settings: ProgramSettings,
    pub published_at: Timestamp,
    pub closed_at: Option<Timestamp>,
}

/// What publishing did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PublishOutcome {
    /// Stored: a new program, or the settings of an existing id replaced.
    Published,
    /// Refused, nothing written: the capacity is below the seats taken.
    CapacityBelowSeats { taken: u32 },
}

#[derive(Debug, Serialize, Deserialize)]
struct ProgramItem {
    pk: String,
    /// [`PROGRAMS_PARTITION`], for the listing.
    event_id: String,
    /// The id again, as the listing's sort key.
    registered_at: String,
    id: String,
    title: String,
    host: String,
    starts_at: Timestamp,
    duration_secs: i64,
    timezone: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    registration_opens_at: Option<Timestamp>,
    registration_closes_at: Timestamp,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    links_send_at: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    reminder_before_secs: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    capacity: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    contact_email: Option<String>,
    languages: Vec<String>,
    text: BTreeMap<String, TextItem>,
    zoom_join_url: String,
    published_at: Timestamp,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    closed_at: Option<Timestamp>,
}

#[derive(Debug, Serialize, Deserialize)]
struct TextItem {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    title: Option<String>,
    summary: String,
}

impl ProgramItem {
    fn new(p: &ProgramSettings, published_at: Timestamp) -> Self {
        let text = p.text.iter().map(|(language, text)| {
            let item = TextItem {
                title: text.title.clone(),
                summary: text.summary.clone(),
            };
            (language.code().to_owned(), item)
        });
        Self {
            pk: program_pk(p.id.as_ref()),
            event_id: PROGRAMS_PARTITION.to_owned(),
            registered_at: p.id.to_string(),
            id: p.id.to_string(),
            title: p.title.clone(),
            host: p.host.clone(),
            starts_at: p.starts_at,
            duration_secs: p.duration.as_secs(),
            timezone: p.timezone.clone(),
            registration_opens_at: p.registration_opens_at,
            registration_closes_at: p.registration_closes_at,
            links_send_at: p.links_send_at,
            reminder_before_secs: p.reminder_before.map(|d| d.as_secs()),
            capacity: p.capacity,
            contact_email: p.contact_email.clone(),
            languages: p.languages.iter().map(|l| l.code().to_owned()).collect(),
            text: text.collect(),
            zoom_join_url: p
                .zoom_join_url
                .as_ref()
                .map(|url| url.expose().to_owned())
                .unwrap_or_default(),
            published_at,
            closed_at: None,
        }
    }

    fn into_program(self) -> Result<PublishedProgram, StoreError> {
        let bad = |what: &str| StoreError::Internal(format!("program {}: bad {what}", self.id));
        let language = |code: &str| Language::from_code(code).ok_or_else(|| bad("language"));
        let mut text = BTreeMap::new();
        for (code, item) in &self.text {
            let words = ProgramText {
                title: item.title.clone(),
                summary: item.summary.clone(),
            };
            text.insert(language(code)?, words);
        }
        let languages = self
            .languages
            .iter()
            .map(|code| language(code))
            .collect::<Result<_, _>>()?;
        let closes = match self.closed_at {
            Some(closed) => closed.min(self.registration_closes_at),
            None => self.registration_closes_at,
        };
        let settings = ProgramSettings {
            id: ProgramId::parse(&self.id).map_err(|_| bad("id"))?,
            zoom_join_url: Some(
                ZoomJoinUrl::parse(self.zoom_join_url.clone()).ok_or_else(|| bad("Zoom link"))?,
            ),
            title: self.title,
            host: self.host,
            starts_at: self.starts_at,
            duration: SignedDuration::from_secs(self.duration_secs),
            timezone: self.timezone,
            registration_opens_at: self.registration_opens_at,
            registration_closes_at: closes,
            links_send_at: self.links_send_at,
            reminder_before: self.reminder_before_secs.map(SignedDuration::from_secs),
            capacity: self.capacity,
            contact_email: self.contact_email,
            languages,
            text,
        };
        Ok(PublishedProgram {
            settings,
            published_at: self.published_at,
            closed_at: self.closed_at,
        })
    }
}

impl DynamoStore {
    /// Store a program's settings, replacing those of its id (its
    /// registrations stay). Refused, with nothing written, when its capacity
    /// is below the seats its registrations hold now.
    pub async fn publish_program(
        &self,
        settings: &ProgramSettings,
        now: Timestamp,
    ) -> Result<PublishOutcome, StoreError> {
        let item = to_item(&ProgramItem::new(settings, now))?;
        let put = Put::builder()
            .table_name(&self.table_name)
            .set_item(Some(item))
            .build()
            .map_err(|e| StoreError::Internal(format!("building a program's write: {e}")))?;
        let Some(capacity) = settings.capacity else {
            // No limit: no seats count can refuse it.
            return match self
                .transact(vec![TransactWriteItem::builder().put(put).build()])
                .await?
            {
                Committed::Yes => Ok(PublishOutcome::Published),
                _ => Err(contended()),
            };
        };
        let seats = ConditionCheck::builder()
            .table_name(&self.table_name)
            .key(attr::PK, s(item::seats_pk(settings.id.as_ref())))
            .condition_expression("attribute_not_exists(#confirmed) OR #confirmed <= :capacity")
            .expression_attribute_names("#confirmed", seats_attr::CONFIRMED)
            .expression_attribute_values(":capacity", n(capacity))
            .build()
            .map_err(|e| StoreError::Internal(format!("building a seats check: {e}")))?;
        let writes = vec![
            TransactWriteItem::builder().put(put).build(),
            TransactWriteItem::builder().condition_check(seats).build(),
        ];
        for attempt in 0..PUBLISH_ATTEMPTS {
            match self.transact(writes.clone()).await? {
                Committed::Yes => return Ok(PublishOutcome::Published),
                Committed::Refused { .. } => {
                    let taken = self.seats(settings.id.as_ref()).await?.confirmed;
                    return Ok(PublishOutcome::CapacityBelowSeats { taken });
                }
                Committed::Conflict => contention(attempt).await,
            }
        }
        Err(contended())
    }

    /// A published program (one strongly consistent read); `None` when no
    /// program has this id.
    pub async fn published_program(
        &self,
        id: &ProgramId,
    ) -> Result<Option<PublishedProgram>, StoreError> {
        let output = self
            .client
            .get_item()
            .table_name(&self.table_name)
            .key(attr::PK, s(program_pk(id.as_ref())))
            .consistent_read(true)
            .set_return_consumed_capacity(self.capacity())
            .send()
            .await
            .map_err(classify)?;
        self.read(output.consumed_capacity());
        output
            .item
            .map(|item| from_item::<ProgramItem>(item)?.into_program())
            .transpose()
    }

    /// Every published program, by id: a query of the `roster` index's
    /// programs partition (never a scan), which projects no program settings,
    /// then one read of each program (a center has a handful).
    pub async fn published_programs(&self) -> Result<Vec<PublishedProgram>, StoreError> {
        let mut programs = Vec::new();
        let mut start = None;
        loop {
            let output = self
                .roster_page(PROGRAMS_PARTITION, start.take(), None)
                .await?;
            for keys in output.items.unwrap_or_default() {
                let Some(id) = keys
                    .get(attr::PK)
                    .and_then(|pk| pk.as_s().ok())
                    .and_then(|pk| pk.strip_prefix(PK_PREFIX))
                    .and_then(|id| ProgramId::parse(id).ok())
                else {
                    continue;
                };
                // Deleted between the query and the read: no longer listed.
                programs.extend(self.published_program(&id).await?);
            }
            start = output.last_evaluated_key;
            if start.is_none() {
                return Ok(programs);
            }
        }
    }

    /// Close a program's registration at `now` (an earlier closing stays);
    /// the program as it now stands, or `None` when no program has this id.
    pub async fn close_program(
        &self,
        id: &ProgramId,
        now: Timestamp,
    ) -> Result<Option<PublishedProgram>, StoreError> {
        let result = self
            .client
            .update_item()
            .table_name(&self.table_name)
            .key(attr::PK, s(program_pk(id.as_ref())))
            .update_expression("SET #closed = if_not_exists(#closed, :now)")
            .condition_expression("attribute_exists(#pk)")
            .expression_attribute_names("#closed", "closed_at")
            .expression_attribute_names("#pk", attr::PK)
            .expression_attribute_values(":now", s(now.to_string()))
            .return_values(ReturnValue::AllNew)
            .set_return_consumed_capacity(self.capacity())
            .send()
            .await;
        match result {
            Ok(output) => {
                self.write(output.consumed_capacity());
                let item = output.attributes.unwrap_or_default();
                Ok(Some(from_item::<ProgramItem>(item)?.into_program()?))
            }
            Err(err) if super::ext::is_condition_failure(&err) => Ok(None),
            Err(err) => Err(classify(err)),
        }
    }
}

#[async_trait::async_trait]
impl crate::program::ProgramSource for DynamoStore {
    type Error = StoreError;
    async fn program(&self, id: &ProgramId) -> Result<Option<ProgramSettings>, StoreError> {
        Ok(self.published_program(id).await?.map(|p| p.settings))
    }

    async fn programs(&self) -> Result<Vec<ProgramSettings>, StoreError> {
        let programs = self.published_programs().await?;
        Ok(programs.into_iter().map(|p| p.settings).collect())
    }
}

/// The programs as a process's use cases share them: one [`ProgramReader`]
/// over the table, cached, with the deployment's own program first.
pub type SharedPrograms = std::sync::Arc<dyn Programs<Error = StoreError>>;

impl DynamoStore {
    /// The process's one program reader over this table, with the
    /// deployment's own program when it has one.
    pub fn shared_programs<C: Clock + 'static>(
        &self,
        clock: C,
        own: Option<ProgramSettings>,
    ) -> SharedPrograms {
        let reader = ProgramReader::new(self.clone(), clock);
        match own {
            Some(own) => std::sync::Arc::new(reader.with_own(own)),
            None => std::sync::Arc::new(reader),
        }
    }
}
