//! The link and promotion emails a registration owes: composed for it (each with
//! a new token for its cancel link, which keeps working beside the earlier
//! emails' links; taken back when the email surely did not leave), and sent right away by the function that
//! confirmed or promoted it, through the same claim the send-links run uses, so
//! the two never both send it.

use crate::clock::{Clock, random_hex};
use crate::config::{EventConfig, LinkDelivery, ZoomJoinUrl};
use crate::domain::EmailAddress;
use crate::key::RegistrationKey;
use crate::lifecycle::Attempt;
use crate::mail::{
    LinkEmailFor, LinkEmailKind, Mailer, OutgoingEmail, ParticipantLinks, link_email,
    promotion_email, reminder_email,
};
use crate::registering::{attempt_for, tags_of};
use crate::store::{Lease, Outbox, Outboxes, Registration, Tokens};
use crate::token::ConfirmationToken;
use jiff::Timestamp;

/// The email `registration` owes in `outbox` (link or promotion), its links
/// carrying `token`; `Err` with the reason when its address cannot be mailed.
pub fn compose(
    event: &EventConfig,
    zoom: &ZoomJoinUrl,
    registration: &Registration,
    outbox: Outbox,
    token: &ConfirmationToken,
    now: Timestamp,
) -> Result<OutgoingEmail, &'static str> {
    let to = EmailAddress::parse(&registration.email)
        .map_err(|_| "the stored address is not deliverable")?;
    let links = ParticipantLinks::new(&registration.link_base, token.expose());
    let name = &registration.full_name;
    let email = match outbox {
        Outbox::Promotion => promotion_email(event, to, name, &links),
        Outbox::Reminder => reminder_email(event, to, name, &links, zoom),
        Outbox::Link | Outbox::Confirmation => {
            let kind = if registration.promoted_at.is_some() {
                LinkEmailKind::Promoted
            } else {
                LinkEmailKind::Confirmed
            };
            let participant = LinkEmailFor {
                name,
                registration_id: &registration.registration_id,
                kind,
                links: &links,
            };
            link_email(event, to, participant, zoom, now)
        }
    };
    Ok(email.tagged(tags_of(registration, outbox)))
}

/// Everything sending one owed email now needs.
pub struct SendNow<'a, S, M, C> {
    pub event: &'a EventConfig,
    pub delivery: &'a LinkDelivery,
    pub store: &'a S,
    pub mailer: &'a M,
    pub clock: &'a C,
}

impl<S: Outboxes + Tokens, M: Mailer, C: Clock> SendNow<'_, S, M, C> {
    /// Claim the registration at `key` in `outbox`, send what it owes, record
    /// the outcome. Nothing is sent when a send-links run holds it (or already
    /// sent it), or once the event has started; a failure stays in the outbox
    /// for the next run. `owner` names the function for the lease.
    pub async fn send(&self, key: &RegistrationKey, outbox: Outbox, owner: &str) {
        let now = self.clock.now();
        if now >= self.event.starts_at {
            return;
        }
        let lease = Lease {
            owner: format!("{owner}:{}", random_hex::<6>()),
            until: now.checked_add(self.delivery.claim_lease).unwrap_or(now),
        };
        let token = ConfirmationToken::generate(key);
        let claimed = self
            .store
            .claim(key, outbox, &lease, Some(&token.hash()), now)
            .await;
        let registration = match claimed {
            Ok(Some(registration)) => registration,
            Ok(None) => return,
            Err(err) => {
                tracing::error!(error = %err, "could not claim an owed email; the next send-links run sends it");
                return;
            }
        };
        if !registration.lifecycle().may_receive(outbox) {
            self.failed(key, outbox, &lease, "not due", Attempt::Final)
                .await;
            return;
        }
        let zoom = &self.delivery.zoom_join_url;
        match compose(self.event, zoom, &registration, outbox, &token, now) {
            Ok(email) => self.deliver(key, outbox, &lease, &email, &token).await,
            Err(reason) => {
                self.take_back(key, &token).await;
                self.failed(key, outbox, &lease, reason, Attempt::Counted)
                    .await
            }
        }
    }

    /// Send a composed email under `lease` and record the outcome.
    async fn deliver(
        &self,
        key: &RegistrationKey,
        outbox: Outbox,
        lease: &Lease,
        email: &OutgoingEmail,
        token: &ConfirmationToken,
    ) {
        match self.mailer.send(email).await {
            Ok(message_id) => {
                let recorded = self
                    .store
                    .record_sent(key, outbox, &lease.owner, &message_id, self.clock.now())
                    .await;
                match recorded {
                    Ok(_) => tracing::info!(?outbox, "owed email sent"),
                    Err(err) => {
                        tracing::error!(error = %err, ?outbox, "email sent but not recorded; its lease expires and it may be sent again")
                    }
                }
            }
            Err(err) => {
                if err.nothing_sent() {
                    self.take_back(key, token).await;
                }
                let reason = err.to_string();
                self.failed(key, outbox, lease, &reason, attempt_for(&err))
                    .await
            }
        }
    }

    /// Take back the cancel token of an email that surely did not leave.
    async fn take_back(&self, key: &RegistrationKey, token: &ConfirmationToken) {
        if let Err(err) = self.store.remove_token(key, &token.hash()).await {
            tracing::error!(error = %err, "could not take back an unsent cancel token");
        }
    }

    async fn failed(
        &self,
        key: &RegistrationKey,
        outbox: Outbox,
        lease: &Lease,
        reason: &str,
        attempt: Attempt,
    ) {
        tracing::warn!(
            reason,
            ?outbox,
            ?attempt,
            "owed email not sent; left for the send-links run"
        );
        let recorded = self
            .store
            .record_failure(key, outbox, &lease.owner, reason, attempt)
            .await;
        if let Err(err) = recorded {
            tracing::error!(error = %err, "could not record a failed email; its lease expires on its own");
        }
    }
}
