//! The confirmation use case: a token from a link names its registration's key;
//! one read of that key fetches the registration and checks the token, then one
//! conditional write moves it from pending to confirmed (idempotently).

use crate::clock::Clock;
use crate::config::ConfirmConfig;
use crate::store::{ConfirmOutcome, Registration, RegistrationStore, StoreError};
use crate::token::ConfirmationToken;

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
        let key = Registration::key_of(&self.config.event.event_id, token.registration_key());
        let registration = self
            .store
            .find_by_token(&key, &token.hash())
            .await
            .map_err(ConfirmError::Store)?
            .ok_or(ConfirmError::UnknownToken)?;
        match self
            .store
            .confirm(&registration, now)
            .await
            .map_err(ConfirmError::Store)?
        {
            ConfirmOutcome::Confirmed(registration) => {
                tracing::info!(registration_id = %registration.registration_id, "registration confirmed");
                Ok(Confirmed::Now(registration))
            }
            ConfirmOutcome::AlreadyConfirmed(registration) => Ok(Confirmed::Already(registration)),
            ConfirmOutcome::NotFound => Err(ConfirmError::UnknownToken),
        }
    }
}
