//! Which program a participant's request is for: the form of `GET /` (the only
//! open program, the list of the open ones, or the closed page), the form of
//! `GET /programs/{id}`, and the program a posted registration names (or the
//! one it means when it names none). Programs come through the registrar's
//! cached [`ProgramReader`](crate::program::ProgramReader).

use super::registering::{RegisterError, Registrar};
use crate::domain::RawValue;
use crate::mail::Mailer;
use crate::platform::clock::Clock;
use crate::program::{ProgramId, ProgramSettings, ProgramSource};
use crate::store::{LimitCounters, Outboxes, Registrations, StoreError, Tokens};
use std::sync::Arc;

/// What `GET /` shows.
#[derive(Debug)]
pub enum Home {
    /// The form of the only program open for registration.
    Form(Arc<ProgramSettings>),
    /// Several are open: a list, each with a link to its form.
    List(Vec<Arc<ProgramSettings>>),
    /// None is open: the closed page, naming the deployment's own program
    /// when it has one.
    Closed(Option<Arc<ProgramSettings>>),
}

/// What `GET /programs/{id}` shows.
#[derive(Debug)]
pub enum ProgramPage {
    Form(Arc<ProgramSettings>),
    NotYetOpen(Arc<ProgramSettings>),
    Closed(Arc<ProgramSettings>),
    /// No program has this id (or it cannot be one).
    NotFound,
}

impl<S, M, C, P> Registrar<S, M, C, P>
where
    S: Registrations + Tokens + Outboxes + LimitCounters,
    M: Mailer + Clone + 'static,
    C: Clock + Clone + 'static,
    P: ProgramSource<Error = StoreError>,
{
    /// What `GET /` shows now.
    pub async fn home(&self) -> Result<Home, StoreError> {
        let mut open = self.programs.open_programs(self.clock.now()).await?;
        Ok(match open.len() {
            0 => Home::Closed(self.programs.own()),
            1 => Home::Form(open.remove(0)),
            _ => Home::List(open),
        })
    }

    /// What `GET /programs/{id}` shows now.
    pub async fn program_page(&self, id: &str) -> Result<ProgramPage, StoreError> {
        let Some(program) = self.program_named(id).await? else {
            return Ok(ProgramPage::NotFound);
        };
        Ok(match self.window_check(&program) {
            Ok(()) => ProgramPage::Form(program),
            Err(RegisterError::NotOpen) => ProgramPage::NotYetOpen(program),
            Err(_) => ProgramPage::Closed(program),
        })
    }

    /// Whether every program the deployment has is past its closing, so that a
    /// post is refused as closed before its body is read, whatever it names.
    pub async fn all_closed(&self) -> Result<bool, StoreError> {
        let now = self.clock.now();
        let programs = self.programs.programs().await?;
        Ok(programs.iter().all(|p| now >= p.registration_closes_at))
    }

    /// The program a posted registration is for: the one it names; without a
    /// name, the deployment's own program, else the only open one. Its window
    /// is [`Registrar::window_check`]'s.
    pub async fn program_for(
        &self,
        requested: &RawValue,
    ) -> Result<Arc<ProgramSettings>, RegisterError> {
        let named = match requested {
            RawValue::Absent => None,
            RawValue::Text(text) if text.trim().is_empty() => None,
            RawValue::Text(text) => Some(text.trim()),
            RawValue::Flag(_) | RawValue::Other => return Err(RegisterError::UnknownProgram),
        };
        let program = match named {
            Some(id) => self
                .program_named(id)
                .await
                .map_err(RegisterError::Store)?
                .ok_or(RegisterError::UnknownProgram)?,
            None => self.default_program().await?,
        };
        Ok(program)
    }

    /// The program a post without `program` is for.
    async fn default_program(&self) -> Result<Arc<ProgramSettings>, RegisterError> {
        if let Some(own) = self.programs.own() {
            return Ok(own);
        }
        let now = self.clock.now();
        let mut open = self
            .programs
            .open_programs(now)
            .await
            .map_err(RegisterError::Store)?;
        match open.len() {
            1 => Ok(open.remove(0)),
            _ => Err(RegisterError::ProgramRequired),
        }
    }

    /// The program of this id; `None` for an id no program has or can have.
    async fn program_named(&self, id: &str) -> Result<Option<Arc<ProgramSettings>>, StoreError> {
        // The deployment's own id may be any of the slugs stacks allowed before
        // programs were data, so the wider rule decides what can be an id.
        let Ok(id) = ProgramId::own(id) else {
            return Ok(None);
        };
        self.programs.get(&id).await
    }
}
