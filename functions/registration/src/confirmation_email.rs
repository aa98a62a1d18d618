//! The confirmation email: sending it for a registration held under a lease, and
//! recording its outcome, for `register` and the send-links run alike.

use crate::config::EventConfig;
use crate::domain::EmailAddress;
use crate::key::RegistrationKey;
use crate::lifecycle::Attempt;
use crate::mail::{EmailTags, MailError, Mailer, ParticipantLinks, confirmation_email};
use crate::store::{Outbox, Outboxes, Registration};
use crate::token::ConfirmationToken;
use jiff::Timestamp;

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
    pub(crate) fn deferred(registration: &Registration, owner: &str, now: Timestamp) -> Self {
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
    pub async fn record(&self, store: &impl Outboxes) {
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
