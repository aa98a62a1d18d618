//! The test harness: the local emulators' endpoints, the table made from
//! `template.yaml`, a fresh app per test (`spawn_app`), API Gateway HTTP API 2.0
//! events, and the SES emulator's mailbox read back through `GET /store`.

pub mod events;
pub mod faulty_dynamodb;
pub mod faulty_ses;
pub mod log_capture;
pub mod mailbox;
pub mod round_trips;
pub mod runtime_api;
pub mod send_links;
pub mod store_table;
pub mod table;
pub mod waiting_line;

use aws_sdk_dynamodb::types::AttributeValue;
use jiff::Timestamp;
use lambda_http::{Body, Response};
use registration::config::{CancelConfig, ConfirmConfig, RegisterConfig, SendLinksConfig};
use registration::domain::key::RegistrationKey;
use registration::domain::lifecycle::Transition;
use registration::domain::{
    Country, EmailAddress, FullName, NewRegistration, Organization, RegistrationStatus,
};
use registration::mail::SesMailer;
use registration::platform::clock::FixedClock;
use registration::store::{
    DynamoStore, Lease, Outbox, PendingRegistration, RegistrationStore, Registrations, SeatOutcome,
    TransitionOutcome, attr,
};
use registration::use_cases::cancelling::Canceller;
use registration::use_cases::confirming::Confirmer;
use registration::use_cases::registering::Registrar;
use std::collections::HashMap;

pub use mailbox::{Mailbox, SentEmail};

/// An environment variable the suites need from `make test` (infra/local/emulators.sh).
pub fn required_env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| {
        panic!(
            "{name} is not set: run the suites with `make test`, which starts DynamoDB Local and the SES emulator"
        )
    })
}

/// The functions' SDK configuration, pointing at the emulators through the
/// standard variables, with looser bounds on DynamoDB calls: on a
/// busy 2-core machine DynamoDB Local's JVM may pause past the functions' 3 s, and
/// a suite would then fail for the machine, not the code. The functions' own
/// bounds are tested against a service that never answers (`aws_clients.rs`).
pub async fn sdk_config() -> aws_config::SdkConfig {
    required_env("AWS_ENDPOINT_URL_DYNAMODB");
    required_env("AWS_ENDPOINT_URL_SESV2");
    registration::platform::aws::sdk_config()
        .await
        .to_builder()
        .timeout_config(
            aws_config::timeout::TimeoutConfig::builder()
                .connect_timeout(std::time::Duration::from_secs(5))
                .disable_operation_attempt_timeout()
                .operation_timeout(std::time::Duration::from_secs(60))
                .build(),
        )
        .build()
}

/// The AWS variables of this process (emulator endpoints, region, credentials), for
/// function processes started with a clean environment.
pub fn aws_env() -> HashMap<String, String> {
    std::env::vars()
        .filter(|(k, _)| k.starts_with("AWS_"))
        .collect()
}

/// A DynamoDB client for an address where nothing listens, without retries.
pub async fn unreachable_dynamodb() -> aws_sdk_dynamodb::Client {
    aws_sdk_dynamodb::Client::from_conf(
        aws_sdk_dynamodb::config::Builder::from(&sdk_config().await)
            .endpoint_url(UNREACHABLE)
            .retry_config(aws_sdk_dynamodb::config::retry::RetryConfig::disabled())
            .build(),
    )
}

/// An SES v2 client for an address where nothing listens, without retries.
pub async fn unreachable_sesv2() -> aws_sdk_sesv2::Client {
    aws_sdk_sesv2::Client::from_conf(
        aws_sdk_sesv2::config::Builder::from(&sdk_config().await)
            .endpoint_url(UNREACHABLE)
            .retry_config(aws_sdk_sesv2::config::retry::RetryConfig::disabled())
            .build(),
    )
}

/// The discard port on loopback: connections are refused.
pub const UNREACHABLE: &str = "http://127.0.0.1:9";

/// Whether cargo set `name` for this test process. Nested cargo runs must not see
/// these: build scripts declare some of them (`ring` tracks `CARGO_MANIFEST_DIR`,
/// `CARGO_PKG_*`, `OUT_DIR`) with `rerun-if-env-changed`, which checks cargo's own
/// environment, so inheriting them makes the dependencies stale and they are rebuilt
/// (and rebuilt again by the next build from a shell, such as `make test`'s).
fn is_set_by_cargo_for_tests(name: &str) -> bool {
    [
        "CARGO_PKG_",
        "CARGO_MANIFEST_",
        "CARGO_CRATE_",
        "CARGO_BIN_",
        "CARGO_CFG_",
        "CARGO_FEATURE_",
    ]
    .iter()
    .any(|prefix| name.starts_with(prefix))
        || matches!(
            name,
            "CARGO_PRIMARY_PACKAGE" | "CARGO_TARGET_TMPDIR" | "CARGO_RUSTC_CURRENT_DIR" | "OUT_DIR"
        )
}

