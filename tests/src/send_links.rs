//! Helpers for the send-links suites: an app whose event lies ahead on the real
//! clock, registrations seeded straight into the store, and link senders.

use crate::{TestApp, spawn_app_with, unique_email};
use futures::StreamExt;
use jiff::Timestamp;
use registration::domain::RegistrationStatus;
use registration::domain::key::RegistrationKey;
use registration::domain::lifecycle::Attempt;
use registration::mail::{MailError, Mailer, OutgoingEmail, SesMailer};
use registration::platform::clock::Clock;
use registration::platform::clock::FixedClock;
use registration::store::{
    CancelOutcome, Decorator, DueCount, DuePage, DynamoStore, Lease, Outbox, OutboxCursor,
    Outboxes, PassesLimitCounters, PassesTokens, Registration, Registrations, SeatOutcome, Seats,
    StoreError,
};
use registration::use_cases::send_links::SendLinksStore;
use registration::use_cases::send_links::{SendLinks, SendLinksReport};
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

pub type Sender = SendLinks<DynamoStore, SesMailer, FixedClock>;

/// Event dates ahead of the real clock, and a fast send rate for the suites.
pub fn upcoming(env: &mut HashMap<String, String>) {
    env.insert("EVENT_STARTS_AT".into(), "2030-09-28T10:00:00+05:00".into());
    env.insert(
        "REGISTRATION_CLOSES_AT".into(),
        "2030-09-27T00:00:00+05:00".into(),
    );
    env.insert("SEND_RATE_PER_SECOND".into(), "200".into());
    env.insert("SEND_SAFETY_MARGIN_SECS".into(), "2".into());
}

/// An app for send-links tests: upcoming event, clock at the real now.
pub async fn spawn_send_links_app(adjust: impl FnOnce(&mut HashMap<String, String>)) -> TestApp {
    let app = spawn_app_with(|env| {
        upcoming(env);
        adjust(env);
    })
    .await;
    app.clock.set(Timestamp::now());
    app
}

/// `n` registrations through `register` while SES is unreachable: each is stored
/// with its confirmation email owed to the scheduled run. Returns their addresses.
pub async fn owed_confirmations(app: &TestApp, n: usize) -> Vec<String> {
    let registrar = app.registrar_with(app.store.clone(), crate::unreachable_sesv2().await);
    let mut emails = Vec::with_capacity(n);
    for _ in 0..n {
        let email = unique_email();
        let response = crate::post_json_to(&registrar, &crate::valid_json(&email)).await;
        assert_eq!(response.status, 201);
        emails.push(email);
    }
    emails
}

/// Store `n` registrations in a given state, as registering, its confirmation
/// email and confirming would leave them (no emails sent). Returns their addresses.
pub async fn seed(app: &TestApp, status: RegistrationStatus, n: usize) -> Vec<String> {
    let now = app.clock.now();
    let emails: Vec<String> = (0..n).map(|_| unique_email()).collect();
    let futures = emails.iter().enumerate().map(|(i, email)| {
        let participant = crate::participant(&format!("Participant {i} Ülkü"), email);
        let pending = crate::pending_registration(&app.event_id, participant, now);
        let store = app.store.clone();
        async move { crate::store_as(&store, &pending, status, now).await }
    });
    let futures: Vec<_> = futures.collect();
    futures::stream::iter(futures)
        .buffer_unordered(32)
        .collect::<Vec<()>>()
        .await;
    emails
}

/// Store `n` pending registrations whose confirmation email is owed to the
/// scheduled run (as a registration whose email failed leaves them), straight
/// through the store: one write each. Their creator's lease has expired, so a
/// run at the app's clock claims them. Returns their addresses.
pub async fn seed_owed_confirmations(app: &TestApp, n: usize) -> Vec<String> {
    let now = app.clock.now();
    let registered = now - jiff::SignedDuration::from_mins(10);
    let emails: Vec<String> = (0..n).map(|_| unique_email()).collect();
    let futures: Vec<_> = emails
        .iter()
        .enumerate()
        .map(|(i, email)| {
            let participant = crate::participant(&format!("Pending {i} Ülkü"), email);
            let pending = crate::pending_registration(&app.event_id, participant, registered);
            let store = app.store.clone();
            async move {
                store
                    .create_pending(&pending, &uuid::Uuid::new_v4().simple().to_string())
                    .await
                    .expect("seed a pending registration");
            }
        })
        .collect();
    futures::stream::iter(futures)
        .buffer_unordered(32)
        .collect::<Vec<()>>()
        .await;
    emails
}

