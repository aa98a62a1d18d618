//! The functions' init, through their real binaries: a missing or malformed
//! configuration variable stops the process with a message naming the variable.
//!
//! The binaries are those cargo builds for the functions' packages
//! (what `cargo lambda` ships as `bootstrap`). Cargo only provides
//! `CARGO_BIN_EXE_<name>` for the binaries of the package under test, and artifact
//! dependencies (`-Z bindeps`) are unstable, so this suite asks cargo itself to
//! build them, once per run, with `cargo build --bin register --bin confirm …
//! --message-format=json`, and takes each executable's path from cargo's own
//! report. That always runs the binaries of the current sources, wherever the
//! target directory is, rather than trusting whatever happens to be in
//! `target/debug` (which `cargo test -p system-tests` does not build). Selected by
//! `--bin`, as `make dev` and `cargo lambda watch` select them, the build resolves
//! the same features and shares their artifacts: one debug build of the
//! dependencies besides the tests' own. Once built, the nested build is a no-op.
//!
//! The nested cargo must not inherit the variables cargo sets for a test process
//! (`CARGO_PKG_NAME`, `CARGO_MANIFEST_DIR`, …): build scripts such as ring's list
//! them in `rerun-if-env-changed`, so inheriting them would rebuild ring and all
//! that depends on it every time, here and again in the next ordinary build.

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// Every function.
const FUNCTIONS: [&str; 5] = [
    "register",
    "confirm",
    "cancel",
    "send-links",
    "email-events",
];

/// The functions' executables, built once per run.
fn binaries() -> &'static HashMap<String, PathBuf> {
    static BINARIES: OnceLock<HashMap<String, PathBuf>> = OnceLock::new();
    BINARIES.get_or_init(|| {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| env!("CARGO").to_owned());
        let workspace = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut command = system_tests::command_without_test_env(cargo);
        let output = command
            .current_dir(&workspace)
            .args(["build", "--locked"])
            .args(FUNCTIONS.iter().flat_map(|name| ["--bin", name]))
            .arg("--message-format=json-render-diagnostics")
            .stdin(Stdio::null())
            .output()
            .expect("cargo runs");
        assert!(
            output.status.success(),
            "cargo build of the functions failed:\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let mut found = HashMap::new();
        for line in String::from_utf8_lossy(&output.stdout).lines() {
            let Ok(message) = serde_json::from_str::<serde_json::Value>(line) else {
                continue;
            };
            if message["reason"] != "compiler-artifact" {
                continue;
            }
            let name = message["target"]["name"].as_str().unwrap_or_default();
            if let (true, Some(exe)) = (FUNCTIONS.contains(&name), message["executable"].as_str()) {
                found.insert(name.to_owned(), PathBuf::from(exe));
            }
        }
        for name in FUNCTIONS {
            assert!(
                found.contains_key(name),
                "cargo reported no `{name}` executable"
            );
        }
        found
    })
}

/// A local port nothing listens on: bound, then released.
fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a local port");
    listener.local_addr().expect("its address").port()
}

/// The variables the function reads, with the seed values of the contract.
fn config(function: &str) -> Vec<(&'static str, &'static str)> {
    let mut vars = vec![
        ("TABLE_NAME", "registrations"),
        ("EVENT_ID", "bnr-li-ion-2022"),
        (
            "EVENT_TITLE",
            "Powering Belt and Road Lithium-ion batteries",
        ),
        ("EVENT_STARTS_AT", "2022-09-28T10:00:00+05:00"),
        ("EVENT_TIMEZONE", "Asia/Karachi"),
    ];
    let sender = ("SENDER_EMAIL", "BTBU-ECOSF Training <training@example.org>");
    match function {
        "register" => vars.extend([
            ("REGISTRATION_CLOSES_AT", "2022-09-27T00:00:00+05:00"),
            sender,
            ("RETENTION_DAYS", "90"),
        ]),
        // Every function that sends links.
        "confirm" | "cancel" | "send-links" => {
            vars.extend([sender, ("ZOOM_JOIN_URL", "https://zoom.example/j/1?pwd=x")]);
        }
        _ => {}
    }
    vars
}

/// Malformed values of the variables only some functions read.
fn malformed_of(function: &str) -> Vec<(&'static str, &'static str)> {
    let sending = [
        ("SENDER_EMAIL", "garbage"),
        ("SENDER_EMAIL", "Training <not-an-address>"),
        ("SES_CONFIGURATION_SET", "has spaces"),
    ];
    let links = [
        ("ZOOM_JOIN_URL", "not a url"),
        ("LINKS_SEND_AT", "later"),
        ("CAPACITY", "0"),
    ];
    match function {
        "register" => sending
            .into_iter()
            .chain([
                ("REGISTRATION_CLOSES_AT", "garbage"),
                ("RETENTION_DAYS", "-1"),
                ("RETENTION_DAYS", "ninety"),
                ("PUBLIC_BASE_URL", "/relative"),
                ("ALLOWED_ORIGINS", "ecosf.org"),
                ("MAX_REGISTRATIONS_PER_IP_PER_HOUR", "0"),
                ("MAX_CONFIRMATION_EMAILS_PER_HOUR", "many"),
                ("PENDING_EXPIRES_AFTER_HOURS", "0"),
            ])
            .collect(),
        "confirm" | "cancel" => sending
            .into_iter()
            .chain(links)
            .chain([("ALLOWED_ORIGINS", "https://x.org/path")])
            .collect(),
        "send-links" => sending
            .into_iter()
            .chain(links)
            .chain([("REMINDER_BEFORE", "1 hour"), ("SEND_RATE_PER_SECOND", "0")])
            .collect(),
        _ => Vec::new(),
    }
}

