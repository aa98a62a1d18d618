//! The registration item: its attributes (each name a constant that the serde
//! mapping and every expression share), its key, and its outbox index value.
//!
//! Key design (every key includes the event id):
//! - a registration: `pk = EVENT#<event>#REG#<key id>`, where the key id is a
//!   one-way function of the event and the lower-cased address
//!   ([`RegistrationKey`]), so a conditional put is the uniqueness check;
//! - its confirmation tokens live on the item, as the SHA-256 hashes of their
//!   secrets ([`attr::TOKEN_HASHES`]); a token names the key, so a confirm is one
//!   key lookup, several live links may coexist, and registering is one `PutItem`;
//! - the sparse index `outbox` lists only registrations that still owe an email
//!   (`<event>#confirmation` or `<event>#link`), so the sender's cost grows with
//!   what is left to send, never with the table.

use crate::domain::action_token::constant_time_eq;
use crate::domain::feedback::EmailFeedback;
use crate::domain::key::RegistrationKey;
use crate::domain::lifecycle::{Lifecycle, Outbox, RegistrationStatus, Transition};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// The name of the sparse outbox index, as declared in `template.yaml`.
pub const OUTBOX_INDEX: &str = "outbox";

/// Every attribute of a registration item. The serde names of [`Registration`]
/// are these (a unit test holds the two lists equal), so a renamed field fails the
/// build's tests instead of silently breaking the writes that name it.
pub mod attr {
    pub const PK: &str = "pk";
    pub const EVENT_ID: &str = "event_id";
    pub const REGISTRATION_ID: &str = "registration_id";
    pub const FULL_NAME: &str = "full_name";
    pub const EMAIL: &str = "email";
    pub const COUNTRY: &str = "country";
    pub const ORGANIZATION: &str = "organization";
    pub const DESIGNATION: &str = "designation";
    pub const PHONE: &str = "phone";
    pub const STATUS: &str = "status";
    pub const UNREACHABLE: &str = "unreachable";
    pub const REGISTERED_AT: &str = "registered_at";
    pub const CONFIRMED_AT: &str = "confirmed_at";
    pub const CANCELLED_AT: &str = "cancelled_at";
    pub const PROMOTED_AT: &str = "promoted_at";
    pub const LINK_BASE: &str = "link_base";
    pub const TOKEN_HASHES: &str = "token_hashes";
    pub const CANCEL_TOKEN_HASHES: &str = "cancel_token_hashes";
    pub const CONFIRMATION_EMAIL_AT: &str = "confirmation_email_at";
    pub const CONFIRMATION_MESSAGE_ID: &str = "confirmation_message_id";
    pub const CONFIRMATION_ATTEMPTS: &str = "confirmation_attempts";
    pub const OUTBOX: &str = "outbox";
    pub const LEASE_UNTIL: &str = "lease_until";
    pub const LEASE_OWNER: &str = "lease_owner";
    pub const LINK_SENT_AT: &str = "link_sent_at";
    pub const LINK_MESSAGE_ID: &str = "link_message_id";
    pub const LINK_ATTEMPTS: &str = "link_attempts";
    pub const LINK_TOKEN_HASH: &str = "link_token_hash";
    pub const PROMOTION_SENT_AT: &str = "promotion_sent_at";
    pub const PROMOTION_MESSAGE_ID: &str = "promotion_message_id";
    pub const PROMOTION_ATTEMPTS: &str = "promotion_attempts";
    pub const PROMOTION_TOKEN_HASH: &str = "promotion_token_hash";
    pub const REMINDER_SENT_AT: &str = "reminder_sent_at";
    pub const REMINDER_MESSAGE_ID: &str = "reminder_message_id";
    pub const REMINDER_ATTEMPTS: &str = "reminder_attempts";
    pub const REMINDER_TOKEN_HASH: &str = "reminder_token_hash";
    pub const CONFIRMATION_FEEDBACK: &str = "confirmation_feedback";
    pub const LINK_FEEDBACK: &str = "link_feedback";
    pub const PROMOTION_FEEDBACK: &str = "promotion_feedback";
    pub const REMINDER_FEEDBACK: &str = "reminder_feedback";
    pub const LAST_EMAIL_ERROR: &str = "last_email_error";
    pub const EXPIRES_AT: &str = "expires_at";
    pub const RETAIN_UNTIL: &str = "retain_until";
    /// While in the waiting line: the event id (the `line` index's key)…
    pub const LINE: &str = "line";
    /// …and the ticket drawn on joining it (its order in the line).
    pub const TICKET: &str = "ticket";
    pub const LANGUAGE: &str = "language";

