//! `make bench-scale`: the sender at scale. Puts `BENCH_SCALE_N` (default 100,000)
//! confirmed registrations into DynamoDB Local through the store, then runs
//! send-links (the use case, over a metered store, sending to the SES v2
//! emulator) with a per-run deadline, run after run as the scheduler would invoke
//! it, until nothing is owed. Then checks that every participant got exactly one
//! link email, and prints request units per link, the runs needed, the time per
//! 1,000 links, a raw SES v2 client's send rate against the emulator measured in
//! the same run, and what one run's end-of-run count of the outbox costs while the
//! queue is large.
//!
//! Knobs: `BENCH_SCALE_N` (100000), `BENCH_SCALE_RATE` (SEND_RATE_PER_SECOND,
//! 200, the template's maximum), `BENCH_SCALE_RUN_SECS` (each run's deadline, 60),
//! `BENCH_SCALE_SEED_CONCURRENCY` (64).

use futures::StreamExt;
use jiff::Timestamp;
use registration::domain::RegistrationStatus;
use registration::domain::key::RegistrationKey;
use registration::domain::lifecycle::Attempt;
use registration::mail::SesMailer;
use registration::store::{
    Consumed, Decorator, DueCount, DuePage, DynamoStore, Lease, Outbox, OutboxCursor, Outboxes,
    PassesLimitCounters, PassesSeats, PassesTokens, Registration, StoreError,
};
use registration::use_cases::send_links::{SendLinks, SendLinksReport};
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use system_tests::send_links::spawn_send_links_app;

fn knob<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn minus(a: Consumed, b: Consumed) -> Consumed {
    Consumed {
        read_units: a.read_units - b.read_units,
        write_units: a.write_units - b.write_units,
    }
}

/// One count of an outbox, as the run made it.
#[derive(Debug, Clone, Copy)]
struct Count {
    outbox: Outbox,
    owed: u64,
    units: Consumed,
    elapsed: Duration,
}

/// The app's metered store, except that the end-of-run counts of the outboxes go
/// through a second metered store of their own, so that their read units and
/// time are told apart from the rest of the run's.
#[derive(Clone)]
struct SplitStore {
    main: DynamoStore,
    dynamodb: aws_sdk_dynamodb::Client,
    table: String,
    counted: Arc<Mutex<Vec<Count>>>,
}

impl Decorator for SplitStore {
    type Inner = DynamoStore;
    fn inner(&self) -> &DynamoStore {
        &self.main
    }
}

impl PassesTokens for SplitStore {}
impl PassesSeats for SplitStore {}
impl PassesLimitCounters for SplitStore {}

#[async_trait::async_trait]
impl Outboxes for SplitStore {
    async fn due(
        &self,
        event_id: &str,
        outbox: Outbox,
        after: Option<OutboxCursor>,
        limit: i32,
    ) -> Result<DuePage, StoreError> {
        self.main.due(event_id, outbox, after, limit).await
    }

    async fn count_due(&self, event_id: &str, outbox: Outbox) -> Result<u64, StoreError> {
        self.main.count_due(event_id, outbox).await
    }

    /// The run's two counts go out together (`try_join!`): each is timed and
    /// metered through a store of its own, bounded as the run's own are.
    async fn count_due_up_to(
        &self,
        event_id: &str,
        outbox: Outbox,
        up_to: u32,
    ) -> Result<DueCount, StoreError> {
        let store = DynamoStore::metered(self.dynamodb.clone(), &self.table);
        let started = Instant::now();
        let due = store.count_due_up_to(event_id, outbox, up_to).await?;
        let count = Count {
            outbox,
            owed: due.count,
            units: store.consumed(),
            elapsed: started.elapsed(),
        };
        self.counted.lock().expect("not poisoned").push(count);
        Ok(due)
    }

    async fn claim(
        &self,
        key: &RegistrationKey,
        outbox: Outbox,
        lease: &Lease,
        token_hash: Option<&str>,
        now: Timestamp,
    ) -> Result<Option<Registration>, StoreError> {
        self.main.claim(key, outbox, lease, token_hash, now).await
    }

