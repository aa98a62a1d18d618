//! Links in emails: a token names its registration, found by one key lookup.
//! Resolving one is the first step of every page and action behind a link
//! (confirm, cancel); a GET of such a page changes nothing.

use crate::config::EventConfig;
use crate::domain::action_token::ActionToken;
use crate::store::{Registration, StoreError, Tokens};
use jiff::Timestamp;

/// Why a link's page or action cannot go ahead.
#[derive(Debug, thiserror::Error)]
pub enum ActionError {
    #[error("the link has no token")]
    MissingToken,
    #[error("the token is unknown or was altered")]
    UnknownToken,
    #[error("the event has started")]
    EventStarted,
    #[error("the registration could not be read or changed")]
    Store(#[source] StoreError),
}

/// The registration a link's token names, while the event has not started.
pub async fn resolve(
    store: &impl Tokens,
    event: &EventConfig,
    now: Timestamp,
    token: Option<&str>,
) -> Result<Registration, ActionError> {
    let token = token
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or(ActionError::MissingToken)?;
    if now >= event.starts_at {
        return Err(ActionError::EventStarted);
    }
    let token = ActionToken::parse(token).ok_or(ActionError::UnknownToken)?;
    let key = token
        .key(&event.event_id)
        .ok_or(ActionError::UnknownToken)?;
    store
        .find_by_token(&key, &token.hash())
        .await
        .map_err(ActionError::Store)?
        // An expired unconfirmed registration counts as absent.
        .filter(|registration| !registration.is_expired(now))
        .ok_or(ActionError::UnknownToken)
}
