//! The functions' view of the programs: read from the table, kept at most
//! [`CACHE_FOR`] per process, so a published change is served within a
//! minute while a warm function reads the table about once a minute, not
//! once a request. The deployment's own program (its variables), when it has
//! one, is served first and never read.

use super::{ProgramId, ProgramSettings};
use crate::platform::clock::Clock;
use async_trait::async_trait;
use jiff::{SignedDuration, Timestamp};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// How long a program read from the table is served before it is read again.
pub const CACHE_FOR: SignedDuration = SignedDuration::from_secs(60);

/// Where published programs are read from (the table).
#[async_trait]
pub trait ProgramSource: Send + Sync {
    /// Why a read failed (the store's error; kept apart so that programs do
    /// not depend on the store).
    type Error: std::error::Error + Send + Sync + 'static;
    /// One program; `None` when no program has this id.
    async fn program(&self, id: &ProgramId) -> Result<Option<ProgramSettings>, Self::Error>;
    /// Every published program.
    async fn programs(&self) -> Result<Vec<ProgramSettings>, Self::Error>;
}

/// What was read, and when.
#[derive(Default)]
struct Cache {
    /// Unknown ids too, so that a link to no program does not read the table
    /// each time it is followed.
    by_id: HashMap<ProgramId, (Timestamp, Option<Arc<ProgramSettings>>)>,
    all: Option<(Timestamp, Vec<Arc<ProgramSettings>>)>,
}

/// The programs, cached; cheap to share across requests (one per process).
pub struct ProgramReader<S, C> {
    source: S,
    clock: C,
    own: Option<Arc<ProgramSettings>>,
    cache: Mutex<Cache>,
}

impl<S: ProgramSource, C: Clock> ProgramReader<S, C> {
    pub fn new(source: S, clock: C) -> Self {
        Self {
            source,
            clock,
            own: None,
            cache: Mutex::new(Cache::default()),
        }
    }

    /// With the deployment's own program (from its variables): served for its
    /// id and listed with the others; a published program of that id is not.
    pub fn with_own(mut self, own: ProgramSettings) -> Self {
        self.own = Some(Arc::new(own));
        self
    }

    /// The deployment's own program, when it has one.
    pub fn own(&self) -> Option<Arc<ProgramSettings>> {
        self.own.clone()
    }

