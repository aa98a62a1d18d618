//! Decorators of a store (trouble injected in tests, a meter in benches): a
//! decorator implements the roles it changes, and each role it marks as
//! passed on is answered by the store inside through the impls here, so no
//! decorator repeats a role it leaves alone.

use super::{
    Attempt, CancelOutcome, CreateError, DueCount, DuePage, Feedback, FeedbackOutcome, Lease,
    LimitCounter, LimitCounters, Outbox, OutboxCursor, Outboxes, PendingRegistration, Registration,
    Registrations, Renewal, SeatOutcome, Seats, StoreError, Tokens, TransitionOutcome,
};
use crate::domain::feedback::EmailEvent;
use crate::domain::key::RegistrationKey;
use crate::domain::lifecycle::Transition;
use async_trait::async_trait;
use jiff::Timestamp;

/// A store around another one.
pub trait Decorator: Clone + Send + Sync + 'static {
    type Inner: Send + Sync;
    fn inner(&self) -> &Self::Inner;
}

/// The decorator leaves [`Registrations`] to the store inside.
pub trait PassesRegistrations: Decorator {}
/// The decorator leaves [`Tokens`] to the store inside.
pub trait PassesTokens: Decorator {}
/// The decorator leaves [`Seats`] to the store inside.
pub trait PassesSeats: Decorator {}
/// The decorator leaves [`Outboxes`] to the store inside.
pub trait PassesOutboxes: Decorator {}
/// The decorator leaves [`LimitCounters`] to the store inside.
pub trait PassesLimitCounters: Decorator {}
/// The decorator leaves [`Feedback`] to the store inside.
pub trait PassesFeedback: Decorator {}

#[async_trait]
impl<D: PassesRegistrations<Inner: Registrations>> Registrations for D {
    async fn create_pending(
        &self,
        pending: &PendingRegistration,
        token_hash: &str,
    ) -> Result<Registration, CreateError> {
        self.inner().create_pending(pending, token_hash).await
    }

    async fn create_pending_counted(
        &self,
        pending: &PendingRegistration,
        token_hash: &str,
        source: &LimitCounter,
        limit: u32,
    ) -> Result<Registration, CreateError> {
        let inner = self.inner();
        inner
            .create_pending_counted(pending, token_hash, source, limit)
            .await
    }

    async fn get(&self, key: &RegistrationKey) -> Result<Option<Registration>, StoreError> {
        self.inner().get(key).await
    }

    async fn transition(
        &self,
        key: &RegistrationKey,
        transition: Transition,
        now: Timestamp,
    ) -> Result<TransitionOutcome, StoreError> {
        self.inner().transition(key, transition, now).await
    }
}

#[async_trait]
impl<D: PassesTokens<Inner: Tokens>> Tokens for D {
    async fn renew_confirmation(
        &self,
        key: &RegistrationKey,
        renewal: &Renewal<'_>,
    ) -> Result<bool, StoreError> {
        self.inner().renew_confirmation(key, renewal).await
    }

    async fn add_token(&self, key: &RegistrationKey, token_hash: &str) -> Result<bool, StoreError> {
        self.inner().add_token(key, token_hash).await
    }

    async fn remove_token(
        &self,
        key: &RegistrationKey,
        token_hash: &str,
    ) -> Result<bool, StoreError> {
        self.inner().remove_token(key, token_hash).await
    }

    async fn find_by_token(
        &self,
        key: &RegistrationKey,
        token_hash: &str,
    ) -> Result<Option<Registration>, StoreError> {
        self.inner().find_by_token(key, token_hash).await
    }
}

#[async_trait]
impl<D: PassesSeats<Inner: Seats>> Seats for D {
    async fn confirm_seat(
        &self,
        pending: &Registration,
        capacity: Option<u32>,
        now: Timestamp,
    ) -> Result<SeatOutcome, StoreError> {
        self.inner().confirm_seat(pending, capacity, now).await
    }

    async fn waitlist_position(&self, key: &RegistrationKey) -> Result<Option<u32>, StoreError> {
        self.inner().waitlist_position(key).await
    }

    async fn cancel(
        &self,
        key: &RegistrationKey,
        now: Timestamp,
    ) -> Result<CancelOutcome, StoreError> {
        self.inner().cancel(key, now).await
    }

    async fn promote_next(
        &self,
        event_id: &str,
        capacity: Option<u32>,
        owes: Outbox,
        now: Timestamp,
    ) -> Result<Option<Registration>, StoreError> {
        self.inner()
            .promote_next(event_id, capacity, owes, now)
            .await
    }
}

#[async_trait]
impl<D: PassesOutboxes<Inner: Outboxes>> Outboxes for D {
    async fn due(
        &self,
        event_id: &str,
        outbox: Outbox,
        after: Option<OutboxCursor>,
        limit: i32,
    ) -> Result<DuePage, StoreError> {
        self.inner().due(event_id, outbox, after, limit).await
    }

    async fn count_due(&self, event_id: &str, outbox: Outbox) -> Result<u64, StoreError> {
        self.inner().count_due(event_id, outbox).await
    }

    async fn count_due_up_to(
        &self,
        event_id: &str,
        outbox: Outbox,
        up_to: u32,
    ) -> Result<DueCount, StoreError> {
        self.inner().count_due_up_to(event_id, outbox, up_to).await
    }

    async fn claim(
        &self,
        key: &RegistrationKey,
        outbox: Outbox,
        lease: &Lease,
        token_hash: Option<&str>,
        now: Timestamp,
    ) -> Result<Option<Registration>, StoreError> {
        let inner = self.inner();
        inner.claim(key, outbox, lease, token_hash, now).await
    }

    async fn record_sent(
        &self,
        key: &RegistrationKey,
        outbox: Outbox,
        owner: &str,
        message_id: &str,
        at: Timestamp,
    ) -> Result<bool, StoreError> {
        let inner = self.inner();
        inner.record_sent(key, outbox, owner, message_id, at).await
    }

    async fn record_failure(
        &self,
        key: &RegistrationKey,
        outbox: Outbox,
        owner: &str,
        reason: &str,
        attempt: Attempt,
    ) -> Result<(), StoreError> {
        let inner = self.inner();
        inner
            .record_failure(key, outbox, owner, reason, attempt)
            .await
    }
}

#[async_trait]
impl<D: PassesLimitCounters<Inner: LimitCounters>> LimitCounters for D {
    async fn take_slot(&self, counter: &LimitCounter, limit: u32) -> Result<bool, StoreError> {
        self.inner().take_slot(counter, limit).await
    }

    async fn give_back_slot(&self, counter: &LimitCounter) -> Result<(), StoreError> {
        self.inner().give_back_slot(counter).await
    }
}

#[async_trait]
impl<D: PassesFeedback<Inner: Feedback>> Feedback for D {
    async fn record_feedback(
        &self,
        key: &RegistrationKey,
        registration_id: &str,
        event: &EmailEvent,
    ) -> Result<FeedbackOutcome, StoreError> {
        let inner = self.inner();
        inner.record_feedback(key, registration_id, event).await
    }
}
