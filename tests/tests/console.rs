//! The organizer console's sign-in, through the release `console` binary under
//! the project's Lambda Runtime API, against DynamoDB Local and the SES
//! emulator: the emailed link, its page and button, the session cookie, the
//! pages behind it, sign-out, and every refusal. The expired link runs in
//! process, with a clock the test sets.

use jiff::SignedDuration;
use registration::platform::clock::FixedClock;
use registration::store::DynamoStore;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::time::Duration;
use system_tests::runtime_api::{FunctionProcess, release_binary};
use system_tests::{Mailbox, events, unique};

const EVENT: &str = "bnr-li-ion-2022";
const OWN_ORIGIN: &str = "https://register.example.org";

/// A console on its own table, for the organizers listed.
struct TestConsole {
    process: FunctionProcess,
    table: String,
    store: DynamoStore,
}

fn organizer_address() -> String {
    format!("{}@example.org", unique("organizer"))
}

async fn store_for(table: &str) -> DynamoStore {
    let sdk = system_tests::sdk_config().await;
    DynamoStore::new(registration::platform::aws::dynamodb(&sdk), table)
}

fn console_env(table: &str, organizers: &str) -> HashMap<String, String> {
    let mut env: HashMap<String, String> = system_tests::aws_env();
    env.extend(system_tests::seed_env(table, EVENT));
    env.insert("ORGANIZER_EMAILS".into(), organizers.into());
    env
}

impl TestConsole {
    async fn start(organizers: &str) -> Self {
        let sdk = system_tests::sdk_config().await;
        let table = unique("console");
        system_tests::table::create_from_template(
            &registration::platform::aws::dynamodb(&sdk),
            &table,
        )
        .await
        .unwrap();
        Self::on_table(table, organizers).await
    }

    async fn on_table(table: String, organizers: &str) -> Self {
        let binary = release_binary("console");
        assert!(
            binary.exists(),
            "{} is missing: `make test` builds it",
            binary.display()
        );
        let process = FunctionProcess::start(
            &binary,
            &console_env(&table, organizers),
            Duration::from_secs(30),
        )
        .await
        .unwrap();
        let store = store_for(&table).await;
        Self {
            process,
            table,
            store,
        }
    }

    async fn call(&self, event: Value) -> Answer {
        let invocation = self.process.invoke(event).await.unwrap();
        assert!(!invocation.is_error, "{}", invocation.response);
        Answer(invocation.response)
    }

    async fn get(&self, path: &str, query: Option<&str>, cookie: Option<&str>) -> Answer {
        let mut event = events::get(path, query);
        if let Some(cookie) = cookie {
            event["headers"]["cookie"] = json!(format!("{}={cookie}", organizer_console::COOKIE));
        }
        self.call(event).await
    }

    async fn post(
        &self,
        path: &str,
        fields: &[(&str, &str)],
        cookie: Option<&str>,
        origin: &str,
    ) -> Answer {
        let mut headers = json!({
            "host": events::DOMAIN,
            "content-type": "application/x-www-form-urlencoded",
            "accept": "text/html",
            "origin": origin,
        });
        if let Some(cookie) = cookie {
            headers["cookie"] = json!(format!("{}={cookie}", organizer_console::COOKIE));
        }
        let body = events::form_body(fields);
        self.call(events::request("POST", path, headers, Some(&body)))
            .await
    }

    async fn request_link(&self, address: &str) -> Answer {
        self.post(
            "/organizer/sign-in",
            &[("email", address)],
            None,
            OWN_ORIGIN,
        )
        .await
    }

    /// The session secret a sign-in through the emailed link gives.
    async fn sign_in(&self, address: &str) -> String {
        let answer = self.request_link(address).await;
        assert_eq!(answer.status(), 200);
        let token = sign_in_tokens(address)
            .await
            .pop()
            .unwrap_or_else(|| panic!("a sign-in email: {}", self.process.logs()));
        let page = self
            .get("/organizer/sign-in", Some(&format!("token={token}")), None)
            .await;
        assert_eq!(page.status(), 200);
        assert!(
            page.body().contains(&format!("value=\"{token}\"")),
            "{}",
            page.body()
        );
        let session = self
            .post("/organizer/session", &[("token", &token)], None, OWN_ORIGIN)
            .await;
        assert_eq!(session.status(), 303, "{}", session.0);
        session.session_cookie().expect("a session cookie")
    }
}

