//! One send-links run's work for each registration an outbox lists: the
//! owed-email pipeline through the run's paced mailer, and its outcome counted
//! for the report.

use super::SendLinks;
use super::SendLinksStore;
use super::backoff::PacedMailer;
use super::pacer::Pacer;
use crate::config::EventConfig;
use crate::domain::key::RegistrationKey;
use crate::mail::Mailer;
use crate::platform::clock::Clock;
use crate::program::ProgramSettings;
use crate::store::{Attempt, Outbox};
use crate::use_cases::owed_email::{Outcome, OwedEmails};
use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use tokio::time::Instant;

/// Three different emails that SES failed (a server error, or no connection),
/// with no email sent or rejected between them, mean that SES is down rather than
/// failing a request now and then. One email's own retries never make an outage.
const FAILING_EMAILS_MEAN_OUTAGE: usize = 3;

#[derive(Default)]
pub(super) struct Counters {
    pub(super) sent: AtomicU64,
    pub(super) failed: AtomicU64,
    pub(super) confirmations_sent: AtomicU64,
    pub(super) confirmations_failed: AtomicU64,
    pub(super) promotions_sent: AtomicU64,
    pub(super) reminders_sent: AtomicU64,
    pub(super) out_of_time: AtomicBool,
    pub(super) ses_unavailable: AtomicBool,
    /// The recipients SES failed since it last sent or rejected an email, and how
    /// often it sent or rejected one in this run.
    failing_emails: Mutex<HashSet<String>>,
    pub(super) answers: AtomicU64,
}

impl Counters {
    pub(super) fn stopping(&self) -> bool {
        self.out_of_time.load(Ordering::Relaxed) || self.ses_unavailable.load(Ordering::Relaxed)
    }

    /// SES sent or rejected an email: it is up, and a failure streak ends.
    pub(super) fn answered(&self) {
        self.answers.fetch_add(1, Ordering::Relaxed);
        self.failing_emails.lock().expect("not poisoned").clear();
    }

    /// An owed email's outcome, into the report's counts: a failure only when
    /// it counted against the participant.
    fn count(&self, outbox: Outbox, outcome: Outcome) {
        let counter = match (outcome, outbox) {
            (Outcome::Sent, Outbox::Confirmation) => &self.confirmations_sent,
            (Outcome::Sent, Outbox::Promotion) => &self.promotions_sent,
            (Outcome::Sent, Outbox::Reminder) => &self.reminders_sent,
            (Outcome::Sent, Outbox::Link) => &self.sent,
            (Outcome::Failed(Attempt::Counted), Outbox::Confirmation) => &self.confirmations_failed,
            (Outcome::Failed(Attempt::Counted), _) => &self.failed,
            _ => return,
        };
        counter.fetch_add(1, Ordering::Relaxed);
    }

    /// SES failed an email to `recipient`; whether the streak now means an outage.
    pub(super) fn failed(&self, recipient: &str) -> bool {
        let mut failing = self.failing_emails.lock().expect("not poisoned");
        failing.insert(recipient.to_owned());
        failing.len() >= FAILING_EMAILS_MEAN_OUTAGE
    }
}

/// One send-links run's state for one program.
pub(super) struct SendLinksRun<S, M, C> {
    pub(super) send_links: Arc<SendLinks<S, M, C>>,
    /// The program served, and the event its emails show.
    pub(super) program: Arc<ProgramSettings>,
    pub(super) event: EventConfig,
    /// The run's one pacer, shared by every program it serves.
    pub(super) pacer: Arc<Pacer>,
    pub(super) counters: Counters,
    pub(super) owner: String,
    /// No send starts at or after this instant.
    pub(super) last_start: Instant,
    /// What `last_start` is: the invocation's deadline or the program's start.
    pub(super) last_start_is: &'static str,
}

impl<S, M, C> SendLinksRun<S, M, C>
where
    S: SendLinksStore,
    M: Mailer + 'static,
    C: Clock + 'static,
{
    /// The owed-email pipeline for the registration at `key`, through the run's
    /// paced mailer (a send slot right before each SES request) and under the
    /// run's lease. Every failure is recorded on the registration or left to
    /// its lease; nothing here fails the run.
    pub(super) async fn serve(&self, key: &RegistrationKey, outbox: Outbox) {
        if Instant::now() >= self.last_start {
            self.counters.out_of_time.store(true, Ordering::Relaxed);
            return;
        }
        if self.counters.stopping() {
            return;
        }
        let send_links = &self.send_links;
        let config = &send_links.config;
        let owed = OwedEmails {
            event: &self.event,
            zoom: self.program.zoom_join_url.as_ref(),
            caps: Some(&config.email_limits),
            store: &send_links.store,
            mailer: &PacedMailer { run: self },
            clock: &send_links.clock,
        };
        let outcome = owed
            .deliver(key, outbox, &self.owner, config.claim_lease)
            .await;
        self.counters.count(outbox, outcome);
    }
}
