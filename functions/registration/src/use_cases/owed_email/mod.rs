//! The one owed-email pipeline: claim -> compose -> send -> record -> outcome,
//! for every email a registration owes (confirmation, link, promotion,
//! reminder), whoever sends it: `register` (its confirmation email, held since
//! the registration was written), `confirm` and `cancel` after their responses,
//! and the send-links run through its paced mailer. Callers differ only in the
//! outbox, when they call, and the mailer they pass.
//!
//! A claim is a conditional write with an expiring lease, so two senders never
//! both send one email. A link, promotion or reminder email's cancel link
//! carries a new token, stored with the claim; a confirmation retry stores its
//! new token once the email caps allow it. A token is taken back, and the caps'
//! slots given back, when the email surely did not leave.

mod compose;
mod record;

pub use compose::{NotComposed, compose};
pub use record::{Outcome, Unrecorded};

use crate::config::{EmailLimits, EventConfig, ZoomJoinUrl};
use crate::domain::action_token::ActionToken;
use crate::domain::key::RegistrationKey;
use crate::limits::EmailSlots;
use crate::mail::Mailer;
use crate::platform::clock::Clock;
use crate::store::{Attempt, Lease, LimitCounters, Outbox, Outboxes, Registration, Tokens};
use record::NotSent;
use std::time::Duration;
use tracing::Instrument;

/// Everything sending an owed email needs; each caller builds one over its own
/// store, mailer and clock.
pub struct OwedEmails<'a, S, M, C> {
    pub event: &'a EventConfig,
    /// The Zoom link, for the emails that carry it; `register`, which owes
    /// only confirmation emails, has none.
    pub zoom: Option<&'a ZoomJoinUrl>,
    /// The confirmation email caps; `confirm` and `cancel`, which send no
    /// confirmation email, have none (one past them waits for the run).
    pub caps: Option<&'a EmailLimits>,
    pub store: &'a S,
    /// SES as it is, or the send-links run's paced mailer.
    pub mailer: &'a M,
    pub clock: &'a C,
}

/// A registration held for one email: claimed from its outbox, or held since
/// `register` wrote it.
pub struct Claimed {
    pub registration: Registration,
    pub outbox: Outbox,
    /// The lease's owner, whom recording the email must name.
    owner: String,
    token: Token,
}

/// The token an owed email's links carry.
enum Token {
    /// Stored by the claim for this email alone: taken back if it did not leave.
    Claimed(ActionToken),
    /// Stored with the registration by `register`, and kept.
    Registered(ActionToken),
    /// None yet: a confirmation retry stores one once the caps allow the email.
    ToStore,
}

impl Claimed {
    /// The registration `register` has just written (or renewed) under `owner`'s
    /// lease, with the token of its confirmation email.
    pub fn registered(registration: Registration, owner: &str, token: ActionToken) -> Self {
        Self {
            registration,
            outbox: Outbox::Confirmation,
            owner: owner.to_owned(),
            token: Token::Registered(token),
        }
    }

    /// Why the claimed email is no longer due, if it is not.
    fn not_due(&self, now: jiff::Timestamp) -> Option<&'static str> {
        let registration = &self.registration;
        if registration.is_expired(now) {
            // Never confirmed, and now absent: nothing more goes to it.
            return Some("expired");
        }
        if !registration.lifecycle().may_receive(self.outbox) {
            // Cancelled or unreachable: this email will never be due again.
            tracing::info!(outbox = ?self.outbox, status = ?registration.status, unreachable = registration.unreachable, "a registration in an outbox no longer owes its email");
            return Some("not due");
        }
        None
    }

    fn unrecorded(
        self,
        slots: EmailSlots,
        result: Result<(String, jiff::Timestamp), NotSent>,
    ) -> Unrecorded {
        let token_to_take_back = match &self.token {
            Token::Claimed(token) => Some(token.hash()),
            Token::Registered(_) | Token::ToStore => None,
        };
        Unrecorded {
            key: self.registration.key(),
            registration_id: self.registration.registration_id,
            outbox: self.outbox,
            owner: self.owner,
            token_to_take_back,
            slots,
            result,
        }
    }

    /// Held back before any attempt, recorded as `attempt`.
    fn held(self, slots: EmailSlots, reason: impl Into<String>, attempt: Attempt) -> Unrecorded {
        let reason = reason.into();
        self.unrecorded(slots, Err(NotSent::Held { reason, attempt }))
    }
}