/// A function's answer (API Gateway HTTP API 2.0 response).
struct Answer(Value);

impl Answer {
    fn status(&self) -> u64 {
        self.0["statusCode"].as_u64().unwrap()
    }

    fn body(&self) -> String {
        self.0["body"].as_str().unwrap_or_default().to_owned()
    }

    fn cookies(&self) -> Vec<String> {
        let mut cookies: Vec<String> = self.0["cookies"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|c| c.as_str().map(str::to_owned))
            .collect();
        if let Some(header) = self.0["headers"]["set-cookie"].as_str() {
            cookies.push(header.to_owned());
        }
        cookies
    }

    fn session_cookie(&self) -> Option<String> {
        let prefix = format!("{}=", organizer_console::COOKIE);
        self.cookies().iter().find_map(|cookie| {
            let value = cookie.strip_prefix(&prefix)?.split(';').next()?;
            (!value.is_empty()).then(|| value.to_owned())
        })
    }

    fn is_sign_in_page(&self) -> bool {
        self.body().contains("name=\"email\"") && self.body().contains("Organizer sign-in")
    }
}

/// The tokens of the sign-in links emailed to `address`, oldest first.
async fn sign_in_tokens(address: &str) -> Vec<String> {
    Mailbox::from_env()
        .to(address)
        .await
        .iter()
        .filter(|email| email.subject == organizer_console::SIGN_IN_SUBJECT)
        .filter_map(|email| {
            email
                .text()
                .split_whitespace()
                .find_map(|word| word.split_once("/organizer/sign-in?token="))
                .map(|(base, token)| {
                    assert_eq!(base, OWN_ORIGIN);
                    token.to_owned()
                })
        })
        .collect()
}

#[tokio::test]
async fn an_organizer_signs_in_through_the_emailed_link_and_sees_the_console() {
    let address = organizer_address();
    let console = TestConsole::start(&address).await;
    let cold = console.get("/organizer/", None, None).await;
    assert_eq!(cold.status(), 200);
    assert!(cold.is_sign_in_page(), "{}", cold.body());

    let answer = console.request_link(&address.to_uppercase()).await;
    assert!(answer.body().contains("a sign-in link is on its way"));
    let session = console.sign_in(&address).await;
    assert_eq!(session.len(), 43, "256 bits, base64url");

    let home = console.get("/organizer/", None, Some(&session)).await;
    assert_eq!(home.status(), 200);
    assert!(home.body().contains("Programs"), "{}", home.body());
    assert!(home.body().contains(EVENT), "{}", home.body());
    assert!(!home.is_sign_in_page());
    let logs = console.process.logs();
    assert!(
        !logs.to_lowercase().contains(&address.to_lowercase()),
        "{logs}"
    );
}

#[tokio::test]
async fn the_session_cookie_has_the_contracts_exact_attributes() {
    let address = organizer_address();
    let console = TestConsole::start(&address).await;
    console.request_link(&address).await;
    let token = sign_in_tokens(&address).await.pop().unwrap();
    let answer = console
        .post("/organizer/session", &[("token", &token)], None, OWN_ORIGIN)
        .await;
    let cookies = answer.cookies();
    assert_eq!(cookies.len(), 1, "{cookies:?}");
    let attributes: Vec<&str> = cookies[0].split("; ").skip(1).collect();
    assert_eq!(
        attributes,
        [
            "Secure",
            "HttpOnly",
            "SameSite=Strict",
            "Path=/",
            "Max-Age=43200"
        ]
    );
    assert!(cookies[0].starts_with("__Host-organizer="));
    assert!(!cookies[0].contains("Domain"));
}

