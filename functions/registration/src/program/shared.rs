//! The programs as a function's use cases share them: the process's one
//! [`ProgramReader`] behind a trait object, so that a use case needs no type
//! parameter for where programs are read from.

use super::{ProgramId, ProgramReader, ProgramSettings, ProgramSource};
use crate::platform::clock::Clock;
use async_trait::async_trait;
use std::sync::Arc;

/// Every program a function serves, each at most [`super::CACHE_FOR`] old.
#[async_trait]
pub trait Programs: Send + Sync {
    type Error: std::error::Error + Send + Sync + 'static;
    /// One program; `None` for an id no program has.
    async fn program(&self, id: &ProgramId) -> Result<Option<Arc<ProgramSettings>>, Self::Error>;
    /// Every program, the deployment's own first.
    async fn all(&self) -> Result<Vec<Arc<ProgramSettings>>, Self::Error>;
}

#[async_trait]
impl<S: ProgramSource, C: Clock> Programs for ProgramReader<S, C> {
    type Error = S::Error;

    async fn program(&self, id: &ProgramId) -> Result<Option<Arc<ProgramSettings>>, S::Error> {
        self.get(id).await
    }

    async fn all(&self) -> Result<Vec<Arc<ProgramSettings>>, S::Error> {
        self.programs().await
    }
}
