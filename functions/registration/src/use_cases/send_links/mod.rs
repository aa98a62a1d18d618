//! The send-links run: the Zoom link to every confirmed participant of every
//! program, and the confirmation emails that failed at registration time.
//!
//! A run lists the programs (the deployment's own and every published one,
//! one listing query cached at most 60 seconds) and serves each program that
//! has not started, soonest first, through one pacer: the programs share
//! `SEND_RATE_PER_SECOND` (SES's rate is the account's). Each program's
//! emails carry its own title, start and Zoom link; its seats and outboxes are
//! its own keys.
//!
//! Each registration that owes an email waits in a sparse outbox index. A run
//! pages through it, and for each key: claims the registration with an expiring
//! lease (a conditional update, so two runs never both send), waits for a send
//! slot (a token bucket at `SEND_RATE_PER_SECOND`, taken right before the SES
//! call, so how long the claim took cannot bunch sends), sends, and records the
//! outcome. A run that dies leaves only its leases, which expire on their own.
//! No send starts once the run's deadline (less the safety margin) or the
//! event's start is reached, whichever comes first. The outboxes share the run:
//! round after round, one page of each (see [`rounds`]). A step that fails
//! (filling freed seats, one outbox's query, a count) is logged with its cause,
//! the other steps still run, and the report names it.

mod backoff;
mod pacer;
mod program_run;
mod rounds;
mod run;

pub use pacer::{Pacer, TokioClock};

use crate::config::SendLinksConfig;
use crate::mail::Mailer;
use crate::platform::clock::Clock;
use crate::program::ProgramSettings;
use crate::store::{LimitCounters, Outbox, Outboxes, Seats, SharedPrograms, Tokens};
use run::Counters;
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use tokio::time::Instant;
use tracing::Instrument;

/// How many owed emails a run's report counts at most: counting the whole
/// outbox would make every run's cost grow with the queue.
pub const REMAINING_COUNTED: u32 = 1000;

/// What a send-links run did, returned to the scheduler and logged.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SendLinksReport {
    /// Link emails sent.
    pub sent: u64,
    /// Link emails SES refused (recorded on the registration, retried by later runs).
    pub failed: u64,
    /// Registrations still owed a link after this run (at most
    /// [`REMAINING_COUNTED`]: see `remaining_at_least`).
    pub remaining: u64,
    pub confirmations_sent: u64,
    pub confirmations_failed: u64,
    pub confirmations_remaining: u64,
    /// The remaining counts stopped at [`REMAINING_COUNTED`]: at least that many
    /// wait, and the next runs serve them.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub remaining_at_least: bool,
    /// Waitlisted registrations given a seat freed since the last run.
    pub promoted: u64,
    /// Promotion emails sent (a seat freed before links go out).
    pub promotions_sent: u64,
    /// Reminders sent (from `EVENT_STARTS_AT - REMINDER_BEFORE` on).
    pub reminders_sent: u64,
    /// Why the run sent nothing at all, if so.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skipped: Option<&'static str>,
    /// Why the run stopped before its work was done, if so.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stopped: Option<&'static str>,
    /// The steps DynamoDB failed (`promotion`, `<outbox>-outbox`,
    /// `<outbox>-count`); every other step ran. The invocation then fails.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub failed_steps: Vec<&'static str>,
    /// Each program served (not yet started), by id: its link emails.
    pub programs: BTreeMap<String, ProgramReport>,
}

/// One program's part of a run's report: its link emails sent, failed and
/// still owed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ProgramReport {
    pub sent: u64,
    pub failed: u64,
    pub remaining: u64,
}

impl SendLinksReport {
    /// A program's run, added to the whole run's report.
    fn add(&mut self, id: &str, part: SendLinksReport) {
        let program = ProgramReport {
            sent: part.sent,
            failed: part.failed,
            remaining: part.remaining,
        };
        self.programs.insert(id.to_owned(), program);
        self.sent += part.sent;
        self.failed += part.failed;
        self.remaining += part.remaining;
        self.confirmations_sent += part.confirmations_sent;
        self.confirmations_failed += part.confirmations_failed;
        self.confirmations_remaining += part.confirmations_remaining;
        self.remaining_at_least |= part.remaining_at_least;
        self.promoted += part.promoted;
        self.promotions_sent += part.promotions_sent;
        self.reminders_sent += part.reminders_sent;
        self.stopped = self.stopped.or(part.stopped);
        for step in part.failed_steps {
            if !self.failed_steps.contains(&step) {
                self.failed_steps.push(step);
            }
        }
    }
}