#[tokio::test]
async fn a_sign_in_link_works_once() {
    let address = organizer_address();
    let console = TestConsole::start(&address).await;
    console.request_link(&address).await;
    let token = sign_in_tokens(&address).await.pop().unwrap();
    let first = console
        .post("/organizer/session", &[("token", &token)], None, OWN_ORIGIN)
        .await;
    assert_eq!(first.status(), 303);
    let again = console
        .post("/organizer/session", &[("token", &token)], None, OWN_ORIGIN)
        .await;
    assert_eq!(again.status(), 410);
    assert_eq!(again.session_cookie(), None);
    assert!(again.body().contains("no longer works"));
    let forged = console
        .post(
            "/organizer/session",
            &[("token", "x".repeat(43).as_str())],
            None,
            OWN_ORIGIN,
        )
        .await;
    assert_eq!((forged.status(), forged.session_cookie()), (410, None));
}

#[tokio::test]
async fn an_address_not_listed_gets_the_same_page_and_no_email() {
    let listed = organizer_address();
    let stranger = organizer_address();
    let console = TestConsole::start(&listed).await;
    let to_listed = console.request_link(&listed).await;
    let to_stranger = console.request_link(&stranger).await;
    let malformed = console.request_link("not an address").await;
    assert_eq!(to_stranger.status(), to_listed.status());
    assert_eq!(to_stranger.body(), to_listed.body());
    assert_eq!(malformed.body(), to_listed.body());
    assert_eq!(sign_in_tokens(&listed).await.len(), 1);
    assert!(Mailbox::from_env().to(&stranger).await.is_empty());
}

#[tokio::test]
async fn the_sixth_sign_in_request_in_an_hour_sends_nothing() {
    let address = organizer_address();
    let console = TestConsole::start(&address).await;
    for _ in 0..6 {
        let answer = console.request_link(&address).await;
        assert_eq!(answer.status(), 200);
        assert!(answer.body().contains("a sign-in link is on its way"));
    }
    assert_eq!(sign_in_tokens(&address).await.len(), 5);
}

#[tokio::test]
async fn without_a_session_a_get_shows_the_sign_in_page_and_a_post_answers_401() {
    let address = organizer_address();
    let console = TestConsole::start(&address).await;
    for path in ["/organizer/", "/organizer/audit", "/organizer/anything"] {
        let page = console.get(path, None, None).await;
        assert_eq!(page.status(), 200, "{path}");
        assert!(page.is_sign_in_page(), "{path}");
        let forged = console.get(path, None, Some("not-a-session")).await;
        assert!(forged.is_sign_in_page(), "{path}");
    }
    for path in [
        "/organizer/sign-out",
        "/organizer/audit",
        "/organizer/anything",
    ] {
        let post = console.post(path, &[], None, OWN_ORIGIN).await;
        assert_eq!(post.status(), 401, "{path}");
        let forged = console
            .post(path, &[], Some("not-a-session"), OWN_ORIGIN)
            .await;
        assert_eq!(forged.status(), 401, "{path}");
    }
}

#[tokio::test]
async fn a_cross_site_post_answers_403_session_or_not() {
    let address = organizer_address();
    let console = TestConsole::start(&address).await;
    let session = console.sign_in(&address).await;
    let evil = "https://evil.example";
    for (path, cookie) in [
        ("/organizer/sign-out", Some(session.as_str())),
        ("/organizer/sign-out", None),
        ("/organizer/sign-in", None),
        ("/organizer/session", None),
    ] {
        let answer = console
            .post(path, &[("email", &address)], cookie, evil)
            .await;
        assert_eq!(answer.status(), 403, "{path}");
        assert!(answer.body().contains("another site"), "{path}");
    }
    assert_eq!(
        sign_in_tokens(&address).await.len(),
        1,
        "no link for the cross-site post"
    );
    let home = console.get("/organizer/", None, Some(&session)).await;
    assert!(
        !home.is_sign_in_page(),
        "the cross-site sign-out did nothing"
    );
}

#[tokio::test]
async fn sign_out_ends_the_session_on_the_server() {
    let address = organizer_address();
    let console = TestConsole::start(&address).await;
    let session = console.sign_in(&address).await;
    let out = console
        .post("/organizer/sign-out", &[], Some(&session), OWN_ORIGIN)
        .await;
    assert_eq!(out.status(), 303);
    assert!(out.cookies()[0].contains("Max-Age=0"));
    // The old cookie, replayed, no longer opens anything.
    let replayed = console.get("/organizer/", None, Some(&session)).await;
    assert!(replayed.is_sign_in_page());
    let post = console
        .post("/organizer/sign-out", &[], Some(&session), OWN_ORIGIN)
        .await;
    assert_eq!(post.status(), 401);
}

