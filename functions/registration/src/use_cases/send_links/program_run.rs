//! One program's share of a send-links run: its freed seats filled, its open
//! outboxes served with its own event and Zoom link, what it still owes
//! counted, and its metric.

use super::run::{Counters, SendLinksRun};
use super::{Pacer, REMAINING_COUNTED, SendLinks, SendLinksReport, SendLinksStore, outbox_step};
use crate::config::EventConfig;
use crate::mail::Mailer;
use crate::platform::clock::{Clock, random_hex};
use crate::program::ProgramSettings;
use crate::store::{DueCount, Outbox};
use std::sync::Arc;
use std::time::Duration;
use tokio::time::Instant;

impl<S, M, C> SendLinks<S, M, C>
where
    S: SendLinksStore,
    M: Mailer + 'static,
    C: Clock + 'static,
{
    /// `program`'s share of the run begun at `started` (`now` on the wall
    /// clock), through the run's `pacer`.
    pub(super) async fn run_program(
        self: &Arc<Self>,
        program: &Arc<ProgramSettings>,
        started: Instant,
        now: jiff::Timestamp,
        deadline: Instant,
        pacer: Arc<Pacer>,
    ) -> SendLinksReport {
        let event = program.event(&self.config.table_name);
        let mut report = SendLinksReport::default();
        let run = Arc::new(self.start_run(program, event, pacer, started, now, deadline));
        let links_open = program.links_open(now);
        if !links_open {
            report.skipped = Some("before-links-send-at");
        }
        let empty = self.serve(&run, now, links_open, &mut report).await;
        run.counters.fill(&mut report, run.last_start_is);
        self.count_remaining(&run.event, &empty, &mut report).await;
        // An unknown count is no zero: the alarm gets no figure from this run.
        if !report.failed_steps.contains(&"link-count") {
            emit_metrics(program, &report, now);
        }
        report
    }

    /// Fill freed seats, then serve the open outboxes together. Links,
    /// promotions and reminders are time-critical before the start, so they
    /// come first in each round; every outbox gets a page a round. Returns
    /// the outboxes found empty.
    async fn serve(
        &self,
        run: &Arc<SendLinksRun<S, M, C>>,
        now: jiff::Timestamp,
        links_open: bool,
        report: &mut SendLinksReport,
    ) -> Vec<Outbox> {
        self.fill_freed_seats(&run.program, now, links_open, report)
            .await;
        let mut outboxes = vec![Outbox::Promotion];
        if links_open {
            outboxes.push(Outbox::Link);
        }
        if reminders_open(&run.program, now) {
            outboxes.push(Outbox::Reminder);
        }
        outboxes.push(Outbox::Confirmation);
        let served = SendLinksRun::serve_outboxes(run, &outboxes).await;
        for (outbox, _) in served.failures {
            report.failed_steps.push(outbox_step(outbox));
        }
        served.empty
    }

    /// What remains owed, into the report. The two counts are independent
    /// queries: one round trip instead of two; each reads at most
    /// REMAINING_COUNTED keys. An outbox this run found empty is not queried
    /// again (an idle run's cost): nothing was owed in it.
    async fn count_remaining(
        &self,
        event: &EventConfig,
        empty: &[Outbox],
        report: &mut SendLinksReport,
    ) {
        let event_id = &event.event_id;
        let count = |outbox: Outbox| async move {
            if empty.contains(&outbox) {
                return Ok(DueCount {
                    count: 0,
                    at_least: false,
                });
            }
            self.store
                .count_due_up_to(event_id, outbox, REMAINING_COUNTED)
                .await
        };
        let (links, confirmations) =
            futures::join!(count(Outbox::Link), count(Outbox::Confirmation));
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

    /// Give each of `program`'s seats freed since the last run (an
    /// organizer's cancel, a capacity raised, or a function that died before
    /// promoting) to its first in line. A failure ends only this step: the
    /// outboxes are served all the same.
    async fn fill_freed_seats(
        &self,
        program: &ProgramSettings,
        now: jiff::Timestamp,
        links_open: bool,
        report: &mut SendLinksReport,
    ) {
        let owes = if links_open {
            Outbox::Link
        } else {
            Outbox::Promotion
        };
        let event_id = program.id.as_ref();
        loop {
            match self
                .store
                .promote_next(event_id, program.capacity, owes, now)
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

    /// A program's run state: no send starts at or after the program's start
    /// or the invocation's deadline less the safety margin, whichever is first.
    fn start_run(
        self: &Arc<Self>,
        program: &Arc<ProgramSettings>,
        event: EventConfig,
        pacer: Arc<Pacer>,
        started: Instant,
        now: jiff::Timestamp,
        deadline: Instant,
    ) -> SendLinksRun<S, M, C> {
        let by_deadline = deadline
            .checked_sub(self.config.safety_margin)
            .unwrap_or_else(Instant::now);
        // The program's start as an instant of this run's clock.
        let until_start =
            Duration::try_from(program.starts_at.duration_since(now)).unwrap_or(Duration::ZERO);
        let at_start = started.checked_add(until_start).unwrap_or(by_deadline);
        let (last_start, last_start_is) = if at_start < by_deadline {
            (at_start, "event-started")
        } else {
            (by_deadline, "deadline")
        };
        SendLinksRun {
            send_links: Arc::clone(self),
            program: Arc::clone(program),
            event,
            pacer,
            counters: Counters::default(),
            owner: format!("send-links:{}", random_hex::<8>()),
            last_start,
            last_start_is,
        }
    }
}

/// Whether `program`'s reminders go out at `now`: it has `reminder_before`
/// and that instant before the start is reached (the start stops every send).
fn reminders_open(program: &ProgramSettings, now: jiff::Timestamp) -> bool {
    program
        .reminder_before
        .and_then(|before| program.starts_at.checked_sub(before).ok())
        .is_some_and(|from| now >= from)
}

/// The program's metric for the alarm on links still owed in the last hour
/// before its start (0 outside that hour).
fn emit_metrics(program: &ProgramSettings, report: &SendLinksReport, now: jiff::Timestamp) {
    let last_hour = program
        .starts_at
        .checked_sub(jiff::SignedDuration::from_hours(1))
        .is_ok_and(|from| now >= from);
    let owed = if last_hour { report.remaining } else { 0 };
    crate::platform::metrics::emit(program.id.as_ref(), &[("LinksOwedBeforeStart", owed)]);
}
