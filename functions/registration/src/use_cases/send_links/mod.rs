//! The send-links run: the Zoom link to every confirmed participant, and the
//! confirmation emails that failed at registration time.
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
mod rounds;
mod run;

pub use pacer::{Pacer, TokioClock};

use crate::config::SendLinksConfig;
use crate::mail::Mailer;
use crate::platform::clock::{Clock, random_hex};
use crate::store::{DueCount, LimitCounters, Outbox, Outboxes, Seats, Tokens};
use run::{Counters, SendLinksRun};
use serde::Serialize;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;
use tokio::time::Instant;

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
}

/// What a send-links run asks of the store: the outboxes and their tokens, the
/// seats freed since the last run, and the confirmation emails' caps.
pub trait SendLinksStore: Outboxes + Tokens + Seats + LimitCounters {}

impl<S: Outboxes + Tokens + Seats + LimitCounters> SendLinksStore for S {}

/// The send-links use case for one event: each call of [`SendLinks::run`] is one
/// send-links run.
pub struct SendLinks<S, M, C> {
    pub config: SendLinksConfig,
    pub store: S,
    pub mailer: M,
    pub clock: C,
}

impl<S, M, C> SendLinks<S, M, C>
where
    S: SendLinksStore,
    M: Mailer + 'static,
    C: Clock + 'static,
{
    pub fn new(config: SendLinksConfig, store: S, mailer: M, clock: C) -> Self {
        Self {
            config,
            store,
            mailer,
            clock,
        }
    }

    /// One send-links run, which must return before `deadline` (the invocation's).
    pub async fn run(self: &Arc<Self>, deadline: Instant) -> SendLinksReport {
        // Taken before the wall clock, so the event's start, placed on this run's
        // clock below, falls no later than the real one.
        let started = Instant::now();
        let now = self.clock.now();
        let event = &self.config.event;
        let mut report = SendLinksReport::default();
        if now >= event.starts_at {
            report.skipped = Some("event-started");
            tracing::info!(?report, "the event has started; nothing is sent");
            return report;
        }
        let run = Arc::new(self.start_run(started, now, deadline));
        let links_open = self.config.links_send_at.is_none_or(|at| now >= at);
        if !links_open {
            report.skipped = Some("before-links-send-at");
        }
        self.serve(&run, now, links_open, &mut report).await;
        run.counters.fill(&mut report, run.last_start_is);
        self.count_remaining(&mut report).await;
        if report.failed_steps.is_empty() {
            tracing::info!(?report, "send-links run finished");
        } else {
            tracing::error!(?report, failed_steps = ?report.failed_steps, "send-links run finished; DynamoDB failed some steps");
        }
        // An unknown count is no zero: the alarm gets no figure from this run.
        if !report.failed_steps.contains(&"link-count") {
            self.emit_metrics(&report, now);
        }
        report
    }

    /// Fill freed seats, then serve the open outboxes together. Links,
    /// promotions and reminders are time-critical before the start, so they
    /// come first in each round; every outbox gets a page a round.
    async fn serve(
        &self,
        run: &Arc<SendLinksRun<S, M, C>>,
        now: jiff::Timestamp,
        links_open: bool,
        report: &mut SendLinksReport,
    ) {
        self.fill_freed_seats(now, links_open, report).await;
        let mut outboxes = vec![Outbox::Promotion];
        if links_open {
            outboxes.push(Outbox::Link);
        }
        if self.reminders_open(now) {
            outboxes.push(Outbox::Reminder);
        }
        outboxes.push(Outbox::Confirmation);
        for (outbox, _) in SendLinksRun::serve_outboxes(run, &outboxes).await {
            report.failed_steps.push(outbox_step(outbox));
        }
    }

    /// What remains owed, into the report. The two counts are independent
    /// queries: one round trip instead of two; each reads at most
    /// REMAINING_COUNTED keys.
    async fn count_remaining(&self, report: &mut SendLinksReport) {
        let event_id = &self.config.event.event_id;
        let (links, confirmations) = futures::join!(
            self.store
                .count_due_up_to(event_id, Outbox::Link, REMAINING_COUNTED),
            self.store
                .count_due_up_to(event_id, Outbox::Confirmation, REMAINING_COUNTED),
        );
        for (counted, step) in [
            (&links, "link-count"),
            (&confirmations, "confirmation-count"),
        ] {
            if let Err(err) = counted {
                tracing::error!(error = %err, step, "could not count an outbox; its remaining count is unknown");
                report.failed_steps.push(step);
            }
        }
        let count = |counted: &Result<DueCount, _>| counted.as_ref().map_or(0, |c| c.count);
        let at_least = |counted: &Result<DueCount, _>| counted.as_ref().is_ok_and(|c| c.at_least);
        report.remaining = count(&links);
        report.confirmations_remaining = count(&confirmations);
        report.remaining_at_least = at_least(&links) || at_least(&confirmations);
    }

    /// The run's metric for the alarm on links still owed in the last hour
    /// before the start (0 outside that hour).
    fn emit_metrics(&self, report: &SendLinksReport, now: jiff::Timestamp) {
        let starts_at = self.config.event.starts_at;
        let last_hour = starts_at
            .checked_sub(jiff::SignedDuration::from_hours(1))
            .is_ok_and(|from| now >= from);
        let owed = if last_hour { report.remaining } else { 0 };
        crate::platform::metrics::emit(
            &self.config.event.event_id,
            &[("LinksOwedBeforeStart", owed)],
        );
    }

    /// Whether reminders go out at `now`: `REMINDER_BEFORE` is set and its
    /// instant before the start is reached (the start itself stops every send).
    fn reminders_open(&self, now: jiff::Timestamp) -> bool {
        let starts_at = self.config.event.starts_at;
        self.config
            .reminder_before
            .and_then(|before| starts_at.checked_sub(before).ok())
            .is_some_and(|from| now >= from)
    }

    /// Give each seat freed since the last run (an organizer's cancel, or a
    /// function that died before promoting) to the first in line. A failure
    /// ends only this step: the outboxes are served all the same.
    async fn fill_freed_seats(
        &self,
        now: jiff::Timestamp,
        links_open: bool,
        report: &mut SendLinksReport,
    ) {
        let owes = if links_open {
            Outbox::Link
        } else {
            Outbox::Promotion
        };
        let event_id = &self.config.event.event_id;
        loop {
            match self
                .store
                .promote_next(event_id, self.config.capacity, owes, now)
                .await
            {
                Ok(Some(registration)) => {
                    tracing::info!(registration_id = %registration.registration_id, "a freed seat went to the first in line");
                    report.promoted += 1;
                }
                Ok(None) => return,
                Err(err) => {
                    tracing::error!(error = %err, "could not fill the freed seats; the outboxes are still served");
                    report.failed_steps.push("promotion");
                    return;
                }
            }
        }
    }

    /// A run's state: no send starts at or after the event's start or the
    /// invocation's deadline less the safety margin, whichever is first.
    fn start_run(
        self: &Arc<Self>,
        started: Instant,
        now: jiff::Timestamp,
        deadline: Instant,
    ) -> SendLinksRun<S, M, C> {
        let by_deadline = deadline
            .checked_sub(self.config.safety_margin)
            .unwrap_or_else(Instant::now);
        // The event's start as an instant of this run's clock.
        let until_start = Duration::try_from(self.config.event.starts_at.duration_since(now))
            .unwrap_or(Duration::ZERO);
        let at_start = started.checked_add(until_start).unwrap_or(by_deadline);
        let (last_start, last_start_is) = if at_start < by_deadline {
            (at_start, "event-started")
        } else {
            (by_deadline, "deadline")
        };
        SendLinksRun {
            send_links: Arc::clone(self),
            pacer: Pacer::per_second(self.config.rate_per_second),
            counters: Counters::default(),
            owner: format!("send-links:{}", random_hex::<8>()),
            last_start,
            last_start_is,
        }
    }

    /// How many sends may be under way at once: enough to reach the rate when SES
    /// takes up to a second, and no more, so a dead run can repeat little.
    fn max_in_flight(&self) -> usize {
        (self.config.rate_per_second as usize).clamp(1, 256)
    }
}

impl Counters {
    /// The run's counts, and why it stopped early, into its report.
    fn fill(&self, report: &mut SendLinksReport, last_start_is: &'static str) {
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
fn outbox_step(outbox: Outbox) -> &'static str {
    match outbox {
        Outbox::Confirmation => "confirmation-outbox",
        Outbox::Link => "link-outbox",
        Outbox::Promotion => "promotion-outbox",
        Outbox::Reminder => "reminder-outbox",
    }
}
