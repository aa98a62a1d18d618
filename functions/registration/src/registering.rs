//! The registration use case: deadline, uniqueness, storage and the confirmation
//! email, with every failure after the write left for the scheduled run to retry.

use crate::clock::{Clock, random_bytes};
use crate::config::{EventConfig, RegisterConfig};
use crate::domain::{EmailAddress, NewRegistration, RegistrationStatus, Submission};
use crate::mail::{Mailer, confirmation_email};
use crate::store::{CreateError, Lease, Outbox, Registration, RegistrationStore, StoreError};
use crate::token::ConfirmationToken;
use jiff::{SignedDuration, Timestamp};

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
}

impl<S: RegistrationStore, M: Mailer, C: Clock> Registrar<S, M, C> {
    pub fn new(config: RegisterConfig, store: S, mailer: M, clock: C) -> Self {
        Self {
            config,
            store,
            mailer,
            clock,
        }
    }

    /// Registration is open strictly before the closing instant.
    pub fn is_open(&self) -> bool {
        self.clock.now() < self.config.closes_at
    }

    /// Register a submission. `link_base` is the absolute base of the confirmation link.
    pub async fn register(
        &self,
        submission: Submission,
        link_base: &str,
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
        let registration = self.new_registration(&participant, link_base, now);
        let token = ConfirmationToken::generate();
        match self
            .store
            .create_pending(&registration, &token.hash())
            .await
        {
            Ok(()) => {}
            Err(CreateError::AlreadyRegistered) => {
                self.resend_if_pending(&registration.pk, now).await;
                return Err(RegisterError::AlreadyRegistered);
            }
            Err(CreateError::Store(err)) => return Err(RegisterError::Store(err)),
        }
        tracing::info!(registration_id = %registration.registration_id, "registration stored as pending");
        // A failed email keeps the 201: the registration is stored and the
        // scheduled run retries the email.
        let _ = send_confirmation(
            &self.store,
            &self.mailer,
            &self.config.event,
            &registration,
            &token,
            registration.lease_owner.as_deref().unwrap_or_default(),
            now,
        )
        .await;
        Ok(Registered {
            registration_id: registration.registration_id,
        })
    }

    fn new_registration(
        &self,
        participant: &NewRegistration,
        link_base: &str,
        now: Timestamp,
    ) -> Registration {
        let event = &self.config.event;
        let registration_id = new_registration_id();
        let retention = SignedDuration::from_hours(24 * i64::from(self.config.retention_days));
        let expires_at = event
            .starts_at
            .checked_add(retention)
            .unwrap_or(event.starts_at)
            .as_second();
        let lease = self.lease(&registration_id, now);
        Registration {
            pk: Registration::key(&event.event_id, &participant.email.normalized()),
            event_id: event.event_id.clone(),
            registration_id,
            full_name: participant.full_name.as_ref().to_owned(),
            email: participant.email.as_ref().to_owned(),
            country: participant.country.code().to_owned(),
            organization: participant.organization.as_ref().to_owned(),
            designation: participant
                .designation
                .as_ref()
                .map(|d| d.as_ref().to_owned()),
            phone: participant.phone.as_ref().map(|p| p.as_ref().to_owned()),
            status: RegistrationStatus::Pending,
            registered_at: now,
            confirmed_at: None,
            link_base: link_base.trim_end_matches('/').to_owned(),
            confirmation_email_at: Some(now),
            confirmation_message_id: None,
            confirmation_attempts: 0,
            outbox: Some(Outbox::Confirmation.queue(&event.event_id)),
            lease_until: Some(lease.until.as_millisecond()),
            lease_owner: Some(lease.owner),
            link_sent_at: None,
            link_message_id: None,
            link_attempts: 0,
            last_email_error: None,
            expires_at,
        }
    }