    async fn record_sent(
        &self,
        key: &RegistrationKey,
        outbox: Outbox,
        owner: &str,
        message_id: &str,
        at: Timestamp,
    ) -> Result<bool, StoreError> {
        let main = &self.main;
        main.record_sent(key, outbox, owner, message_id, at).await
    }

    async fn record_failure(
        &self,
        key: &RegistrationKey,
        outbox: Outbox,
        owner: &str,
        reason: &str,
        attempt: Attempt,
    ) -> Result<(), StoreError> {
        let main = &self.main;
        main.record_failure(key, outbox, owner, reason, attempt)
            .await
    }
}

/// `n` confirmed registrations through the store, as registering, its
/// confirmation email and confirming leave them: three writes each.
async fn seed(app: &system_tests::TestApp, n: usize, concurrency: usize) -> Vec<String> {
    let now = app.clock_now();
    let run = system_tests::unique("s");
    let emails: Vec<String> = (0..n).map(|i| format!("p{i}-{run}@example.org")).collect();
    let started = Instant::now();
    let mut done = 0usize;
    let mut stream =
        futures::stream::iter(emails.iter().enumerate().map(|(i, email)| {
            let participant = system_tests::participant(&format!("Participant {i} Ülkü"), email);
            let pending = system_tests::pending_registration(&app.event_id, participant, now);
            let store = app.store.clone();
            async move {
                system_tests::store_as(&store, &pending, RegistrationStatus::Confirmed, now).await
            }
        }))
        .buffer_unordered(concurrency);
    while stream.next().await.is_some() {
        done += 1;
        if done.is_multiple_of(5000) || done == n {
            let secs = started.elapsed().as_secs_f64();
            eprintln!(
                "bench-scale: seeded {done}/{n} in {secs:.0} s ({:.0} registrations/s)",
                done as f64 / secs
            );
        }
    }
    drop(stream);
    emails
}

/// The baseline: link emails straight through a concurrent raw SES v2 client.
/// Its rate of answered sends per second, and how many were not answered.
async fn raw_ses(
    app: &system_tests::TestApp,
    recipients: usize,
    concurrency: usize,
) -> (f64, usize) {
    let sdk = system_tests::sdk_config().await;
    let mailer = Arc::new(SesMailer::new(
        registration::platform::aws::sesv2(&sdk),
        registration::config::Sender::parse("Bench <bench@example.org>").expect("a sender"),
    ));
    let own = app.sendlinks_config().own.expect("the app's own program");
    let event = own.event(&app.table);
    let zoom = own.zoom_join_url.clone().expect("its Zoom link");
    let urls = registration::mail::ActionUrls::new(
        "https://register.example.org",
        "raw",
        registration::program::Language::En,
    );
    let emails: Vec<_> = (0..recipients)
        .map(|i| {
            registration::mail::link_email(
                &event,
                registration::domain::EmailAddress::parse(&format!("raw-{i}@example.org"))
                    .expect("an address"),
                registration::mail::LinkEmailFor {
                    participant: registration::mail::Participant {
                        name: "Raw Baseline",
                        language: registration::program::Language::En,
                        urls: &urls,
                    },
                    registration_id: "raw",
                    kind: registration::mail::LinkEmailKind::Confirmed,
                },
                &zoom,
                Timestamp::now(),
            )
        })
        .collect();
    let started = Instant::now();
    // A send the loaded emulator does not answer within the SDK's timeout is
    // counted, not fatal: the baseline is a rate, and its emails go to `raw-`
    // addresses that the mailbox check leaves out.
    let answered = futures::stream::iter(emails)
        .map(|email| {
            let mailer = Arc::clone(&mailer);
            async move {
                use registration::mail::Mailer;
                mailer.send(&email).await.is_ok()
            }
        })
        .buffer_unordered(concurrency)
        .collect::<Vec<bool>>()
        .await;
    let failed = answered.iter().filter(|ok| !**ok).count();
    (
        (recipients - failed) as f64 / started.elapsed().as_secs_f64(),
        failed,
    )
}

#[derive(serde::Deserialize)]
struct StorePage {
    emails: Vec<StoredEmail>,
}

#[derive(serde::Deserialize)]
struct StoredEmail {
    #[serde(rename = "messageId")]
    message_id: String,
    destination: system_tests::mailbox::Destination,
    subject: String,
}

