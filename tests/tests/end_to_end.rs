//! End to end: the release `register`, `confirm` and `cancel` binaries, run by
//! `cargo lambda watch` (cargo-lambda's emulator of the Lambda runtime and Invoke
//! APIs) against DynamoDB Local and the SES emulator. A registration goes in through
//! the Invoke API as an API Gateway HTTP API 2.0 event, its confirmation email comes
//! back out of the SES emulator, the emailed link's page changes nothing, its button
//! confirms (and the Zoom link follows, sent after the response), the cancel link's
//! button withdraws it, twice. The refusals (400, 404, 403 cross-site) go through
//! the same binaries, and 410 through the binaries started after the event's start
//! under the project's own Lambda Runtime API.
//!
//! Needs `cargo-lambda` (`make tools` installs it into `.venv`); without it the test
//! fails. The release build uses the same package selection as `cargo lambda watch`
//! (`--bin NAME` without `-p`, so workspace-wide features), so watch finds the
//! binaries fresh and does not build them again.

use registration::domain::RegistrationStatus;
use registration::store::{DynamoStore, Registrations};
use serde_json::Value;
use serde_json::json;
use std::collections::HashMap;
use std::fs::File;
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use system_tests::runtime_api::{FunctionProcess, release_binary};
use system_tests::{Mailbox, events, required_env, unique, unique_email, valid_json};

/// The HTTP functions under test (binary names, as `cargo lambda` knows them).
const FUNCTIONS: [&str; 3] = ["register", "confirm", "cancel"];
const ZOOM_JOIN_URL: &str = "https://zoom.example/j/0000000000?pwd=e2e";
const PUBLIC_BASE_URL: &str = "https://register.example.org";
/// How long the emulator may take to answer on its port.
const WATCH_READY_TIMEOUT: Duration = Duration::from_secs(60);
/// An invocation includes `cargo run` of an up-to-date binary and the function's
/// init; generous, in case watch has to build after all.
const INVOKE_TIMEOUT: Duration = Duration::from_secs(15 * 60);

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .canonicalize()
        .expect("the workspace root")
}

/// cargo-lambda: `$CARGO_LAMBDA` if set, else the project virtualenv's (`make tools`),
/// else the one on `PATH`.
fn cargo_lambda() -> PathBuf {
    let venv = workspace_root().join(".venv/bin/cargo-lambda");
    let found = if let Some(explicit) = std::env::var_os("CARGO_LAMBDA") {
        Some(PathBuf::from(explicit)).filter(|path| path.is_file())
    } else if venv.is_file() {
        Some(venv)
    } else {
        std::env::var_os("PATH").and_then(|paths| {
            std::env::split_paths(&paths)
                .map(|dir| dir.join("cargo-lambda"))
                .find(|candidate| candidate.is_file())
        })
    };
    let path = found.unwrap_or_else(|| {
        panic!(
            "cargo-lambda is not installed: run `make tools` (it installs cargo-lambda into .venv), \
             put cargo-lambda on PATH or point CARGO_LAMBDA at it; the end-to-end test needs \
             `cargo lambda watch`"
        )
    });
    let version = Command::new(&path)
        .args(["lambda", "--version"])
        .output()
        .unwrap_or_else(|e| panic!("{} does not run: {e}", path.display()));
    assert!(
        version.status.success(),
        "{} --version failed: {}",
        path.display(),
        String::from_utf8_lossy(&version.stderr)
    );
    path
}

fn cargo() -> PathBuf {
    std::env::var_os("CARGO").map_or_else(|| "cargo".into(), PathBuf::from)
}

fn free_port() -> u16 {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|listener| listener.local_addr())
        .expect("a free local port")
        .port()
}

/// The last lines of a log file, for failure messages.
fn tail(path: &Path, lines: usize) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