/// A link sender for this app, sending through `ses`.
pub fn sender_with(app: &TestApp, ses: aws_sdk_sesv2::Client) -> Arc<Sender> {
    sender_over(app, app.store.clone(), ses_mailer(app, ses))
}

/// This app's mailer, sending through `ses`.
pub fn ses_mailer(app: &TestApp, ses: aws_sdk_sesv2::Client) -> SesMailer {
    SesMailer::new(ses, app.sendlinks_config().sender)
}

/// A link sender for this app over a store and a mailer of the test's choosing.
pub fn sender_over<S: SendLinksStore, M: Mailer + 'static>(
    app: &TestApp,
    store: S,
    mailer: M,
) -> Arc<SendLinks<S, M, FixedClock>> {
    Arc::new(SendLinks::new(
        app.sendlinks_config(),
        store,
        mailer,
        app.clock.clone(),
        app.programs(),
    ))
}

pub fn sender(app: &TestApp) -> Arc<Sender> {
    sender_with(app, app.ses_paced.clone())
}

/// One run with plenty of time, sending through the fault front `front`.
pub async fn run_through(app: &TestApp, front: &crate::faulty_ses::FaultySes) -> SendLinksReport {
    run(&sender_with(app, front.client().await)).await
}

/// One run with plenty of time.
pub async fn run(sender: &Arc<Sender>) -> SendLinksReport {
    run_for(sender, Duration::from_secs(120)).await
}

pub async fn run_for(sender: &Arc<Sender>, time: Duration) -> SendLinksReport {
    let report = sender.run(tokio::time::Instant::now() + time).await;
    assert!(report.failed_steps.is_empty(), "{report:?}");
    report
}

/// How many emails each address received.
pub async fn counts(app: &TestApp, addresses: &[String]) -> HashMap<String, usize> {
    let all = app.mailbox.all().await;
    addresses
        .iter()
        .map(|a| {
            let n = all
                .iter()
                .filter(|e| e.destination.to.iter().any(|t| t.eq_ignore_ascii_case(a)))
                .count();
            (a.clone(), n)
        })
        .collect()
}

/// The real store with trouble added: every other claim answers `claim_delay`
/// late (DynamoDB latency that varies from one registration to the next),
/// listing an outbox fails once it has answered `due_answers` times (or
/// always, for `failing_outbox`), and filling freed seats may fail.
#[derive(Clone)]
pub struct TroubledStore {
    store: DynamoStore,
    claim_delay: Duration,
    due_answers: Option<usize>,
    failing_outbox: Option<Outbox>,
    promotions_fail: bool,
    counts_fail: bool,
    claims: Arc<std::sync::atomic::AtomicUsize>,
    dues: Arc<std::sync::atomic::AtomicUsize>,
}

impl TroubledStore {
    pub fn new(store: DynamoStore) -> Self {
        Self {
            store,
            claim_delay: Duration::ZERO,
            due_answers: None,
            failing_outbox: None,
            promotions_fail: false,
            counts_fail: false,
            claims: Arc::default(),
            dues: Arc::default(),
        }
    }

    pub fn with_claim_delay(self, claim_delay: Duration) -> Self {
        Self {
            claim_delay,
            ..self
        }
    }

    pub fn with_due_answers(self, answers: usize) -> Self {
        Self {
            due_answers: Some(answers),
            ..self
        }
    }

    /// Every query of `outbox` fails.
    pub fn with_failing_outbox(self, outbox: Outbox) -> Self {
        Self {
            failing_outbox: Some(outbox),
            ..self
        }
    }

    /// Every attempt to give a freed seat to the first in line fails.
    pub fn with_failing_promotions(self) -> Self {
        Self {
            promotions_fail: true,
            ..self
        }
    }

    /// Every count of an outbox fails.
    pub fn with_failing_counts(self) -> Self {
        Self {
            counts_fail: true,
            ..self
        }
    }
}

impl Decorator for TroubledStore {
    type Inner = DynamoStore;
    fn inner(&self) -> &DynamoStore {
        &self.store
    }
}

impl PassesTokens for TroubledStore {}
impl PassesLimitCounters for TroubledStore {}

fn injected(what: &str) -> StoreError {
    StoreError::Unavailable(format!("injected: {what}"))
}

#[async_trait::async_trait]
impl Seats for TroubledStore {
    async fn confirm_seat(
        &self,
        pending: &Registration,
        capacity: Option<u32>,
        now: Timestamp,
    ) -> Result<SeatOutcome, StoreError> {
        self.store.confirm_seat(pending, capacity, now).await
    }

