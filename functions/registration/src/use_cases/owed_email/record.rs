//! The pipeline's last steps: what became of an owed email is recorded on its
//! registration (a sent email leaves its outbox; a failed one releases its
//! lease, counted or not), and the outcome goes back to the caller.

use crate::domain::key::RegistrationKey;
use crate::limits::EmailSlots;
use crate::mail::MailError;
use crate::store::{Attempt, LimitCounters, Outbox, Outboxes, Tokens};
use jiff::Timestamp;

use super::compose::NotComposed;

/// What became of an owed email, for its caller to count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// SES took it.
    Sent,
    /// Composed or attempted, and not sent: recorded as this attempt.
    Failed(Attempt),
    /// Nothing attempted: not claimed, no longer due, past an email cap, no
    /// room for another link, or the event has started.
    Skipped,
}

/// Why an email did not leave.
#[derive(Debug)]
pub(super) enum NotSent {
    /// Not attempted, for `reason`: recorded as `attempt`.
    Held {
        reason: String,
        attempt: Attempt,
    },
    NotComposed(NotComposed),
    Mail(MailError),
}

impl NotSent {
    fn reason(&self) -> String {
        match self {
            Self::Held { reason, .. } => reason.clone(),
            Self::NotComposed(why) => why.reason().to_owned(),
            Self::Mail(err) => err.to_string(),
        }
    }

    fn attempt(&self) -> Attempt {
        match self {
            Self::Held { attempt, .. } => *attempt,
            Self::NotComposed(why) => why.attempt(),
            Self::Mail(err) => attempt_for(err),
        }
    }

    /// Whether the email surely did not leave.
    fn nothing_sent(&self) -> bool {
        match self {
            Self::Held { .. } | Self::NotComposed(_) => true,
            Self::Mail(err) => err.nothing_sent(),
        }
    }
}

/// Only a rejection is the email's own fault and counts towards its attempts.
/// So does an email SES never answered while it answered others.
pub(super) fn attempt_for(err: &MailError) -> Attempt {
    match err {
        MailError::Rejected(_)
        | MailError::Unanswered {
            others_answered: true,
            ..
        } => Attempt::Counted,
        _ => Attempt::NotCounted,
    }
}

/// An owed email's fate, still to be recorded on its registration. Until it is,
/// the registration stays in its outbox under the lease, so nothing is lost if
/// it never is (the lease expires and a later run sends the email).
#[derive(Debug)]
#[must_use = "the outcome must be recorded on the registration"]
pub struct Unrecorded {
    pub(super) key: RegistrationKey,
    pub(super) registration_id: String,
    pub(super) outbox: Outbox,
    pub(super) owner: String,
    /// The hash of a token stored for this email alone: taken back when the
    /// email was tried and surely did not leave, so failed sends do not fill
    /// the registration with links nobody received.
    pub(super) token_to_take_back: Option<String>,
    /// The email caps' slots taken for it: given back when it did not leave.
    pub(super) slots: EmailSlots,
    /// The provider's message id and when SES took it, or why it did not leave.
    pub(super) result: Result<(String, Timestamp), NotSent>,
}

impl Unrecorded {
    /// Record the fate: a sent email takes the registration out of its outbox;
    /// one not sent gives back what it took and releases the registration to a
    /// later run (at the last counted attempt, out of the outbox). A failure to
    /// record is logged: the lease then expires on its own.
    #[tracing::instrument(name = "registration", skip_all, fields(registration_id = %self.registration_id))]
    pub async fn record(self, store: &(impl Outboxes + Tokens + LimitCounters)) -> Outcome {
        let (key, outbox, owner) = (&self.key, self.outbox, &self.owner);
        let not_sent = match self.result {
            Ok((message_id, at)) => {
                match store.record_sent(key, outbox, owner, &message_id, at).await {
                    Ok(true) => tracing::debug!(?outbox, "owed email sent"),
                    Ok(false) => tracing::warn!(?outbox, "email sent after its lease was lost"),
                    Err(err) => {
                        tracing::error!(error = %err, ?outbox, "email sent but not recorded; its lease expires and it may be sent again")
                    }
                }
                return Outcome::Sent;
            }
            Err(not_sent) => not_sent,
        };
        if not_sent.nothing_sent() {
            // One held back before it was composed keeps the token its claim stored.
            let tried = !matches!(not_sent, NotSent::Held { .. });
            let token = self.token_to_take_back.filter(|_| tried);
            give_back(store, key, token, self.slots).await;
        }
        let (reason, attempt) = (not_sent.reason(), not_sent.attempt());
        tracing::warn!(reason, ?outbox, ?attempt, "email not sent");
        let recorded = store
            .record_failure(key, outbox, owner, &reason, attempt)
            .await;
        if let Err(err) = recorded {
            tracing::error!(error = %err, ?outbox, "could not record a failed email; its lease expires on its own");
        }
        match not_sent {
            NotSent::Held { .. } => Outcome::Skipped,
            _ => Outcome::Failed(attempt),
        }
    }
}

/// Give back what an email that did not leave took: its token (the hash
/// given) and its email caps' slots.
async fn give_back(
    store: &(impl Tokens + LimitCounters),
    key: &RegistrationKey,
    token_hash: Option<String>,
    slots: EmailSlots,
) {
    if let Some(hash) = token_hash
        && let Err(err) = store.remove_token(key, &hash).await
    {
        tracing::error!(error = %err, "could not take back the token of an unsent email");
    }
    slots.give_back(store).await;
}