/// The variables the function requires.
fn required(function: &str) -> Vec<&'static str> {
    config(function)
        .into_iter()
        .map(|(name, _)| name)
        .filter(|name| *name != "RETENTION_DAYS")
        // register serves published programs without a program of its own.
        .filter(|name| !(function == "register" && *name == "EVENT_ID"))
        .collect()
}

struct Outcome {
    /// `None` when the process was still running after the grace period.
    exit: Option<std::process::ExitStatus>,
    output: String,
}

/// Run a function's binary in a Lambda-like environment whose Runtime API is a
/// closed local port, so that a process that gets past init fails differently.
fn run(function: &str, vars: &[(&str, &str)]) -> Outcome {
    let exe = &binaries()[function];
    let runtime_api = format!("127.0.0.1:{}", closed_port());
    let mut command = Command::new(exe);
    command
        .env_clear()
        .env("AWS_LAMBDA_RUNTIME_API", &runtime_api)
        .env("AWS_LAMBDA_FUNCTION_NAME", function)
        .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128")
        .env("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_ACCESS_KEY_ID", "local")
        .env("AWS_SECRET_ACCESS_KEY", "local")
        .env(
            "AWS_ENDPOINT_URL_DYNAMODB",
            format!("http://127.0.0.1:{}", closed_port()),
        )
        .env(
            "AWS_ENDPOINT_URL_SESV2",
            format!("http://127.0.0.1:{}", closed_port()),
        )
        .envs(vars.iter().copied())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn().expect("the function's binary starts");
    // A guard against a process that would wait forever, not a timing assertion.
    let deadline = Instant::now() + Duration::from_secs(60);
    let exit = loop {
        if let Some(status) = child.try_wait().expect("poll the process") {
            break Some(status);
        }
        if Instant::now() >= deadline {
            child.kill().expect("stop the process");
            break None;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let output = child.wait_with_output().expect("collect the output");
    Outcome {
        exit,
        output: format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ),
    }
}

fn assert_fails_naming(function: &str, vars: &[(&str, &str)], variable: &str, problem: &str) {
    let outcome = run(function, vars);
    let exit = outcome.exit.unwrap_or_else(|| {
        panic!(
            "{function} kept running without {variable}: {}",
            outcome.output
        )
    });
    assert!(
        !exit.success(),
        "{function} must fail at init: {}",
        outcome.output
    );
    let message = format!("configuration variable {variable} {problem}");
    assert!(
        outcome.output.contains(&message),
        "{function}: expected {message:?} in its output, got:\n{}",
        outcome.output
    );
}

#[test]
fn a_missing_configuration_variable_fails_each_function_at_init_with_a_message_naming_it() {
    for function in FUNCTIONS {
        for missing in required(function) {
            let vars: Vec<_> = config(function)
                .into_iter()
                .filter(|(name, _)| *name != missing)
                .collect();
            assert_fails_naming(function, &vars, missing, "is missing");
        }
        // An empty value counts as missing.
        let vars: Vec<_> = config(function)
            .into_iter()
            .map(|(name, value)| (name, if name == "TABLE_NAME" { "  " } else { value }))
            .collect();
        assert_fails_naming(function, &vars, "TABLE_NAME", "is missing");
    }
}

#[test]
fn a_malformed_configuration_variable_fails_each_function_at_init_with_a_message_naming_it() {
    let shared = [
        ("EVENT_STARTS_AT", "2022-09-28T10:00:00"),
        ("EVENT_TIMEZONE", "Mars/Olympus_Mons"),
        ("EVENT_ID", "Has Spaces"),
    ];
    for function in FUNCTIONS {
        let cases: Vec<(&str, &str)> = shared.into_iter().chain(malformed_of(function)).collect();
        for (variable, value) in cases {
            let mut vars: Vec<_> = config(function)
                .into_iter()
                .filter(|(name, _)| *name != variable)
                .collect();
            vars.push((variable, value));
            assert_fails_naming(function, &vars, variable, "is malformed");
        }
    }
}

#[test]
fn with_a_valid_configuration_each_function_gets_past_init_to_the_runtime_api() {
    for function in FUNCTIONS {
        // Each needs only its own variables: another function's are not required of it.
        let outcome = run(function, &config(function));
        assert!(
            !outcome.output.contains("configuration variable"),
            "{function} refused a valid configuration:\n{}",
            outcome.output
        );
        if let Some(exit) = outcome.exit {
            // It got as far as the (closed) Runtime API, and failed there instead.
            assert!(!exit.success(), "{function}: {}", outcome.output);
            assert!(
                outcome.output.to_lowercase().contains("connect"),
                "{function} failed for another reason than the closed Runtime API:\n{}",
                outcome.output
            );
        }
    }
}

#[test]
fn register_without_event_id_or_its_programs_variables_gets_past_init() {
    let own_program = [
        "EVENT_ID",
        "EVENT_TITLE",
        "EVENT_STARTS_AT",
        "EVENT_TIMEZONE",
        "REGISTRATION_CLOSES_AT",
    ];
    let vars: Vec<_> = config("register")
        .into_iter()
        .filter(|(name, _)| !own_program.contains(name))
        .collect();
    let outcome = run("register", &vars);
    assert!(
        !outcome.output.contains("configuration variable"),
        "{}",
        outcome.output
    );
    assert!(
        outcome.output.to_lowercase().contains("connect"),
        "it reached the (closed) Runtime API:\n{}",
        outcome.output
    );
}
