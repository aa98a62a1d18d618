//! The SES-feedback use case: an event SES published for the stack's
//! configuration set names its registration through the email's tags and its
//! recipient; its news is recorded on that registration for the email it
//! concerns (its kind, its SES message id). Events of another configuration set,
//! a program this deployment does not have, for no known registration, or
//! without tags are ignored and logged without any address.

use crate::config::FeedbackConfig;
use crate::domain::EmailAddress;
use crate::domain::feedback::{DeliveryNews, EmailEvent};
use crate::domain::key::RegistrationKey;
use crate::domain::lifecycle::Outbox;
use crate::mail::EmailTags;
use crate::program::ProgramId;
use crate::store::{Feedback, FeedbackOutcome, SharedPrograms, StoreError};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// The tag in which SES names the configuration set an email was sent with.
const CONFIGURATION_SET_TAG: &str = "ses:configuration-set";

/// The `detail` of an SES event as EventBridge delivers it (the fields used).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SesEventDetail {
    pub event_type: String,
    #[serde(default)]
    pub mail: SesMail,
    #[serde(default)]
    pub bounce: Option<SesBounce>,
    #[serde(default)]
    pub complaint: Option<SesComplaint>,
    #[serde(default)]
    pub delivery_delay: Option<SesDeliveryDelay>,
    #[serde(default)]
    pub reject: Option<SesReject>,
}

#[derive(Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SesMail {
    #[serde(default)]
    pub message_id: String,
    #[serde(default)]
    pub timestamp: Option<String>,
    /// The recipients: personal data, so this type prints them redacted.
    #[serde(default)]
    pub destination: Vec<String>,
    #[serde(default)]
    pub tags: HashMap<String, Vec<String>>,
}