#[tokio::test]
async fn an_address_removed_from_the_list_loses_its_sessions_at_once() {
    let kept = organizer_address();
    let removed = organizer_address();
    let console = TestConsole::start(&format!("{kept},{removed}")).await;
    let kept_session = console.sign_in(&kept).await;
    let removed_session = console.sign_in(&removed).await;
    let table = console.table.clone();
    drop(console);
    let console = TestConsole::on_table(table, &kept).await;
    let page = console
        .get("/organizer/", None, Some(&removed_session))
        .await;
    assert!(page.is_sign_in_page());
    let post = console
        .post(
            "/organizer/sign-out",
            &[],
            Some(&removed_session),
            OWN_ORIGIN,
        )
        .await;
    assert_eq!(post.status(), 401);
    let still = console.get("/organizer/", None, Some(&kept_session)).await;
    assert!(!still.is_sign_in_page());
}

#[tokio::test]
async fn sign_in_and_sign_out_each_leave_one_audit_entry_newest_first() {
    let address = organizer_address();
    let console = TestConsole::start(&address).await;
    let session = console.sign_in(&address).await;
    console
        .post("/organizer/sign-out", &[], Some(&session), OWN_ORIGIN)
        .await;
    let page = console.store.audit_page(None, 50).await.unwrap();
    let actions: Vec<(&str, &str)> = page
        .entries
        .iter()
        .map(|e| (e.action.as_str(), e.organizer.as_str()))
        .collect();
    assert_eq!(
        actions,
        [
            ("sign-out", address.as_str()),
            ("sign-in", address.as_str())
        ]
    );
    assert!(page.entries.iter().all(|e| e.registration_id.is_none()));
    assert_eq!(page.next, None);

    let again = console.sign_in(&address).await;
    let audit = console.get("/organizer/audit", None, Some(&again)).await;
    assert_eq!(audit.status(), 200);
    let body = audit.body();
    let rows = &body[body.find("<tbody>").unwrap()..];
    let actions: Vec<&str> = ["<td>sign-in</td>", "<td>sign-out</td>"]
        .into_iter()
        .filter_map(|cell| rows.find(cell).map(|at| (at, cell)))
        .min()
        .map(|(_, cell)| vec![cell])
        .unwrap_or_default();
    assert_eq!(actions, ["<td>sign-in</td>"], "the newest first: {body}");
    assert_eq!(rows.matches("<tr>").count(), 3, "{body}");
}

#[tokio::test]
async fn an_expired_sign_in_link_is_refused() {
    let address = organizer_address();
    let table = unique("console");
    let sdk = system_tests::sdk_config().await;
    system_tests::table::create_from_template(&registration::platform::aws::dynamodb(&sdk), &table)
        .await
        .unwrap();
    let config =
        organizer_console::config::ConsoleConfig::from_source(&console_env(&table, &address))
            .unwrap();
    let mailer = registration::mail::SesMailer::new(
        registration::platform::aws::sesv2(&sdk),
        config.sender.clone(),
    );
    let clock = FixedClock::at(jiff::Timestamp::now());
    let app =
        organizer_console::Console::new(config, store_for(&table).await, mailer, clock.clone());
    app.request_sign_in(&address, OWN_ORIGIN).await;
    let token = sign_in_tokens(&address).await.pop().unwrap();
    clock.advance(SignedDuration::from_mins(15));
    assert_eq!(app.open_session(&token).await.unwrap(), None);
    clock.advance(SignedDuration::from_mins(-1));
    let organizer = app.open_session(&token).await.unwrap().expect("still good");
    assert_eq!(organizer.address, address);
    clock.advance(SignedDuration::from_hours(12));
    assert_eq!(app.session(&organizer.session).await.unwrap(), None);
}

// The pages behind the session: the list, one registration, the actions.

