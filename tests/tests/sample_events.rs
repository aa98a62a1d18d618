//! Every sample event in `infra/events/` sent to the release binary of its function
//! through the Lambda Runtime API, with the `sam local` env file's configuration
//! pointed at the local emulators: each gets the status its README promises. And
//! what the release `register` does around its response in the Lambda runtime.

use serde_json::Value;
use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Duration;
use system_tests::runtime_api::{FunctionProcess, release_binary};

fn events_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../infra/events")
}

fn read_json(name: &str) -> Value {
    let path = events_dir().join(name);
    serde_json::from_str(
        &std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())),
    )
    .unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// A sample event's body, decoded when API Gateway sent it base64-encoded.
fn posted_body(event: &Value) -> String {
    use base64::Engine;
    let body = event["body"].as_str().unwrap_or_default();
    if event["isBase64Encoded"].as_bool() == Some(true) {
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(body)
            .expect("a base64 body");
        String::from_utf8(bytes).expect("a UTF-8 body")
    } else {
        body.to_owned()
    }
}

/// The env file's values for one function, with the emulators and a fresh table.
fn function_env(function: &str, table: &str) -> HashMap<String, String> {
    let file = read_json("sam-local-env.json");
    let mut env: HashMap<String, String> = system_tests::aws_env();
    for section in ["Parameters", function] {
        for (k, v) in file[section].as_object().into_iter().flatten() {
            if !k.starts_with("AWS_ENDPOINT_URL") {
                env.insert(k.clone(), v.as_str().unwrap_or_default().to_owned());
            }
        }
    }
    env.insert("TABLE_NAME".into(), table.into());
    env
}

async fn start(binary: &str, function: &str, table: &str) -> FunctionProcess {
    let path = release_binary(binary);
    assert!(
        path.exists(),
        "{} is missing: `make test` builds the release binaries first",
        path.display()
    );
    FunctionProcess::start(
        &path,
        &function_env(function, table),
        Duration::from_secs(30),
    )
    .await
    .unwrap_or_else(|e| panic!("{e}"))
}

#[tokio::test]
async fn every_sample_event_gets_its_documented_status_from_the_release_binary() {
    let sdk = system_tests::sdk_config().await;
    let table = system_tests::unique("sample-events");
    system_tests::table::create_from_template(&registration::platform::aws::dynamodb(&sdk), &table)
        .await
        .unwrap();

    let register = start("register", "RegisterFunction", &table).await;
    for (event, status, content_type) in [
        ("register-get-form.json", 200, "text/html; charset=utf-8"),
        ("register-post-json.json", 201, "application/json"),
        ("register-post-form.json", 201, "text/html; charset=utf-8"),
        ("register-post-json.json", 409, "application/problem+json"),
    ] {
        let out = register.invoke(read_json(event)).await.unwrap();
        assert!(!out.is_error, "{event}: {:?}", out.response);
        assert_eq!(
            out.response["statusCode"], status,
            "{event}: {:?}",
            out.response
        );
        assert_eq!(
            out.response["headers"]["content-type"], content_type,
            "{event}"
        );
    }

    // The unknown token is well-formed, so its 404 comes from a lookup; every
    // link event carries the same one, in the query (GET) or the body (POST).
    let unknown = read_json("confirm-unknown-token.json");
    let token = unknown["queryStringParameters"]["token"].as_str().unwrap();
    assert!(registration::domain::action_token::ActionToken::parse(token).is_some());
    assert_eq!(unknown["rawQueryString"], format!("token={token}"));
    for event in [
        "confirm-post-form.json",
        "confirm-post-json.json",
        "cancel-unknown-token.json",
        "cancel-post-form.json",
        "cancel-post-cross-site.json",
    ] {
        let sample = read_json(event);
        let carried = match sample["requestContext"]["http"]["method"].as_str() {
            Some("GET") => sample["queryStringParameters"]["token"]
                .as_str()
                .map(str::to_owned),
            _ => Some(posted_body(&sample)),
        };
        assert!(
            carried.as_deref().is_some_and(|c| c.contains(token)),
            "{event} carries the unknown token: {carried:?}"
        );
    }
    const HTML: &str = "text/html; charset=utf-8";
    const PROBLEM: &str = "application/problem+json";
    for (function, binary, events) in [
        (
            "ConfirmFunction",
            "confirm",
            &[
                ("confirm-missing-token.json", 400, HTML),
                ("confirm-unknown-token.json", 404, HTML),
                ("confirm-post-form.json", 404, HTML),
                ("confirm-post-json.json", 404, PROBLEM),
            ][..],
        ),
        (
            "CancelFunction",
            "cancel",
            &[
                ("cancel-unknown-token.json", 404, HTML),
                ("cancel-post-form.json", 404, HTML),
                ("cancel-post-cross-site.json", 403, HTML),
            ][..],
        ),
    ] {
        let process = start(binary, function, &table).await;
        for (event, status, content_type) in events {
            let out = process.invoke(read_json(event)).await.unwrap();
            assert!(
                !out.is_error,
                "{event}: {:?} {}",
                out.response,
                process.logs()
            );
            assert_eq!(
                out.response["statusCode"], *status,
                "{event}: {:?}",
                out.response
            );
            assert_eq!(
                out.response["headers"]["content-type"], *content_type,
                "{event}"
            );
        }
    }

    let send_links = start("send-links", "SendLinksFunction", &table).await;
    let out = send_links
        .invoke(read_json("send-links-schedule.json"))
        .await
        .unwrap();
    assert!(!out.is_error, "{:?} {}", out.response, send_links.logs());
    // Nobody has confirmed: no links, and the two pending registrations owe nothing.
    assert_eq!(out.response["sent"], 0, "{:?}", out.response);
    assert_eq!(out.response["failed"], 0);
    assert_eq!(out.response["remaining"], 0);
}

