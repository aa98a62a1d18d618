//! The registration use case: deadline, uniqueness, storage and the confirmation
//! email, with every failure after the write left for the scheduled run to retry.

use crate::after_response::AfterResponse;
use crate::clock::{Clock, random_bytes, random_hex};
use crate::config::{EventConfig, RegisterConfig};
use crate::domain::{EmailAddress, NewRegistration, Submission};
use crate::key::RegistrationKey;
use crate::lifecycle::Attempt;
use crate::limits::{Admission, Limits, SourceAddress};
use crate::mail::{EmailTags, MailError, Mailer, ParticipantLinks, confirmation_email};
use crate::store::{
    CreateError, Lease, Outbox, PendingRegistration, Registration, RegistrationStore, Renewal,
    StoreError,
};
use crate::token::ConfirmationToken;
use jiff::{SignedDuration, Timestamp};
use tracing::Instrument;

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
    #[error("too many registrations from this source address in this hour")]
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
            config.max_confirmation_emails_per_hour,
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
        let event_id = &self.config.event.event_id;
        match self.limits.admit(&self.store, event_id, source, now).await {
            Ok(Admission::Admitted) => {}
            Ok(Admission::TooMany { retry_after_secs }) => {
                tracing::info!(retry_after_secs, "a source address passed its hourly limit");
                return Err(RegisterError::TooManyRequests { retry_after_secs });
            }
            Err(err) => return Err(RegisterError::Store(err)),
        }
        let pending = self.pending(participant, link_base, now);
        self.store_and_email(pending, now).await
    }

    /// Store a pending registration and send its confirmation email.
    async fn store_and_email(
        &self,
        pending: PendingRegistration,
        now: Timestamp,
    ) -> Result<Registered, RegisterError> {
        let token = ConfirmationToken::generate(&pending.key);
        let registration = match self.store.create_pending(&pending, &token.hash()).await {
            Ok(registration) => registration,
            Err(CreateError::AlreadyRegistered(existing)) => {
                if let Some(existing) = existing {
                    self.resend_if_pending(*existing, now).await;
                }
                return Err(RegisterError::AlreadyRegistered);
            }
            Err(CreateError::Store(err)) => return Err(RegisterError::Store(err)),
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

    /// Send a confirmation email held under `lease`, within the hour's cap; past
    /// it, release the registration to the paced send-links run. A failed email
    /// keeps the 201: the registration is stored and the run retries the email.
    async fn email_if_allowed(
        &self,
        registration: &Registration,
        token: &ConfirmationToken,
        lease: &Lease,
        now: Timestamp,
    ) {
        let event = &self.config.event;
        let allowed = self
            .limits
            .take_confirmation_email(&self.store, &event.event_id, now)
            .await;
        if !matches!(allowed, Ok(true)) {
            let reason = match allowed {
                Err(err) => format!("the email cap could not be checked: {err}"),
                _ => "the hour's confirmation email cap is reached".to_owned(),
            };
            tracing::warn!(reason, "confirmation email left for the send-links run");
            let outcome = ConfirmationOutcome::deferred(registration, &lease.owner, now);
            return self.record_after_response(outcome);
        }
        let outcome =
            send_confirmation(&self.mailer, event, registration, token, &lease.owner, now).await;
        self.record_after_response(outcome);
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

/// A confirmation email's fate, still to be recorded on its registration.
#[derive(Debug)]
#[must_use = "the outcome must be recorded on the registration"]
pub struct ConfirmationOutcome {
    key: RegistrationKey,
    registration_id: String,
    owner: String,
    at: Timestamp,
    /// The provider's message id, or why the email did not leave.
    pub result: Result<String, MailError>,
}

/// Send the confirmation email for a registration held under `owner`'s lease.
/// The outcome is for [`ConfirmationOutcome::record`]; until it is recorded the
/// registration stays in the confirmation outbox, so nothing is lost if it never is.
pub async fn send_confirmation(
    mailer: &impl Mailer,
    event: &EventConfig,
    registration: &Registration,
    token: &ConfirmationToken,
    owner: &str,
    now: Timestamp,
) -> ConfirmationOutcome {
    let result = match EmailAddress::parse(&registration.email) {
        Ok(to) => {
            let links = ParticipantLinks::new(&registration.link_base, token.expose());
            let email = confirmation_email(event, to, &registration.full_name, &links)
                .tagged(tags_of(registration, Outbox::Confirmation));
            mailer.send(&email).await
        }
        Err(_) => {
            let reason = "the stored address is not deliverable";
            tracing::error!(reason);
            Err(MailError::Rejected(reason.into()))
        }
    };
    ConfirmationOutcome {
        key: registration.key(),
        registration_id: registration.registration_id.clone(),
        owner: owner.to_owned(),
        at: now,
        result,
    }
}

impl ConfirmationOutcome {
    /// An email not attempted: recording it releases the registration to the
    /// send-links run without counting an attempt.
    fn deferred(registration: &Registration, owner: &str, now: Timestamp) -> Self {
        Self {
            key: registration.key(),
            registration_id: registration.registration_id.clone(),
            owner: owner.to_owned(),
            at: now,
            result: Err(MailError::Deferred),
        }
    }

    /// Record the outcome: a sent email takes the registration out of the
    /// confirmation outbox; a failed one releases it to the scheduled run (a
    /// rejection counts towards the attempts). A failure to record is logged; the
    /// lease then expires on its own.
    #[tracing::instrument(name = "registration", skip_all, fields(registration_id = %self.registration_id))]
    pub async fn record(&self, store: &impl RegistrationStore) {
        match &self.result {
            Ok(message_id) => {
                if let Err(err) = store
                    .record_sent(
                        &self.key,
                        Outbox::Confirmation,
                        &self.owner,
                        message_id,
                        self.at,
                    )
                    .await
                {
                    tracing::error!(error = %err, "confirmation email sent but not recorded");
                }
            }
            Err(err) => {
                tracing::warn!(error = %err, "confirmation email not sent; left for the scheduled run");
                let attempt = attempt_for(err);
                if let Err(store_err) = store
                    .record_failure(
                        &self.key,
                        Outbox::Confirmation,
                        &self.owner,
                        &err.to_string(),
                        attempt,
                    )
                    .await
                {
                    tracing::error!(error = %store_err, "could not record a failed confirmation email; its lease expires on its own");
                }
            }
        }
    }
}

/// The SES tags of an email of `kind` to `registration`.
pub(crate) fn tags_of(registration: &Registration, kind: Outbox) -> EmailTags {
    EmailTags {
        event_id: registration.event_id.clone(),
        registration_id: registration.registration_id.clone(),
        kind,
    }
}

/// Only a rejection is the email's own fault and counts towards its attempts.
/// So does an email SES never answered while it answered others.
pub(crate) fn attempt_for(err: &MailError) -> Attempt {
    match err {
        MailError::Rejected(_)
        | MailError::Unanswered {
            others_answered: true,
            ..
        } => Attempt::Counted,
        _ => Attempt::NotCounted,
    }
}

fn new_registration_id() -> String {
    uuid::Builder::from_random_bytes(random_bytes())
        .into_uuid()
        .to_string()
}
