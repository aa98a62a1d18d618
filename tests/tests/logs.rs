//! Personal data never reaches the logs: the whole participant flow runs through
//! the handlers (against DynamoDB Local and the SES emulator) under a subscriber
//! that captures everything logged, at INFO as the functions log in production
//! and at DEBUG, and the captured text is searched for what the participant typed
//! and for the secret token.
//!
//! This file is its own test binary, so it installs one global subscriber; the
//! flow runs once and both tests read its capture.
//!
//! TRACE is another matter, and is not asserted here: there the AWS SDK logs whole
//! response bodies and deserialized outputs (targets
//! `aws_smithy_runtime::client::orchestrator::http`, "read HTTP response body",
//! and `aws_smithy_runtime::client::orchestrator`, field `output_or_error`), so a
//! `GetItem` of a registration puts its name, email and phone in the log; and
//! `lambda_runtime::layers::api_response` logs every raw invocation event, form
//! bodies and confirmation tokens included. The functions must never log at TRACE.

use serde_json::{Value, json};
use std::sync::OnceLock;
use system_tests::log_capture::Capture;
use system_tests::{TestApp, spawn_app};
use tracing_subscriber::filter::LevelFilter;
use tracing_subscriber::prelude::*;

/// What the participant typed, and the token they were sent.
struct Secrets {
    email: String,
    name: &'static str,
    surname: &'static str,
    phone: &'static str,
    token: String,
}

impl Secrets {
    /// Each secret, with a label, in the forms it could appear in.
    fn needles(&self) -> Vec<(&'static str, String)> {
        vec![
            ("email", self.email.to_lowercase()),
            (
                "email's local part",
                self.email.split('@').next().unwrap().to_lowercase(),
            ),
            ("full name", self.name.to_lowercase()),
            ("surname", self.surname.to_lowercase()),
            ("phone", self.phone.to_owned()),
            ("phone digits", self.phone.replace([' ', '+'], "")),
            ("token", self.token.to_lowercase()),
            // Every event of the flow comes from this source address.
            ("source address", "203.0.113.7".to_owned()),
        ]
    }

    /// The secrets found in `text` (compared case-insensitively).
    fn found_in(&self, text: &str) -> Vec<&'static str> {
        let text = text.to_lowercase();
        self.needles()
            .into_iter()
            .filter(|(_, needle)| text.contains(needle.as_str()))
            .map(|(label, _)| label)
            .collect()
    }
}

struct Captured {
    secrets: Secrets,
    /// The human-readable log at INFO, as the functions write it in production.
    info: String,
    /// Every event at DEBUG and above, one JSON object a line (with its target).
    debug: String,
}

fn captured() -> &'static Captured {
    static CAPTURED: OnceLock<Captured> = OnceLock::new();
    CAPTURED.get_or_init(|| {
        let info = Capture::default();
        let debug = Capture::default();
        tracing_subscriber::registry()
            .with(
                tracing_subscriber::fmt::layer()
                    .with_ansi(false)
                    .with_writer(info.clone())
                    .with_filter(LevelFilter::INFO),
            )
            .with(
                tracing_subscriber::fmt::layer()
                    .json()
                    .with_current_span(true)
                    .with_span_list(true)
                    .with_writer(debug.clone())
                    .with_filter(LevelFilter::DEBUG),
            )
            .init();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime");
        let secrets = runtime.block_on(participant_flow());
        Captured {
            secrets,
            info: info.text(),
            debug: debug.text(),
        }
    })
}