    /// All of them, in the struct's order.
    pub const ALL: [&str; 46] = [
        PK,
        EVENT_ID,
        REGISTRATION_ID,
        FULL_NAME,
        EMAIL,
        COUNTRY,
        ORGANIZATION,
        DESIGNATION,
        PHONE,
        STATUS,
        UNREACHABLE,
        REGISTERED_AT,
        CONFIRMED_AT,
        CANCELLED_AT,
        PROMOTED_AT,
        LINK_BASE,
        TOKEN_HASHES,
        CANCEL_TOKEN_HASHES,
        CONFIRMATION_EMAIL_AT,
        CONFIRMATION_MESSAGE_ID,
        CONFIRMATION_ATTEMPTS,
        OUTBOX,
        LEASE_UNTIL,
        LEASE_OWNER,
        LINK_SENT_AT,
        LINK_MESSAGE_ID,
        LINK_ATTEMPTS,
        LINK_TOKEN_HASH,
        PROMOTION_SENT_AT,
        PROMOTION_MESSAGE_ID,
        PROMOTION_ATTEMPTS,
        PROMOTION_TOKEN_HASH,
        REMINDER_SENT_AT,
        REMINDER_MESSAGE_ID,
        REMINDER_ATTEMPTS,
        REMINDER_TOKEN_HASH,
        CONFIRMATION_FEEDBACK,
        LINK_FEEDBACK,
        PROMOTION_FEEDBACK,
        REMINDER_FEEDBACK,
        LAST_EMAIL_ERROR,
        EXPIRES_AT,
        RETAIN_UNTIL,
        LINE,
        TICKET,
        LANGUAGE,
    ];
}

/// A registration as stored. Its personal data prints redacted in `Debug`.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct Registration {
    pk: String,
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
    /// A permanent bounce or a complaint: no email of any kind goes to it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub unreachable: bool,
    pub registered_at: Timestamp,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confirmed_at: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cancelled_at: Option<Timestamp>,
    /// When a freed seat went to this registration from the waiting list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub promoted_at: Option<Timestamp>,
    /// The absolute base of links in emails, as known when the participant registered.
    pub link_base: String,
    /// The SHA-256 hashes of the live confirmation tokens' secrets.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    token_hashes: Vec<String>,
    /// The SHA-256 hashes of the tokens in the cancel links of the link,
    /// promotion and reminder emails that may have left (a string set, at most
    /// [`super::MAX_CANCEL_TOKENS`]): every such email's cancel link works.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        with = "serde_dynamo::string_set"
    )]
    cancel_token_hashes: Vec<String>,
    /// When a confirmation email was last attempted (the re-send throttle).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confirmation_email_at: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confirmation_message_id: Option<String>,
    #[serde(default)]
    pub confirmation_attempts: u32,
    /// The outbox index value, `<event>#<outbox>`, while an email is owed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    outbox: Option<String>,
    /// Until when a sender holds this registration (epoch milliseconds as stored).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "super::epoch::millis"
    )]
    pub lease_until: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lease_owner: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link_sent_at: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link_message_id: Option<String>,
    #[serde(default)]
    pub link_attempts: u32,
    /// The hash of the token in the latest link email's cancel link, as
    /// written before [`attr::CANCEL_TOKEN_HASHES`]: still honoured.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    link_token_hash: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub promotion_sent_at: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub promotion_message_id: Option<String>,
    #[serde(default)]
    pub promotion_attempts: u32,
    /// The hash of the token in the latest promotion email's cancel link (as
    /// written before [`attr::CANCEL_TOKEN_HASHES`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    promotion_token_hash: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reminder_sent_at: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reminder_message_id: Option<String>,
    #[serde(default)]
    pub reminder_attempts: u32,
    /// The hash of the token in the reminder's cancel link (as written before
    /// [`attr::CANCEL_TOKEN_HASHES`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    reminder_token_hash: Option<String>,
    /// What SES told of each kind of email sent to it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confirmation_feedback: Option<EmailFeedback>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link_feedback: Option<EmailFeedback>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub promotion_feedback: Option<EmailFeedback>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reminder_feedback: Option<EmailFeedback>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_email_error: Option<String>,
    /// When the item expires (DynamoDB TTL, epoch seconds as stored): a pending
    /// registration some hours after its last confirmation email, any other
    /// `RETENTION_DAYS` after the event.
    #[serde(with = "super::epoch::seconds")]
    pub expires_at: Timestamp,
    /// When the personal data expires once the registration is confirmed.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "super::epoch::optional_seconds"
    )]
    pub retain_until: Option<Timestamp>,
    /// The `line` index's key while the registration waits in line: its event.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    line: Option<String>,
    /// The ticket it drew on joining the line: lower tickets are ahead of it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    ticket: Option<u64>,
    /// Its emails' language (a code); absent on items written before languages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    language: Option<String>,
}

