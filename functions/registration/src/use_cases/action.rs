//! Links in emails: a token names its registration (and its program), found
//! by one key lookup.
//! Resolving one is the first step of every page and action behind a link
//! (confirm, cancel); a GET of such a page changes nothing.

use crate::domain::action_token::ActionToken;
use crate::program::{ProgramId, ProgramSettings, Programs};
use crate::store::{Registration, StoreError, Tokens};
use jiff::Timestamp;
use std::sync::Arc;

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

/// The program a link's token names, for its page's title, host and
/// languages (read through the cache, which resolving the token has just
/// filled); else the deployment's own; `None` when there is neither.
pub async fn link_program(
    programs: &dyn Programs<Error = StoreError>,
    own: Option<&ProgramSettings>,
    token: Option<&str>,
) -> Option<Arc<ProgramSettings>> {
    let own_id = own.map(|own| own.id.as_ref());
    let named = token
        .and_then(|token| ActionToken::parse(token.trim()))
        .and_then(|token| token.key(own_id))
        .and_then(|key| ProgramId::own(key.event_id()).ok());
    let program = match named {
        Some(id) => programs.program(&id).await.ok().flatten(),
        None => None,
    };
    program.or_else(|| own.map(|own| Arc::new(own.clone())))
}

/// The registration a link's token names, with its program's settings, while
/// that program has not started. A token naming a program this deployment
/// does not have (any more) is unknown, as a tampered one is.
pub async fn resolve(
    store: &impl Tokens,
    programs: &dyn Programs<Error = StoreError>,
    own: Option<&ProgramId>,
    now: Timestamp,
    token: Option<&str>,
) -> Result<(Registration, Arc<ProgramSettings>), ActionError> {
    let token = token
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or(ActionError::MissingToken)?;
    let token = ActionToken::parse(token).ok_or(ActionError::UnknownToken)?;
    let key = token
        .key(own.map(AsRef::as_ref))
        .ok_or(ActionError::UnknownToken)?;
    let id = ProgramId::own(key.event_id()).map_err(|_| ActionError::UnknownToken)?;
    let program = programs
        .program(&id)
        .await
        .map_err(ActionError::Store)?
        .ok_or(ActionError::UnknownToken)?;
    if now >= program.starts_at {
        return Err(ActionError::EventStarted);
    }
    let registration = store
        .find_by_token(&key, &token.hash())
        .await
        .map_err(ActionError::Store)?
        // An expired unconfirmed registration counts as absent.
        .filter(|registration| !registration.is_expired(now))
        .ok_or(ActionError::UnknownToken)?;
    Ok((registration, program))
}