    fn lease(&self, registration_id: &str, now: Timestamp) -> Lease {
        Lease {
            owner: format!("register:{registration_id}:{}", short_random()),
            until: now.checked_add(FIRST_EMAIL_LEASE).unwrap_or(now),
        }
    }

    /// A duplicate of a still-pending registration gets its email again, at most
    /// once per [`RESEND_INTERVAL`]. Failures here are logged: the participant's
    /// answer (409) does not depend on them.
    async fn resend_if_pending(&self, pk: &str, now: Timestamp) {
        let existing = match self.store.get(pk).await {
            Ok(Some(existing)) if existing.status == RegistrationStatus::Pending => existing,
            Ok(_) => return,
            Err(err) => {
                tracing::error!(error = %err, "could not read a duplicate registration");
                return;
            }
        };
        let token = ConfirmationToken::generate();
        let lease = self.lease(&existing.registration_id, now);
        let resend_before = now.checked_sub(RESEND_INTERVAL).unwrap_or(now);
        match self
            .store
            .renew_confirmation(&existing, &token.hash(), now, resend_before, &lease)
            .await
        {
            Ok(true) => {
                tracing::info!(registration_id = %existing.registration_id, "confirmation email sent again for a duplicate");
                let _ = send_confirmation(
                    &self.store,
                    &self.mailer,
                    &self.config.event,
                    &existing,
                    &token,
                    &lease.owner,
                    now,
                )
                .await;
            }
            Ok(false) => {
                tracing::info!(registration_id = %existing.registration_id, "duplicate within the re-send interval; no email");
            }
            Err(err) => tracing::error!(error = %err, "could not renew a confirmation token"),
        }
    }
}

/// Send the confirmation email for a registration held under `owner`'s lease and
/// record the outcome; a failure leaves it in the confirmation outbox for the
/// scheduled run.
pub async fn send_confirmation(
    store: &impl RegistrationStore,
    mailer: &impl Mailer,
    event: &EventConfig,
    registration: &Registration,
    token: &ConfirmationToken,
    owner: &str,
    now: Timestamp,
) -> Result<(), crate::mail::MailError> {
    let link = format!(
        "{}/registrations/confirm?token={}",
        registration.link_base,
        token.expose()
    );
    let to = match EmailAddress::parse(&registration.email) {
        Ok(to) => to,
        Err(_) => {
            let reason = "the stored address is not deliverable";
            tracing::error!(registration_id = %registration.registration_id, reason);
            let _ = store
                .record_failure(&registration.pk, Outbox::Confirmation, owner, reason, true)
                .await;
            return Err(crate::mail::MailError::Rejected(reason.into()));
        }
    };
    let email = confirmation_email(event, to, &registration.full_name, &link);
    match mailer.send(&email).await {
        Ok(message_id) => {
            match store
                .record_sent(
                    &registration.pk,
                    Outbox::Confirmation,
                    owner,
                    &message_id,
                    now,
                )
                .await
            {
                Ok(_) => {}
                Err(err) => {
                    tracing::error!(error = %err, registration_id = %registration.registration_id, "confirmation email sent but not recorded")
                }
            }
            Ok(())
        }
        Err(err) => {
            tracing::warn!(error = %err, registration_id = %registration.registration_id, "confirmation email not sent; left for the scheduled run");
            let counted = matches!(err, crate::mail::MailError::Rejected(_));
            if let Err(store_err) = store
                .record_failure(
                    &registration.pk,
                    Outbox::Confirmation,
                    owner,
                    &err.to_string(),
                    counted,
                )
                .await
            {
                tracing::error!(error = %store_err, registration_id = %registration.registration_id, "could not record a failed confirmation email; its lease expires on its own");
            }
            Err(err)
        }
    }
}

fn new_registration_id() -> String {
    uuid::Builder::from_random_bytes(random_bytes())
        .into_uuid()
        .to_string()
}

fn short_random() -> String {
    let bytes: [u8; 6] = random_bytes();
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