/// The emails to the seeded addresses, read run by run from the SES emulator's
/// `GET /store?since=<second the run started>` (all of them at once would be
/// hundreds of MB at 100,000). The windows overlap, so an email is counted once
/// by its message id *and* recipient: the emulator's message ids are
/// `ses-<random 9 digits>` (aws-ses-v2-local `getMessageId`), so at 100,000
/// emails a few ids are drawn twice, and counting by the id alone dropped the
/// second email of each such pair (the 6 addresses "not found").
#[derive(Default)]
struct Tally {
    seen: HashSet<(String, String)>,
    /// The message ids of the emails to each address.
    per_address: HashMap<String, Vec<String>>,
    subjects: HashMap<String, u32>,
    /// How many emails of the whole mailbox (participants' and the baseline's)
    /// carry each message id.
    per_message_id: HashMap<String, u32>,
}

impl Tally {
    async fn read_since(&mut self, http: &reqwest::Client, url: &str, since: i64) -> usize {
        let page: StorePage = http
            .get(format!("{url}?since={since}"))
            .send()
            .await
            .expect("the SES emulator answers GET /store")
            .json()
            .await
            .expect("the store is JSON");
        let listed = page.emails.len();
        for email in page.emails {
            let recipients = email.destination.to.join(",").to_lowercase();
            if !self.seen.insert((email.message_id.clone(), recipients)) {
                continue;
            }
            *self
                .per_message_id
                .entry(email.message_id.clone())
                .or_default() += 1;
            for to in &email.destination.to {
                if to.starts_with("raw-") {
                    continue;
                }
                self.per_address
                    .entry(to.to_lowercase())
                    .or_default()
                    .push(email.message_id.clone());
                *self.subjects.entry(email.subject.clone()).or_default() += 1;
            }
        }
        listed
    }

    /// Message ids the emulator gave to more than one email.
    fn shared_ids(&self) -> usize {
        self.per_message_id.values().filter(|c| **c > 1).count()
    }
}

/// What a scan of the table finds of the event's registrations.
#[derive(Default)]
struct TableState {
    all: u64,
    link_sent: u64,
    /// Each registration's address (lower-case) and its link's SES message id.
    link_ids: Vec<(String, String)>,
    queued: HashMap<String, u64>,
}

/// Registrations of the event in the table: how many, how many with
/// `link_sent_at`, each one's address and link message id, and how many are in
/// each outbox (once its link is recorded, a registration waits in the reminder's).
async fn table_state(app: &system_tests::TestApp) -> TableState {
    use registration::store::attr;
    let mut state = TableState::default();
    let mut start = None;
    loop {
        let page = app
            .dynamodb
            .scan()
            .table_name(&app.table)
            .projection_expression("#pk, #sent, #id, #outbox, #email")
            .expression_attribute_names("#pk", attr::PK)
            .expression_attribute_names("#sent", attr::LINK_SENT_AT)
            .expression_attribute_names("#id", attr::LINK_MESSAGE_ID)
            .expression_attribute_names("#outbox", attr::OUTBOX)
            .expression_attribute_names("#email", attr::EMAIL)
            .set_exclusive_start_key(start)
            .send()
            .await
            .expect("scan the table");
        for item in page.items() {
            let is_registration = item
                .get(attr::PK)
                .and_then(|v| v.as_s().ok())
                .and_then(|pk| system_tests::key_of_item(pk))
                .is_some_and(|key| key.event_id() == app.event_id);
            if !is_registration {
                continue;
            }
            let text = |name: &str| item.get(name).and_then(|v| v.as_s().ok()).cloned();
            state.all += 1;
            state.link_sent += u64::from(item.contains_key(attr::LINK_SENT_AT));
            if let (Some(email), Some(id)) = (text(attr::EMAIL), text(attr::LINK_MESSAGE_ID)) {
                state.link_ids.push((email.to_lowercase(), id));
            }
            if let Some(outbox) = text(attr::OUTBOX) {
                let outbox = outbox.rsplit('#').next().unwrap_or_default().to_owned();
                *state.queued.entry(outbox).or_default() += 1;
            }
        }
        match page.last_evaluated_key {
            Some(key) => start = Some(key),
            None => return state,
        }
    }
}