impl<S: Outboxes + Tokens + LimitCounters, M: Mailer, C: Clock> OwedEmails<'_, S, M, C> {
    /// The whole pipeline for the registration at `key` in `outbox`: claim it
    /// under a lease of `lease_for` named for `owner`, send what it owes,
    /// record the outcome. Nothing is claimed once the event has started.
    pub async fn deliver(
        &self,
        key: &RegistrationKey,
        outbox: Outbox,
        owner: &str,
        lease_for: Duration,
    ) -> Outcome {
        let Some(claimed) = self.claim(key, outbox, owner, lease_for).await else {
            return Outcome::Skipped;
        };
        let span = tracing::info_span!("registration", registration_id = %claimed.registration.registration_id);
        let unrecorded = self.send(claimed).instrument(span).await;
        unrecorded.record(self.store).await
    }

    /// Claim the registration at `key` in `outbox`; `None` when the event has
    /// started, or it was served meanwhile, is held by another sender, or the
    /// claim failed (logged: the next send-links run serves it).
    pub async fn claim(
        &self,
        key: &RegistrationKey,
        outbox: Outbox,
        owner: &str,
        lease_for: Duration,
    ) -> Option<Claimed> {
        let now = self.clock.now();
        if now >= self.event.starts_at {
            return None;
        }
        let lease = Lease {
            owner: owner.to_owned(),
            until: now.checked_add(lease_for).unwrap_or(now),
        };
        // A confirmation email's token is a list of its own, stored later.
        let token = (outbox != Outbox::Confirmation).then(|| ActionToken::generate(key));
        let token_hash = token.as_ref().map(ActionToken::hash);
        let claimed = self
            .store
            .claim(key, outbox, &lease, token_hash.as_deref(), now)
            .await;
        let registration = match claimed {
            Ok(registration) => registration?,
            Err(err) => {
                tracing::error!(error = %err, ?outbox, "could not claim an owed email; a later send-links run sends it");
                return None;
            }
        };
        Some(Claimed {
            registration,
            outbox,
            owner: lease.owner,
            token: token.map_or(Token::ToStore, Token::Claimed),
        })
    }

    /// Send what a claimed registration owes, when it is still due and a
    /// confirmation email is within the caps; the fate is for
    /// [`Unrecorded::record`], now or after the response.
    pub async fn send(&self, mut claimed: Claimed) -> Unrecorded {
        let now = self.clock.now();
        if let Some(reason) = claimed.not_due(now) {
            return claimed.held(EmailSlots::default(), reason, Attempt::Final);
        }
        let slots = match self.within_caps(&claimed, now).await {
            Ok(slots) => slots,
            Err((slots, reason)) => return claimed.held(slots, reason, Attempt::NotCounted),
        };
        let token = match self.token_for(&mut claimed).await {
            Ok(token) => token,
            Err((reason, attempt)) => return claimed.held(slots, reason, attempt),
        };
        let registration = &claimed.registration;
        let composed = compose(
            self.event,
            self.zoom,
            registration,
            claimed.outbox,
            &token,
            now,
        );
        let result = match composed {
            Ok(email) => match self.mailer.send(&email).await {
                Ok(message_id) => Ok((message_id, self.clock.now())),
                Err(err) => Err(NotSent::Mail(err)),
            },
            Err(why) => Err(NotSent::NotComposed(why)),
        };
        claimed.unrecorded(slots, result)
    }

    /// The email caps' slots for a confirmation email (they count `register`'s
    /// emails and the run's retries alike); past a cap, `Err` with what was
    /// taken and why. Other emails take none.
    async fn within_caps(
        &self,
        claimed: &Claimed,
        now: jiff::Timestamp,
    ) -> Result<EmailSlots, (EmailSlots, String)> {
        if claimed.outbox != Outbox::Confirmation {
            return Ok(EmailSlots::default());
        }
        let Some(caps) = self.caps else {
            let reason = "no email caps here: left for the send-links run";
            return Err((EmailSlots::default(), reason.to_owned()));
        };
        let registration = &claimed.registration;
        let (event_id, address) = (&registration.event_id, &registration.email);
        let slots = EmailSlots::take(self.store, caps, event_id, address, now).await;
        match slots.refusal().map(str::to_owned) {
            None => Ok(slots),
            Some(reason) => Err((slots, reason)),
        }
    }

    /// The token the email's links carry. A confirmation retry's is new (the
    /// first one's secret was never stored) and is stored now; `Err` with the
    /// reason and the attempt it counts when it could not be.
    async fn token_for(
        &self,
        claimed: &mut Claimed,
    ) -> Result<ActionToken, (&'static str, Attempt)> {
        let key = claimed.registration.key();
        let token = match &claimed.token {
            Token::Claimed(token) | Token::Registered(token) => return Ok(token.clone()),
            Token::ToStore => ActionToken::generate(&key),
        };
        match self.store.add_token(&key, &token.hash()).await {
            Ok(true) => {
                claimed.token = Token::Claimed(token.clone());
                Ok(token)
            }
            // Each attempt left a link behind; past the bound, count this one so
            // the registration leaves the outbox after the usual attempts.
            Ok(false) => {
                tracing::warn!("no room for another confirmation link");
                Err(("too many confirmation links", Attempt::Counted))
            }
            Err(err) => {
                tracing::error!(error = %err, "could not store a new confirmation token");
                Err(("token not stored", Attempt::NotCounted))
            }
        }
    }
}
