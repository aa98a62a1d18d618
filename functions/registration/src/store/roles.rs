//! What the use cases ask of storage, one trait per role. Each role is
//! implemented for the DynamoDB adapter in the store file that does its work;
//! a use case asks for the roles it needs. A store is a cheap handle (an SDK
//! client and a table name): work that outlives a request takes its own clone.

use super::{
    Attempt, CancelOutcome, CreateError, DueCount, DuePage, FeedbackOutcome, Lease, LimitCounter,
    Outbox, OutboxCursor, PendingRegistration, Registration, Renewal, SeatOutcome, StoreError,
    TransitionOutcome,
};
use crate::domain::feedback::EmailEvent;
use crate::domain::key::RegistrationKey;
use crate::domain::lifecycle::Transition;
use async_trait::async_trait;
use jiff::Timestamp;

/// A registration's own item: stored new, read, moved along its life cycle
/// (`create.rs`).
#[async_trait]
pub trait Registrations: Clone + Send + Sync + 'static {
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

    /// Apply a life-cycle transition in one conditional write, whose condition is
    /// the transition's starting statuses; the outbox follows the new status.
    async fn transition(
        &self,
        key: &RegistrationKey,
        transition: Transition,
        now: Timestamp,
    ) -> Result<TransitionOutcome, StoreError>;
}

/// The hashes of the links' tokens a registration holds: confirmation tokens
/// added (with a renewed confirmation email, or alone), a token taken back, a
/// registration found by one (`tokens.rs`).
#[async_trait]
pub trait Tokens: Clone + Send + Sync + 'static {
    /// For a still-pending registration whose last confirmation email is older than
    /// `resend_before`, add a new token, lease it for a new email and push its
    /// expiry. `false` when the registration is not pending, was emailed too
    /// recently, or already holds [`MAX_LIVE_TOKENS`](super::MAX_LIVE_TOKENS) tokens.
    async fn renew_confirmation(
        &self,
        key: &RegistrationKey,
        renewal: &Renewal<'_>,
    ) -> Result<bool, StoreError>;

    /// Add one more live confirmation token; `false` when the registration already
    /// holds [`MAX_LIVE_TOKENS`](super::MAX_LIVE_TOKENS) (or is gone).
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
}

/// Who holds a seat and who waits: confirming into a seat or the line,
/// withdrawing, the first in line promoted, a place in line (`seats.rs`).
#[async_trait]
pub trait Seats: Clone + Send + Sync + 'static {
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
}

/// The outboxes of owed emails: what waits, paged and counted, and each
/// email's claim, sent record and failure record (`outbox.rs`).
#[async_trait]
pub trait Outboxes: Clone + Send + Sync + 'static {
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
    /// attempts reach [`MAX_EMAIL_ATTEMPTS`](super::MAX_EMAIL_ATTEMPTS).
    async fn record_failure(
        &self,
        key: &RegistrationKey,
        outbox: Outbox,
        owner: &str,
        reason: &str,
        attempt: Attempt,
    ) -> Result<(), StoreError>;
}

/// The limits' counters, exact under concurrency (`limits.rs`).
#[async_trait]
pub trait LimitCounters: Clone + Send + Sync + 'static {
    /// Count one more use of a limit; `false`, counting nothing, when `limit`
    /// uses of its window are counted already. Exact under concurrency.
    async fn take_slot(&self, counter: &LimitCounter, limit: u32) -> Result<bool, StoreError>;

    /// Count one use of a limit less (a slot taken for what did not happen),
    /// never below zero.
    async fn give_back_slot(&self, counter: &LimitCounter) -> Result<(), StoreError>;
}

/// SES's news about a registration's emails (`domain/feedback.rs`).
#[async_trait]
pub trait Feedback: Clone + Send + Sync + 'static {
    /// Record SES's `event` about an email sent to the registration at `key`
    /// whose id is `registration_id`: a read, then one conditional write.
    async fn record_feedback(
        &self,
        key: &RegistrationKey,
        registration_id: &str,
        event: &EmailEvent,
    ) -> Result<FeedbackOutcome, StoreError>;
}

/// Every role at once, for what wires a whole store through (a function's
/// handler, a test's app); a use case asks for the roles it needs instead.
pub trait RegistrationStore:
    Registrations + Tokens + Seats + Outboxes + LimitCounters + Feedback
{
}

impl<S> RegistrationStore for S where
    S: Registrations + Tokens + Seats + Outboxes + LimitCounters + Feedback
{
}