/// `cargo build --release --bin register --bin confirm`, logged to `log`.
fn build_release(log: &Path) {
    let started = Instant::now();
    let out = File::create(log).expect("create the build log");
    let mut command = system_tests::command_without_test_env(cargo());
    command
        .current_dir(workspace_root())
        .args(["build", "--release", "--locked"]);
    for function in FUNCTIONS {
        command.args(["--bin", function]);
    }
    let status = command
        .stdin(Stdio::null())
        .stdout(out.try_clone().expect("clone the log handle"))
        .stderr(out)
        .status()
        .expect("run cargo build --release");
    assert!(
        status.success(),
        "cargo build --release failed ({status}); last lines of {}:\n{}",
        log.display(),
        tail(log, 40)
    );
    eprintln!("release build: {:.1?}", started.elapsed());
}

/// The functions' configuration: the event starts at `starts_at`.
fn function_vars(table: &str, event_id: &str, starts_at: &str) -> Vec<(&'static str, String)> {
    let mut vars: Vec<(&'static str, String)> = vec![
        ("TABLE_NAME", table.to_owned()),
        ("EVENT_ID", event_id.to_owned()),
        (
            "EVENT_TITLE",
            "Powering Belt and Road Lithium-ion batteries".to_owned(),
        ),
        ("EVENT_STARTS_AT", starts_at.to_owned()),
        ("EVENT_TIMEZONE", "Asia/Karachi".to_owned()),
        (
            "REGISTRATION_CLOSES_AT",
            "2030-09-27T00:00:00+05:00".to_owned(),
        ),
        (
            "SENDER_EMAIL",
            "BTBU-ECOSF Training <training@example.org>".to_owned(),
        ),
        ("PUBLIC_BASE_URL", PUBLIC_BASE_URL.to_owned()),
        // No LINKS_SEND_AT: links go out at once, so a confirmation's link email
        // is sent by confirm itself, after its response.
        ("ZOOM_JOIN_URL", ZOOM_JOIN_URL.to_owned()),
        ("CAPACITY", "10".to_owned()),
        ("ALLOWED_ORIGINS", "https://training.example.org".to_owned()),
    ];
    for name in [
        "AWS_ENDPOINT_URL_DYNAMODB",
        "AWS_ENDPOINT_URL_SESV2",
        "AWS_REGION",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
    ] {
        vars.push((name, required_env(name)));
    }
    vars
}

/// The functions' configuration, as a `--env-file` for `cargo lambda watch`.
fn write_env_file(path: &Path, table: &str, event_id: &str) {
    let vars = function_vars(table, event_id, "2030-09-28T10:00:00+05:00");
    let text: String = vars
        .iter()
        .map(|(name, value)| {
            assert!(
                !value.contains(['"', '\\', '\n']),
                "{name} cannot be written to an env file: {value:?}"
            );
            format!("{name}=\"{value}\"\n")
        })
        .collect();
    std::fs::write(path, text).expect("write the functions' env file");
}

/// A process by pid and its start time (field 22 of /proc/PID/stat), so that a
/// recycled pid is never mistaken for it.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Proc {
    pid: u32,
    started: u64,
}

/// (ppid, start time) of a live process, from /proc/PID/stat.
fn proc_stat(pid: u32) -> Option<(u32, u64)> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name may hold spaces and parentheses: fields follow the last ')'.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    // fields[0] is the state (field 3); ppid is field 4, starttime field 22.
    if fields.first() == Some(&"Z") {
        return None;
    }
    Some((fields.get(1)?.parse().ok()?, fields.get(19)?.parse().ok()?))
}

/// Every live descendant of `root`.
fn descendants(root: u32) -> Vec<Proc> {
    let mut all = Vec::new();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|s| s.parse::<u32>().ok())
        else {
            continue;
        };
        if let Some((ppid, started)) = proc_stat(pid) {
            all.push((pid, ppid, started));
        }
    }
    let mut found: Vec<Proc> = Vec::new();
    let mut frontier = vec![root];
    while let Some(parent) = frontier.pop() {
        for &(pid, ppid, started) in &all {
            if ppid == parent && !found.iter().any(|p| p.pid == pid) {
                found.push(Proc { pid, started });
                frontier.push(pid);
            }
        }
    }
    found
}

fn is_alive(process: Proc) -> bool {
    proc_stat(process.pid).is_some_and(|(_, started)| started == process.started)
}