/// What a send-links run asks of the store: the outboxes and their tokens, the
/// seats freed since the last run, and the confirmation emails' caps.
pub trait SendLinksStore: Outboxes + Tokens + Seats + LimitCounters {}

impl<S: Outboxes + Tokens + Seats + LimitCounters> SendLinksStore for S {}

/// The send-links use case: each call of [`SendLinks::run`] is one
/// send-links run over every program.
pub struct SendLinks<S, M, C> {
    pub config: SendLinksConfig,
    pub store: S,
    pub mailer: M,
    pub clock: C,
    /// Every program's settings, cached (the process's one reader).
    pub programs: SharedPrograms,
}

impl<S, M, C> SendLinks<S, M, C>
where
    S: SendLinksStore,
    M: Mailer + 'static,
    C: Clock + 'static,
{
    pub fn new(
        config: SendLinksConfig,
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
        }
    }

    /// One send-links run, which must return before `deadline` (the
    /// invocation's): every program not yet started, soonest first, through
    /// one pacer. Once the deadline or an SES outage stops one program's
    /// share, the programs after it are not started.
    pub async fn run(self: &Arc<Self>, deadline: Instant) -> SendLinksReport {
        // Taken before the wall clock, so a program's start, placed on this
        // run's clock, falls no later than the real one.
        let started = Instant::now();
        let now = self.clock.now();
        let mut report = SendLinksReport::default();
        let due = match self.programs_due(now).await {
            Ok(due) => due,
            Err(()) => {
                report.failed_steps.push("programs");
                tracing::error!(
                    ?report,
                    "send-links run finished; the programs could not be read"
                );
                return report;
            }
        };
        if due.is_empty() {
            report.skipped = Some("event-started");
            tracing::info!(?report, "no program before its start; nothing is sent");
            return report;
        }
        let pacer = Arc::new(Pacer::per_second(self.config.rate_per_second));
        let mut skipped = Vec::new();
        for program in &due {
            if matches!(report.stopped, Some("deadline" | "ses-unavailable")) {
                break;
            }
            let span = tracing::info_span!("program", program = %program.id);
            let part = self
                .run_program(program, started, now, deadline, Arc::clone(&pacer))
                .instrument(span)
                .await;
            skipped.push(part.skipped);
            report.add(program.id.as_ref(), part);
        }
        // Skipped as a whole only when every program was, for one reason.
        report.skipped = skipped[0].filter(|_| skipped.iter().all(|s| *s == skipped[0]));
        if report.failed_steps.is_empty() {
            tracing::info!(?report, "send-links run finished");
        } else {
            tracing::error!(?report, failed_steps = ?report.failed_steps, "send-links run finished; DynamoDB failed some steps");
        }
        report
    }

    /// The programs with emails possibly due: every one not yet started (closed
    /// ones too), soonest first. `Err` (logged) when they could not be read.
    async fn programs_due(&self, now: jiff::Timestamp) -> Result<Vec<Arc<ProgramSettings>>, ()> {
        let mut programs = self.programs.all().await.map_err(|err| {
            tracing::error!(error = %err, "could not read the programs; nothing is sent");
        })?;
        programs.retain(|program| now < program.starts_at);
        programs.sort_by_key(|program| program.starts_at);
        Ok(programs)
    }

    /// How many sends may be under way at once: enough to reach the rate when SES
    /// takes up to a second, and no more, so a dead run can repeat little.
    fn max_in_flight(&self) -> usize {
        (self.config.rate_per_second as usize).clamp(1, 256)
    }
}

impl Counters {
    /// The run's counts, and why it stopped early, into its report.
    pub(super) fn fill(&self, report: &mut SendLinksReport, last_start_is: &'static str) {
        report.sent = self.sent.load(Ordering::Relaxed);
        report.failed = self.failed.load(Ordering::Relaxed);
        report.confirmations_sent = self.confirmations_sent.load(Ordering::Relaxed);
        report.confirmations_failed = self.confirmations_failed.load(Ordering::Relaxed);
        report.promotions_sent = self.promotions_sent.load(Ordering::Relaxed);
        report.reminders_sent = self.reminders_sent.load(Ordering::Relaxed);
        report.stopped = if self.ses_unavailable.load(Ordering::Relaxed) {
            Some("ses-unavailable")
        } else if self.out_of_time.load(Ordering::Relaxed) {
            Some(last_start_is)
        } else {
            None
        };
    }
}

/// The report's name for serving `outbox`.
pub(super) fn outbox_step(outbox: Outbox) -> &'static str {
    match outbox {
        Outbox::Confirmation => "confirmation-outbox",
        Outbox::Link => "link-outbox",
        Outbox::Promotion => "promotion-outbox",
        Outbox::Reminder => "reminder-outbox",
    }
}