    fn fresh(&self, read_at: Timestamp) -> bool {
        self.clock.now() < read_at.saturating_add(CACHE_FOR).unwrap_or(read_at)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Cache> {
        // A panic elsewhere leaves nothing half-updated here: each write is one insert.
        self.cache.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// One program's settings, at most [`CACHE_FOR`] old; `None` for an id no
    /// program has.
    pub async fn get(&self, id: &ProgramId) -> Result<Option<Arc<ProgramSettings>>, S::Error> {
        if let Some(own) = self.own.as_ref().filter(|own| &own.id == id) {
            return Ok(Some(own.clone()));
        }
        {
            let cache = self.lock();
            if let Some((read_at, program)) = cache.by_id.get(id)
                && self.fresh(*read_at)
            {
                return Ok(program.clone());
            }
            if let Some((read_at, all)) = &cache.all
                && self.fresh(*read_at)
            {
                return Ok(all.iter().find(|p| &p.id == id).cloned());
            }
        }
        let read_at = self.clock.now();
        let program = self.source.program(id).await?.map(Arc::new);
        self.lock()
            .by_id
            .insert(id.clone(), (read_at, program.clone()));
        Ok(program)
    }

    /// Every program, the deployment's own first, then the published by id;
    /// at most [`CACHE_FOR`] old.
    pub async fn programs(&self) -> Result<Vec<Arc<ProgramSettings>>, S::Error> {
        let cached = {
            let cache = self.lock();
            cache
                .all
                .as_ref()
                .filter(|(read_at, _)| self.fresh(*read_at))
                .map(|(_, all)| all.clone())
        };
        let published = match cached {
            Some(all) => all,
            None => {
                let read_at = self.clock.now();
                let all: Vec<_> = self.source.programs().await?;
                let all: Vec<_> = all.into_iter().map(Arc::new).collect();
                self.lock().all = Some((read_at, all.clone()));
                all
            }
        };
        let own = self.own.iter().cloned();
        let own_id = self.own.as_ref().map(|own| own.id.clone());
        let others = published
            .into_iter()
            .filter(|p| Some(&p.id) != own_id.as_ref());
        Ok(own.chain(others).collect())
    }

    /// The programs open for registration at `now`.
    pub async fn open_programs(
        &self,
        now: Timestamp,
    ) -> Result<Vec<Arc<ProgramSettings>>, S::Error> {
        let mut programs = self.programs().await?;
        programs.retain(|p| p.is_open(now));
        Ok(programs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::platform::clock::FixedClock;
    use crate::program::parse_program_file;
    use std::sync::atomic::{AtomicU32, Ordering};

    /// Programs kept in memory, counting the reads: the table's stand-in for
    /// the cache's logic (the store itself is tested against DynamoDB Local).
    #[derive(Default)]
    struct Programs {
        stored: Mutex<Vec<ProgramSettings>>,
        reads: AtomicU32,
    }

    impl Programs {
        fn publish(&self, program: ProgramSettings) {
            let mut stored = self.stored.lock().unwrap();
            stored.retain(|p| p.id != program.id);
            stored.push(program);
        }
    }

    #[async_trait]
    impl ProgramSource for &Programs {
        type Error = std::convert::Infallible;
        async fn program(&self, id: &ProgramId) -> Result<Option<ProgramSettings>, Self::Error> {
            self.reads.fetch_add(1, Ordering::SeqCst);
            Ok(self
                .stored
                .lock()
                .unwrap()
                .iter()
                .find(|p| &p.id == id)
                .cloned())
        }
        async fn programs(&self) -> Result<Vec<ProgramSettings>, Self::Error> {
            self.reads.fetch_add(1, Ordering::SeqCst);
            Ok(self.stored.lock().unwrap().clone())
        }
    }

    fn program(id: &str, title: &str, opens: &str, closes: &str) -> ProgramSettings {
        let text = format!(
            "id = {id:?}\ntitle = {title:?}\nhost = \"H\"\nstarts_at = \"2030-01-10T10:00:00Z\"\n\
             timezone = \"UTC\"\nregistration_opens_at = {opens:?}\n\
             registration_closes_at = {closes:?}\nlanguages = [\"en\"]\n\
             zoom_join_url = \"https://zoom.us/j/1\"\n[text.en]\nsummary = \"s\"\n"
        );
        parse_program_file(&text, None).expect("valid")
    }

    fn at(instant: &str) -> Timestamp {
        instant.parse().unwrap()
    }

    fn id(id: &str) -> ProgramId {
        ProgramId::parse(id).unwrap()
    }

    #[tokio::test]
    async fn a_published_change_is_served_within_sixty_seconds_and_read_once_meanwhile() {
        let programs = Programs::default();
        programs.publish(program(
            "one",
            "First",
            "2030-01-01T00:00:00Z",
            "2030-01-09T00:00:00Z",
        ));
        let clock = FixedClock::at(at("2030-01-02T00:00:00Z"));
        let reader = ProgramReader::new(&programs, clock.clone());
        assert_eq!(
            reader.get(&id("one")).await.unwrap().unwrap().title,
            "First"
        );
        programs.publish(program(
            "one",
            "Renamed",
            "2030-01-01T00:00:00Z",
            "2030-01-09T00:00:00Z",
        ));
        clock.advance(SignedDuration::from_secs(59));
        assert_eq!(
            reader.get(&id("one")).await.unwrap().unwrap().title,
            "First"
        );
        assert_eq!(programs.reads.load(Ordering::SeqCst), 1);
        clock.advance(SignedDuration::from_secs(1));
        assert_eq!(
            reader.get(&id("one")).await.unwrap().unwrap().title,
            "Renamed"
        );
        assert_eq!(programs.reads.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn an_unknown_id_is_remembered_for_as_long() {
        let programs = Programs::default();
        let clock = FixedClock::at(at("2030-01-02T00:00:00Z"));
        let reader = ProgramReader::new(&programs, clock.clone());
        assert!(reader.get(&id("later")).await.unwrap().is_none());
        programs.publish(program(
            "later",
            "L",
            "2030-01-01T00:00:00Z",
            "2030-01-09T00:00:00Z",
        ));
        assert!(reader.get(&id("later")).await.unwrap().is_none());
        clock.advance(CACHE_FOR);
        assert!(reader.get(&id("later")).await.unwrap().is_some());
    }

    #[tokio::test]
    async fn open_programs_are_those_inside_their_window_at_now() {
        let programs = Programs::default();
        programs.publish(program(
            "early",
            "E",
            "2030-01-01T00:00:00Z",
            "2030-01-03T00:00:00Z",
        ));
        programs.publish(program(
            "late",
            "L",
            "2030-01-05T00:00:00Z",
            "2030-01-09T00:00:00Z",
        ));
        let clock = FixedClock::at(at("2030-01-02T00:00:00Z"));
        let reader = ProgramReader::new(&programs, clock.clone());
        let open = |list: Vec<Arc<ProgramSettings>>| -> Vec<String> {
            list.iter().map(|p| p.id.to_string()).collect()
        };
        assert_eq!(
            open(
                reader
                    .open_programs(at("2030-01-02T00:00:00Z"))
                    .await
                    .unwrap()
            ),
            ["early"]
        );
        assert_eq!(
            open(
                reader
                    .open_programs(at("2030-01-03T00:00:00Z"))
                    .await
                    .unwrap()
            ),
            [] as [&str; 0]
        );
        assert_eq!(
            open(
                reader
                    .open_programs(at("2030-01-05T00:00:00Z"))
                    .await
                    .unwrap()
            ),
            ["late"]
        );
        assert_eq!(
            programs.reads.load(Ordering::SeqCst),
            1,
            "one listing, cached"
        );
        // A fresh listing answers single reads too.
        assert_eq!(reader.get(&id("late")).await.unwrap().unwrap().title, "L");
        assert_eq!(programs.reads.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn the_deployments_own_program_is_served_first_and_never_read() {
        let programs = Programs::default();
        programs.publish(program(
            "own",
            "Published copy",
            "2030-01-01T00:00:00Z",
            "2030-01-09T00:00:00Z",
        ));
        programs.publish(program(
            "other",
            "O",
            "2030-01-01T00:00:00Z",
            "2030-01-09T00:00:00Z",
        ));
        let clock = FixedClock::at(at("2030-01-02T00:00:00Z"));
        let own = program(
            "own",
            "From the variables",
            "2030-01-01T00:00:00Z",
            "2030-01-09T00:00:00Z",
        );
        let reader = ProgramReader::new(&programs, clock).with_own(own);
        assert_eq!(
            reader.get(&id("own")).await.unwrap().unwrap().title,
            "From the variables"
        );
        assert_eq!(programs.reads.load(Ordering::SeqCst), 0);
        let titles: Vec<String> = reader
            .open_programs(at("2030-01-02T00:00:00Z"))
            .await
            .unwrap()
            .iter()
            .map(|p| p.title.clone())
            .collect();
        assert_eq!(titles, ["From the variables", "O"]);
    }
}