use registration::domain::{
    Country, EmailAddress, FullName, NewRegistration, Organization, RegistrationStatus,
};
use registration::store::Registrations;
use system_tests::{key_for, pending_registration, store_as};

const SCRIPT_NAME: &str = "<script>alert(1)</script>";
/// Zahra Sadat, with the zero-width non-joiner Persian writes between its parts.
const PERSIAN_NAME: &str = "زهرا\u{200c}سادات";

fn person(name: &str, email: &str, country: &str, organization: &str) -> NewRegistration {
    NewRegistration {
        full_name: FullName::parse(name).expect("a valid name"),
        email: EmailAddress::parse(email).expect("a valid address"),
        country: Country::parse(country).expect("a country"),
        organization: Organization::parse(organization).expect("an organization"),
        designation: None,
        phone: None,
    }
}

impl TestConsole {
    async fn seed(&self, who: NewRegistration, status: RegistrationStatus) -> String {
        let now = jiff::Timestamp::now();
        let pending = pending_registration(EVENT, who, now);
        store_as(&self.store, &pending, status, now).await;
        pending.key.id().to_owned()
    }

    async fn list(&self, session: &str, query: &str) -> Answer {
        let path = format!("/organizer/programs/{EVENT}/registrations");
        self.get(&path, Some(query), Some(session)).await
    }

    async fn act(
        &self,
        session: &str,
        key_id: &str,
        action: &str,
        fields: &[(&str, &str)],
    ) -> Answer {
        let path = format!("/organizer/programs/{EVENT}/registrations/{key_id}/{action}");
        self.post(&path, fields, Some(session), OWN_ORIGIN).await
    }
}

/// The names in a list page's rows, in order.
fn listed_names(answer: &Answer) -> Vec<String> {
    answer
        .body()
        .split("<bdi dir=\"auto\">")
        .skip(1)
        .step_by(2)
        .filter_map(|cell| cell.split("</bdi>").next().map(str::to_owned))
        .collect()
}

#[tokio::test]
async fn participant_values_are_escaped_and_isolated_on_every_page() {
    let address = organizer_address();
    let console = TestConsole::start(&address).await;
    let script = console
        .seed(
            person(SCRIPT_NAME, "script@example.org", "PK", "<b>Org</b>"),
            RegistrationStatus::Confirmed,
        )
        .await;
    let persian = console
        .seed(
            person(PERSIAN_NAME, "zahra@example.org", "IR", "دانشگاه تهران"),
            RegistrationStatus::Confirmed,
        )
        .await;
    let session = console.sign_in(&address).await;
    let list = console.list(&session, "").await;
    assert_eq!(list.status(), 200);
    let escaped = "&#60;script&#62;alert(1)&#60;/script&#62;";
    for page in [
        list,
        console
            .get(
                &format!("/organizer/programs/{EVENT}/registrations/{script}"),
                None,
                Some(&session),
            )
            .await,
    ] {
        let body = page.body();
        assert!(!body.contains(SCRIPT_NAME), "{body}");
        assert!(!body.contains("<b>Org</b>"), "{body}");
        let shown =
            body.contains(escaped) || body.contains("&lt;script&gt;alert(1)&lt;/script&gt;");
        assert!(shown, "{body}");
    }
    let page = console
        .get(
            &format!("/organizer/programs/{EVENT}/registrations/{persian}"),
            None,
            Some(&session),
        )
        .await;
    // Seeded without a language: the program's first, as `show` says.
    assert!(
        page.body().contains("<dt>Language</dt><dd>en</dd>"),
        "{}",
        page.body()
    );
    assert!(
        page.body()
            .contains(&format!("<bdi dir=\"auto\">{PERSIAN_NAME}</bdi>")),
        "{}",
        page.body()
    );
    let logs = console.process.logs();
    for secret in ["script@example.org", "zahra@example.org", PERSIAN_NAME] {
        assert!(!logs.contains(secret), "{secret} in the logs");
    }
}

