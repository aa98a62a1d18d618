//! What SES tells of each email after it left (its events for the stack's
//! configuration set): the news, ranked so that a repeated or late event never
//! undoes a later state, and whether it makes the address unreachable. News is
//! kept per email (SES message id): a resend is a new email whose news replaces
//! its predecessor's, and news of the earlier email never overrides it.

use crate::domain::lifecycle::Outbox;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;

/// One piece of news about one email.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeliveryNews {
    /// SES accepted it (`Send`): no news of its fate yet.
    Sent,
    /// SES is still trying (`DeliveryDelay`).
    Delayed { delay_type: String },
    /// The receiving server accepted it.
    Delivered,
    /// A bounce: `Permanent` (the address does not work) or `Transient`.
    Bounced {
        bounce_type: String,
        subtype: String,
    },
    /// The recipient marked it as spam.
    Complained { feedback_type: String },
    /// SES refused to send it (`Reject`: it found a virus).
    Rejected { reason: String },
}

impl DeliveryNews {
    /// Later news ranks higher; only higher news replaces what is recorded, so
    /// a Delivery arriving after a Bounce of the same email changes nothing.
    pub fn rank(&self) -> u8 {
        match self {
            Self::Sent => 0,
            Self::Delayed { .. } => 1,
            Self::Delivered => 2,
            Self::Rejected { .. } => 3,
            Self::Bounced { bounce_type, .. } if bounce_type == "Permanent" => 5,
            Self::Bounced { .. } => 3,
            Self::Complained { .. } => 6,
        }
    }

    /// The email's delivery state, as the organizer's export names it.
    pub fn state(&self) -> &'static str {
        match self {
            Self::Sent => "sent",
            Self::Delayed { .. } => "delayed",
            Self::Delivered => "delivered",
            Self::Bounced { .. } | Self::Rejected { .. } => "bounced",
            Self::Complained { .. } => "complained",
        }
    }

    /// A permanent bounce or a complaint: no email of any kind goes to the
    /// address again. A transient bounce or a delay changes nothing else.
    pub fn makes_unreachable(&self) -> bool {
        match self {
            Self::Bounced { bounce_type, .. } => bounce_type == "Permanent",
            Self::Complained { .. } => true,
            Self::Sent | Self::Delayed { .. } | Self::Delivered | Self::Rejected { .. } => false,
        }
    }

    /// The details worth keeping (a bounce's type and subtype, ...).
    pub fn detail(&self) -> Option<String> {
        match self {
            Self::Delayed { delay_type } => Some(delay_type.clone()),
            Self::Sent | Self::Delivered => None,
            Self::Bounced {
                bounce_type,
                subtype,
            } => Some(format!("{bounce_type}/{subtype}")),
            Self::Complained { feedback_type } => Some(feedback_type.clone()),
            Self::Rejected { reason } => Some(format!("Rejected/{reason}")),
        }
    }
}

/// The news recorded on a registration for one kind of email: that of its
/// latest email only (bounded: one record per kind, whatever the resends).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailFeedback {
    /// `sent`, `delayed`, `delivered`, `bounced` or `complained`.
    pub state: String,
    pub rank: u8,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// When SES saw it (RFC 3339).
    pub at: String,
    /// SES's message id of the email the news is about (absent from records
    /// written before news was kept per email).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_id: Option<String>,
    /// When SES accepted that email (RFC 3339): orders a resend after it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sent_at: Option<String>,
    /// Whether that email's `Send` event was counted (`EmailsSent`) already.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub send_counted: bool,
    /// Raised by every write: a write goes through only over the version it
    /// read (0: a record from before versions).
    #[serde(default)]
    pub version: u32,
}

impl EmailFeedback {
    pub fn new(news: &DeliveryNews, at: Timestamp) -> Self {
        Self {
            state: news.state().to_owned(),
            rank: news.rank(),
            detail: news.detail(),
            at: at.to_string(),
            message_id: None,
            sent_at: None,
            send_counted: false,
            version: 1,
        }
    }

    fn sent_at(&self) -> Option<Timestamp> {
        self.sent_at.as_deref().and_then(|t| t.parse().ok())
    }
}

/// One SES event about one email of a registration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmailEvent {
    /// The kind of email (its `kind` tag).
    pub kind: Outbox,
    /// SES's message id of the email (empty when the event has none).
    pub message_id: String,
    /// When SES accepted the email (`mail.timestamp`).
    pub sent_at: Option<Timestamp>,
    pub news: DeliveryNews,
    /// When SES saw what it tells.
    pub at: Timestamp,
}

