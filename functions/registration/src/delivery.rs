//! The scheduled delivery run: the Zoom link to every confirmed participant, and
//! the confirmation emails that failed at registration time.
//!
//! Each registration that owes an email waits in a sparse outbox index. A run
//! pages through it, and for each key: claims the registration with an expiring
//! lease (a conditional update, so two runs never both send), waits for a send
//! slot (a token bucket at `SEND_RATE_PER_SECOND`, taken right before the SES
//! call, so how long the claim took cannot bunch sends), sends, and records the
//! outcome. A run that dies leaves only its leases, which expire on their own.
//! No send starts once the run's deadline (less the safety margin) or the
//! event's start is reached, whichever comes first.

use crate::clock::{Clock, random_bytes};
use crate::config::SendLinksConfig;
use crate::domain::{EmailAddress, RegistrationStatus};
use crate::mail::{MailError, Mailer, OutgoingEmail, link_email};
use crate::registering::send_confirmation;
use crate::store::{Lease, Outbox, Registration, RegistrationStore, StoreError};
use crate::token::ConfirmationToken;
use governor::clock::Clock as GovernorClock;
use governor::middleware::NoOpMiddleware;
use governor::state::{InMemoryState, NotKeyed};
use governor::{Quota, RateLimiter};
use serde::Serialize;
use std::collections::HashSet;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;
use tokio::time::Instant;

/// How many keys one outbox query returns.
const PAGE_SIZE: i32 = 100;

/// How often one send is retried after SES throttling or a server error, within
/// a run.
const SEND_RETRIES: u32 = 5;

/// Three different emails that SES failed (a server error, or no connection),
/// with no email sent or rejected between them, mean that SES is down rather than
/// failing a request now and then. One email's own retries never make an outage.
const FAILING_EMAILS_MEAN_OUTAGE: usize = 3;

/// The governor clock on tokio's time, so pacing follows tokio's (pausable) clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct TokioClock;

impl GovernorClock for TokioClock {
    type Instant = std::time::Instant;

    fn now(&self) -> Self::Instant {
        Instant::now().into_std()
    }
}

/// Paces sends: at most `rate` per second, evenly spaced (a token bucket of one).
pub struct Pacer {
    limiter: RateLimiter<NotKeyed, InMemoryState, TokioClock, NoOpMiddleware<std::time::Instant>>,
}

impl Pacer {
    pub fn per_second(rate: u32) -> Self {
        let rate = NonZeroU32::new(rate).unwrap_or(NonZeroU32::MIN);
        let quota = Quota::per_second(rate).allow_burst(NonZeroU32::MIN);
        Self {
            limiter: RateLimiter::direct_with_clock(quota, TokioClock),
        }
    }

    /// Wait for the next send slot, which is strictly before `until`: `false`,
    /// without waiting, when the slot would come at or after `until`, and `false`
    /// when waking for it came too late.
    pub async fn ready_before(&self, until: Instant) -> bool {
        loop {
            if Instant::now() >= until {
                return false;
            }
            match self.limiter.check() {
                Ok(()) => return true,
                Err(not_until) => {
                    let wait = not_until.wait_time_from(TokioClock.now());
                    if Instant::now() + wait >= until {
                        return false;
                    }
                    tokio::time::sleep(wait).await;
                }
            }
        }
    }
}

/// What a run did, returned to the scheduler and logged.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RunReport {
    /// Link emails sent.
    pub sent: u64,
    /// Link emails SES refused (recorded on the registration, retried by later runs).
    pub failed: u64,
    /// Registrations still owed a link after this run.
    pub remaining: u64,
    pub confirmations_sent: u64,
    pub confirmations_failed: u64,
    pub confirmations_remaining: u64,
    /// Why the run sent nothing at all, if so.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skipped: Option<&'static str>,
    /// Why the run stopped before its work was done, if so.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stopped: Option<&'static str>,
}