/// Every address exactly one link email, counted from both sides: the mailbox
/// (each email once by message id and recipient) and the registrations (each
/// holds the message id SES gave its link).
struct MailCheck {
    /// Seeded addresses with exactly one email in the mailbox.
    exactly_once: usize,
    more_than_once: usize,
    /// Addresses in the mailbox that were not seeded.
    strangers: usize,
    /// Registrations whose link message id is that of the one email their
    /// address received.
    matched: usize,
    /// Distinct link message ids among the registrations.
    distinct_link_ids: usize,
    /// Message ids the emulator gave to more than one email of its mailbox.
    shared_ids: usize,
}

impl MailCheck {
    fn of(seeded: &HashSet<String>, tally: &Tally, table: &TableState) -> Self {
        let received = |a: &str| tally.per_address.get(a).map_or(0, Vec::len);
        let matched = table
            .link_ids
            .iter()
            .filter(|(address, id)| tally.per_address.get(address) == Some(&vec![id.clone()]))
            .count();
        let distinct_link_ids = table
            .link_ids
            .iter()
            .map(|(_, id)| id)
            .collect::<HashSet<_>>()
            .len();
        Self {
            exactly_once: seeded.iter().filter(|a| received(a) == 1).count(),
            more_than_once: tally
                .per_address
                .values()
                .filter(|ids| ids.len() > 1)
                .count(),
            strangers: tally
                .per_address
                .keys()
                .filter(|a| !seeded.contains(*a))
                .count(),
            matched,
            distinct_link_ids,
            shared_ids: tally.shared_ids(),
        }
    }
}

