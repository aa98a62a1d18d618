//! Registrations in one DynamoDB table: the role traits the use cases talk to,
//! in the domain's terms, and their DynamoDB adapter. Items, keys, index values,
//! epoch numbers and `AttributeValue` never leave this module.

mod claim;
mod console;
mod create;
mod decorator;
mod dynamo;
mod epoch;
mod event;
mod event_cursor;
mod ext;
mod feedback;
mod item;
mod legacy_line;
mod limits;
mod line;
mod meter;
mod outbox;
mod program;
mod roles;
mod seats;
mod seats_item;
mod tokens;
mod transact;
mod withdraw;

pub use crate::domain::lifecycle::{Attempt, MAX_EMAIL_ATTEMPTS, Outbox};
pub use console::{AuditEntry, AuditPage, ConsoleSession};
pub use decorator::{
    Decorator, PassesFeedback, PassesLimitCounters, PassesOutboxes, PassesRegistrations,
    PassesSeats, PassesTokens,
};
pub use dynamo::DynamoStore;
pub use event::{
    AccessError, EVENT_INDEX, Erased, EventCursor, EventPage, EventRegistrations, ROSTER_INDEX,
    Requeued,
};
pub use item::{LINE_INDEX, OUTBOX_INDEX, Registration, attr, seats_attr};
pub use limits::LimitCounter;
pub use meter::Consumed;
pub use program::{PublishOutcome, PublishedProgram, SharedPrograms};
pub use roles::{
    Feedback, LimitCounters, Outboxes, RegistrationStore, Registrations, Seats, Tokens,
};

use crate::domain::NewRegistration;
use crate::domain::key::RegistrationKey;
use crate::program::Language;
use jiff::Timestamp;
use std::collections::HashMap;

/// How many confirmation links one registration may hold: a bound on the item's
/// size however often a pending address is submitted again (one more link at most
/// every ten minutes) or its email retried.
pub const MAX_LIVE_TOKENS: usize = 20;

/// How many cancel links of link, promotion and reminder emails one
/// registration holds: one per email that may have left (a link, a reminder,
/// each resend). Past it, the set starts over with the newest email's.
pub const MAX_CANCEL_TOKENS: usize = 10;

/// A claim held on a registration by one sender, until an instant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lease {
    pub owner: String,
    pub until: Timestamp,
}

/// A registration to store as pending: the participant's fields and what the
/// registrar decided about it.
#[derive(Debug, Clone)]
pub struct PendingRegistration {
    pub key: RegistrationKey,
    pub registration_id: String,
    pub participant: NewRegistration,
    /// The absolute base of links in its emails.
    pub link_base: String,
    pub registered_at: Timestamp,
    /// Its creator's hold on it for the first confirmation email.
    pub lease: Lease,
    /// When it expires unless confirmed (it counts as absent from then on).
    pub expires_at: Timestamp,
    /// When its personal data expires once confirmed.
    pub retain_until: Timestamp,
    /// The language of its emails: one of the program's.
    pub language: Language,
}

/// A new confirmation email for a still-pending registration.
#[derive(Debug, Clone)]
pub struct Renewal<'a> {
    /// The hash of the new email's token.
    pub token_hash: &'a str,
    pub now: Timestamp,
    /// Only if its last confirmation email is older than this.
    pub resend_before: Timestamp,
    /// The holder of the new email.
    pub lease: &'a Lease,
    /// Its new expiry, counted from this email.
    pub expires_at: Timestamp,
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
    /// Its source address passed its hourly limit: nothing was stored or counted.
    #[error("the source address passed its hourly limit")]
    SourceLimitReached,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What a transition found.
#[derive(Debug, Clone, PartialEq)]
pub enum TransitionOutcome {
    /// Done: the registration as it now stands.
    Applied(Registration),
    /// The registration was no longer in a status the transition starts from:
    /// as it stands now, or `None` when it is gone.
    Refused(Option<Registration>),
}

/// What confirming a pending registration did.
#[derive(Debug, Clone, PartialEq)]
pub enum SeatOutcome {
    /// It holds a seat.
    Confirmed(Registration),
    /// Every seat was taken (or others were waiting): it waits, at this place
    /// in line (1 = next).
    Waitlisted(Registration, u32),
    /// It was no longer pending: as it stands now, or `None` when it is gone.
    Refused(Option<Registration>),
}

/// What withdrawing a registration did.
#[derive(Debug, Clone, PartialEq)]
pub enum CancelOutcome {
    /// A confirmed or waitlisted registration is now cancelled, having given
    /// back what the cancel's own write freed.
    Cancelled(Registration, Freed),
    /// A pending registration was deleted, with everything it held (as it was).
    Deleted(Registration),
    /// Nothing to do: already cancelled, or `None` when it is gone.
    Refused(Option<Registration>),
}

/// What a cancel's write gave back, as it committed (not as the registration
/// was first read: it may have changed in between).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Freed {
    /// A counted seat: it goes to the first in line.
    Seat,
    /// A place in the waiting line.
    PlaceInLine,
    /// Nothing the seats count (a registration out of the line, or a seat the
    /// seats never counted).
    Nothing,
}

/// What recording SES's news about an email did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeedbackOutcome {
    Recorded,
    /// The same or later news was recorded already: nothing changed.
    AlreadyKnown,
    /// No such registration (another event's, an erased one, another stack's).
    UnknownRegistration,
}

/// A count of what waits in an outbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DueCount {
    pub count: u64,
    /// The count stopped at its bound: at least this many wait.
    pub at_least: bool,
}

/// Where the next page of an outbox starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxCursor(HashMap<String, String>);

/// One page of registrations waiting in an outbox.
#[derive(Debug, Clone, Default)]
pub struct DuePage {
    pub keys: Vec<RegistrationKey>,
    pub next: Option<OutboxCursor>,
}