/// The confirmation email's bookkeeping waits until the response is posted, and is
/// done before the function asks for its next event (when Lambda may freeze it).
#[tokio::test]
async fn register_records_the_confirmation_email_after_its_response_before_its_next_poll() {
    let sdk = system_tests::sdk_config().await;
    let table = system_tests::unique("after-response");
    let dynamodb = registration::platform::aws::dynamodb(&sdk);
    system_tests::table::create_from_template(&dynamodb, &table)
        .await
        .unwrap();
    let register = start("register", "RegisterFunction", &table).await;
    let email = system_tests::unique_email();
    let body = system_tests::valid_json(&email).to_string();
    let out = register
        .invoke(system_tests::events::post_registrations(
            "application/json",
            &body,
            None,
        ))
        .await
        .unwrap();
    assert_eq!(out.response["statusCode"], 201, "{:?}", out.response);
    register.idle().await.unwrap();

    let store = registration::store::DynamoStore::new(dynamodb, &table);
    let key = system_tests::key_for("bnr-li-ion-2022", &email);
    let stored = registration::store::Registrations::get(&store, &key)
        .await
        .unwrap()
        .expect("the registration is stored");
    let sent = system_tests::mailbox::Mailbox::from_env().to(&email).await;
    assert_eq!(sent.len(), 1);
    assert_eq!(
        stored.confirmation_message_id.as_deref(),
        Some(sent[0].message_id.as_str())
    );
    assert_eq!(stored.owes(), None, "out of the confirmation outbox");
    assert_eq!(stored.lease_until, None);
    assert_eq!(stored.lease_owner, None);
}

/// A run in which DynamoDB failed steps still runs every other step, then fails
/// the invocation (for the errors alarm) with its report, naming the steps.
#[tokio::test]
async fn a_send_links_run_without_its_table_fails_naming_every_failed_step() {
    let missing = system_tests::unique("no-such-table");
    let send_links = start("send-links", "SendLinksFunction", &missing).await;
    let out = send_links
        .invoke(read_json("send-links-schedule.json"))
        .await
        .unwrap();
    assert!(out.is_error, "{:?}", out.response);
    let message = out.response["errorMessage"].as_str().unwrap_or_default();
    // The run starts by listing the programs (decision 112): without the table
    // that first step fails, and the run names it rather than going on blind.
    assert!(
        message.contains("\"failed_steps\":[\"programs\"]"),
        "the failed step in {message}"
    );
    assert!(message.contains("\"sent\":0"), "the report: {message}");
}