    async fn waitlist_position(&self, key: &RegistrationKey) -> Result<Option<u32>, StoreError> {
        self.store.waitlist_position(key).await
    }

    async fn cancel(
        &self,
        key: &RegistrationKey,
        now: Timestamp,
    ) -> Result<CancelOutcome, StoreError> {
        self.store.cancel(key, now).await
    }

    async fn promote_next(
        &self,
        event_id: &str,
        capacity: Option<u32>,
        owes: Outbox,
        now: Timestamp,
    ) -> Result<Option<Registration>, StoreError> {
        if self.promotions_fail {
            return Err(injected("the seats could not be read"));
        }
        self.store.promote_next(event_id, capacity, owes, now).await
    }
}

#[async_trait::async_trait]
impl Outboxes for TroubledStore {
    async fn due(
        &self,
        event_id: &str,
        outbox: Outbox,
        after: Option<OutboxCursor>,
        limit: i32,
    ) -> Result<DuePage, StoreError> {
        let nth = self.dues.fetch_add(1, Ordering::Relaxed);
        if self.due_answers.is_some_and(|answers| nth >= answers)
            || self.failing_outbox == Some(outbox)
        {
            return Err(injected("the outbox query failed"));
        }
        self.store.due(event_id, outbox, after, limit).await
    }

    async fn count_due(&self, event_id: &str, outbox: Outbox) -> Result<u64, StoreError> {
        if self.counts_fail {
            return Err(injected("the outbox count failed"));
        }
        self.store.count_due(event_id, outbox).await
    }

    async fn count_due_up_to(
        &self,
        event_id: &str,
        outbox: Outbox,
        up_to: u32,
    ) -> Result<DueCount, StoreError> {
        if self.counts_fail {
            return Err(injected("the outbox count failed"));
        }
        self.store.count_due_up_to(event_id, outbox, up_to).await
    }

    async fn claim(
        &self,
        key: &RegistrationKey,
        outbox: Outbox,
        lease: &Lease,
        token_hash: Option<&str>,
        now: Timestamp,
    ) -> Result<Option<Registration>, StoreError> {
        let nth = self.claims.fetch_add(1, Ordering::Relaxed);
        let claimed = self.store.claim(key, outbox, lease, token_hash, now).await;
        if nth.is_multiple_of(2) {
            tokio::time::sleep(self.claim_delay).await;
        }
        claimed
    }

    async fn record_sent(
        &self,
        key: &RegistrationKey,
        outbox: Outbox,
        owner: &str,
        message_id: &str,
        at: Timestamp,
    ) -> Result<bool, StoreError> {
        let store = &self.store;
        store.record_sent(key, outbox, owner, message_id, at).await
    }

    async fn record_failure(
        &self,
        key: &RegistrationKey,
        outbox: Outbox,
        owner: &str,
        reason: &str,
        attempt: Attempt,
    ) -> Result<(), StoreError> {
        let store = &self.store;
        store
            .record_failure(key, outbox, owner, reason, attempt)
            .await
    }
}

/// A mailer that notes when each send is handed to SES, then sends it.
pub struct TimedMailer {
    pub mailer: SesMailer,
    pub calls: std::sync::Mutex<Vec<std::time::Instant>>,
}

#[async_trait::async_trait]
impl Mailer for TimedMailer {
    async fn send(&self, email: &OutgoingEmail) -> Result<String, MailError> {
        self.calls
            .lock()
            .expect("not poisoned")
            .push(std::time::Instant::now());
        self.mailer.send(email).await
    }
}

/// A mailer that notes the kind of each email in the order they reach SES,
/// then sends it.
pub struct KindsMailer {
    pub mailer: SesMailer,
    pub kinds: std::sync::Mutex<Vec<Outbox>>,
}

#[async_trait::async_trait]
impl Mailer for KindsMailer {
    async fn send(&self, email: &OutgoingEmail) -> Result<String, MailError> {
        let kind = email.tags.as_ref().expect("a participant's email").kind;
        self.kinds.lock().expect("not poisoned").push(kind);
        self.mailer.send(email).await
    }
}

/// The shortest time between two of `times` (in any order).
pub fn closest_pair(times: &[std::time::Instant]) -> Duration {
    let mut sorted = times.to_vec();
    sorted.sort();
    sorted
        .windows(2)
        .map(|pair| pair[1] - pair[0])
        .min()
        .expect("at least two times")
}