#[tokio::main]
async fn main() {
    let n: usize = knob("BENCH_SCALE_N", 100_000);
    let rate: u32 = knob("BENCH_SCALE_RATE", 200);
    let run_secs: u64 = knob("BENCH_SCALE_RUN_SECS", 60);
    let concurrency: usize = knob("BENCH_SCALE_SEED_CONCURRENCY", 64);
    let started_all = Instant::now();
    let app = spawn_send_links_app(|env| {
        env.insert("SEND_RATE_PER_SECOND".into(), rate.to_string());
    })
    .await;
    let margin = app.sendlinks_config().safety_margin;

    eprintln!(
        "bench-scale: seeding {n} confirmed registrations through the store ({concurrency} at once) ..."
    );
    let seed_started = Instant::now();
    let before_seed = app.store.consumed();
    let emails = seed(&app, n, concurrency).await;
    let seed_secs = seed_started.elapsed().as_secs_f64();
    let seed_units = minus(app.store.consumed(), before_seed);

    // What one end-of-run count of the link outbox costs with all N owed (the
    // first run's bookkeeping if it sent nothing), counted alone.
    let alone = DynamoStore::metered(app.dynamodb.clone(), &app.table);
    let count_started = Instant::now();
    let owed = alone
        .count_due(&app.event_id, Outbox::Link)
        .await
        .expect("count the outbox");
    let count_alone = (owed, alone.consumed(), count_started.elapsed());
    assert_eq!(owed as usize, n, "every seeded registration owes its link");

    let raw_recipients = (n / 20).clamp(1000, 5000);
    eprintln!(
        "bench-scale: baseline, {raw_recipients} link emails through a raw concurrent SES v2 client ..."
    );
    let (raw_rate, raw_failed) = raw_ses(&app, raw_recipients, 256).await;

    let store = SplitStore {
        main: app.store.clone(),
        dynamodb: app.dynamodb.clone(),
        table: app.table.clone(),
        counted: Arc::default(),
    };
    let sender = Arc::new(SendLinks::new(
        app.sendlinks_config(),
        store.clone(),
        system_tests::send_links::ses_mailer(&app, app.ses_paced.clone()),
        app.clock.clone(),
        app.programs(),
    ));
    let http = reqwest::Client::new();
    let store_url = system_tests::required_env("SES_STORE_URL");
    let mut tally = Tally::default();
    let mut reports: Vec<(SendLinksReport, Duration, Consumed, Vec<Count>)> = Vec::new();
    let mut sending = Duration::ZERO;
    let before_runs = app.store.consumed();
    eprintln!("bench-scale: send-links runs of {run_secs} s at {rate}/s until nothing is owed ...");
    loop {
        app.clock.set(Timestamp::now());
        let since = Timestamp::now().as_second();
        let before = app.store.consumed();
        let run_started = Instant::now();
        let report = sender
            .run(tokio::time::Instant::now() + Duration::from_secs(run_secs))
            .await;
        assert!(report.failed_steps.is_empty(), "{report:?}");
        let elapsed = run_started.elapsed();
        sending += elapsed;
        let units = minus(app.store.consumed(), before);
        let counts: Vec<Count> = std::mem::take(&mut *store.counted.lock().expect("lock"));
        let listed = tally.read_since(&http, &store_url, since).await;
        eprintln!(
            "bench-scale: run {}: sent {}, failed {}, remaining {}, {:.1} s, {:.1}/s; counts {:?}; {listed} emails listed since its start",
            reports.len() + 1,
            report.sent,
            report.failed,
            report.remaining,
            elapsed.as_secs_f64(),
            report.sent as f64 / elapsed.as_secs_f64(),
            counts
                .iter()
                .map(|c| format!(
                    "{:?} {} owed: {:.1} RRU, {:.0} ms",
                    c.outbox,
                    c.owed,
                    c.units.read_units,
                    c.elapsed.as_secs_f64() * 1000.0
                ))
                .collect::<Vec<_>>(),
        );
        let remaining = report.remaining;
        let progress = report.sent + report.failed;
        reports.push((report, elapsed, units, counts));
        if remaining == 0 {
            break;
        }
        assert!(
            progress > 0,
            "a run made no progress: {:?}",
            reports.last().map(|r| &r.0)
        );
    }
    let runs_units = minus(app.store.consumed(), before_runs);

    eprintln!("bench-scale: checking the table and the mailbox ...");
    let check_started = Instant::now();
    let table = table_state(&app).await;
    let (registrations, link_sent, link_ids) = (table.all, table.link_sent, table.link_ids.len());
    let sent: u64 = reports.iter().map(|r| r.0.sent).sum();
    let failed: u64 = reports.iter().map(|r| r.0.failed).sum();
    let seeded: HashSet<String> = emails.iter().map(|e| e.to_lowercase()).collect();
    let mail = MailCheck::of(&seeded, &tally, &table);
    let check_secs = check_started.elapsed().as_secs_f64();
    let total_secs = started_all.elapsed().as_secs_f64();

    // Every figure printed before the verdict, so that a failed check still
    // leaves them.
    let sent_f = sent.max(1) as f64;
    let runs = reports.len();
    let send_secs = sending.as_secs_f64();
    let link_rate = sent_f / send_secs;
    let counts: Vec<&Count> = reports.iter().flat_map(|r| r.3.iter()).collect();
    let count_units: f64 = counts.iter().map(|c| c.units.read_units).sum();
    let link_count_first = reports
        .first()
        .and_then(|r| r.3.iter().find(|c| c.outbox == Outbox::Link))
        .copied();

    println!();
    println!(
        "send-links at scale: {n} confirmed registrations, DynamoDB Local + SES v2 emulator, SEND_RATE_PER_SECOND={rate}, {run_secs} s per run (safety margin {} s)",
        margin.as_secs()
    );
    println!();
    println!(
        "| run | sent | failed | remaining after | wall s | links/s | run's read units (without the counts) | run's write units | end-of-run counts: read units | counts' time ms |"
    );
    println!("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    for (i, (report, elapsed, units, counts)) in reports.iter().enumerate() {
        let c_units: f64 = counts.iter().map(|c| c.units.read_units).sum();
        let c_ms = counts
            .iter()
            .map(|c| c.elapsed.as_secs_f64() * 1000.0)
            .fold(0.0, f64::max);
        println!(
            "| {} | {} | {} | {} | {:.1} | {:.1} | {:.1} | {:.1} | {:.1} | {:.0} |",
            i + 1,
            report.sent,
            report.failed,
            report.remaining,
            elapsed.as_secs_f64(),
            report.sent as f64 / elapsed.as_secs_f64(),
            units.read_units,
            units.write_units,
            c_units,
            c_ms
        );
    }
    println!();
    println!("| figure | value |");
    println!("| --- | ---: |");
    println!(
        "| seeding: {n} registrations through the store (create, confirmation recorded, confirm) | {seed_secs:.0} s, {:.0}/s; {:.2} write units each |",
        n as f64 / seed_secs,
        seed_units.write_units / n as f64
    );
    println!("| runs needed | {runs} |");
    println!("| links sent (sum of the runs' `sent`) / failed | {sent} / {failed} |");
    println!("| time sending (sum of the runs' wall time) | {send_secs:.1} s |");
    println!(
        "| links per second, over all runs | {link_rate:.1} ({:.3} × the configured {rate}/s) |",
        link_rate / f64::from(rate)
    );
    println!(
        "| time per 1,000 links at the emulator's pace | {:.2} s |",
        1000.0 / link_rate
    );
    println!(
        "| raw concurrent SES v2 client against the emulator alone ({raw_recipients} emails, 256 in flight, {raw_failed} not answered within the SDK's timeout) | {raw_rate:.0}/s answered; the runs reach {:.3} × it |",
        link_rate / raw_rate
    );
    println!(
        "| request units per link, without the end-of-run counts (read / write) | {:.3} / {:.3} |",
        runs_units.read_units / sent_f,
        runs_units.write_units / sent_f
    );
    println!(
        "| request units per link, the end-of-run counts included (read / write) | {:.3} / {:.3} |",
        (runs_units.read_units + count_units) / sent_f,
        runs_units.write_units / sent_f
    );
    println!(
        "| end-of-run counts, all runs: read units (share of all the runs' reads) | {count_units:.1} ({:.0}%) |",
        100.0 * count_units / (runs_units.read_units + count_units).max(f64::MIN_POSITIVE)
    );
    println!(
        "| one count of the link outbox with all {} owed, alone | {:.1} read units, {:.0} ms |",
        count_alone.0,
        count_alone.1.read_units,
        count_alone.2.as_secs_f64() * 1000.0
    );
    if let Some(first) = link_count_first {
        println!(
            "| the first run's end-of-run count of the link outbox ({} still owed) | {:.1} read units, {:.0} ms |",
            first.owed,
            first.units.read_units,
            first.elapsed.as_secs_f64() * 1000.0
        );
    }
    println!(
        "| read units per 1,000 owed, per count | {:.2} |",
        1000.0 * count_alone.1.read_units / (count_alone.0.max(1) as f64)
    );
    println!(
        "| total time (seeding, baseline, runs, checks) | {total_secs:.0} s (checks {check_secs:.0} s) |"
    );
    println!();
    println!("Checked:");
    println!(
        "- the table (a paged scan): {registrations} registrations of the event, {link_sent} with `link_sent_at`, {link_ids} with a link message id ({} distinct: the emulator drew {} ids twice); in each outbox: {:?}",
        mail.distinct_link_ids,
        link_ids - mail.distinct_link_ids,
        table.queued
    );
    println!(
        "- the SES emulator's mailbox, every email since each run's start (GET /store?since=…), each counted once by its message id and recipient: {} emails to participants, {} of the {} seeded addresses received exactly one, {} addresses more than one, {} addresses not seeded; {} message ids shared by two emails of the mailbox; subjects: {:?}",
        tally.per_address.values().map(Vec::len).sum::<usize>(),
        mail.exactly_once,
        seeded.len(),
        mail.more_than_once,
        mail.strangers,
        mail.shared_ids,
        tally.subjects
    );
    println!(
        "- both sides: {} of the {link_ids} registrations' link message ids are the one email their address received",
        mail.matched
    );

    assert_eq!(failed, 0, "no link failed");
    assert_eq!(sent as usize, n, "the runs' sent add up to N");
    assert_eq!(registrations as usize, n);
    assert_eq!(link_sent as usize, n, "every registration has link_sent_at");
    assert_eq!(link_ids, n, "every registration has a link message id");
    assert_eq!(
        table.queued.get("link"),
        None,
        "no registration is left in the link outbox"
    );
    assert_eq!(table.queued.get("confirmation"), None);
    assert_eq!(
        mail.exactly_once, n,
        "every participant got exactly one email"
    );
    assert_eq!(mail.more_than_once, 0);
    assert_eq!(mail.strangers, 0);
    assert_eq!(
        mail.matched, n,
        "every registration's link message id is its address's one email"
    );
    println!("- all of it holds: {n} participants, one link email each");
}