fn signal(sig: &str, target: &str) {
    let _ = Command::new("kill")
        .args([sig, "--", target])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
}

/// `cargo lambda watch`, in its own process group, stopped on drop (also when the
/// test fails): TERM to the group (watch then stops the function processes, which
/// watchexec runs in sessions of their own), KILL for whatever is left.
struct Watch {
    child: Child,
    port: u16,
    log: PathBuf,
}

impl Watch {
    fn start(env_file: &Path, log: &Path) -> Self {
        let port = free_port();
        let out = File::create(log).expect("create the watch log");
        // watch builds and starts each function with `cargo run --release --bin NAME`.
        let child = system_tests::command_without_test_env(cargo_lambda())
            .current_dir(workspace_root())
            .args(["lambda", "watch", "--release", "--ignore-changes"])
            .args(["--invoke-address", "127.0.0.1"])
            .arg("--invoke-port")
            .arg(port.to_string())
            .arg("--env-file")
            .arg(env_file)
            .stdin(Stdio::null())
            .stdout(out.try_clone().expect("clone the log handle"))
            .stderr(out)
            .process_group(0)
            .spawn()
            .expect("spawn cargo lambda watch");
        Self {
            child,
            port,
            log: log.to_owned(),
        }
    }

    fn log_tail(&self) -> String {
        format!(
            "last lines of {}:\n{}",
            self.log.display(),
            tail(&self.log, 40)
        )
    }

    /// Poll until the emulator accepts connections on its port.
    fn wait_ready(&mut self) {
        let started = Instant::now();
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, self.port));
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("cargo lambda watch exited ({status}); {}", self.log_tail());
            }
            if TcpStream::connect_timeout(&addr, Duration::from_millis(500)).is_ok() {
                eprintln!("cargo lambda watch ready in {:.1?}", started.elapsed());
                return;
            }
            assert!(
                started.elapsed() < WATCH_READY_TIMEOUT,
                "cargo lambda watch did not listen on {addr} within {WATCH_READY_TIMEOUT:?}; {}",
                self.log_tail()
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    fn invoke_url(&self, function: &str) -> String {
        format!(
            "http://127.0.0.1:{}/2015-03-31/functions/{function}/invocations",
            self.port
        )
    }

    /// Invoke through the `cargo lambda invoke` CLI.
    async fn invoke_cli(&self, function: &str, event: &Value, scratch: &Path) -> LambdaResponse {
        let data_file = scratch.join(format!("{}.json", unique(function)));
        std::fs::write(&data_file, event.to_string()).expect("write the event file");
        let mut command = tokio::process::Command::new(cargo_lambda());
        command
            .current_dir(workspace_root())
            .args(["lambda", "invoke", function, "--data-file"])
            .arg(&data_file)
            .args(["--invoke-address", "127.0.0.1", "--invoke-port"])
            .arg(self.port.to_string())
            .args(["--output-format", "json"])
            .stdin(Stdio::null())
            .kill_on_drop(true);
        let output = tokio::time::timeout(INVOKE_TIMEOUT, command.output())
            .await
            .unwrap_or_else(|_| {
                panic!(
                    "cargo lambda invoke {function} timed out; {}",
                    self.log_tail()
                )
            })
            .expect("run cargo lambda invoke");
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success(),
            "cargo lambda invoke {function} failed ({}): {stdout}{}; {}",
            output.status,
            String::from_utf8_lossy(&output.stderr),
            self.log_tail()
        );
        LambdaResponse::parse(&stdout).unwrap_or_else(|e| panic!("{e}; {}", self.log_tail()))
    }

    /// Invoke through the Invoke API (what `cargo lambda invoke` calls).
    async fn invoke_api(&self, function: &str, event: &Value) -> LambdaResponse {
        let response = reqwest::Client::new()
            .post(self.invoke_url(function))
            .timeout(INVOKE_TIMEOUT)
            .json(event)
            .send()
            .await
            .unwrap_or_else(|e| panic!("invoke {function}: {e}; {}", self.log_tail()));
        let status = response.status();
        let text = response.text().await.expect("the invocation's response");
        assert!(
            status.is_success(),
            "invoke {function}: HTTP {status}: {text}; {}",
            self.log_tail()
        );
        LambdaResponse::parse(&text).unwrap_or_else(|e| panic!("{e}; {}", self.log_tail()))
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        let pid = self.child.id();
        let children = descendants(pid);
        signal("-TERM", &format!("-{pid}"));
        let deadline = Instant::now() + Duration::from_secs(15);
        let mut exited = false;
        while Instant::now() < deadline {
            if !matches!(self.child.try_wait(), Ok(None)) {
                exited = true;
                break;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        if !exited {
            // Still our unreaped child, so its group id cannot have been reused.
            signal("-KILL", &format!("-{pid}"));
            let _ = self.child.wait();
        }
        // Function processes (and any `cargo run` building one) lead groups of
        // their own; watch stops them on TERM, this only mops up after a failure.
        let deadline = Instant::now() + Duration::from_secs(5);
        while children.iter().any(|&p| is_alive(p)) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(100));
        }
        for process in children.into_iter().filter(|&p| is_alive(p)) {
            signal("-KILL", &process.pid.to_string());
        }
    }
}

