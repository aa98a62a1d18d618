//! Where each email of a registration stands, read from the item alone: SES's
//! latest news about it (delivered, delayed, bounced, complained, as
//! email-events records it), else `sent` once SES accepted it, else `owed`.

use crate::domain::RegistrationStatus;
use crate::store::{Outbox, Registration};
use serde::Serialize;

/// Where an email stands; `None` in its place means no such email is due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Delivery {
    /// Due and not yet accepted by SES.
    Owed,
    /// Accepted by SES, no news since.
    Sent,
    Delivered,
    Delayed,
    Bounced,
    Complained,
}

impl Delivery {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Owed => "owed",
            Self::Sent => "sent",
            Self::Delivered => "delivered",
            Self::Delayed => "delayed",
            Self::Bounced => "bounced",
            Self::Complained => "complained",
        }
    }

    /// Whether SES accepted the email, whatever happened to it after.
    pub fn was_sent(self) -> bool {
        self != Self::Owed
    }
}

/// SES's latest news about the email of `kind`, if any.
fn news(r: &Registration, kind: Outbox) -> Option<Delivery> {
    Some(match r.feedback(kind)?.state.as_str() {
        "delivered" => Delivery::Delivered,
        "delayed" => Delivery::Delayed,
        "bounced" => Delivery::Bounced,
        "complained" => Delivery::Complained,
        _ => Delivery::Sent,
    })
}

/// The confirmation email: its news, or sent once SES accepted one; owed while
/// the registration is pending and reachable.
pub fn confirmation(r: &Registration) -> Option<Delivery> {
    if let Some(news) = news(r, Outbox::Confirmation) {
        Some(news)
    } else if r.confirmation_message_id.is_some() {
        Some(Delivery::Sent)
    } else if r.status == RegistrationStatus::Pending && !r.unreachable {
        Some(Delivery::Owed)
    } else {
        None
    }
}

/// The link email: its news, or sent once SES accepted it; owed while the
/// registration holds a seat and is reachable.
pub fn link(r: &Registration) -> Option<Delivery> {
    if let Some(news) = news(r, Outbox::Link) {
        Some(news)
    } else if r.link_sent_at.is_some() {
        Some(Delivery::Sent)
    } else if r.status == RegistrationStatus::Confirmed && !r.unreachable {
        Some(Delivery::Owed)
    } else {
        None
    }
}

/// When the reminder email went out.
pub fn reminder_sent_at(r: &Registration) -> Option<jiff::Timestamp> {
    r.reminder_sent_at
}
