//! One send-links run's work: page through an outbox, and for each registration
//! claim it, send its email and record the outcome.

use super::SendLinks;
use super::SendLinksStore;
use super::pacer::Pacer;
use crate::clock::Clock;
use crate::key::RegistrationKey;
use crate::lifecycle::Attempt;
use crate::limits::EmailSlots;
use crate::mail::Mailer;
use crate::owed_email::compose;
use crate::registering::{attempt_for, send_confirmation};
use crate::store::{Lease, Outbox, Registration};
use crate::token::ConfirmationToken;
use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use tokio::time::Instant;
use tracing::Instrument;

/// Three different emails that SES failed (a server error, or no connection),
/// with no email sent or rejected between them, mean that SES is down rather than
/// failing a request now and then. One email's own retries never make an outage.
const FAILING_EMAILS_MEAN_OUTAGE: usize = 3;

#[derive(Default)]
pub(super) struct Counters {
    pub(super) sent: AtomicU64,
    pub(super) failed: AtomicU64,
    pub(super) confirmations_sent: AtomicU64,
    pub(super) confirmations_failed: AtomicU64,
    pub(super) promotions_sent: AtomicU64,
    pub(super) reminders_sent: AtomicU64,
    pub(super) out_of_time: AtomicBool,
    pub(super) ses_unavailable: AtomicBool,
    /// The recipients SES failed since it last sent or rejected an email, and how
    /// often it sent or rejected one in this run.
    failing_emails: Mutex<HashSet<String>>,
    pub(super) answers: AtomicU64,
}

impl Counters {
    pub(super) fn stopping(&self) -> bool {
        self.out_of_time.load(Ordering::Relaxed) || self.ses_unavailable.load(Ordering::Relaxed)
    }

    /// SES sent or rejected an email: it is up, and a failure streak ends.
    pub(super) fn answered(&self) {
        self.answers.fetch_add(1, Ordering::Relaxed);
        self.failing_emails.lock().expect("not poisoned").clear();
    }

    /// SES failed an email to `recipient`; whether the streak now means an outage.
    pub(super) fn failed(&self, recipient: &str) -> bool {
        let mut failing = self.failing_emails.lock().expect("not poisoned");
        failing.insert(recipient.to_owned());
        failing.len() >= FAILING_EMAILS_MEAN_OUTAGE
    }
}

/// One send-links run's state.
pub(super) struct SendLinksRun<S, M, C> {
    pub(super) send_links: Arc<SendLinks<S, M, C>>,
    pub(super) pacer: Pacer,
    pub(super) counters: Counters,
    pub(super) owner: String,
    /// No send starts at or after this instant.
    pub(super) last_start: Instant,
    /// What `last_start` is: the invocation's deadline or the event's start.
    pub(super) last_start_is: &'static str,
}

