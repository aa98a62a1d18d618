//! The registration use case: deadline, uniqueness, storage and the confirmation
//! email, with every failure after the write left for the scheduled run to retry.

use crate::after_response::AfterResponse;
use crate::clock::{Clock, random_bytes, random_hex};
use crate::config::RegisterConfig;
use crate::domain::{NewRegistration, Submission};
use crate::key::RegistrationKey;
use crate::limits::{Admission, EmailSlots, Limits, SourceAddress};
use crate::mail::Mailer;
use crate::store::{
    CreateError, Lease, Outbox, PendingRegistration, Registration, RegistrationStore, Renewal,
    StoreError,
};
use crate::token::ConfirmationToken;
use crate::window::HourWindow;
use jiff::{SignedDuration, Timestamp};
use tracing::Instrument;

pub use crate::confirmation_email::{ConfirmationOutcome, send_confirmation};
pub(crate) use crate::confirmation_email::{attempt_for, tags_of};

/// A duplicate of a pending registration re-sends its email at most this often.
pub const RESEND_INTERVAL: SignedDuration = SignedDuration::from_mins(10);

/// How long the function that writes a registration holds it for its first email,
/// before the scheduled run may take over.
pub const FIRST_EMAIL_LEASE: SignedDuration = SignedDuration::from_mins(2);

#[derive(Debug, thiserror::Error)]
pub enum RegisterError {
    #[error("registration is closed")]
    Closed,
    #[error("this email address is already registered for this event")]
    AlreadyRegistered,
    #[error("too many requests from this source address")]
    TooManyRequests { retry_after_secs: u64 },
    #[error("the registration could not be stored")]
    Store(#[source] StoreError),
}

/// A stored, pending registration (or the look of one, for a bot).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registered {
    pub registration_id: String,
}

/// Accepts registrations for one event.
pub struct Registrar<S, M, C> {
    pub config: RegisterConfig,
    pub store: S,
    pub mailer: M,
    pub clock: C,
    /// Recording a confirmation email's outcome waits here until the response has
    /// left: the participant's answer does not depend on it (the registration
    /// already sits in the confirmation outbox under a lease).
    pub after_response: AfterResponse,
    pub limits: Limits,
}

impl<S: RegistrationStore, M: Mailer, C: Clock> Registrar<S, M, C> {
    pub fn new(config: RegisterConfig, store: S, mailer: M, clock: C) -> Self {
        let limits = Limits::new(
            config.max_registrations_per_ip_per_hour,
            config.email_limits.clone(),
        );
        Self {
            limits,
            config,
            store,
            mailer,
            clock,
            after_response: AfterResponse::default(),
        }
    }

    /// Registration is open strictly before the closing instant.
    pub fn is_open(&self) -> bool {
        self.clock.now() < self.config.closes_at
    }

    /// Count one registration posted from `source` against its rate on this
    /// instance, before any DynamoDB call.
    pub fn admit(&self, source: &SourceAddress) -> Admission {
        self.limits.source_rate.check(source)
    }

    /// Count one view of the form from `source` against its rate on this instance.
    pub fn admit_form(&self, source: &SourceAddress) -> Admission {
        self.limits.form_rate.check(source)
    }

    /// Register a submission from `source`. `link_base` is the absolute base of
    /// the links in its emails.
    pub async fn register(
        &self,
        submission: Submission,
        link_base: &str,
        source: &SourceAddress,
    ) -> Result<Registered, RegisterError> {
        if !self.is_open() {
            return Err(RegisterError::Closed);
        }
        if let Admission::TooMany { retry_after_secs } = self.admit(source) {
            // Not logged one by one: a flood would fill the log; the API's access
            // log counts the 429s.
            tracing::debug!(retry_after_secs, "a source address passed its rate");
            return Err(RegisterError::TooManyRequests { retry_after_secs });
        }
        let participant = match submission {
            Submission::Participant(participant) => participant,
            Submission::Bot => {
                tracing::info!("honeypot field filled; answered as a success, nothing stored");
                return Ok(Registered {
                    registration_id: new_registration_id(),
                });
            }
        };
        let now = self.clock.now();
        let pending = self.pending(participant, link_base, now);
        self.store_and_email(pending, source, now).await
    }

    /// Store a pending registration, counted on its source address, and send its
    /// confirmation email: one DynamoDB round trip (the put and its source's
    /// count at once), one for the email caps' two counters (at once; taken only
    /// for a registration stored, so concurrent duplicates cannot use up a
    /// mailbox's day), then SES.
    async fn store_and_email(
        &self,
        pending: PendingRegistration,
        source: &SourceAddress,
        now: Timestamp,
    ) -> Result<Registered, RegisterError> {
        let event_id = &self.config.event.event_id;
        let token = ConfirmationToken::generate(&pending.key);
        let counter = self.limits.source_counter(event_id, source, now);
        let limit = self.limits.registrations_per_source;
        let created = self
            .store
            .create_pending_counted(&pending, &token.hash(), &counter, limit)
            .await;
        let registration = match created {
            Ok(registration) => registration,
            Err(err) => return Err(self.not_created(err, now).await),
        };
        let span =
            tracing::info_span!("registration", registration_id = %registration.registration_id);
        async {
            tracing::info!("registration stored as pending");
            self.email_if_allowed(&registration, &token, &pending.lease, now)
                .await;
        }
        .instrument(span)
        .await;
        Ok(Registered {
            registration_id: registration.registration_id,
        })
    }