/// What an event changes on the registration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FeedbackChange {
    /// Nothing: a repeat, no later than what is recorded, or news of an
    /// earlier email than the recorded one.
    Nothing,
    /// The kind's record becomes this; the registration also becomes
    /// unreachable when the news makes it so.
    Record(EmailFeedback),
    /// News of an earlier email that makes the address unreachable: the
    /// registration becomes unreachable, the later email's record stays.
    UnreachableOnly,
}

impl EmailEvent {
    /// What this event changes, given the kind's record and whether the
    /// registration is unreachable already.
    pub fn change(&self, current: Option<&EmailFeedback>, unreachable: bool) -> FeedbackChange {
        let Some(current) = current else {
            return FeedbackChange::Record(self.first_news(1));
        };
        match self.compare(current) {
            Ordering::Greater => FeedbackChange::Record(self.first_news(current.version + 1)),
            Ordering::Equal => self.more_news(current),
            Ordering::Less if self.news.makes_unreachable() && !unreachable => {
                FeedbackChange::UnreachableOnly
            }
            Ordering::Less => FeedbackChange::Nothing,
        }
    }

    /// This event's email against the recorded one: a later email (a resend),
    /// the same one, or an earlier one. A record or event without a message id
    /// counts as the same email, as before news was kept per email.
    fn compare(&self, current: &EmailFeedback) -> Ordering {
        match current.message_id.as_deref() {
            None => Ordering::Equal,
            Some(_) if self.message_id.is_empty() => Ordering::Equal,
            Some(recorded) if recorded == self.message_id => Ordering::Equal,
            // Ties of SES's instant are ordered by id, so that every event of
            // the pair agrees.
            Some(recorded) => {
                (self.sent_at, self.message_id.as_str()).cmp(&(current.sent_at(), recorded))
            }
        }
    }

    /// The first news of this event's email.
    fn first_news(&self, version: u32) -> EmailFeedback {
        EmailFeedback {
            message_id: Some(self.message_id.clone()).filter(|id| !id.is_empty()),
            sent_at: self.sent_at.map(|t| t.to_string()),
            send_counted: self.news == DeliveryNews::Sent,
            version,
            ..EmailFeedback::new(&self.news, self.at)
        }
    }

