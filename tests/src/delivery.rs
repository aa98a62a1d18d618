//! Helpers for the delivery suites: an app whose event lies ahead on the real
//! clock, registrations seeded straight into the store, and link senders.

use crate::{TestApp, spawn_app_with, unique_email};
use futures::StreamExt;
use jiff::Timestamp;
use registration::clock::Clock;
use registration::clock::FixedClock;
use registration::delivery::{LinkSender, RunReport};
use registration::domain::RegistrationStatus;
use registration::mail::{MailError, Mailer, OutgoingEmail, SesMailer};
use registration::store::{
    ConfirmOutcome, CreateError, DuePage, DynamoStore, Lease, Outbox, Registration,
    RegistrationStore, StoreError,
};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

pub type Sender = LinkSender<DynamoStore, SesMailer, FixedClock>;

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

/// An app for delivery tests: upcoming event, clock at the real now.
pub async fn spawn_delivery_app(adjust: impl FnOnce(&mut HashMap<String, String>)) -> TestApp {
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

/// Store `n` registrations in a given state, as registering and confirming would
/// leave them (no emails sent). Returns their addresses.
pub async fn seed(app: &TestApp, status: RegistrationStatus, n: usize) -> Vec<String> {
    let now = app.clock.now();
    let mut emails = Vec::with_capacity(n);
    let futures = (0..n).map(|i| {
        let email = unique_email();
        emails.push(email.clone());
        let outbox = match status {
            RegistrationStatus::Confirmed => Some(Outbox::Link.queue(&app.event_id)),
            _ => None,
        };
        let registration = Registration {
            pk: Registration::key(&app.event_id, &email.to_lowercase()),
            event_id: app.event_id.clone(),
            registration_id: uuid::Uuid::new_v4().to_string(),
            full_name: format!("Participant {i} Ülkü"),
            email,
            country: "PK".into(),
            organization: "Seeded Org".into(),
            designation: None,
            phone: None,
            status,
            registered_at: now,
            confirmed_at: (status == RegistrationStatus::Confirmed).then_some(now),
            link_base: "https://register.example.org".into(),
            confirmation_email_at: Some(now),
            confirmation_message_id: Some("seeded".into()),
            confirmation_attempts: 0,
            outbox,
            lease_until: None,
            lease_owner: None,
            link_sent_at: None,
            link_message_id: None,
            link_attempts: 0,
            last_email_error: None,
            expires_at: now.as_second() + 86_400 * 3650,
        };
        let store = app.store.clone();
        async move {
            let hash = uuid::Uuid::new_v4().simple().to_string();
            store
                .create_pending(&registration, &hash)
                .await
                .expect("seed a registration");
        }
    });
    let futures: Vec<_> = futures.collect();
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
pub fn sender_over<S: RegistrationStore, M: Mailer + 'static>(
    app: &TestApp,
    store: S,
    mailer: M,
) -> Arc<LinkSender<S, M, FixedClock>> {
    Arc::new(LinkSender::new(
        app.sendlinks_config(),
        store,
        mailer,
        app.clock.clone(),
    ))
}

pub fn sender(app: &TestApp) -> Arc<Sender> {
    sender_with(app, app.ses_paced.clone())
}

/// One run with plenty of time, sending through the fault front `front`.
pub async fn run_through(app: &TestApp, front: &crate::faulty_ses::FaultySes) -> RunReport {
    run(&sender_with(app, front.client().await)).await
}

/// One run with plenty of time.
pub async fn run(sender: &Arc<Sender>) -> RunReport {
    run_for(sender, Duration::from_secs(120)).await
}

pub async fn run_for(sender: &Arc<Sender>, time: Duration) -> RunReport {
    sender
        .run(tokio::time::Instant::now() + time)
        .await
        .expect("the run completes")
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
/// late (DynamoDB latency that varies from one registration to the next), and
/// listing an outbox fails once it has answered `due_answers` times.
#[derive(Clone)]
pub struct TroubledStore {
    store: DynamoStore,
    claim_delay: Duration,
    due_answers: Option<usize>,
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

    /// Every count of an outbox fails.
    pub fn with_failing_counts(self) -> Self {
        Self {
            counts_fail: true,
            ..self
        }
    }
}

#[async_trait::async_trait]
impl RegistrationStore for TroubledStore {
    async fn create_pending(
        &self,
        registration: &Registration,
        token_hash: &str,
    ) -> Result<(), CreateError> {
        self.store.create_pending(registration, token_hash).await
    }

    async fn get(&self, pk: &str) -> Result<Option<Registration>, StoreError> {
        self.store.get(pk).await
    }

    async fn renew_confirmation(
        &self,
        registration: &Registration,
        token_hash: &str,
        now: Timestamp,
        resend_before: Timestamp,
        lease: &Lease,
    ) -> Result<bool, StoreError> {
        self.store
            .renew_confirmation(registration, token_hash, now, resend_before, lease)
            .await
    }

    async fn add_token(
        &self,
        registration: &Registration,
        token_hash: &str,
    ) -> Result<bool, StoreError> {
        self.store.add_token(registration, token_hash).await
    }

    async fn remove_token(&self, pk: &str, token_hash: &str) -> Result<bool, StoreError> {
        self.store.remove_token(pk, token_hash).await
    }

    async fn find_by_token(
        &self,
        pk: &str,
        token_hash: &str,
    ) -> Result<Option<Registration>, StoreError> {
        self.store.find_by_token(pk, token_hash).await
    }

    async fn confirm(
        &self,
        registration: &Registration,
        now: Timestamp,
    ) -> Result<ConfirmOutcome, StoreError> {
        self.store.confirm(registration, now).await
    }

    async fn due(
        &self,
        event_id: &str,
        outbox: Outbox,
        after: Option<HashMap<String, String>>,
        limit: i32,
    ) -> Result<DuePage, StoreError> {
        let nth = self.dues.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        if self.due_answers.is_some_and(|answers| nth >= answers) {
            return Err(StoreError::Unavailable(
                "injected: the outbox query failed".into(),
            ));
        }
        self.store.due(event_id, outbox, after, limit).await
    }

    async fn count_due(&self, event_id: &str, outbox: Outbox) -> Result<u64, StoreError> {
        if self.counts_fail {
            return Err(StoreError::Unavailable(
                "injected: the outbox count failed".into(),
            ));
        }
        self.store.count_due(event_id, outbox).await
    }

    async fn claim(
        &self,
        pk: &str,
        queue: &str,
        lease: &Lease,
        now: Timestamp,
    ) -> Result<Option<Registration>, StoreError> {
        let nth = self
            .claims
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let claimed = self.store.claim(pk, queue, lease, now).await;
        if nth.is_multiple_of(2) {
            tokio::time::sleep(self.claim_delay).await;
        }
        claimed
    }

    async fn record_sent(
        &self,
        pk: &str,
        outbox: Outbox,
        owner: &str,
        message_id: &str,
        at: Timestamp,
    ) -> Result<bool, StoreError> {
        self.store
            .record_sent(pk, outbox, owner, message_id, at)
            .await
    }

    async fn record_failure(
        &self,
        pk: &str,
        outbox: Outbox,
        owner: &str,
        reason: &str,
        count_attempt: bool,
    ) -> Result<(), StoreError> {
        self.store
            .record_failure(pk, outbox, owner, reason, count_attempt)
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