#[tokio::test]
async fn the_list_filters_by_status_country_and_searches_in_any_case_and_script() {
    let address = organizer_address();
    let console = TestConsole::start(&address).await;
    let turkish = "Özgür Çelik";
    console
        .seed(
            person(PERSIAN_NAME, "zahra@example.org", "IR", "Tehran University"),
            RegistrationStatus::Confirmed,
        )
        .await;
    console
        .seed(
            person(turkish, "Ozgur@Example.org", "TR", "ODTÜ"),
            RegistrationStatus::Waitlisted,
        )
        .await;
    console
        .seed(
            person(
                "Aliya Nazarova",
                "aliya@example.org",
                "KZ",
                "Satbayev University",
            ),
            RegistrationStatus::Pending,
        )
        .await;
    let session = console.sign_in(&address).await;
    let names = |query: &'static str| {
        let console = &console;
        let session = session.clone();
        async move { listed_names(&console.list(&session, query).await) }
    };
    assert_eq!(names("").await.len(), 3);
    assert_eq!(names("status=waitlisted").await, [turkish]);
    assert_eq!(names("country=ir").await, [PERSIAN_NAME]);
    assert_eq!(
        names("q=%C3%96ZG%C3%9CR").await,
        [turkish],
        "ÖZGÜR, any case"
    );
    assert_eq!(
        names("q=odt%C3%BC").await,
        [turkish],
        "a part of the organization"
    );
    // "‌سادات": the ZWNJ and what follows it.
    assert_eq!(
        names("q=%E2%80%8C%D8%B3%D8%A7%D8%AF%D8%A7%D8%AA").await,
        [PERSIAN_NAME]
    );
    assert_eq!(
        names("q=OZGUR%40EXAMPLE.ORG").await,
        [turkish],
        "a whole address, any case"
    );
    assert!(
        names("q=ozgur%40example").await.is_empty(),
        "a part of an address finds nothing"
    );
    assert!(names("status=cancelled").await.is_empty());
}

#[tokio::test]
async fn the_list_shows_50_a_page_with_a_link_to_the_next() {
    let address = organizer_address();
    let console = TestConsole::start(&address).await;
    for n in 0..51 {
        let who = person(
            &format!("Participant {n:02}"),
            &format!("p{n}@example.org"),
            "PK",
            "Org",
        );
        console.seed(who, RegistrationStatus::Pending).await;
    }
    let session = console.sign_in(&address).await;
    let first = console.list(&session, "").await;
    assert_eq!(listed_names(&first).len(), 50);
    let body = first.body();
    let link = body
        .split("href=\"")
        .find_map(|h| h.split('"').next().filter(|h| h.contains("after=")))
        .expect("a next page link")
        .replace("&#38;", "&")
        .replace("&amp;", "&");
    let query = link.split_once('?').unwrap().1.to_owned();
    let pairs: Vec<(String, String)> = query
        .split('&')
        .filter_map(|p| p.split_once('=').map(|(k, v)| (k.to_owned(), v.to_owned())))
        .collect();
    let mut event = events::get(&format!("/organizer/programs/{EVENT}/registrations"), None);
    event["rawQueryString"] = json!(query);
    let params: serde_json::Map<String, Value> = pairs
        .into_iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| (k, json!(v)))
        .collect();
    event["queryStringParameters"] = Value::Object(params);
    event["headers"]["cookie"] = json!(format!("{}={session}", organizer_console::COOKIE));
    let second = console.call(event).await;
    assert_eq!(listed_names(&second).len(), 1, "{}", second.body());
}