    /// More news of the recorded email: only a later state replaces the
    /// recorded one; its `Send` is counted once.
    fn more_news(&self, current: &EmailFeedback) -> FeedbackChange {
        let mut next = current.clone();
        if self.news == DeliveryNews::Sent {
            if current.send_counted {
                return FeedbackChange::Nothing;
            }
            next.send_counted = true;
        } else if self.news.rank() > current.rank {
            next.state = self.news.state().to_owned();
            next.rank = self.news.rank();
            next.detail = self.news.detail();
            next.at = self.at.to_string();
        } else {
            return FeedbackChange::Nothing;
        }
        if next.message_id.is_none() && !self.message_id.is_empty() {
            next.message_id = Some(self.message_id.clone());
            next.sent_at = self.sent_at.map(|t| t.to_string());
        }
        next.version = current.version + 1;
        FeedbackChange::Record(next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bounce(kind: &str) -> DeliveryNews {
        DeliveryNews::Bounced {
            bounce_type: kind.into(),
            subtype: "General".into(),
        }
    }

    #[test]
    fn later_news_outranks_earlier_and_a_delivery_never_undoes_a_bounce() {
        let delayed = DeliveryNews::Delayed {
            delay_type: "MailboxFull".into(),
        };
        assert!(delayed.rank() < DeliveryNews::Delivered.rank());
        assert!(DeliveryNews::Delivered.rank() < bounce("Transient").rank());
        assert!(bounce("Transient").rank() < bounce("Permanent").rank());
        let complaint = DeliveryNews::Complained {
            feedback_type: "abuse".into(),
        };
        assert!(DeliveryNews::Delivered.rank() < complaint.rank());
    }

    #[test]
    fn only_a_permanent_bounce_or_a_complaint_makes_an_address_unreachable() {
        assert!(bounce("Permanent").makes_unreachable());
        assert!(!bounce("Transient").makes_unreachable());
        assert!(
            DeliveryNews::Complained {
                feedback_type: "abuse".into()
            }
            .makes_unreachable()
        );
        assert!(!DeliveryNews::Delivered.makes_unreachable());
        assert_eq!(bounce("Permanent").state(), "bounced");
        assert_eq!(
            bounce("Permanent").detail().as_deref(),
            Some("Permanent/General")
        );
    }

    fn event(message_id: &str, sent_second: i64, news: DeliveryNews) -> EmailEvent {
        EmailEvent {
            kind: Outbox::Link,
            message_id: message_id.into(),
            sent_at: Some(Timestamp::from_second(sent_second).unwrap()),
            news,
            at: Timestamp::from_second(sent_second + 5).unwrap(),
        }
    }

    /// Apply events in order, as the store does; the record and unreachable.
    fn replay(events: &[EmailEvent]) -> (Option<EmailFeedback>, bool) {
        let (mut record, mut unreachable) = (None, false);
        for e in events {
            match e.change(record.as_ref(), unreachable) {
                FeedbackChange::Nothing => {}
                FeedbackChange::Record(next) => {
                    unreachable |= e.news.makes_unreachable();
                    record = Some(next);
                }
                FeedbackChange::UnreachableOnly => unreachable = true,
            }
        }
        (record, unreachable)
    }

    #[test]
    fn a_resend_delivered_after_its_predecessor_bounced_shows_delivered_and_late_news_of_the_first_changes_nothing()
     {
        let first = |news| event("ses-first", 100, news);
        let resend = |news| event("ses-resend", 200, news);
        let (record, unreachable) = replay(&[
            first(DeliveryNews::Sent),
            first(bounce("Transient")),
            resend(DeliveryNews::Sent),
            resend(DeliveryNews::Delivered),
            // Late: a repeated bounce and a delay of the first email.
            first(bounce("Transient")),
            first(DeliveryNews::Delayed {
                delay_type: "MailboxFull".into(),
            }),
        ]);
        let record = record.unwrap();
        assert_eq!(record.state, "delivered");
        assert_eq!(record.message_id.as_deref(), Some("ses-resend"));
        assert!(!unreachable);

        // The resend's news arriving before the first email's: the same end.
        let (reordered, _) = replay(&[
            resend(DeliveryNews::Delivered),
            first(bounce("Transient")),
            first(DeliveryNews::Sent),
        ]);
        assert_eq!(reordered.unwrap().state, "delivered");
    }

    #[test]
    fn a_permanent_bounce_of_an_earlier_email_still_makes_the_address_unreachable_for_good() {
        let (record, unreachable) = replay(&[
            event("ses-resend", 200, DeliveryNews::Delivered),
            event("ses-first", 100, bounce("Permanent")),
        ]);
        assert_eq!(record.as_ref().unwrap().state, "delivered");
        assert!(unreachable);
        let later = event("ses-resend", 200, DeliveryNews::Delivered);
        assert_eq!(
            later.change(record.as_ref(), true),
            FeedbackChange::Nothing,
            "a repeat changes nothing"
        );
        assert_eq!(
            event("ses-first", 100, bounce("Permanent")).change(record.as_ref(), true),
            FeedbackChange::Nothing,
            "already unreachable"
        );
    }

    #[test]
    fn a_send_is_counted_once_per_email_in_any_order_and_under_redelivery() {
        let counted = |events: &[EmailEvent]| {
            let (mut record, mut counted) = (None::<EmailFeedback>, 0);
            for e in events {
                if let FeedbackChange::Record(next) = e.change(record.as_ref(), false) {
                    counted += u32::from(e.news == DeliveryNews::Sent);
                    record = Some(next);
                }
            }
            counted
        };
        let sent = event("ses-1", 100, DeliveryNews::Sent);
        let delivered = event("ses-1", 100, DeliveryNews::Delivered);
        assert_eq!(counted(&[sent.clone(), sent.clone(), delivered.clone()]), 1);
        assert_eq!(counted(&[delivered.clone(), sent.clone(), sent.clone()]), 1);
        let resent = event("ses-2", 200, DeliveryNews::Sent);
        assert_eq!(counted(&[sent.clone(), resent.clone(), resent, sent]), 2);
    }

    #[test]
    fn a_record_from_before_message_ids_keeps_the_rank_rule_and_learns_the_id() {
        let legacy = EmailFeedback {
            version: 0,
            ..EmailFeedback::new(&bounce("Permanent"), Timestamp::UNIX_EPOCH)
        };
        let delivered = event("ses-1", 100, DeliveryNews::Delivered);
        assert_eq!(
            delivered.change(Some(&legacy), true),
            FeedbackChange::Nothing
        );
        let FeedbackChange::Record(next) =
            event("ses-1", 100, DeliveryNews::Sent).change(Some(&legacy), true)
        else {
            panic!("the send is counted");
        };
        assert_eq!(next.state, "bounced");
        assert_eq!(next.message_id.as_deref(), Some("ses-1"));
        assert_eq!(next.version, 1);
    }
}
