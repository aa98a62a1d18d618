//! Sending through the pacer: every SES request takes a send slot, throttles and
//! server errors back off and retry, and repeated failures of different emails
//! stop the run as an SES outage.

use super::SendLinksStore;
use super::run::SendLinksRun;
use crate::mail::{MailError, Mailer, OutgoingEmail};
use crate::platform::clock::{Clock, random_bytes};
use std::sync::atomic::Ordering;
use std::time::Duration;
use tokio::time::Instant;

/// How often one send is retried after SES throttling or a server error, within
/// a run.
const SEND_RETRIES: u32 = 5;

/// One email's retries: how many were made, the next backoff, and how many
/// answers SES had given when this email first failed.
struct Retries {
    attempt: u32,
    backoff: Duration,
    answers_at_first_failure: Option<u64>,
}

impl<S, M, C> SendLinksRun<S, M, C>
where
    S: SendLinksStore,
    M: Mailer + 'static,
    C: Clock + 'static,
{
    /// Wait for a send slot and send, backing off and retrying while SES
    /// throttles or fails; each attempt takes its own slot, and the SES client
    /// makes no attempts of its own (`aws::sesv2_paced`). Nothing is awaited
    /// between the slot and the SES call, so the calls keep the pacer's spacing.
    /// An outage, or failures of three different emails in a row, stop the run;
    /// one email SES never answered (the call's timeout) is that email's
    /// failure, not retried at once since it may have left.
    /// An email that SES failed at every attempt while it sent or rejected others
    /// is reported as rejected: the email, not SES, is at fault, and this is one
    /// of the registration's bounded attempts. Without such evidence the failure
    /// is not counted: SES may be down for all.
    pub(super) async fn send_with_backoff(
        &self,
        email: &OutgoingEmail,
    ) -> Result<String, MailError> {
        let mut retries = Retries {
            attempt: 0,
            backoff: Duration::from_millis(200),
            answers_at_first_failure: None,
        };
        loop {
            if !self.pacer.ready_before(self.last_start).await {
                self.counters.out_of_time.store(true, Ordering::Relaxed);
                return Err(MailError::Deferred);
            }
            // SES went down while this send waited for its slot.
            if self.counters.ses_unavailable.load(Ordering::Relaxed) {
                return Err(MailError::Deferred);
            }
            let answers_before = self.counters.answers.load(Ordering::Relaxed);
            let result = self.send_links.mailer.send(email).await;
            if let Some(cause) = self.outage_in(&result, email, &mut retries) {
                // This email's own error stands: it tells whether it may have left.
                self.ses_down(&cause);
                return result;
            }
            match result {
                Err(
                    err @ (MailError::Throttled
                    | MailError::ServerError(_)
                    | MailError::ConnectionFailed(_)),
                ) if retries.attempt < SEND_RETRIES => {
                    if !self.back_off(&err, &mut retries).await {
                        return Err(err);
                    }
                }
                Err(MailError::ServerError(cause)) if self.others_went_through(&retries) => {
                    return Err(MailError::Rejected(format!(
                        "{cause}, {} times in a row",
                        retries.attempt + 1
                    )));
                }
                // Not retried: it may have left. SES answering others meanwhile
                // makes it this email's own failed attempt.
                Err(MailError::Unanswered { cause, .. }) => {
                    return Err(MailError::Unanswered {
                        cause,
                        others_answered: self.answered_since(answers_before),
                    });
                }
                done => return done,
            }
        }
    }

    /// What SES's answer says of SES itself: the cause, when it means an outage.
    fn outage_in(
        &self,
        result: &Result<String, MailError>,
        email: &OutgoingEmail,
        retries: &mut Retries,
    ) -> Option<String> {
        match result {
            Ok(_) | Err(MailError::Rejected(_)) => {
                self.counters.answered();
                None
            }
            Err(
                MailError::ServerError(cause)
                | MailError::ConnectionFailed(cause)
                | MailError::Unanswered { cause, .. },
            ) => {
                retries
                    .answers_at_first_failure
                    .get_or_insert_with(|| self.counters.answers.load(Ordering::Relaxed));
                self.counters
                    .failed(email.to.as_ref())
                    .then(|| cause.clone())
            }
            Err(MailError::Unavailable(cause)) => Some(cause.clone()),
            // A throttle tells nothing of whether SES is up.
            Err(MailError::Throttled | MailError::Deferred) => None,
        }
    }

    /// Sleep before the next attempt; `false`, having marked the run out of time,
    /// when the attempt would start too late.
    async fn back_off(&self, err: &MailError, retries: &mut Retries) -> bool {
        retries.attempt += 1;
        let jitter = Duration::from_millis(u64::from(random_bytes::<1>()[0]));
        let wake = Instant::now() + retries.backoff + jitter;
        if wake >= self.last_start {
            self.counters.out_of_time.store(true, Ordering::Relaxed);
            return false;
        }
        tracing::info!(attempt = retries.attempt, reason = %err, "SES did not take a send; backing off");
        tokio::time::sleep_until(wake).await;
        retries.backoff = (retries.backoff * 2).min(Duration::from_secs(5));
        true
    }

    /// Whether SES sent or rejected other emails since this one first failed,
    /// with no outage declared.
    fn others_went_through(&self, retries: &Retries) -> bool {
        retries
            .answers_at_first_failure
            .is_some_and(|at| self.answered_since(at))
    }

    /// Whether SES sent or rejected other emails since it had given `answers`,
    /// with no outage declared.
    fn answered_since(&self, answers: u64) -> bool {
        !self.counters.ses_unavailable.load(Ordering::Relaxed)
            && self.counters.answers.load(Ordering::Relaxed) > answers
    }

    /// SES is down: the run stops starting sends.
    fn ses_down(&self, cause: &str) {
        if !self.counters.ses_unavailable.swap(true, Ordering::Relaxed) {
            tracing::error!(cause, "SES unavailable; the run stops starting sends");
        }
    }
}

/// The run's mailer, which the owed-email pipeline sends through: a send slot
/// before every SES request, with the backoff and retries above.
pub(super) struct PacedMailer<'a, S, M, C> {
    pub(super) run: &'a SendLinksRun<S, M, C>,
}

#[async_trait::async_trait]
impl<S, M, C> Mailer for PacedMailer<'_, S, M, C>
where
    S: SendLinksStore,
    M: Mailer + 'static,
    C: Clock + 'static,
{
    async fn send(&self, email: &OutgoingEmail) -> Result<String, MailError> {
        self.run.send_with_backoff(email).await
    }
}
