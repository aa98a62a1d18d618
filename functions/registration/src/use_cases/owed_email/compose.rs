//! Composing an owed email for a claimed registration: what it says for its
//! outbox, its links carrying the token, and the SES tags that name it.

use crate::config::{EventConfig, ZoomJoinUrl};
use crate::domain::EmailAddress;
use crate::domain::action_token::ActionToken;
use crate::mail::{
    ActionUrls, EmailTags, LinkEmailFor, LinkEmailKind, OutgoingEmail, Participant,
    confirmation_email, link_email, promotion_email, reminder_email,
};
use crate::store::{Attempt, Outbox, Registration};
use jiff::Timestamp;

/// Why an owed email could not be composed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotComposed {
    /// The stored address cannot be mailed: the registration's own fault.
    Undeliverable,
    /// The email carries the Zoom link, which this function does not hold
    /// (`register`, which owes only confirmation emails): the send-links run sends it.
    NoZoomLink,
}

impl NotComposed {
    pub fn reason(self) -> &'static str {
        match self {
            Self::Undeliverable => "the stored address is not deliverable",
            Self::NoZoomLink => "left for the send-links run, which holds the Zoom link",
        }
    }

    /// Only an address that cannot be mailed counts against the registration.
    pub fn attempt(self) -> Attempt {
        match self {
            Self::Undeliverable => Attempt::Counted,
            Self::NoZoomLink => Attempt::NotCounted,
        }
    }
}

/// The email `registration` owes in `outbox`, its links carrying `token`.
pub fn compose(
    event: &EventConfig,
    zoom: Option<&ZoomJoinUrl>,
    registration: &Registration,
    outbox: Outbox,
    token: &ActionToken,
    now: Timestamp,
) -> Result<OutgoingEmail, NotComposed> {
    let to = EmailAddress::parse(&registration.email).map_err(|_| NotComposed::Undeliverable)?;
    // A registration stored before registrations kept a language gets the program's first.
    let language = event.language_for(registration.language());
    let urls = ActionUrls::new(&registration.link_base, token.expose(), language);
    let participant = Participant {
        name: &registration.full_name,
        language,
        urls: &urls,
    };
    let zoom = || zoom.ok_or(NotComposed::NoZoomLink);
    let email = match outbox {
        Outbox::Confirmation => confirmation_email(event, to, participant),
        Outbox::Promotion => promotion_email(event, to, participant),
        Outbox::Reminder => reminder_email(event, to, participant, zoom()?),
        Outbox::Link => {
            let kind = if registration.promoted_at.is_some() {
                LinkEmailKind::Promoted
            } else {
                LinkEmailKind::Confirmed
            };
            let link = LinkEmailFor {
                participant,
                registration_id: &registration.registration_id,
                kind,
            };
            link_email(event, to, link, zoom()?, now)
        }
    };
    Ok(email.tagged(tags_of(registration, outbox)))
}

/// The SES tags of an email of `kind` to `registration`.
fn tags_of(registration: &Registration, kind: Outbox) -> EmailTags {
    EmailTags {
        event_id: registration.event_id.clone(),
        registration_id: registration.registration_id.clone(),
        kind,
    }
}