#[derive(Default)]
struct Counters {
    sent: AtomicU64,
    failed: AtomicU64,
    confirmations_sent: AtomicU64,
    confirmations_failed: AtomicU64,
    out_of_time: AtomicBool,
    ses_unavailable: AtomicBool,
    /// The recipients SES failed since it last sent or rejected an email, and how
    /// often it sent or rejected one in this run.
    failing_emails: Mutex<HashSet<String>>,
    answers: AtomicU64,
}

impl Counters {
    fn stopping(&self) -> bool {
        self.out_of_time.load(Ordering::Relaxed) || self.ses_unavailable.load(Ordering::Relaxed)
    }

    /// SES sent or rejected an email: it is up, and a failure streak ends.
    fn answered(&self) {
        self.answers.fetch_add(1, Ordering::Relaxed);
        self.failing_emails.lock().expect("not poisoned").clear();
    }

    /// SES failed an email to `recipient`; whether the streak now means an outage.
    fn failed(&self, recipient: &str) -> bool {
        let mut failing = self.failing_emails.lock().expect("not poisoned");
        failing.insert(recipient.to_owned());
        failing.len() >= FAILING_EMAILS_MEAN_OUTAGE
    }
}

/// Sends the links (and owed confirmation emails) for one event.
pub struct LinkSender<S, M, C> {
    pub config: SendLinksConfig,
    pub store: S,
    pub mailer: M,
    pub clock: C,
}

struct Run<S, M, C> {
    sender: Arc<LinkSender<S, M, C>>,
    pacer: Pacer,
    counters: Counters,
    owner: String,
    /// No send starts at or after this instant.
    last_start: Instant,
    /// What `last_start` is: the invocation's deadline or the event's start.
    last_start_is: &'static str,
}

impl<S, M, C> LinkSender<S, M, C>
where
    S: RegistrationStore + 'static,
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

    /// One run, which must return before `deadline` (the invocation's).
    pub async fn run(self: &Arc<Self>, deadline: Instant) -> Result<RunReport, StoreError> {
        // Taken before the wall clock, so the event's start, placed on this run's
        // clock below, falls no later than the real one.
        let started = Instant::now();
        let now = self.clock.now();
        let event = &self.config.event;
        let mut report = RunReport::default();
        if now >= event.starts_at {
            report.skipped = Some("event-started");
            tracing::info!(?report, "the event has started; nothing is sent");
            return Ok(report);
        }
        let by_deadline = deadline
            .checked_sub(self.config.safety_margin)
            .unwrap_or_else(Instant::now);
        // The event's start as an instant of this run's clock.
        let until_start =
            Duration::try_from(event.starts_at.duration_since(now)).unwrap_or(Duration::ZERO);
        let at_start = started.checked_add(until_start).unwrap_or(by_deadline);
        let (last_start, last_start_is) = if at_start < by_deadline {
            (at_start, "event-started")
        } else {
            (by_deadline, "deadline")
        };
        let run = Arc::new(Run {
            sender: Arc::clone(self),
            pacer: Pacer::per_second(self.config.rate_per_second),
            counters: Counters::default(),
            owner: format!("send-links:{}", hex(&random_bytes::<8>())),
            last_start,
            last_start_is,
        });
        let links_open = self.config.links_send_at.is_none_or(|at| now >= at);
        if !links_open {
            report.skipped = Some("before-links-send-at");
        }
        let served = async {
            Run::drain(&run, Outbox::Confirmation).await?;
            if links_open {
                Run::drain(&run, Outbox::Link).await?;
            }
            // The two counts are independent queries: one round trip instead of two.
            futures::try_join!(
                self.store.count_due(&event.event_id, Outbox::Link),
                self.store.count_due(&event.event_id, Outbox::Confirmation),
            )
        }
        .await;
        let c = &run.counters;
        report.sent = c.sent.load(Ordering::Relaxed);
        report.failed = c.failed.load(Ordering::Relaxed);
        report.confirmations_sent = c.confirmations_sent.load(Ordering::Relaxed);
        report.confirmations_failed = c.confirmations_failed.load(Ordering::Relaxed);
        report.stopped = if c.ses_unavailable.load(Ordering::Relaxed) {
            Some("ses-unavailable")
        } else if c.out_of_time.load(Ordering::Relaxed) {
            Some(run.last_start_is)
        } else {
            None
        };
        match served {
            Ok(remaining) => (report.remaining, report.confirmations_remaining) = remaining,
            Err(err) => {
                // The invocation fails, so what the run did before DynamoDB failed
                // is told here; what remains is unknown.
                tracing::error!(
                    error = %err,
                    sent = report.sent,
                    failed = report.failed,
                    confirmations_sent = report.confirmations_sent,
                    confirmations_failed = report.confirmations_failed,
                    stopped = report.stopped,
                    "delivery run ended early: DynamoDB failed"
                );
                return Err(err);
            }
        }
        tracing::info!(?report, "delivery run finished");
        Ok(report)
    }

    /// How many sends may be under way at once: enough to reach the rate when SES
    /// takes up to a second, and no more, so a dead run can repeat little.
    fn max_in_flight(&self) -> usize {
        (self.config.rate_per_second as usize).clamp(1, 256)
    }
}