impl Registration {
    /// A new pending registration, in the confirmation outbox under its creator's
    /// lease, holding its first token's hash.
    pub(super) fn new_pending(pending: &super::PendingRegistration, token_hash: &str) -> Self {
        let participant = &pending.participant;
        let key = &pending.key;
        Self {
            pk: pk(key),
            event_id: key.event_id().to_owned(),
            registration_id: pending.registration_id.clone(),
            full_name: participant.full_name.as_ref().to_owned(),
            email: participant.email.as_ref().to_owned(),
            country: participant.country.code().to_owned(),
            organization: participant.organization.as_ref().to_owned(),
            designation: participant.designation.as_ref().map(|d| d.as_ref().into()),
            phone: participant.phone.as_ref().map(|p| p.as_ref().to_owned()),
            status: RegistrationStatus::Pending,
            unreachable: false,
            registered_at: pending.registered_at,
            confirmed_at: None,
            cancelled_at: None,
            promoted_at: None,
            link_base: pending.link_base.trim_end_matches('/').to_owned(),
            token_hashes: vec![token_hash.to_owned()],
            cancel_token_hashes: Vec::new(),
            confirmation_email_at: Some(pending.registered_at),
            confirmation_message_id: None,
            confirmation_attempts: 0,
            outbox: Some(outbox_value(key.event_id(), Outbox::Confirmation)),
            lease_until: Some(pending.lease.until),
            lease_owner: Some(pending.lease.owner.clone()),
            link_sent_at: None,
            link_message_id: None,
            link_attempts: 0,
            link_token_hash: None,
            promotion_sent_at: None,
            promotion_message_id: None,
            promotion_attempts: 0,
            promotion_token_hash: None,
            reminder_sent_at: None,
            reminder_message_id: None,
            reminder_attempts: 0,
            reminder_token_hash: None,
            confirmation_feedback: None,
            link_feedback: None,
            promotion_feedback: None,
            reminder_feedback: None,
            last_email_error: None,
            expires_at: pending.expires_at,
            retain_until: Some(pending.retain_until),
            line: None,
            ticket: None,
            language: Some(pending.language.code().to_owned()),
        }
    }

    /// Its language; `None` when stored before languages (the program's first applies).
    pub fn language(&self) -> Option<crate::program::Language> {
        self.language
            .as_deref()
            .and_then(crate::program::Language::from_code)
    }

    /// This registration as `transition` (applied at `now`, leaving it owing
    /// `owes`) writes it: the same changes as the store's transition update, for
    /// a write whose result is not read back (a transaction).
    pub(super) fn after(
        &self,
        transition: Transition,
        owes: Option<Outbox>,
        now: Timestamp,
    ) -> Self {
        let mut next = self.clone();
        next.status = transition.to();
        match transition {
            Transition::Confirm | Transition::Waitlist => next.confirmed_at = Some(now),
            Transition::Cancel => next.cancelled_at = Some(now),
            Transition::Promote => next.promoted_at = Some(now),
        }
        next.outbox = owes.map(|outbox| outbox_value(&self.event_id, outbox));
        next.lease_until = None;
        next.lease_owner = None;
        if transition.from().contains(&RegistrationStatus::Waitlisted) {
            // Promoted or cancelled: out of the line.
            next.line = None;
            next.ticket = None;
        }
        if transition.to() != RegistrationStatus::Cancelled {
            next.expires_at = self.retain_until.unwrap_or(self.expires_at);
        }
        next
    }

