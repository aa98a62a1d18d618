//! The confirmation use case (double opt-in, then seats): the link's page shows
//! where the registration stands and changes nothing; the action confirms a
//! pending registration into a seat, or onto the waiting list when every seat is
//! taken. Confirmed at or after its program's `links_send_at`, the participant
//! gets the link email right after the response, through the claim send-links
//! uses. The token names the registration, whose key names its program: that
//! program's start, seats and Zoom link apply.

use crate::config::ConfirmConfig;
use crate::domain::lifecycle::RegistrationStatus;
use crate::mail::Mailer;
use crate::platform::after_response::AfterResponse;
use crate::platform::clock::{Clock, random_hex};
use crate::program::ProgramSettings;
use crate::store::{
    LimitCounters, Outbox, Outboxes, Registration, SeatOutcome, Seats, SharedPrograms, Tokens,
};
use crate::use_cases::action::{ActionError, link_program, resolve};
use crate::use_cases::owed_email::OwedEmails;
use jiff::Timestamp;
use std::sync::Arc;
use tracing::Instrument;

/// The errors of a confirmation link's page and action.
pub type ConfirmError = ActionError;

/// Where a registration stands, as its confirmation page shows it.
#[derive(Debug, Clone, PartialEq)]
pub enum ConfirmPage {
    /// Not confirmed yet: the page shows the button.
    Pending(Registration),
    Confirmed(Registration),
    /// Waiting for a seat, at this place in line (1 = next).
    Waitlisted(Registration, u32),
}

/// What the confirmation did (or had already done).
#[derive(Debug, Clone, PartialEq)]
pub enum Confirmed {
    /// It now holds a seat.
    Now(Registration),
    /// It already held one.
    Already(Registration),
    /// Every seat is taken: it waits (now, or already did) at this place in line.
    Waitlisted(Registration, u32),
}

pub struct Confirmer<S, M, C> {
    pub config: ConfirmConfig,
    pub store: S,
    pub mailer: M,
    pub clock: C,
    /// Every program's settings, cached (the process's one reader).
    pub programs: SharedPrograms,
    /// The link email of a late confirmation is sent here, after the response.
    pub after_response: AfterResponse,
}

impl<
    S: Tokens + Seats + Outboxes + LimitCounters,
    M: Mailer + Clone + 'static,
    C: Clock + Clone + 'static,
> Confirmer<S, M, C>
{
    pub fn new(
        config: ConfirmConfig,
        store: S,
        mailer: M,
        clock: C,
        programs: SharedPrograms,
    ) -> Self {
        Self {
            config,
            store,
            mailer,
            clock,
            programs,
            after_response: AfterResponse::default(),
        }
    }

    /// The page behind the link: where the registration stands. Changes nothing.
    pub async fn check(&self, token: Option<&str>) -> Result<ConfirmPage, ConfirmError> {
        let (registration, _) = self.resolve(token).await?;
        match registration.status {
            RegistrationStatus::Pending => Ok(ConfirmPage::Pending(registration)),
            RegistrationStatus::Confirmed => Ok(ConfirmPage::Confirmed(registration)),
            RegistrationStatus::Waitlisted => {
                let position = self.position(&registration).await?;
                Ok(ConfirmPage::Waitlisted(registration, position))
            }
            // A cancelled registration's link confirms nothing.
            RegistrationStatus::Cancelled => Err(ActionError::UnknownToken),
        }
    }

    /// The button: confirm a pending registration (idempotently).
    pub async fn confirm(&self, token: Option<&str>) -> Result<Confirmed, ConfirmError> {
        let (registration, program) = self.resolve(token).await?;
        let span =
            tracing::info_span!("registration", registration_id = %registration.registration_id);
        self.confirm_found(registration, program)
            .instrument(span)
            .await
    }

    async fn confirm_found(
        &self,
        registration: Registration,
        program: Arc<ProgramSettings>,
    ) -> Result<Confirmed, ConfirmError> {
        let now = self.clock.now();
        let outcome = match registration.status {
            RegistrationStatus::Pending => self
                .store
                .confirm_seat(&registration, program.capacity, now)
                .await
                .map_err(ActionError::Store)?,
            _ => SeatOutcome::Refused(Some(registration)),
        };
        match outcome {
            SeatOutcome::Confirmed(registration) => {
                tracing::info!("registration confirmed");
                self.send_link_if_due(&registration, program, now);
                Ok(Confirmed::Now(registration))
            }
            SeatOutcome::Waitlisted(registration, position) => {
                tracing::info!(position, "registration confirmed onto the waiting list");
                Ok(Confirmed::Waitlisted(registration, position))
            }
            SeatOutcome::Refused(Some(current)) => self.as_it_stands(current).await,
            SeatOutcome::Refused(None) => Err(ActionError::UnknownToken),
        }
    }

    /// A registration that was no longer pending: the answer says where it stands.
    async fn as_it_stands(&self, current: Registration) -> Result<Confirmed, ConfirmError> {
        match current.status {
            RegistrationStatus::Confirmed => Ok(Confirmed::Already(current)),
            RegistrationStatus::Waitlisted => {
                let position = self.position(&current).await?;
                Ok(Confirmed::Waitlisted(current, position))
            }
            RegistrationStatus::Pending | RegistrationStatus::Cancelled => {
                Err(ActionError::UnknownToken)
            }
        }
    }

    /// Confirmed once its program's links go out: its link email leaves
    /// after the response.
    fn send_link_if_due(
        &self,
        registration: &Registration,
        program: Arc<ProgramSettings>,
        now: Timestamp,
    ) {
        if !program.links_open(now) {
            return;
        }
        let (config, store) = (self.config.clone(), self.store.clone());
        let (mailer, clock) = (self.mailer.clone(), self.clock.clone());
        let key = registration.key();
        self.after_response.defer(async move {
            let event = program.event(&config.table_name);
            let owed = OwedEmails {
                event: &event,
                zoom: program.zoom_join_url.as_ref(),
                caps: None,
                store: &store,
                mailer: &mailer,
                clock: &clock,
            };
            let owner = format!("confirm:{}", random_hex::<6>());
            let lease_for = config.delivery.claim_lease;
            owed.deliver(&key, Outbox::Link, &owner, lease_for).await;
        });
    }

    async fn position(&self, registration: &Registration) -> Result<u32, ConfirmError> {
        let position = self
            .store
            .waitlist_position(&registration.key())
            .await
            .map_err(ActionError::Store)?;
        Ok(position.unwrap_or(0))
    }

    async fn resolve(
        &self,
        token: Option<&str>,
    ) -> Result<(Registration, Arc<ProgramSettings>), ConfirmError> {
        let now = self.clock.now();
        let own = self.config.own.as_ref().map(|own| &own.id);
        resolve(&self.store, self.programs.as_ref(), own, now, token).await
    }

    /// The program of the link's page: the one its token names, else the
    /// deployment's own.
    pub async fn page_program(&self, token: Option<&str>) -> Option<Arc<ProgramSettings>> {
        link_program(self.programs.as_ref(), self.config.own.as_ref(), token).await
    }
}
