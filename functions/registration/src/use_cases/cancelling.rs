//! The cancellation use case: the link's page shows what cancelling would do and
//! changes nothing; the action withdraws the registration (a pending one is
//! deleted with everything it held). A freed seat goes to the first in line
//! of its program right after the response, with the email that tells them.

use crate::config::CancelConfig;
use crate::domain::lifecycle::RegistrationStatus;
use crate::mail::Mailer;
use crate::platform::after_response::AfterResponse;
use crate::platform::clock::{Clock, random_hex};
use crate::program::ProgramSettings;
use crate::store::{
    CancelOutcome, Freed, LimitCounters, Outbox, Outboxes, Registration, Seats, SharedPrograms,
    Tokens,
};
use crate::use_cases::action::{ActionError, link_program, resolve};
use crate::use_cases::owed_email::OwedEmails;
use jiff::Timestamp;
use std::sync::Arc;
use tracing::Instrument;

/// The errors of a cancel link's page and action.
pub type CancelError = ActionError;

/// What a cancel link's page shows.
#[derive(Debug, Clone, PartialEq)]
pub enum CancelPage {
    /// It can be cancelled: the page shows the button.
    Active(Registration),
    AlreadyCancelled(Registration),
}

/// What the cancellation did (or had already done).
#[derive(Debug, Clone, PartialEq)]
pub enum Cancelled {
    /// A confirmed or waitlisted registration is now cancelled.
    Now(Registration),
    /// It already was.
    Already(Registration),
    /// A pending registration ("this wasn't me") was deleted; as it was.
    Deleted(Registration),
}

impl Cancelled {
    pub fn registration_id(&self) -> &str {
        match self {
            Self::Now(r) | Self::Already(r) | Self::Deleted(r) => &r.registration_id,
        }
    }
}

pub struct Canceller<S, M, C> {
    pub config: CancelConfig,
    pub store: S,
    pub mailer: M,
    pub clock: C,
    /// Every program's settings, cached (the process's one reader).
    pub programs: SharedPrograms,
    /// Freed seats are given, and their emails sent, here, after the response.
    pub after_response: AfterResponse,
}

impl<
    S: Tokens + Seats + Outboxes + LimitCounters,
    M: Mailer + Clone + 'static,
    C: Clock + Clone + 'static,
> Canceller<S, M, C>
{
    pub fn new(
        config: CancelConfig,
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

    /// The page behind the link. Changes nothing.
    pub async fn check(&self, token: Option<&str>) -> Result<CancelPage, CancelError> {
        let (registration, _) = self.resolve(token).await?;
        Ok(match registration.status {
            RegistrationStatus::Cancelled => CancelPage::AlreadyCancelled(registration),
            _ => CancelPage::Active(registration),
        })
    }

    /// The button: withdraw the registration (idempotently).
    pub async fn cancel(&self, token: Option<&str>) -> Result<Cancelled, CancelError> {
        let (registration, program) = self.resolve(token).await?;
        let span =
            tracing::info_span!("registration", registration_id = %registration.registration_id);
        async {
            let now = self.clock.now();
            let outcome = self
                .store
                .cancel(&registration.key(), now)
                .await
                .map_err(ActionError::Store)?;
            match outcome {
                CancelOutcome::Cancelled(cancelled, freed) => {
                    tracing::info!(?freed, "registration cancelled");
                    // What this cancel's own write freed, not the status first read.
                    if freed == Freed::Seat {
                        self.fill_freed_seat(program, now);
                    }
                    Ok(Cancelled::Now(cancelled))
                }
                CancelOutcome::Deleted(deleted) => {
                    tracing::info!("pending registration deleted");
                    Ok(Cancelled::Deleted(deleted))
                }
                CancelOutcome::Refused(Some(current)) => Ok(Cancelled::Already(current)),
                CancelOutcome::Refused(None) => Err(ActionError::UnknownToken),
            }
        }
        .instrument(span)
        .await
    }

    /// After the response: the freed seat goes to the first in line of the
    /// same program, who is emailed (with the Zoom link once links go out).
    fn fill_freed_seat(&self, program: Arc<ProgramSettings>, now: Timestamp) {
        let (config, store) = (self.config.clone(), self.store.clone());
        let (mailer, clock) = (self.mailer.clone(), self.clock.clone());
        self.after_response.defer(async move {
            fill_freed_seats(&config, &program, &store, &mailer, &clock, now).await;
        });
    }

    async fn resolve(
        &self,
        token: Option<&str>,
    ) -> Result<(Registration, Arc<ProgramSettings>), CancelError> {
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

/// Give every free seat of `program` to its first in line and send each
/// promoted participant their email. A failure is logged: the next send-links
/// run fills the seat and sends what is owed.
pub async fn fill_freed_seats<S: Seats + Outboxes + Tokens + LimitCounters, M: Mailer, C: Clock>(
    config: &CancelConfig,
    program: &ProgramSettings,
    store: &S,
    mailer: &M,
    clock: &C,
    now: Timestamp,
) {
    let owes = if program.links_open(now) {
        Outbox::Link
    } else {
        Outbox::Promotion
    };
    let event = program.event(&config.table_name);
    let event_id = &event.event_id;
    let owed = OwedEmails {
        event: &event,
        zoom: program.zoom_join_url.as_ref(),
        caps: None,
        store,
        mailer,
        clock,
    };
    loop {
        let promoted = match store
            .promote_next(event_id, program.capacity, owes, now)
            .await
        {
            Ok(Some(promoted)) => promoted,
            Ok(None) => return,
            Err(err) => {
                tracing::error!(error = %err, "could not give a freed seat; the next send-links run will");
                return;
            }
        };
        tracing::info!(registration_id = %promoted.registration_id, "a freed seat went to the first in line");
        let owner = format!("cancel:{}", random_hex::<6>());
        let lease_for = config.delivery.claim_lease;
        owed.deliver(&promoted.key(), owes, &owner, lease_for).await;
    }
}