impl<S, M, C> Run<S, M, C>
where
    S: RegistrationStore + 'static,
    M: Mailer + 'static,
    C: Clock + 'static,
{
    /// Serve one outbox until it is empty, the time is up or SES is down. When
    /// DynamoDB fails to list the outbox, the sends already under way finish and
    /// are recorded before the error is returned.
    async fn drain(run: &Arc<Self>, outbox: Outbox) -> Result<(), StoreError> {
        let sender = &run.sender;
        let slots = Arc::new(Semaphore::new(sender.max_in_flight()));
        let mut tasks = JoinSet::new();
        let mut cursor = None;
        let mut failed = None;
        'pages: loop {
            if run.counters.stopping() || Instant::now() >= run.last_start {
                break;
            }
            let page = match sender
                .store
                .due(&sender.config.event.event_id, outbox, cursor, PAGE_SIZE)
                .await
            {
                Ok(page) => page,
                Err(err) => {
                    failed = Some(err);
                    break;
                }
            };
            for pk in page.keys {
                let slot = Arc::clone(&slots)
                    .acquire_owned()
                    .await
                    .expect("the semaphore is never closed");
                if run.counters.stopping() {
                    break 'pages;
                }
                let run = Arc::clone(run);
                tasks.spawn(async move {
                    run.serve(&pk, outbox).await;
                    drop(slot);
                });
                // Collect finished tasks as we go so the set stays small.
                while tasks.try_join_next().is_some() {}
            }
            match page.next {
                Some(next) => cursor = Some(next),
                None => break,
            }
        }
        while tasks.join_next().await.is_some() {}
        failed.map_or(Ok(()), Err)
    }

    /// Claim, wait for a send slot, send, record. Every failure is recorded on the
    /// registration or left to its lease; nothing here fails the run.
    async fn serve(&self, pk: &str, outbox: Outbox) {
        if Instant::now() >= self.last_start {
            self.counters.out_of_time.store(true, Ordering::Relaxed);
            return;
        }
        if self.counters.stopping() {
            return;
        }
        let sender = &self.sender;
        let now = sender.clock.now();
        let lease = Lease {
            owner: self.owner.clone(),
            until: now.checked_add(sender.config.claim_lease).unwrap_or(now),
        };
        let queue = outbox.queue(&sender.config.event.event_id);
        let registration = match sender.store.claim(pk, &queue, &lease, now).await {
            Ok(Some(registration)) => registration,
            // Served meanwhile, or held by another run.
            Ok(None) => return,
            Err(err) => {
                tracing::error!(error = %err, "could not claim a registration");
                return;
            }
        };
        match outbox {
            Outbox::Link => self.send_link(&registration).await,
            Outbox::Confirmation => self.resend_confirmation(&registration).await,
        }
    }

    async fn send_link(&self, registration: &Registration) {
        let sender = &self.sender;
        let id = &registration.registration_id;
        if registration.status != RegistrationStatus::Confirmed {
            // Only confirmed registrations get a link; take it out of the outbox.
            let _ = sender
                .store
                .record_failure(
                    &registration.pk,
                    Outbox::Link,
                    &self.owner,
                    "not confirmed",
                    true,
                )
                .await;
            tracing::warn!(registration_id = %id, "a registration in the link outbox is not confirmed");
            return;
        }
        let Ok(to) = EmailAddress::parse(&registration.email) else {
            self.record_failure(
                registration,
                Outbox::Link,
                "the stored address is not deliverable",
                true,
            )
            .await;
            self.counters.failed.fetch_add(1, Ordering::Relaxed);
            return;
        };
        let email = link_email(
            &sender.config.event,
            to,
            &registration.full_name,
            id,
            &sender.config.zoom_join_url,
            sender.clock.now(),
        );
        match self.send_with_backoff(&email).await {
            Ok(message_id) => {
                let recorded = sender
                    .store
                    .record_sent(
                        &registration.pk,
                        Outbox::Link,
                        &self.owner,
                        &message_id,
                        sender.clock.now(),
                    )
                    .await;
                match recorded {
                    Ok(true) => {}
                    Ok(false) => {
                        tracing::warn!(registration_id = %id, "link sent after this run's lease was lost")
                    }
                    Err(err) => {
                        tracing::error!(error = %err, registration_id = %id, "link sent but not recorded; its lease expires and it may be sent again")
                    }
                }
                self.counters.sent.fetch_add(1, Ordering::Relaxed);
            }
            Err(err) => {
                let counted = matches!(err, MailError::Rejected(_));
                if counted {
                    self.counters.failed.fetch_add(1, Ordering::Relaxed);
                }
                self.record_failure(registration, Outbox::Link, &err.to_string(), counted)
                    .await;
            }
        }
    }

    async fn resend_confirmation(&self, registration: &Registration) {
        let sender = &self.sender;
        let id = &registration.registration_id;
        if registration.status != RegistrationStatus::Pending {
            let _ = sender
                .store
                .record_failure(
                    &registration.pk,
                    Outbox::Confirmation,
                    &self.owner,
                    "not pending",
                    true,
                )
                .await;
            return;
        }
        // The first token's secret was never stored, so a retry sends a new one.
        let token = ConfirmationToken::generate(registration.registration_key());
        let token_hash = token.hash();
        let not_stored = match sender.store.add_token(registration, &token_hash).await {
            Ok(true) => None,
            // Each attempt left a link behind; past the bound, count this one so
            // the registration leaves the outbox after the usual attempts.
            Ok(false) => {
                tracing::warn!(registration_id = %id, "no room for another confirmation link");
                Some(("too many confirmation links", true))
            }
            Err(err) => {
                tracing::error!(error = %err, registration_id = %id, "could not store a new confirmation token");
                Some(("token not stored", false))
            }
        };
        if let Some((reason, count_attempt)) = not_stored {
            self.record_failure(registration, Outbox::Confirmation, reason, count_attempt)
                .await;
            return;
        }
        let mailer = ThrottleRetrying { run: self };
        let outcome = send_confirmation(
            &mailer,
            &sender.config.event,
            registration,
            &token,
            &self.owner,
            sender.clock.now(),
        )
        .await;
        if matches!(&outcome.result, Err(err) if err.nothing_sent()) {
            // The link was never emailed: take its token back, so that runs cut
            // short and failed sends do not fill the registration with links
            // nobody received.
            if let Err(err) = sender
                .store
                .remove_token(&registration.pk, &token_hash)
                .await
            {
                tracing::error!(error = %err, registration_id = %id, "could not take back an unsent confirmation token");
            }
        }
        outcome.record(&sender.store).await;
        match outcome.result {
            Ok(_) => {
                self.counters
                    .confirmations_sent
                    .fetch_add(1, Ordering::Relaxed);
            }
            Err(MailError::Rejected(_)) => {
                self.counters
                    .confirmations_failed
                    .fetch_add(1, Ordering::Relaxed);
            }
            // Not the participant's doing; an outage has already stopped the run
            // (`send_with_backoff`).
            Err(
                MailError::Throttled
                | MailError::ServerError(_)
                | MailError::ConnectionFailed(_)
                | MailError::Unavailable(_)
                | MailError::Deferred,
            ) => {}
        }
    }

    /// Wait for a send slot and send, backing off and retrying while SES
    /// throttles or fails; each attempt takes its own slot, and the SES client
    /// makes no attempts of its own (`aws::sesv2_paced`). Nothing is awaited
    /// between the slot and the SES call, so the calls keep the pacer's spacing.
    /// An outage, or failures of [`FAILING_EMAILS_MEAN_OUTAGE`] emails in a row,
    /// stop the run. An email that SES failed at every attempt while it sent or
    /// rejected others is reported as rejected: the email, not SES, is at fault,
    /// and this is one of the registration's bounded attempts. Without such
    /// evidence the failure is not counted: SES may be down for all.
    async fn send_with_backoff(&self, email: &OutgoingEmail) -> Result<String, MailError> {
        let mut backoff = Duration::from_millis(200);
        let mut attempt = 0;
        // How many answers SES had given when this email first failed.
        let mut answers_at_first_failure = None;
        loop {
            if !self.pacer.ready_before(self.last_start).await {
                self.counters.out_of_time.store(true, Ordering::Relaxed);
                return Err(MailError::Deferred);
            }
            // SES went down while this send waited for its slot.
            if self.counters.ses_unavailable.load(Ordering::Relaxed) {
                return Err(MailError::Deferred);
            }
            let result = self.sender.mailer.send(email).await;
            let outage = match &result {
                Ok(_) | Err(MailError::Rejected(_)) => {
                    self.counters.answered();
                    None
                }
                Err(MailError::ServerError(cause) | MailError::ConnectionFailed(cause)) => {
                    answers_at_first_failure
                        .get_or_insert_with(|| self.counters.answers.load(Ordering::Relaxed));
                    self.counters
                        .failed(email.to.as_ref())
                        .then(|| cause.clone())
                }
                Err(MailError::Unavailable(cause)) => Some(cause.clone()),
                // A throttle tells nothing of whether SES is up.
                Err(MailError::Throttled | MailError::Deferred) => None,
            };
            if let Some(cause) = outage {
                // This email's own error stands: it tells whether it may have left.
                self.ses_down(&cause);
                return result;
            }
            match result {
                Err(
                    err @ (MailError::Throttled
                    | MailError::ServerError(_)
                    | MailError::ConnectionFailed(_)),
                ) if attempt < SEND_RETRIES => {
                    attempt += 1;
                    let jitter = Duration::from_millis(u64::from(random_bytes::<1>()[0]));
                    let wake = Instant::now() + backoff + jitter;
                    if wake >= self.last_start {
                        self.counters.out_of_time.store(true, Ordering::Relaxed);
                        return Err(err);
                    }
                    tracing::info!(attempt, reason = %err, "SES did not take a send; backing off");
                    tokio::time::sleep_until(wake).await;
                    backoff = (backoff * 2).min(Duration::from_secs(5));
                }
                Err(MailError::ServerError(cause))
                    if !self.counters.ses_unavailable.load(Ordering::Relaxed)
                        && answers_at_first_failure.is_some_and(|at| {
                            self.counters.answers.load(Ordering::Relaxed) > at
                        }) =>
                {
                    return Err(MailError::Rejected(format!(
                        "{cause}, {} times in a row",
                        attempt + 1
                    )));
                }
                done => return done,
            }
        }
    }

    /// SES is down: the run stops starting sends.
    fn ses_down(&self, cause: &str) {
        if !self.counters.ses_unavailable.swap(true, Ordering::Relaxed) {
            tracing::error!(cause, "SES unavailable; the run stops starting sends");
        }
    }

    async fn record_failure(
        &self,
        registration: &Registration,
        outbox: Outbox,
        reason: &str,
        counted: bool,
    ) {
        let id = &registration.registration_id;
        tracing::warn!(registration_id = %id, reason, counted, "email not sent");
        if let Err(err) = self
            .sender
            .store
            .record_failure(&registration.pk, outbox, &self.owner, reason, counted)
            .await
        {
            tracing::error!(error = %err, registration_id = %id, "could not record a failed email; its lease expires on its own");
        }
    }
}