/// A function's API Gateway HTTP API response, as returned by an invocation.
#[derive(Debug)]
struct LambdaResponse {
    status: u64,
    content_type: String,
    body: String,
}

impl LambdaResponse {
    fn parse(text: &str) -> Result<Self, String> {
        let value: Value = serde_json::from_str(text.trim())
            .map_err(|e| format!("the invocation's response is not JSON ({e}): {text:?}"))?;
        let status = value["statusCode"]
            .as_u64()
            .ok_or_else(|| format!("no statusCode in {value}"))?;
        let content_type = value["headers"]["content-type"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let raw = value["body"].as_str().unwrap_or_default();
        let body = if value["isBase64Encoded"].as_bool() == Some(true) {
            use base64::Engine;
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(raw)
                .map_err(|e| format!("a base64 body that does not decode ({e})"))?;
            String::from_utf8(bytes).map_err(|e| format!("a body that is not UTF-8 ({e})"))?
        } else {
            raw.to_owned()
        };
        Ok(Self {
            status,
            content_type,
            body,
        })
    }
}

/// Who posts a link's token: the page's button (a form from the API's own
/// origin), a script asking for JSON (no `Origin`), or another site's page.
#[derive(Debug, Clone, Copy)]
enum Client {
    Browser,
    Json,
    OtherSite,
}

/// `POST <path>` with the token (when given) as the client sends it.
fn post_action(path: &str, token: Option<&str>, client: Client) -> Value {
    let own = format!("https://{}", events::DOMAIN);
    let (content_type, body, origin) = match client {
        Client::Json => (
            "application/json",
            token.map_or_else(|| "{}".to_owned(), |t| json!({"token": t}).to_string()),
            None,
        ),
        Client::Browser | Client::OtherSite => (
            "application/x-www-form-urlencoded",
            token.map_or_else(String::new, |t| events::form_body(&[("token", t)])),
            Some(if matches!(client, Client::Browser) {
                own.as_str()
            } else {
                "https://elsewhere.example"
            }),
        ),
    };
    let mut headers = json!({"host": events::DOMAIN, "content-type": content_type});
    if matches!(client, Client::Json) {
        headers["accept"] = json!("application/json");
    }
    let event = events::request("POST", path, headers, Some(&body));
    match origin {
        Some(origin) => with_origin(event, origin),
        None => event,
    }
}

fn with_origin(mut event: Value, origin: &str) -> Value {
    event["headers"]["origin"] = json!(origin);
    event
}

/// The page holds one form that posts the token back to `action`.
fn assert_button(html: &str, action: &str, token: &str) {
    assert_eq!(html.matches("<form").count(), 1, "{html}");
    assert!(
        html.contains(&format!(r#"<form method="post" action="{action}">"#)),
        "{html}"
    );
    assert!(
        html.contains(&format!(
            r#"<input type="hidden" name="token" value="{token}">"#
        )),
        "{html}"
    );
}

/// The emails to `address` whose text holds `needle`, waiting for `count` of them.
async fn emails_with(mailbox: &Mailbox, address: &str, needle: &str, count: usize) -> Vec<String> {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let found: Vec<String> = mailbox
            .to(address)
            .await
            .iter()
            .filter(|email| email.text().contains(needle))
            .map(|email| email.subject.clone())
            .collect();
        if found.len() >= count || Instant::now() >= deadline {
            return found;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// A new registration once register has recorded its confirmation email, which
/// it does after its response.
async fn with_email_recorded(
    store: &DynamoStore,
    key: &registration::domain::key::RegistrationKey,
) -> registration::store::Registration {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let read = store.get(key).await.expect("read the registration");
        let read = read.unwrap_or_else(|| panic!("registration {key:?}"));
        if read.owes().is_none() || Instant::now() >= deadline {
            return read;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The confirmation links emailed to `address`, waiting briefly for the first.
async fn confirmation_urls(mailbox: &Mailbox, address: &str) -> Vec<String> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let links = mailbox.confirmation_urls(address).await;
        if !links.is_empty() || Instant::now() >= deadline {
            return links;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test]
async fn a_participant_registers_confirms_and_cancels_through_the_lambda_runtime() {
    let scratch = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(unique("end-to-end"));
    std::fs::create_dir_all(&scratch).expect("create the scratch directory");
    let cargo_lambda = cargo_lambda(); // fail early, before building, when it is missing
    eprintln!(
        "cargo-lambda: {}; logs: {}",
        cargo_lambda.display(),
        scratch.display()
    );

    let sdk = system_tests::sdk_config().await;
    let dynamodb = registration::platform::aws::dynamodb(&sdk);
    let table = unique("registrations-e2e");
    let event_id = unique("event-e2e");
    system_tests::table::create_from_template(&dynamodb, &table)
        .await
        .expect("the table is created from template.yaml");
    let env_file = scratch.join("functions.env");
    write_env_file(&env_file, &table, &event_id);

    build_release(&scratch.join("build.log"));
    let mut watch = Watch::start(&env_file, &scratch.join("watch.log"));
    watch.wait_ready();

    // POST /registrations, through the CLI.
    let email = unique_email();
    let started = Instant::now();
    let registered = watch
        .invoke_cli(
            "register",
            &events::post_registrations("application/json", &valid_json(&email).to_string(), None),
            &scratch,
        )
        .await;
    eprintln!("register (first invocation): {:.1?}", started.elapsed());
    assert_eq!(registered.status, 201, "{registered:?}");
    assert_eq!(
        registered.content_type, "application/json",
        "{registered:?}"
    );
    let body: Value = serde_json::from_str(&registered.body).expect("a JSON body");
    assert_eq!(body["status"], "pending", "{body}");
    let registration_id = body["registration_id"]
        .as_str()
        .unwrap_or_else(|| panic!("a registration_id in {body}"))
        .to_owned();

    // The confirmation email, read back from the SES emulator.
    let links = confirmation_urls(&Mailbox::from_env(), &email).await;
    assert_eq!(
        links.len(),
        1,
        "one confirmation email to {email}: {links:?}"
    );
    let link = &links[0];
    let prefix = format!("{PUBLIC_BASE_URL}/registrations/confirm?token=");
    // The link opens its page in the participant's language (the form's first: English).
    let token = link
        .strip_prefix(&prefix)
        .and_then(|rest| rest.strip_suffix("&lang=en"))
        .unwrap_or_else(|| panic!("{link} is {prefix}…&lang=en"));
    assert!(!token.is_empty());

    let store = DynamoStore::new(dynamodb.clone(), &table);
    let key = system_tests::key_for(&event_id, &email);
    let pending = with_email_recorded(&store, &key).await;
    assert_eq!(pending.status, RegistrationStatus::Pending, "{pending:?}");
    assert_eq!(pending.owes(), None, "the confirmation email is recorded");

    // GET /registrations/confirm?token=…, through the Invoke API: the page and its
    // button, and nothing changes.
    let confirm_page = events::get("/registrations/confirm", Some(&format!("token={token}")));
    let started = Instant::now();
    let page = watch.invoke_api("confirm", &confirm_page).await;
    eprintln!("confirm (first invocation): {:.1?}", started.elapsed());
    assert_eq!(page.status, 200, "{page:?}");
    assert_eq!(page.content_type, "text/html; charset=utf-8");
    assert!(
        page.body.contains("Confirm your registration"),
        "{}",
        page.body
    );
    assert_button(&page.body, "/registrations/confirm", token);
    let unchanged = store.get(&key).await.expect("read the registration");
    assert_eq!(
        unchanged.as_ref(),
        Some(&pending),
        "the page changes nothing"
    );

    // POST /registrations/confirm: the button confirms.
    let confirmed = watch
        .invoke_api(
            "confirm",
            &post_action("/registrations/confirm", Some(token), Client::Browser),
        )
        .await;
    assert_eq!(confirmed.status, 200, "{confirmed:?}");
    assert_eq!(confirmed.content_type, "text/html; charset=utf-8");
    assert!(
        confirmed.body.contains("Your registration is confirmed"),
        "{}",
        confirmed.body
    );
    let stored = store.get(&key).await.expect("read the registration");
    let stored = stored.unwrap_or_else(|| panic!("registration {key:?} in {table}"));
    assert_eq!(stored.status, RegistrationStatus::Confirmed, "{stored:?}");
    assert_eq!(stored.registration_id, registration_id);
    assert!(stored.confirmed_at.is_some(), "{stored:?}");
    // Links go out already: confirm sends the Zoom link itself, after its response.
    let zoom = emails_with(&Mailbox::from_env(), &email, ZOOM_JOIN_URL, 1).await;
    assert_eq!(zoom.len(), 1, "one link email to {email}");

    // Again, as a JSON client: 200, already confirmed, nothing changes.
    let again = watch
        .invoke_api(
            "confirm",
            &post_action("/registrations/confirm", Some(token), Client::Json),
        )
        .await;
    assert_eq!(again.status, 200, "{again:?}");
    assert_eq!(
        serde_json::from_str::<Value>(&again.body).expect("JSON"),
        json!({"registration_id": registration_id, "status": "confirmed", "waitlist_position": null})
    );
    let confirmed_item = store.get(&key).await.expect("read the registration");
    let confirmed_item = confirmed_item.expect("the registration");
    assert_eq!(confirmed_item.status, RegistrationStatus::Confirmed);
    assert_eq!(
        confirmed_item.confirmed_at, stored.confirmed_at,
        "a second click changes nothing"
    );

    // The cancel link (every email carries it): its page, then its button, twice.
    let cancel_page = events::get("/registrations/cancel", Some(&format!("token={token}")));
    let page = watch.invoke_api("cancel", &cancel_page).await;
    assert_eq!(page.status, 200, "{page:?}");
    assert_eq!(page.content_type, "text/html; charset=utf-8");
    assert!(
        page.body.contains("Cancel your registration?"),
        "{}",
        page.body
    );
    assert_button(&page.body, "/registrations/cancel", token);
    let before_cancel = store.get(&key).await.expect("read the registration");
    assert_eq!(
        before_cancel.as_ref().map(|r| r.status),
        Some(RegistrationStatus::Confirmed)
    );
    let cancelled = watch
        .invoke_api(
            "cancel",
            &post_action("/registrations/cancel", Some(token), Client::Browser),
        )
        .await;
    assert_eq!(cancelled.status, 200, "{cancelled:?}");
    assert!(
        cancelled.body.contains("Your registration is cancelled"),
        "{}",
        cancelled.body
    );
    let after = store.get(&key).await.expect("read the registration");
    assert_eq!(
        after.as_ref().map(|r| r.status),
        Some(RegistrationStatus::Cancelled)
    );
    let twice = watch
        .invoke_api(
            "cancel",
            &post_action("/registrations/cancel", Some(token), Client::Json),
        )
        .await;
    assert_eq!(twice.status, 200, "{twice:?}");
    assert_eq!(
        serde_json::from_str::<Value>(&twice.body).expect("JSON"),
        json!({"registration_id": registration_id, "status": "cancelled"})
    );

    // The refusals, through the same binaries.
    let unknown = "SL9g4MCr6-SV-K7ZU6QOTQzfyLfyziSa6VF3C74-BeDIagwgv5s3hSRItuxCKRtFI";
    for (function, event, status) in [
        (
            "confirm",
            events::get("/registrations/confirm", Some(&format!("token={unknown}"))),
            404,
        ),
        (
            "cancel",
            post_action("/registrations/cancel", Some(unknown), Client::Json),
            404,
        ),
        (
            "confirm",
            post_action("/registrations/confirm", None, Client::Json),
            400,
        ),
        ("cancel", events::get("/registrations/cancel", None), 400),
        (
            "confirm",
            post_action("/registrations/confirm", Some(token), Client::OtherSite),
            403,
        ),
        (
            "cancel",
            post_action("/registrations/cancel", Some(token), Client::OtherSite),
            403,
        ),
    ] {
        let out = watch.invoke_api(function, &event).await;
        assert_eq!(out.status, status, "{function} {event}: {out:?}");
    }
    let cross_site = watch
        .invoke_api(
            "register",
            &with_origin(
                events::post_registrations(
                    "application/json",
                    &valid_json(&unique_email()).to_string(),
                    None,
                ),
                "https://elsewhere.example",
            ),
        )
        .await;
    assert_eq!(cross_site.status, 403, "{cross_site:?}");
    assert!(
        cross_site.body.contains("/cross-site"),
        "{}",
        cross_site.body
    );
    let listed = watch
        .invoke_api(
            "register",
            &with_origin(
                events::post_registrations(
                    "application/json",
                    &valid_json(&unique_email()).to_string(),
                    None,
                ),
                "https://training.example.org",
            ),
        )
        .await;
    assert_eq!(listed.status, 201, "a listed origin may post: {listed:?}");

    // After the event's start: 410 for both pages and both posts, and the
    // pending registration behind the token stays as it was.
    let late = unique_email();
    let registered = watch
        .invoke_api(
            "register",
            &events::post_registrations("application/json", &valid_json(&late).to_string(), None),
        )
        .await;
    assert_eq!(registered.status, 201, "{registered:?}");
    let late_links = confirmation_urls(&Mailbox::from_env(), &late).await;
    let late_token = late_links[0]
        .split("token=")
        .nth(1)
        .and_then(|rest| rest.split('&').next())
        .expect("a token")
        .to_owned();
    let late_key = system_tests::key_for(&event_id, &late);
    let before = Some(with_email_recorded(&store, &late_key).await);
    let after_start = function_vars(&table, &event_id, "2020-09-28T10:00:00+05:00");
    let env: HashMap<String, String> = after_start
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
    for (function, path) in [
        ("confirm", "/registrations/confirm"),
        ("cancel", "/registrations/cancel"),
    ] {
        let process =
            FunctionProcess::start(&release_binary(function), &env, Duration::from_secs(30))
                .await
                .unwrap_or_else(|e| panic!("{e}"));
        for event in [
            events::get(path, Some(&format!("token={late_token}"))),
            post_action(path, Some(&late_token), Client::Browser),
            post_action(path, Some(&late_token), Client::Json),
        ] {
            let out = process.invoke(event.clone()).await.expect("an invocation");
            assert_eq!(
                out.response["statusCode"], 410,
                "{function} {event}: {:?}",
                out.response
            );
        }
    }
    let after = store.get(&late_key).await.expect("read");
    assert_eq!(after, before, "nothing changes after the start");

    drop(watch);
    let watch_log = std::fs::read_to_string(scratch.join("watch.log")).unwrap_or_default();
    if watch_log.contains("Compiling ") {
        eprintln!("note: cargo lambda watch rebuilt a function the release build had built");
    }
    let _ = std::fs::remove_dir_all(&scratch); // kept when the test fails
}