/// A command for a tool that runs cargo, with the environment of a plain shell.
pub fn command_without_test_env(program: impl AsRef<std::ffi::OsStr>) -> std::process::Command {
    let mut command = std::process::Command::new(program);
    for (name, _) in std::env::vars_os() {
        let name = name.to_string_lossy();
        if is_set_by_cargo_for_tests(&name) {
            command.env_remove(name.as_ref());
        }
    }
    command
}

/// A unique suffix for names that must not collide between tests.
pub fn unique(prefix: &str) -> String {
    format!("{prefix}-{}", uuid::Uuid::new_v4().simple())
}

/// A fresh participant address no other test uses.
pub fn unique_email() -> String {
    format!("{}@example.org", unique("participant"))
}

/// The seed configuration of the contract, with a given table and event id.
pub fn seed_env(table: &str, event_id: &str) -> HashMap<String, String> {
    [
        ("TABLE_NAME", table),
        ("EVENT_ID", event_id),
        (
            "EVENT_TITLE",
            "Powering Belt and Road Lithium-ion batteries",
        ),
        ("EVENT_STARTS_AT", "2022-09-28T10:00:00+05:00"),
        ("EVENT_TIMEZONE", "Asia/Karachi"),
        ("REGISTRATION_CLOSES_AT", "2022-09-27T00:00:00+05:00"),
        ("SENDER_EMAIL", "BTBU-ECOSF Training <training@example.org>"),
        ("PUBLIC_BASE_URL", "https://register.example.org"),
        // Links go out the day before the webinar: confirming while registration
        // is open sends no link email.
        ("LINKS_SEND_AT", "2022-09-27T10:00:00+05:00"),
        (
            "ZOOM_JOIN_URL",
            "https://zoom.example/j/2022092810?pwd=s3cr3t",
        ),
        // DynamoDB Local expires items by the real clock: keep the 2022 event's data
        // until 2032 so that no test item vanishes under a test, confirmed or not.
        ("RETENTION_DAYS", "3650"),
        ("PENDING_EXPIRES_AFTER_HOURS", "87600"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect()
}

/// An instant while registration is open under the seed configuration.
pub fn while_open() -> Timestamp {
    "2022-09-20T09:00:00+05:00"
        .parse()
        .expect("a valid instant")
}

/// One test's own system: its own table, event id, clock and mailbox view.
pub struct TestApp {
    pub table: String,
    pub event_id: String,
    pub env: HashMap<String, String>,
    pub dynamodb: aws_sdk_dynamodb::Client,
    /// register's SES client (the SDK retries)…
    pub ses: aws_sdk_sesv2::Client,
    /// …and send-links' (one attempt per call, every one paced by the run).
    pub ses_paced: aws_sdk_sesv2::Client,
    pub store: DynamoStore,
    pub clock: FixedClock,
    pub registrar: Registrar<DynamoStore, SesMailer, FixedClock>,
    pub confirmer: Confirmer<DynamoStore, SesMailer, FixedClock>,
    pub canceller: Canceller<DynamoStore, SesMailer, FixedClock>,
    pub mailbox: Mailbox,
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// A fresh app whose configuration `adjust` may change first.
pub async fn spawn_app_with(adjust: impl FnOnce(&mut HashMap<String, String>)) -> TestApp {
    let sdk = sdk_config().await;
    let dynamodb = registration::platform::aws::dynamodb(&sdk);
    let ses = registration::platform::aws::sesv2(&sdk);
    let ses_paced = registration::platform::aws::sesv2_paced(&sdk);
    let table = unique("registrations");
    let event_id = unique("event");
    table::create_from_template(&dynamodb, &table)
        .await
        .expect("the table is created from template.yaml");
    let mut env = seed_env(&table, &event_id);
    adjust(&mut env);
    let register_config = RegisterConfig::from_source(&env).expect("register configuration");
    let confirm_config = ConfirmConfig::from_source(&env).expect("confirm configuration");
    let cancel_config = CancelConfig::from_source(&env).expect("cancel configuration");
    // Metered, so that `make bench` can read the request units of the use cases.
    let store = DynamoStore::metered(dynamodb.clone(), &table);
    let clock = FixedClock::at(while_open());
    let mailer = SesMailer::new(ses.clone(), register_config.sender.clone());
    // One reader for both, as one per process.
    let programs = store.shared_programs(clock.clone(), confirm_config.own.clone());
    TestApp {
        registrar: Registrar::new(
            register_config,
            store.clone(),
            mailer.clone(),
            clock.clone(),
        ),
        confirmer: Confirmer::new(
            confirm_config,
            store.clone(),
            mailer.clone(),
            clock.clone(),
            programs.clone(),
        ),
        canceller: Canceller::new(
            cancel_config,
            store.clone(),
            mailer,
            clock.clone(),
            programs,
        ),
        table,
        event_id,
        env,
        dynamodb,
        ses,
        ses_paced,
        store,
        clock,
        mailbox: Mailbox::from_env(),
    }
}

/// A response, read into plain values for assertions.
#[derive(Debug, Clone)]
pub struct TestResponse {
    pub status: u16,
    pub content_type: String,
    pub body: String,
}

impl TestResponse {
    pub fn from_lambda(response: Response<Body>) -> Self {
        let content_type = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let status = response.status().as_u16();
        let body = match response.into_body() {
            Body::Text(text) => text,
            Body::Binary(bytes) => String::from_utf8(bytes).expect("a UTF-8 body"),
            Body::Empty => String::new(),
            _ => String::new(),
        };
        Self {
            status,
            content_type,
            body,
        }
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("expected JSON ({e}), got {:?}", self.body))
    }

    /// The slug of a problem response: the last path segment of its `type`.
    pub fn problem_slug(&self) -> String {
        assert_eq!(self.content_type, "application/problem+json", "{self:?}");
        let body = self.json();
        assert_eq!(
            body["status"], self.status,
            "problem status matches the response"
        );
        assert!(body["title"].is_string() && body["detail"].is_string());
        body["type"]
            .as_str()
            .and_then(|t| t.rsplit('/').next())
            .expect("a problem type URI")
            .to_owned()
    }
}

impl TestApp {
    /// A registrar with this app's configuration and clock, over another store
    /// and SES client (an unreachable or faulty one).
    pub fn registrar_with<S: RegistrationStore>(
        &self,
        store: S,
        ses: aws_sdk_sesv2::Client,
    ) -> Registrar<S, SesMailer, FixedClock, DynamoStore> {
        let config = RegisterConfig::from_source(&self.env).expect("register configuration");
        let mailer = SesMailer::new(ses, config.sender.clone());
        let programs = self.store.clone();
        Registrar::with_programs(config, programs, store, mailer, self.clock.clone())
    }

    /// Confirm with a token through the use case, then run what it deferred until
    /// after its response (as the Lambda runtime does).
    pub async fn confirm_token(
        &self,
        token: &str,
    ) -> Result<
        registration::use_cases::confirming::Confirmed,
        registration::use_cases::action::ActionError,
    > {
        let outcome = self.confirmer.confirm(Some(token)).await;
        self.confirmer.after_response.run().await;
        outcome
    }

    /// Cancel with a token through the use case, then run what it deferred.
    pub async fn cancel_token(
        &self,
        token: &str,
    ) -> Result<
        registration::use_cases::cancelling::Cancelled,
        registration::use_cases::action::ActionError,
    > {
        let outcome = self.canceller.cancel(Some(token)).await;
        self.canceller.after_response.run().await;
        outcome
    }

    /// Register `email` through `register`, from an address of its own (as
    /// participants do), and return its confirmation token.
    pub async fn register_for_token(&self, email: &str) -> String {
        static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let event = events::from_source(
            events::post_registrations("application/json", &valid_json(email).to_string(), None),
            &format!("10.77.{}.{}", n / 256 % 256, n % 256),
        );
        let response = self.call_register(event).await;
        assert_eq!(response.status, 201, "{}", response.body);
        self.confirmation_token(email).await
    }

    pub fn clock_now(&self) -> jiff::Timestamp {
        registration::platform::clock::Clock::now(&self.clock)
    }

    pub fn sendlinks_config(&self) -> SendLinksConfig {
        SendLinksConfig::from_source(&self.env).expect("send-links configuration")
    }

    /// A new program reader over this app's table (nothing cached yet), with
    /// the app's own program.
    pub fn programs(&self) -> registration::store::SharedPrograms {
        let own = self.sendlinks_config().own;
        self.store.shared_programs(self.clock.clone(), own)
    }

    pub async fn call_register(&self, event: serde_json::Value) -> TestResponse {
        let request = events::to_request(&event);
        TestResponse::from_lambda(invoke_register(&self.registrar, request).await)
    }

    pub async fn call_confirm(&self, event: serde_json::Value) -> TestResponse {
        let request = events::to_request(&event);
        TestResponse::from_lambda(confirm::handle(&self.confirmer, request).await)
    }

    pub async fn post_json(&self, body: &serde_json::Value) -> TestResponse {
        self.call_register(events::post_registrations(
            "application/json",
            &body.to_string(),
            None,
        ))
        .await
    }

    /// A browser form post: URL-encoded fields, answered with HTML.
    pub async fn post_form(&self, fields: &[(&str, &str)]) -> TestResponse {
        let body = events::form_body(fields);
        self.call_register(events::post_registrations(
            "application/x-www-form-urlencoded",
            &body,
            Some("text/html,application/xhtml+xml,*/*;q=0.8"),
        ))
        .await
    }

    pub async fn get_form(&self) -> TestResponse {
        self.call_register(events::get("/", None)).await
    }

    /// The confirmation link's action: `POST /registrations/confirm` with the
    /// query's `token` as a form field (the page's button), answered with HTML.
    pub async fn confirm(&self, query: Option<&str>) -> TestResponse {
        let token = query
            .into_iter()
            .flat_map(|q| q.split('&'))
            .find_map(|pair| pair.strip_prefix("token="));
        let body = match token {
            Some(token) => events::form_body(&[("token", token)]),
            None => String::new(),
        };
        let headers = serde_json::json!({
            "content-type": "application/x-www-form-urlencoded",
            "accept": "text/html",
        });
        self.call_confirm(events::request(
            "POST",
            "/registrations/confirm",
            headers,
            Some(&body),
        ))
        .await
    }

    /// The confirmation link's page: `GET /registrations/confirm?…`.
    pub async fn confirm_page(&self, query: Option<&str>) -> TestResponse {
        self.call_confirm(events::get("/registrations/confirm", query))
            .await
    }

    /// Every item in this test's table, as returned by DynamoDB.
    pub async fn items(&self) -> Vec<HashMap<String, AttributeValue>> {
        let mut items = Vec::new();
        let mut start = None;
        loop {
            let page = self
                .dynamodb
                .scan()
                .table_name(&self.table)
                .consistent_read(true)
                .set_exclusive_start_key(start)
                .send()
                .await
                .expect("scan the test table");
            items.extend(page.items().iter().cloned());
            match page.last_evaluated_key {
                Some(key) => start = Some(key),
                None => return items,
            }
        }
    }

    /// The registration items in this test's table, as returned by DynamoDB (no
    /// seats item, no per-hour counters).
    pub async fn registration_items(&self) -> Vec<HashMap<String, AttributeValue>> {
        let mut items = self.items().await;
        items.retain(|item| {
            item.get(attr::PK)
                .and_then(|pk| pk.as_s().ok())
                .is_some_and(|pk| key_of_item(pk).is_some())
        });
        items
    }

    /// Registrations in this test's table, read back through the store.
    pub async fn registrations(&self) -> Vec<registration::store::Registration> {
        let mut registrations = Vec::new();
        for item in self.items().await {
            let pk = item
                .get(attr::PK)
                .and_then(|v| v.as_s().ok())
                .cloned()
                .unwrap_or_default();
            if let Some(key) = key_of_item(&pk) {
                registrations.push(self.store.get(&key).await.expect("read").expect("present"));
            }
        }
        registrations
    }

    /// The token string in the last confirmation link sent to `address`
    /// (without the link's `&lang=`).
    pub async fn confirmation_token(&self, address: &str) -> String {
        let link = self.mailbox.confirmation_urls(address).await;
        let link = link.last().expect("a confirmation email with a link");
        link.split("token=")
            .nth(1)
            .and_then(|rest| rest.split('&').next())
            .expect("a token in the link")
            .to_owned()
    }
}

/// `POST /registrations` with a JSON body, through `register`'s handler.
pub async fn post_json_to<S, M, C, P>(
    registrar: &Registrar<S, M, C, P>,
    body: &serde_json::Value,
) -> TestResponse
where
    S: RegistrationStore,
    M: registration::mail::Mailer + Clone + 'static,
    C: registration::platform::clock::Clock + Clone + 'static,
    P: registration::program::ProgramSource<Error = registration::store::StoreError>,
{
    let request = events::to_request(&events::post_registrations(
        "application/json",
        &body.to_string(),
        None,
    ));
    TestResponse::from_lambda(invoke_register(registrar, request).await)
}

/// One `register` invocation as the Lambda runtime makes it: the handler's
/// response, then the work it deferred until after the response.
pub async fn invoke_register<S, M, C, P>(
    registrar: &Registrar<S, M, C, P>,
    request: lambda_http::Request,
) -> lambda_http::Response<lambda_http::Body>
where
    S: RegistrationStore,
    M: registration::mail::Mailer + Clone + 'static,
    C: registration::platform::clock::Clock + Clone + 'static,
    P: registration::program::ProgramSource<Error = registration::store::StoreError>,
{
    let response = register::handle(registrar, request).await;
    registrar.after_response.run().await;
    response
}

/// The registration key an item's `pk` names (`EVENT#<event>#REG#<id>`), or
/// `None` for an item that is no registration.
pub fn key_of_item(pk: &str) -> Option<RegistrationKey> {
    let (event, id) = pk.strip_prefix("EVENT#")?.split_once("#REG#")?;
    RegistrationKey::from_id(event, id)
}

/// The item key (`pk`) of a registration, as a scan of the table shows it.
pub fn pk_of(key: &RegistrationKey) -> String {
    format!("EVENT#{}#REG#{}", key.event_id(), key.id())
}

/// The key of an event's registration for an address.
pub fn key_for(event_id: &str, email: &str) -> RegistrationKey {
    let email = EmailAddress::parse(email).expect("a valid address");
    RegistrationKey::for_address(event_id, &email)
}

/// A participant's valid fields, with this name and address.
pub fn participant(full_name: &str, email: &str) -> NewRegistration {
    NewRegistration {
        full_name: FullName::parse(full_name).expect("a valid name"),
        email: EmailAddress::parse(email).expect("a valid address"),
        country: Country::parse("PK").expect("a country"),
        organization: Organization::parse("Seeded Org").expect("an organization"),
        designation: None,
        phone: None,
    }
}

/// The pending registration `register` would store for a participant at `now`,
/// leased by `seed` for its first email, its data kept ten years.
pub fn pending_registration(
    event_id: &str,
    participant: NewRegistration,
    now: jiff::Timestamp,
) -> PendingRegistration {
    PendingRegistration {
        key: RegistrationKey::for_address(event_id, &participant.email),
        registration_id: uuid::Uuid::new_v4().to_string(),
        participant,
        link_base: "https://register.example.org".into(),
        registered_at: now,
        lease: Lease {
            owner: "seed".into(),
            until: now + jiff::SignedDuration::from_mins(2),
        },
        // DynamoDB Local expires items by the real clock.
        expires_at: now + jiff::SignedDuration::from_hours(24 * 3650),
        retain_until: now + jiff::SignedDuration::from_hours(24 * 3650),
        language: registration::program::Language::En,
    }
}

/// Store a registration as registering, its confirmation email (recorded as
/// sent) and the transition to `status` would leave it.
pub async fn store_as(
    store: &impl RegistrationStore,
    pending: &PendingRegistration,
    status: RegistrationStatus,
    now: jiff::Timestamp,
) {
    let hash = uuid::Uuid::new_v4().simple().to_string();
    let registration = store
        .create_pending(pending, &hash)
        .await
        .expect("seed a registration");
    let key = registration.key();
    assert!(
        store
            .record_sent(&key, Outbox::Confirmation, "seed", "seeded", now)
            .await
            .expect("record its confirmation email")
    );
    if status == RegistrationStatus::Confirmed {
        // Through the seats, as confirming does (no limit: always a seat).
        let pending = store.get(&key).await.expect("read").expect("stored");
        let outcome = store
            .confirm_seat(&pending, None, now)
            .await
            .expect("a seat");
        assert!(matches!(outcome, SeatOutcome::Confirmed(_)), "{outcome:?}");
        return;
    }
    let transitions: &[Transition] = match status {
        RegistrationStatus::Pending | RegistrationStatus::Confirmed => &[],
        RegistrationStatus::Waitlisted => &[Transition::Waitlist],
        RegistrationStatus::Cancelled => &[Transition::Cancel],
    };
    for transition in transitions {
        let outcome = store
            .transition(&key, *transition, now)
            .await
            .expect("transition");
        assert!(
            matches!(outcome, TransitionOutcome::Applied(_)),
            "{transition:?}"
        );
    }
}

/// A valid registration as JSON, for a given address.
pub fn valid_json(email: &str) -> serde_json::Value {
    serde_json::json!({
        "full_name": "Ayesha Khan",
        "email": email,
        "country": "pk",
        "organization": "Lahore Cells Ltd",
        "designation": "Founder",
        "phone": "+92 300 1234567",
        "consent": true
    })
}