    /// Why a registration was not stored.
    async fn not_created(&self, err: CreateError, now: Timestamp) -> RegisterError {
        match err {
            CreateError::SourceLimitReached => {
                tracing::info!("a source address passed its hourly limit");
                RegisterError::TooManyRequests {
                    retry_after_secs: HourWindow::of(now).seconds_left(now),
                }
            }
            CreateError::AlreadyRegistered(existing) => {
                if let Some(existing) = existing {
                    self.resend_if_pending(*existing, now).await;
                }
                RegisterError::AlreadyRegistered
            }
            CreateError::Store(err) => RegisterError::Store(err),
        }
    }

    /// Send a confirmation email held under `lease` when the email caps allow it
    /// (`slots`); past a cap, release the registration to the paced send-links
    /// run. A failed email keeps the 201: the registration is stored and the run
    /// retries the email.
    async fn email_within(
        &self,
        registration: &Registration,
        token: &ConfirmationToken,
        lease: &Lease,
        slots: EmailSlots,
        now: Timestamp,
    ) {
        if let Some(reason) = slots.refusal() {
            tracing::warn!(reason, "confirmation email left for the send-links run");
            let outcome = ConfirmationOutcome::deferred(registration, &lease.owner, now);
            self.give_back_after_response(slots);
            return self.record_after_response(outcome);
        }
        let event = &self.config.event;
        let outcome =
            send_confirmation(&self.mailer, event, registration, token, &lease.owner, now).await;
        if matches!(&outcome.result, Err(err) if err.nothing_sent()) {
            // The run that retries it counts it then.
            self.give_back_after_response(slots);
        }
        self.record_after_response(outcome);
    }

    /// Take the email caps' slots, then as [`email_within`](Self::email_within).
    async fn email_if_allowed(
        &self,
        registration: &Registration,
        token: &ConfirmationToken,
        lease: &Lease,
        now: Timestamp,
    ) {
        let event_id = &self.config.event.event_id;
        let slots = EmailSlots::take(
            &self.store,
            &self.limits.emails,
            event_id,
            &registration.email,
            now,
        )
        .await;
        self.email_within(registration, token, lease, slots, now)
            .await;
    }

    /// Give back the email caps' slots an email did not use, after the response.
    fn give_back_after_response(&self, slots: EmailSlots) {
        if slots.is_empty() {
            return;
        }
        let store = self.store.clone();
        self.after_response
            .defer(async move { slots.give_back(&store).await });
    }

    /// When an unconfirmed registration expires: [`RegisterConfig::pending_expires_after`]
    /// after its last confirmation email, and never after its data's retention.
    fn pending_expiry(&self, now: Timestamp) -> Timestamp {
        let expires = now
            .checked_add(self.config.pending_expires_after)
            .unwrap_or(now);
        expires.min(self.retain_until())
    }

    /// [`RegisterConfig::retention_days`] after the event.
    fn retain_until(&self) -> Timestamp {
        let event = &self.config.event;
        let retention = SignedDuration::from_hours(24 * i64::from(self.config.retention_days));
        event
            .starts_at
            .checked_add(retention)
            .unwrap_or(event.starts_at)
    }

    /// What is stored for a new participant: pending, under this function's
    /// lease for its first email, expiring unconfirmed after
    /// [`pending_expiry`](Self::pending_expiry), its data kept until
    /// [`retain_until`](Self::retain_until) once confirmed.
    fn pending(
        &self,
        participant: NewRegistration,
        link_base: &str,
        now: Timestamp,
    ) -> PendingRegistration {
        let event = &self.config.event;
        let registration_id = new_registration_id();
        PendingRegistration {
            key: RegistrationKey::for_address(&event.event_id, &participant.email),
            lease: self.lease(&registration_id, now),
            registration_id,
            participant,
            link_base: link_base.to_owned(),
            registered_at: now,
            expires_at: self.pending_expiry(now),
            retain_until: self.retain_until(),
        }
    }

    fn record_after_response(&self, outcome: ConfirmationOutcome) {
        let store = self.store.clone();
        self.after_response
            .defer(async move { outcome.record(&store).await });
    }

    fn lease(&self, registration_id: &str, now: Timestamp) -> Lease {
        Lease {
            owner: format!("register:{registration_id}:{}", random_hex::<6>()),
            until: now.checked_add(FIRST_EMAIL_LEASE).unwrap_or(now),
        }
    }

    /// A duplicate of a still-pending registration gets its email again, at most
    /// once per [`RESEND_INTERVAL`]. Failures here are logged: the participant's
    /// answer (409) does not depend on them.
    #[tracing::instrument(name = "registration", skip_all, fields(registration_id = %existing.registration_id))]
    async fn resend_if_pending(&self, existing: Registration, now: Timestamp) {
        // Nothing goes to an address that bounced permanently or complained.
        if !existing.lifecycle().may_receive(Outbox::Confirmation) {
            return;
        }
        let key = existing.key();
        let token = ConfirmationToken::generate(&key);
        let lease = self.lease(&existing.registration_id, now);
        let resend_before = now.checked_sub(RESEND_INTERVAL).unwrap_or(now);
        let renewal = Renewal {
            token_hash: &token.hash(),
            now,
            resend_before,
            lease: &lease,
            expires_at: self.pending_expiry(now),
        };
        match self.store.renew_confirmation(&key, &renewal).await {
            Ok(true) => {
                tracing::info!("confirmation email sent again for a duplicate");
                self.email_if_allowed(&existing, &token, &lease, now).await;
            }
            Ok(false) => {
                tracing::info!(
                    "duplicate within the re-send interval, or with the most links a registration may hold; no email"
                );
            }
            Err(err) => tracing::error!(error = %err, "could not renew a confirmation token"),
        }
    }
}

fn new_registration_id() -> String {
    uuid::Builder::from_random_bytes(random_bytes())
        .into_uuid()
        .to_string()
}
