//! Where each email of a registration stands, read from the item alone. SES's
//! news about an email (delivered, delayed, bounced, complained) is added here
//! when the item records it; until then an accepted email stands at `sent`.

use registration::domain::RegistrationStatus;
use registration::store::Registration;
use serde::Serialize;

/// Where an email stands; `None` in its place means no such email is due.
// SES's news (delivered, delayed, bounced, complained) comes with the feedback
// attributes email-events records; until the item holds them, nothing builds it.
#[allow(dead_code)]
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

/// The confirmation email: sent once SES accepted one; owed while the
/// registration is pending and reachable.
pub fn confirmation(r: &Registration) -> Option<Delivery> {
    if r.confirmation_message_id.is_some() {
        Some(Delivery::Sent)
    } else if r.status == RegistrationStatus::Pending && !r.unreachable {
        Some(Delivery::Owed)
    } else {
        None
    }
}

/// The link email: sent once SES accepted it; owed while the registration holds
/// a seat and is reachable.
pub fn link(r: &Registration) -> Option<Delivery> {
    if r.link_sent_at.is_some() {
        Some(Delivery::Sent)
    } else if r.status == RegistrationStatus::Confirmed && !r.unreachable {
        Some(Delivery::Owed)
    } else {
        None
    }
}

/// When the reminder email went out (the item records none yet).
pub fn reminder_sent_at(_r: &Registration) -> Option<jiff::Timestamp> {
    None
}