impl<S, M, C> SendLinksRun<S, M, C>
where
    S: SendLinksStore,
    M: Mailer + 'static,
    C: Clock + 'static,
{
    /// Claim, wait for a send slot, send, record. Every failure is recorded on the
    /// registration or left to its lease; nothing here fails the run.
    pub(super) async fn serve(&self, key: &RegistrationKey, outbox: Outbox) {
        if Instant::now() >= self.last_start {
            self.counters.out_of_time.store(true, Ordering::Relaxed);
            return;
        }
        if self.counters.stopping() {
            return;
        }
        let send_links = &self.send_links;
        let now = send_links.clock.now();
        let lease = Lease {
            owner: self.owner.clone(),
            until: now
                .checked_add(send_links.config.claim_lease)
                .unwrap_or(now),
        };
        // A link or promotion email's cancel link carries a new token, stored with the claim.
        let token = (outbox != Outbox::Confirmation).then(|| ConfirmationToken::generate(key));
        let token_hash = token.as_ref().map(ConfirmationToken::hash);
        let claimed = send_links
            .store
            .claim(key, outbox, &lease, token_hash.as_deref(), now)
            .await;
        let registration = match claimed {
            Ok(Some(registration)) => registration,
            // Served meanwhile, or held by another run.
            Ok(None) => return,
            Err(err) => {
                tracing::error!(error = %err, "could not claim a registration");
                return;
            }
        };
        let span =
            tracing::info_span!("registration", registration_id = %registration.registration_id);
        async {
            if registration.is_expired(now) {
                // Never confirmed, and now absent: nothing more goes to it.
                self.record_failure(&registration, outbox, "expired", Attempt::Final)
                    .await;
                return;
            }
            if !registration.lifecycle().may_receive(outbox) {
                // Cancelled or unreachable: this email will never be due again;
                // take it out of the outbox.
                tracing::info!(?outbox, status = ?registration.status, unreachable = registration.unreachable, "a registration in an outbox no longer owes its email");
                self.record_failure(&registration, outbox, "not due", Attempt::Final)
                    .await;
                return;
            }
            match token {
                Some(token) => self.send_owed(&registration, outbox, &token).await,
                None => self.resend_confirmation(&registration).await,
            }
        }
        .instrument(span)
        .await
    }

    /// Send the link (or promotion) email a claimed registration owes.
    async fn send_owed(
        &self,
        registration: &Registration,
        outbox: Outbox,
        token: &ConfirmationToken,
    ) {
        let send_links = &self.send_links;
        let config = &send_links.config;
        let now = send_links.clock.now();
        let email = match compose(
            &config.event,
            &config.zoom_join_url,
            registration,
            outbox,
            token,
            now,
        ) {
            Ok(email) => email,
            Err(reason) => {
                self.take_back(registration, token).await;
                self.record_failure(registration, outbox, reason, Attempt::Counted)
                    .await;
                self.counters.failed.fetch_add(1, Ordering::Relaxed);
                return;
            }
        };
        match self.send_with_backoff(&email).await {
            Ok(message_id) => {
                self.record_sent(registration, outbox, &message_id).await;
                let counter = match outbox {
                    Outbox::Promotion => &self.counters.promotions_sent,
                    Outbox::Reminder => &self.counters.reminders_sent,
                    Outbox::Link | Outbox::Confirmation => &self.counters.sent,
                };
                counter.fetch_add(1, Ordering::Relaxed);
            }
            Err(err) => {
                if err.nothing_sent() {
                    self.take_back(registration, token).await;
                }
                let attempt = attempt_for(&err);
                if attempt == Attempt::Counted {
                    self.counters.failed.fetch_add(1, Ordering::Relaxed);
                }
                self.record_failure(registration, outbox, &err.to_string(), attempt)
                    .await;
            }
        }
    }

    /// Take back the token of an email that surely did not leave, so that
    /// failed sends do not fill the registration with cancel links nobody got.
    async fn take_back(&self, registration: &Registration, token: &ConfirmationToken) {
        let store = &self.send_links.store;
        if let Err(err) = store.remove_token(&registration.key(), &token.hash()).await {
            tracing::error!(error = %err, "could not take back an unsent cancel token");
        }
    }

    async fn record_sent(&self, registration: &Registration, outbox: Outbox, message_id: &str) {
        let send_links = &self.send_links;
        let recorded = send_links
            .store
            .record_sent(
                &registration.key(),
                outbox,
                &self.owner,
                message_id,
                send_links.clock.now(),
            )
            .await;
        match recorded {
            Ok(true) => {}
            Ok(false) => tracing::warn!(?outbox, "email sent after this run's lease was lost"),
            Err(err) => {
                tracing::error!(error = %err, ?outbox, "email sent but not recorded; its lease expires and it may be sent again")
            }
        }
    }

    async fn resend_confirmation(&self, registration: &Registration) {
        let send_links = &self.send_links;
        let Some(slots) = self.confirmation_slots(registration).await else {
            return;
        };
        let key = registration.key();
        // The first token's secret was never stored, so a retry sends a new one.
        let token = ConfirmationToken::generate(&key);
        let token_hash = token.hash();
        if !self.store_retry_token(registration, &token_hash).await {
            slots.give_back(&send_links.store).await;
            return;
        }
        let mailer = super::backoff::PacedMailer { run: self };
        let outcome = send_confirmation(
            &mailer,
            &send_links.config.event,
            registration,
            &token,
            &self.owner,
            send_links.clock.now(),
        )
        .await;
        if matches!(&outcome.result, Err(err) if err.nothing_sent()) {
            // The link was never emailed: take its token back, so that runs cut
            // short and failed sends do not fill the registration with links
            // nobody received.
            if let Err(err) = send_links.store.remove_token(&key, &token_hash).await {
                tracing::error!(error = %err, "could not take back an unsent confirmation token");
            }
            slots.give_back(&send_links.store).await;
        }
        outcome.record(&send_links.store).await;
        let counter = match &outcome.result {
            Ok(_) => &self.counters.confirmations_sent,
            Err(err) if attempt_for(err) == Attempt::Counted => &self.counters.confirmations_failed,
            // Not the participant's doing; an outage has already stopped the run
            // (`send_with_backoff`).
            Err(_) => return,
        };
        counter.fetch_add(1, Ordering::Relaxed);
    }

    /// The email caps' slots for a confirmation email (they count the run's
    /// emails as register's); `None`, with the registration released to a later
    /// run without counting an attempt, past a cap.
    async fn confirmation_slots(&self, registration: &Registration) -> Option<EmailSlots> {
        let send_links = &self.send_links;
        let slots = EmailSlots::take(
            &send_links.store,
            &send_links.config.email_limits,
            &registration.event_id,
            &registration.email,
            send_links.clock.now(),
        )
        .await;
        let Some(reason) = slots.refusal().map(str::to_owned) else {
            return Some(slots);
        };
        slots.give_back(&send_links.store).await;
        self.record_failure(
            registration,
            Outbox::Confirmation,
            &reason,
            Attempt::NotCounted,
        )
        .await;
        None
    }

    /// Store the token a confirmation retry will email; `false`, with the failure
    /// recorded, when it could not be.
    async fn store_retry_token(&self, registration: &Registration, token_hash: &str) -> bool {
        let added = self
            .send_links
            .store
            .add_token(&registration.key(), token_hash)
            .await;
        let (reason, attempt) = match added {
            Ok(true) => return true,
            // Each attempt left a link behind; past the bound, count this one so
            // the registration leaves the outbox after the usual attempts.
            Ok(false) => {
                tracing::warn!("no room for another confirmation link");
                ("too many confirmation links", Attempt::Counted)
            }
            Err(err) => {
                tracing::error!(error = %err, "could not store a new confirmation token");
                ("token not stored", Attempt::NotCounted)
            }
        };
        self.record_failure(registration, Outbox::Confirmation, reason, attempt)
            .await;
        false
    }

    async fn record_failure(
        &self,
        registration: &Registration,
        outbox: Outbox,
        reason: &str,
        attempt: Attempt,
    ) {
        tracing::warn!(reason, ?attempt, "email not sent");
        if let Err(err) = self
            .send_links
            .store
            .record_failure(&registration.key(), outbox, &self.owner, reason, attempt)
            .await
        {
            tracing::error!(error = %err, "could not record a failed email; its lease expires on its own");
        }
    }
}
