//! Registrations in one DynamoDB table: the store trait every use case talks to,
//! in the domain's terms, and its DynamoDB adapter. Items, keys, index values,
//! epoch numbers and `AttributeValue` never leave this module.

mod claim;
mod create;
mod dynamo;
mod epoch;
mod event;
mod ext;
mod feedback;
mod item;
mod legacy_line;
mod limits;
mod line;
mod meter;
mod outbox;
mod program;
mod seats;
mod transact;
mod withdraw;

pub use crate::lifecycle::{Attempt, MAX_EMAIL_ATTEMPTS, Outbox};
pub use dynamo::DynamoStore;
pub use event::{
    AccessError, EVENT_INDEX, Erased, EventCursor, EventPage, EventRegistrations, Requeued,
};
pub use item::{LINE_INDEX, OUTBOX_INDEX, Registration, attr, seats_attr};
pub use limits::LimitCounter;
pub use meter::Consumed;
pub use program::{PublishOutcome, PublishedProgram};

use crate::domain::NewRegistration;
use crate::feedback::EmailEvent;
use crate::key::RegistrationKey;
use crate::lifecycle::Transition;
use async_trait::async_trait;
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

/// Everything the use cases need from storage. A store is a cheap handle (an SDK
/// client and a table name): work that outlives a request takes its own clone.
#[async_trait]
pub trait RegistrationStore: Clone + Send + Sync + 'static {
    /// Store a new pending registration holding its first token's hash, in one
    /// conditional write; it starts in the confirmation outbox, leased by its
    /// creator. Storing the same registration (same `registration_id`) again
    /// succeeds and changes nothing, so a retried write is not a duplicate. A
    /// cancelled registration of the address is replaced: it is no duplicate.
    async fn create_pending(
        &self,
        pending: &PendingRegistration,
        token_hash: &str,
    ) -> Result<Registration, CreateError>;

    /// As [`create_pending`](Self::create_pending), counted on `source` in the
    /// same round trip: `SourceLimitReached` (before any duplicate, and with
    /// nothing stored) when `limit` registrations of its window are counted
    /// already. A duplicate counts.
    async fn create_pending_counted(
        &self,
        pending: &PendingRegistration,
        token_hash: &str,
        source: &LimitCounter,
        limit: u32,
    ) -> Result<Registration, CreateError>;

    async fn get(&self, key: &RegistrationKey) -> Result<Option<Registration>, StoreError>;

    /// For a still-pending registration whose last confirmation email is older than
    /// `resend_before`, add a new token, lease it for a new email and push its
    /// expiry. `false` when the registration is not pending, was emailed too
    /// recently, or already holds [`MAX_LIVE_TOKENS`] tokens.
    async fn renew_confirmation(
        &self,
        key: &RegistrationKey,
        renewal: &Renewal<'_>,
    ) -> Result<bool, StoreError>;

    /// Add one more live confirmation token; `false` when the registration already
    /// holds [`MAX_LIVE_TOKENS`] (or is gone).
    async fn add_token(&self, key: &RegistrationKey, token_hash: &str) -> Result<bool, StoreError>;

    /// Take back a token (a confirmation link's, or a cancel link's) whose
    /// email surely never left; `false` when the registration does not hold it.
    async fn remove_token(
        &self,
        key: &RegistrationKey,
        token_hash: &str,
    ) -> Result<bool, StoreError>;

    /// The registration at `key` when it exists and holds a token with this hash
    /// (one strongly consistent read).
    async fn find_by_token(
        &self,
        key: &RegistrationKey,
        token_hash: &str,
    ) -> Result<Option<Registration>, StoreError>;

    /// Apply a life-cycle transition in one conditional write, whose condition is
    /// the transition's starting statuses; the outbox follows the new status.
    async fn transition(
        &self,
        key: &RegistrationKey,
        transition: Transition,
        now: Timestamp,
    ) -> Result<TransitionOutcome, StoreError>;

    /// Confirm a pending registration (as last read): a seat when one of `capacity` is free and
    /// nobody waits, else the end of the waiting list. Exact under concurrency:
    /// confirmed registrations never outnumber `capacity` (`None`: no limit).
    async fn confirm_seat(
        &self,
        pending: &Registration,
        capacity: Option<u32>,
        now: Timestamp,
    ) -> Result<SeatOutcome, StoreError>;

    /// A waitlisted registration's place in line (1 = next); `None` when it
    /// does not wait.
    async fn waitlist_position(&self, key: &RegistrationKey) -> Result<Option<u32>, StoreError>;

    /// Withdraw a registration: a confirmed one frees its seat, a waitlisted one
    /// leaves the line (both become cancelled); a pending one is deleted.
    async fn cancel(
        &self,
        key: &RegistrationKey,
        now: Timestamp,
    ) -> Result<CancelOutcome, StoreError>;

    /// Give one free seat to the first in line, who then owes `owes` (the link,
    /// or the promotion email before links go out); `None` when no seat is free
    /// or nobody waits. Each freed seat goes to exactly one registration.
    async fn promote_next(
        &self,
        event_id: &str,
        capacity: Option<u32>,
        owes: Outbox,
        now: Timestamp,
    ) -> Result<Option<Registration>, StoreError>;

    /// Count one more use of a limit; `false`, counting nothing, when `limit`
    /// uses of its window are counted already. Exact under concurrency.
    async fn take_slot(&self, counter: &LimitCounter, limit: u32) -> Result<bool, StoreError>;

    /// Count one use of a limit less (a slot taken for what did not happen),
    /// never below zero.
    async fn give_back_slot(&self, counter: &LimitCounter) -> Result<(), StoreError>;

    /// Record SES's `event` about an email sent to the registration at `key`
    /// whose id is `registration_id`: a read, then one conditional write.
    async fn record_feedback(
        &self,
        key: &RegistrationKey,
        registration_id: &str,
        event: &EmailEvent,
    ) -> Result<FeedbackOutcome, StoreError>;

    /// Keys of registrations waiting in an outbox, oldest first, one page at a time.
    async fn due(
        &self,
        event_id: &str,
        outbox: Outbox,
        after: Option<OutboxCursor>,
        limit: i32,
    ) -> Result<DuePage, StoreError>;

    /// How many registrations wait in an outbox.
    async fn count_due(&self, event_id: &str, outbox: Outbox) -> Result<u64, StoreError>;

    /// How many registrations wait in an outbox, counting at most `up_to`: a
    /// run's report costs little however long the queue.
    async fn count_due_up_to(
        &self,
        event_id: &str,
        outbox: Outbox,
        up_to: u32,
    ) -> Result<DueCount, StoreError>;

    /// Take a registration out of an outbox for sending, unless another sender
    /// holds it. For a link, promotion or reminder email, `token_hash` is the
    /// hash of the token its cancel link will carry, added by the claim to the
    /// registration's cancel tokens (every earlier email's link keeps working).
    async fn claim(
        &self,
        key: &RegistrationKey,
        outbox: Outbox,
        lease: &Lease,
        token_hash: Option<&str>,
        now: Timestamp,
    ) -> Result<Option<Registration>, StoreError>;

    /// Record a sent email and take the registration out of `outbox`; `false` when the
    /// lease was lost meanwhile.
    async fn record_sent(
        &self,
        key: &RegistrationKey,
        outbox: Outbox,
        owner: &str,
        message_id: &str,
        at: Timestamp,
    ) -> Result<bool, StoreError>;

    /// Record a failed attempt, release the lease, and give up once the counted
    /// attempts reach [`MAX_EMAIL_ATTEMPTS`].
    async fn record_failure(
        &self,
        key: &RegistrationKey,
        outbox: Outbox,
        owner: &str,
        reason: &str,
        attempt: Attempt,
    ) -> Result<(), StoreError>;
}
