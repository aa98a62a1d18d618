//! What SES tells of each email after it left (its events for the stack's
//! configuration set): the news, ranked so that a repeated or late event never
//! undoes a later state, and whether it makes the address unreachable.

use serde::{Deserialize, Serialize};

/// One piece of news about one email.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeliveryNews {
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
            Self::Delayed { .. } | Self::Delivered | Self::Rejected { .. } => false,
        }
    }

    /// The details worth keeping (a bounce's type and subtype, ...).
    pub fn detail(&self) -> Option<String> {
        match self {
            Self::Delayed { delay_type } => Some(delay_type.clone()),
            Self::Delivered => None,
            Self::Bounced {
                bounce_type,
                subtype,
            } => Some(format!("{bounce_type}/{subtype}")),
            Self::Complained { feedback_type } => Some(feedback_type.clone()),
            Self::Rejected { reason } => Some(format!("Rejected/{reason}")),
        }
    }
}

/// The news recorded on a registration for one kind of email.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailFeedback {
    /// `delayed`, `delivered`, `bounced` or `complained`.
    pub state: String,
    pub rank: u8,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// When SES saw it (RFC 3339).
    pub at: String,
}

impl EmailFeedback {
    pub fn new(news: &DeliveryNews, at: jiff::Timestamp) -> Self {
        Self {
            state: news.state().to_owned(),
            rank: news.rank(),
            detail: news.detail(),
            at: at.to_string(),
        }
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
}