#[tokio::test]
async fn cancel_resend_and_erase_each_leave_one_audit_entry_without_the_address() {
    let address = organizer_address();
    let console = TestConsole::start(&address).await;
    let participant = "leaving@example.org";
    let key_id = console
        .seed(
            person("Leaving Soon", participant, "PK", "Org"),
            RegistrationStatus::Confirmed,
        )
        .await;
    let session = console.sign_in(&address).await;

    let resent = console.act(&session, &key_id, "resend", &[]).await;
    assert_eq!(resent.status(), 200, "{}", resent.body());
    let cancelled = console.act(&session, &key_id, "cancel", &[]).await;
    assert!(
        cancelled.body().contains("Cancelled"),
        "{}",
        cancelled.body()
    );
    let key = key_for(EVENT, participant);
    let stored = console.store.get(&key).await.unwrap().unwrap();
    assert_eq!(stored.status, RegistrationStatus::Cancelled);

    let mistyped = console
        .act(
            &session,
            &key_id,
            "erase",
            &[("email", "other@example.org")],
        )
        .await;
    assert!(mistyped.body().contains("Nothing was erased"));
    assert!(console.store.get(&key).await.unwrap().is_some());
    let erased = console
        .act(
            &session,
            &key_id,
            "erase",
            &[("email", "LEAVING@example.org")],
        )
        .await;
    assert_eq!(erased.status(), 303);
    assert_eq!(console.store.get(&key).await.unwrap(), None);

    let entries = console.store.audit_page(None, 50).await.unwrap().entries;
    let actions: Vec<&str> = entries.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["erase", "cancel", "resend", "sign-in"]);
    for entry in &entries[..3] {
        assert_eq!(
            entry.registration_id.as_deref(),
            Some(stored.registration_id.as_str())
        );
        assert_eq!(entry.program.as_deref(), Some(EVENT));
        assert_eq!(entry.organizer, address);
    }
    let all = format!("{entries:?}");
    assert!(!all.to_lowercase().contains(participant), "{all}");
}

impl Answer {
    /// The body's bytes, decoded when the function sent it base64-encoded.
    fn bytes(&self) -> Vec<u8> {
        use base64::Engine;
        let body = self.0["body"].as_str().unwrap_or_default();
        if self.0["isBase64Encoded"].as_bool() == Some(true) {
            base64::engine::general_purpose::STANDARD
                .decode(body)
                .unwrap()
        } else {
            body.as_bytes().to_vec()
        }
    }

    fn header(&self, name: &str) -> String {
        self.0["headers"][name]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }
}

#[tokio::test]
async fn exports_download_as_attachments_with_the_organizer_export_s_records() {
    let address = organizer_address();
    let console = TestConsole::start(&address).await;
    console
        .seed(
            person("Ayesha Khan", "ayesha@example.org", "PK", "=HYPERLINK(1)"),
            RegistrationStatus::Confirmed,
        )
        .await;
    console
        .seed(
            person(PERSIAN_NAME, "zahra@example.org", "IR", "دانشگاه"),
            RegistrationStatus::Pending,
        )
        .await;
    let session = console.sign_in(&address).await;
    let path = format!("/organizer/programs/{EVENT}/export");

    let csv = console.get(&path, Some("format=csv"), Some(&session)).await;
    assert_eq!(csv.status(), 200);
    assert_eq!(
        csv.header("content-disposition"),
        format!("attachment; filename=\"{EVENT}-registrations.csv\"")
    );
    assert!(csv.header("content-type").starts_with("text/csv"));
    let text = String::from_utf8(csv.bytes()).unwrap();
    let text = text
        .strip_prefix('\u{feff}')
        .unwrap_or_else(|| panic!("a byte-order mark: {:?}", csv.0));
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert!(lines[0].starts_with("registration_id,full_name,email,country,organization"));
    assert!(text.contains("'=HYPERLINK(1)"), "{text}");
    assert!(text.contains(PERSIAN_NAME), "{text}");

    let json = console
        .get(&path, Some("format=json"), Some(&session))
        .await;
    assert_eq!(
        json.header("content-disposition"),
        format!("attachment; filename=\"{EVENT}-registrations.json\"")
    );
    let records: Vec<Value> = serde_json::from_slice(&json.bytes()).unwrap();
    let mut statuses: Vec<&str> = records
        .iter()
        .map(|r| r["status"].as_str().unwrap())
        .collect();
    statuses.sort();
    assert_eq!(statuses, ["confirmed", "pending"]);
    assert!(records.iter().all(|r| r["unreachable"] == false));

    let without = console.get(&path, Some("format=csv"), None).await;
    assert!(without.is_sign_in_page(), "no export without a session");
    let entries = console.store.audit_page(None, 50).await.unwrap().entries;
    let exports: Vec<_> = entries.iter().filter(|e| e.action == "export").collect();
    assert_eq!(exports.len(), 2);
    assert!(
        exports
            .iter()
            .all(|e| e.program.as_deref() == Some(EVENT) && e.registration_id.is_none())
    );
}