/// Register, register again, submit an invalid form, confirm, confirm again, and
/// try an unknown token: every handler path a participant can reach.
async fn participant_flow() -> Secrets {
    let app: TestApp = spawn_app().await;
    let email = format!(
        "Zarqa.Quillfeather.{}@Example.ORG",
        uuid::Uuid::new_v4().simple()
    );
    let name = "Zarqa Quillfeather-Nizamova";
    let phone = "+92 321 7654098";
    let body = json!({
        "full_name": name,
        "email": email,
        "country": "pk",
        "organization": "Indus Cell Works",
        "designation": "Chief Chemist",
        "phone": phone,
        "consent": true
    });

    let created = app.post_json(&body).await;
    assert_eq!(created.status, 201, "{created:?}");
    let duplicate = app.post_json(&body).await;
    assert_eq!(duplicate.status, 409, "{duplicate:?}");
    let duplicate_form = app
        .post_form(&[
            ("full_name", name),
            ("email", &email.to_lowercase()),
            ("country", "PK"),
            ("organization", "Indus Cell Works"),
            ("phone", phone),
            ("consent", "on"),
        ])
        .await;
    assert_eq!(duplicate_form.status, 409, "{duplicate_form:?}");

    let mut invalid = body.clone();
    invalid["country"] = json!("ZZ");
    invalid["consent"] = Value::Bool(false);
    let refused = app.post_json(&invalid).await;
    assert_eq!(refused.status, 422, "{refused:?}");
    let refused_form = app
        .post_form(&[
            ("full_name", name),
            ("email", &email),
            ("phone", phone),
            ("country", "ZZ"),
        ])
        .await;
    assert_eq!(refused_form.status, 422);
    assert!(
        refused_form.body.contains(&email),
        "the form is shown again with the email"
    );

    let token = app.confirmation_token(&email).await;
    let confirmed = app.confirm(Some(&format!("token={token}"))).await;
    assert_eq!(confirmed.status, 200, "{confirmed:?}");
    let again = app.confirm(Some(&format!("token={token}"))).await;
    assert_eq!(again.status, 200);
    assert!(again.body.contains("already confirmed"));
    let mut tampered: Vec<char> = token.chars().collect();
    tampered[5] = if tampered[5] == 'A' { 'B' } else { 'A' };
    let tampered: String = tampered.into_iter().collect();
    let unknown = app.confirm(Some(&format!("token={tampered}"))).await;
    assert_eq!(unknown.status, 404);

    Secrets {
        email,
        name,
        surname: "Quillfeather",
        phone,
        token,
    }
}

#[test]
fn no_email_address_name_phone_number_or_token_appears_in_the_logs_at_info_level() {
    let captured = captured();
    let info = &captured.info;
    // The capture works: every step of the flow left its INFO line.
    for message in [
        "registration stored as pending",
        "duplicate within the re-send interval, or with the most links a registration may hold; no email",
        "submission refused: invalid fields",
        "registration confirmed",
    ] {
        assert!(
            info.contains(message),
            "{message:?} was not captured:\n{info}"
        );
    }
    let found = captured.secrets.found_in(info);
    assert!(
        found.is_empty(),
        "the INFO log holds the participant's {found:?}:\n{info}"
    );
}

/// The targets (crates and modules) whose DEBUG events hold a secret.
fn leaking_targets(captured: &Captured) -> Vec<(String, Vec<&'static str>)> {
    let mut leaks: Vec<(String, Vec<&'static str>)> = Vec::new();
    for line in captured.debug.lines() {
        let found = captured.secrets.found_in(line);
        if found.is_empty() {
            continue;
        }
        let event: Value = serde_json::from_str(line).unwrap_or(Value::Null);
        let target = event["target"].as_str().unwrap_or("<not JSON>").to_owned();
        match leaks.iter_mut().find(|(t, _)| *t == target) {
            Some((_, labels)) => {
                for label in found {
                    if !labels.contains(&label) {
                        labels.push(label);
                    }
                }
            }
            None => leaks.push((target, found)),
        }
    }
    leaks
}

#[test]
fn no_email_address_name_phone_number_or_token_appears_in_the_logs_at_debug_level() {
    let captured = captured();
    assert!(
        captured.debug.contains("registration stored as pending"),
        "the DEBUG capture works"
    );
    // The AWS SDK's own DEBUG events are in it: the DEBUG layer really is at DEBUG.
    let sdk_debug = captured
        .debug
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter(|event| event["level"] == "DEBUG")
        .filter(|event| {
            event["target"]
                .as_str()
                .is_some_and(|t| t.starts_with("aws_smithy_runtime"))
        })
        .count();
    assert!(sdk_debug > 0, "no DEBUG event of the AWS SDK was captured");
    let leaks = leaking_targets(captured);
    assert!(
        leaks.is_empty(),
        "DEBUG events holding personal data, by target: {leaks:?}"
    );
}