/// The run's mailer for confirmation retries: the same pacing, backoff and
/// retries as links.
struct ThrottleRetrying<'a, S, M, C> {
    run: &'a Run<S, M, C>,
}

#[async_trait::async_trait]
impl<S, M, C> Mailer for ThrottleRetrying<'_, S, M, C>
where
    S: RegistrationStore + 'static,
    M: Mailer + 'static,
    C: Clock + 'static,
{
    async fn send(&self, email: &OutgoingEmail) -> Result<String, MailError> {
        self.run.send_with_backoff(email).await
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn the_pacer_spaces_sends_evenly_at_the_rate() {
        let pacer = Pacer::per_second(10);
        let start = Instant::now();
        let far = start + Duration::from_secs(3600);
        let mut times = Vec::new();
        for _ in 0..25 {
            assert!(pacer.ready_before(far).await);
            times.push(Instant::now() - start);
        }
        assert_eq!(times[0], Duration::ZERO);
        for pair in times.windows(2) {
            assert_eq!(pair[1] - pair[0], Duration::from_millis(100));
        }
        assert_eq!(times[24], Duration::from_millis(2400));
    }

    #[tokio::test(start_paused = true)]
    async fn the_pacer_never_allows_more_than_the_rate_in_any_second() {
        for rate in [1u32, 7, 50, 200] {
            let pacer = Pacer::per_second(rate);
            let start = Instant::now();
            let far = start + Duration::from_secs(3600);
            let mut times = Vec::new();
            for _ in 0..(rate * 3) {
                assert!(pacer.ready_before(far).await);
                times.push(Instant::now() - start);
            }
            // Any window [t, t + 1s) holds at most `rate` sends.
            for (i, t) in times.iter().enumerate() {
                let in_window = times[i..]
                    .iter()
                    .take_while(|u| **u < *t + Duration::from_secs(1))
                    .count();
                assert!(
                    in_window as u32 <= rate,
                    "rate {rate}: {in_window} in a second"
                );
            }
            // And it reaches the rate: the 3×rate-th send starts one interval before
            // 3 s (tokio's timer rounds each sleep up to the millisecond).
            let expected = Duration::from_secs(3) - Duration::from_secs(1) / rate;
            let slack = Duration::from_millis(u64::from(rate) * 3);
            let last = *times.last().unwrap();
            assert!(last >= expected, "rate {rate}: {last:?}");
            assert!(last <= expected + slack, "rate {rate}: {last:?}");
        }
    }

    #[tokio::test(start_paused = true)]
    async fn the_pacer_refuses_a_slot_past_the_limit_without_waiting() {
        let pacer = Pacer::per_second(2);
        let start = Instant::now();
        assert!(pacer.ready_before(start + Duration::from_secs(10)).await);
        assert!(!pacer.ready_before(start + Duration::from_millis(100)).await);
        assert_eq!(Instant::now(), start, "it did not sleep");
        assert!(pacer.ready_before(start + Duration::from_secs(10)).await);
        assert_eq!(Instant::now() - start, Duration::from_millis(500));
    }

    #[tokio::test(start_paused = true)]
    async fn a_slot_at_the_limit_itself_is_refused() {
        let pacer = Pacer::per_second(2);
        let start = Instant::now();
        assert!(pacer.ready_before(start + Duration::from_secs(10)).await);
        // The next slot is at 500 ms: not strictly before a limit at 500 ms.
        assert!(!pacer.ready_before(start + Duration::from_millis(500)).await);
        assert!(pacer.ready_before(start + Duration::from_millis(501)).await);
        assert_eq!(Instant::now() - start, Duration::from_millis(500));
        // A limit already reached refuses at once.
        assert!(!pacer.ready_before(Instant::now()).await);
    }
}