    /// An unconfirmed registration past its expiry counts as absent, before
    /// DynamoDB's TTL sweep removes it too.
    pub fn is_expired(&self, now: Timestamp) -> bool {
        self.status == RegistrationStatus::Pending && self.expires_at <= now
    }

    /// The ticket it holds while it waits in line (lower tickets are ahead).
    pub(super) fn ticket(&self) -> Option<u64> {
        self.ticket.filter(|_| self.line.is_some())
    }

    /// This registration as joining the line with `ticket` writes it.
    pub(super) fn in_line(mut self, ticket: u64) -> Self {
        self.line = Some(self.event_id.clone());
        self.ticket = Some(ticket);
        self
    }

    /// The registration's key, as its tokens name it.
    pub fn key(&self) -> RegistrationKey {
        let id = self.pk.rsplit_once('#').map_or("", |(_, id)| id);
        RegistrationKey::from_stored(&self.event_id, id)
    }

    /// The email this registration still owes, if any.
    pub fn owes(&self) -> Option<Outbox> {
        let value = self.outbox.as_deref()?;
        Outbox::ALL
            .into_iter()
            .find(|o| value == outbox_value(&self.event_id, *o))
    }

    pub fn lifecycle(&self) -> Lifecycle {
        Lifecycle {
            status: self.status,
            unreachable: self.unreachable,
        }
    }

    /// What SES told of the email of `kind` sent to it, if anything.
    pub fn feedback(&self, kind: Outbox) -> Option<&EmailFeedback> {
        match kind {
            Outbox::Confirmation => self.confirmation_feedback.as_ref(),
            Outbox::Link => self.link_feedback.as_ref(),
            Outbox::Promotion => self.promotion_feedback.as_ref(),
            Outbox::Reminder => self.reminder_feedback.as_ref(),
        }
    }

    /// Whether a token with this hash is live (compared in constant time): one
    /// of a confirmation email's, or of a cancel link in any other email.
    pub(super) fn holds_token(&self, token_hash: &str) -> bool {
        self.token_hashes
            .iter()
            .chain(&self.cancel_token_hashes)
            .chain(&self.link_token_hash)
            .chain(&self.promotion_token_hash)
            .chain(&self.reminder_token_hash)
            .any(|h| constant_time_eq(h, token_hash))
    }
}

impl std::fmt::Debug for Registration {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Registration")
            .field("registration_id", &self.registration_id)
            .field("event_id", &self.event_id)
            .field("status", &self.status)
            .field("unreachable", &self.unreachable)
            .field("country", &self.country)
            .field("owes", &self.owes())
            .field("personal_data", &"<redacted>")
            .finish_non_exhaustive()
    }
}

// Where items live: their keys and index values.
#[path = "item_keys.rs"]
mod keys;
pub(super) use keys::{key_of_pk, outbox_value, pk, seats_pk};

/// The name of the sparse index of the registrations waiting in line, by
/// ticket, as declared in `template.yaml` (hash `line`, range `ticket`).
pub const LINE_INDEX: &str = "line";

/// The attributes of an event's seats item: counters only, so that its size,
/// and the write units of every change of seats, never grow with the line.
pub mod seats_attr {
    /// How many registrations hold a seat.
    pub const CONFIRMED: &str = "confirmed";
    /// How many tickets the line has given out (the last ticket drawn).
    pub const JOINED: &str = "joined";
    /// How many registrations wait in line now.
    pub const WAITING: &str = "waiting";
    /// Before the line moved to the `line` index: the key ids of the
    /// waitlisted registrations, first in line first. Moved out of the item the
    /// first time it is read (see `store/legacy_line.rs`).
    pub const WAITLIST: &str = "waitlist";
}

#[cfg(test)]
#[path = "item_tests.rs"]
mod tests;