impl std::fmt::Debug for SesMail {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SesMail")
            .field("message_id", &self.message_id)
            .field(
                "destination",
                &format!("<{} redacted>", self.destination.len()),
            )
            .field("tags", &self.tags)
            .finish()
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SesBounce {
    #[serde(default)]
    pub bounce_type: String,
    #[serde(default)]
    pub bounce_sub_type: String,
    #[serde(default)]
    pub timestamp: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SesComplaint {
    #[serde(default)]
    pub complaint_feedback_type: Option<String>,
    #[serde(default)]
    pub timestamp: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SesDeliveryDelay {
    #[serde(default)]
    pub delay_type: String,
    #[serde(default)]
    pub timestamp: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct SesReject {
    #[serde(default)]
    pub reason: String,
}

/// What became of one event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recorded {
    /// Recorded on its registration.
    Recorded { kind: Outbox, state: &'static str },
    /// The same or later news was there already.
    AlreadyKnown,
    /// Not ours to record, and why.
    Ignored(&'static str),
}

impl SesEventDetail {
    /// The news this event brings, if it is one the registrations keep.
    pub fn news(&self) -> Option<DeliveryNews> {
        match self.event_type.as_str() {
            "Send" => Some(DeliveryNews::Sent),
            "Delivery" => Some(DeliveryNews::Delivered),
            "Bounce" => self.bounce.as_ref().map(|b| DeliveryNews::Bounced {
                bounce_type: b.bounce_type.clone(),
                subtype: b.bounce_sub_type.clone(),
            }),
            "Complaint" => Some(DeliveryNews::Complained {
                feedback_type: self
                    .complaint
                    .as_ref()
                    .and_then(|c| c.complaint_feedback_type.clone())
                    .unwrap_or_else(|| "unspecified".into()),
            }),
            "DeliveryDelay" => Some(DeliveryNews::Delayed {
                delay_type: self
                    .delivery_delay
                    .as_ref()
                    .map(|d| d.delay_type.clone())
                    .unwrap_or_default(),
            }),
            "Reject" => Some(DeliveryNews::Rejected {
                reason: self
                    .reject
                    .as_ref()
                    .map(|r| r.reason.clone())
                    .unwrap_or_default(),
            }),
            _ => None,
        }
    }

    /// When SES saw what it tells.
    pub fn at(&self) -> Option<Timestamp> {
        let of_news = [
            self.bounce.as_ref().and_then(|b| b.timestamp.as_deref()),
            self.complaint.as_ref().and_then(|c| c.timestamp.as_deref()),
            self.delivery_delay
                .as_ref()
                .and_then(|d| d.timestamp.as_deref()),
            self.mail.timestamp.as_deref(),
        ];
        of_news.into_iter().flatten().find_map(|t| t.parse().ok())
    }

    fn tag(&self, name: &str) -> Option<&str> {
        self.mail.tags.get(name)?.first().map(String::as_str)
    }
}

/// Records SES's news on the registrations of every program the deployment
/// has.
pub struct FeedbackRecorder<S> {
    pub config: FeedbackConfig,
    pub store: S,
    /// Every program's settings, cached (the process's one reader).
    pub programs: SharedPrograms,
}

impl<S: Feedback> FeedbackRecorder<S> {
    pub fn new(config: FeedbackConfig, store: S, programs: SharedPrograms) -> Self {
        Self {
            config,
            store,
            programs,
        }
    }

    /// Record one event. A DynamoDB failure is returned, so that the invocation
    /// fails and EventBridge delivers the event again; nothing is half-written.
    pub async fn record(
        &self,
        detail: &SesEventDetail,
        now: Timestamp,
    ) -> Result<Recorded, StoreError> {
        if let Err(why) = self.of_this_stack(detail) {
            return Ok(self.ignored(why, detail));
        }
        let Some(news) = detail.news() else {
            return Ok(self.ignored("an event type that is not recorded", detail));
        };
        let (key, registration_id, kind) = match self.target(detail) {
            Ok(target) => target,
            Err(why) => return Ok(self.ignored(why, detail)),
        };
        if !self.has_program(&key).await? {
            return Ok(self.ignored(
                "an email of a program this deployment does not have",
                detail,
            ));
        }
        let event = EmailEvent {
            kind,
            message_id: detail.mail.message_id.clone(),
            sent_at: detail
                .mail
                .timestamp
                .as_deref()
                .and_then(|t| t.parse().ok()),
            at: detail.at().unwrap_or(now),
            news,
        };
        let outcome = self
            .store
            .record_feedback(&key, &registration_id, &event)
            .await?;
        Ok(self.told(outcome, detail, &key, &registration_id, &event))
    }

    /// Whether the program the key names is one this deployment has (its own,
    /// or a published one).
    async fn has_program(&self, key: &RegistrationKey) -> Result<bool, StoreError> {
        let Ok(id) = ProgramId::own(key.event_id()) else {
            return Ok(false);
        };
        Ok(self.programs.program(&id).await?.is_some())
    }

    /// What became of the event: counted and logged, once.
    fn told(
        &self,
        outcome: FeedbackOutcome,
        detail: &SesEventDetail,
        key: &RegistrationKey,
        registration_id: &str,
        event: &EmailEvent,
    ) -> Recorded {
        let (kind, news) = (event.kind, &event.news);
        match outcome {
            FeedbackOutcome::Recorded => {
                // Counted once: a repeated event is already known.
                if let Some(metric) = alarm_metric(news) {
                    crate::platform::metrics::emit(key.event_id(), &[(metric, 1)]);
                }
                tracing::info!(
                    registration_id,
                    ?kind,
                    state = news.state(),
                    unreachable = news.makes_unreachable(),
                    "SES feedback recorded"
                );
                Recorded::Recorded {
                    kind,
                    state: news.state(),
                }
            }
            FeedbackOutcome::AlreadyKnown => {
                tracing::info!(
                    registration_id,
                    ?kind,
                    state = news.state(),
                    message_id = %event.message_id,
                    "SES feedback already known, or about an earlier email than the one recorded"
                );
                Recorded::AlreadyKnown
            }
            FeedbackOutcome::UnknownRegistration => {
                self.ignored("an email of no known registration", detail)
            }
        }
    }

    /// The registration and kind of email an event is about: its tags name the
    /// event, the registration and the kind; its recipient names the key.
    fn target(
        &self,
        detail: &SesEventDetail,
    ) -> Result<(RegistrationKey, String, Outbox), &'static str> {
        let tags =
            EmailTags::from_tags(&detail.mail.tags).ok_or("an email without this system's tags")?;
        let to = detail
            .mail
            .destination
            .first()
            .and_then(|to| EmailAddress::parse(to).ok())
            .ok_or("an email without a recipient")?;
        let key = RegistrationKey::for_address(&tags.event_id, &to);
        Ok((key, tags.registration_id, tags.kind))
    }

    /// An event of another stack's configuration set is not ours (the rule
    /// filters them out; this holds wherever the events come from). Without a
    /// configuration set (`sam local`, where the emulator publishes no events)
    /// every set is taken.
    fn of_this_stack(&self, detail: &SesEventDetail) -> Result<(), &'static str> {
        match &self.config.configuration_set {
            Some(set) if detail.tag(CONFIGURATION_SET_TAG) != Some(set.as_str()) => {
                Err("another configuration set's email")
            }
            _ => Ok(()),
        }
    }

    fn ignored(&self, why: &'static str, detail: &SesEventDetail) -> Recorded {
        tracing::info!(
            why,
            event_type = %detail.event_type,
            message_id = %detail.mail.message_id,
            "SES event ignored"
        );
        Recorded::Ignored(why)
    }
}

/// The alarms' metric an event counts in once recorded: every email SES
/// accepted (`EmailsSent`, once per message id), the permanent bounces and the
/// complaints.
fn alarm_metric(news: &DeliveryNews) -> Option<&'static str> {
    match news {
        DeliveryNews::Sent => Some("EmailsSent"),
        DeliveryNews::Complained { .. } => Some("EmailsComplained"),
        _ if news.makes_unreachable() => Some("EmailsBounced"),
        _ => None,
    }
}
