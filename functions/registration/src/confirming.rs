//! The confirmation use case: a token from a link names its registration's key;
//! one read of that key fetches the registration and checks the token, then one
//! conditional write moves it from pending to confirmed (idempotently).

use crate::clock::Clock;
use crate::config::ConfirmConfig;
use crate::lifecycle::{RegistrationStatus, Transition};
use crate::store::{Registration, RegistrationStore, StoreError, TransitionOutcome};
use crate::token::ConfirmationToken;
use tracing::Instrument;

#[derive(Debug, thiserror::Error)]
pub enum ConfirmError {
    #[error("the link has no token")]
    MissingToken,
    #[error("the token is unknown or was altered")]
    UnknownToken,
    #[error("the event has started")]
    EventStarted,
    #[error("the confirmation could not be stored")]
    Store(#[source] StoreError),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Confirmed {
    Now(Registration),
    Already(Registration),
}

pub struct Confirmer<S, C> {
    pub config: ConfirmConfig,
    pub store: S,
    pub clock: C,
}

impl<S: RegistrationStore, C: Clock> Confirmer<S, C> {
    pub fn new(config: ConfirmConfig, store: S, clock: C) -> Self {
        Self {
            config,
            store,
            clock,
        }
    }

    pub async fn confirm(&self, token: Option<&str>) -> Result<Confirmed, ConfirmError> {
        let token = token
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or(ConfirmError::MissingToken)?;
        let now = self.clock.now();
        if now >= self.config.event.starts_at {
            return Err(ConfirmError::EventStarted);
        }
        let token = ConfirmationToken::parse(token).ok_or(ConfirmError::UnknownToken)?;
        let key = token
            .key(&self.config.event.event_id)
            .ok_or(ConfirmError::UnknownToken)?;
        let registration = self
            .store
            .find_by_token(&key, &token.hash())
            .await
            .map_err(ConfirmError::Store)?
            .ok_or(ConfirmError::UnknownToken)?;
        let span =
            tracing::info_span!("registration", registration_id = %registration.registration_id);
        self.confirm_found(registration, now).instrument(span).await
    }

    /// Confirm a registration found by its token, unless it already is.
    async fn confirm_found(
        &self,
        registration: Registration,
        now: jiff::Timestamp,
    ) -> Result<Confirmed, ConfirmError> {
        if Transition::Confirm.apply(registration.status).is_err() {
            return match registration.status {
                RegistrationStatus::Confirmed => Ok(Confirmed::Already(registration)),
                // A cancelled (or waitlisted) registration's link confirms nothing.
                _ => Err(ConfirmError::UnknownToken),
            };
        }
        let outcome = self
            .store
            .transition(&registration.key(), Transition::Confirm, now)
            .await
            .map_err(ConfirmError::Store)?;
        match outcome {
            TransitionOutcome::Applied(registration) => {
                tracing::info!("registration confirmed");
                Ok(Confirmed::Now(registration))
            }
            // Another click confirmed it after it was read.
            TransitionOutcome::Refused(Some(r)) if r.status == RegistrationStatus::Confirmed => {
                Ok(Confirmed::Already(r))
            }
            TransitionOutcome::Refused(_) => Err(ConfirmError::UnknownToken),
        }
    }
}
