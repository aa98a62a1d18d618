//! A fault-injecting front for DynamoDB Local: it forwards every request, but
//! can answer the next transactions as DynamoDB does when it throttles one (or
//! when another transaction keeps holding an item), and can run a step of the
//! test's own just before the next transaction goes through: another process
//! changing the same items at that very moment.

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// A step run once, before the next transaction is forwarded.
pub type Interleaved = Pin<Box<dyn Future<Output = ()> + Send>>;

#[derive(Default)]
pub struct Faults {
    /// How many of the next transactions are cancelled with this reason
    /// (`ThrottlingError`, `TransactionConflict`, …) on every item.
    pub cancel_next: AtomicU64,
    pub cancel_reason: Mutex<&'static str>,
    /// Run before the next transaction goes to DynamoDB Local.
    pub before_next_transaction: Mutex<Option<Interleaved>>,
    /// Transactions seen.
    pub transactions: AtomicU64,
}

struct Front {
    faults: Arc<Faults>,
    upstream: String,
    http: reqwest::Client,
}

/// A running front; its `endpoint` goes where `AWS_ENDPOINT_URL_DYNAMODB` would.
pub struct FaultyDynamo {
    pub endpoint: String,
    pub faults: Arc<Faults>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for FaultyDynamo {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl FaultyDynamo {
    /// A front for the DynamoDB Local of the suites (`AWS_ENDPOINT_URL_DYNAMODB`).
    pub async fn over_dynamodb_local() -> Self {
        let faults = Arc::new(Faults::default());
        let front = Arc::new(Front {
            faults: Arc::clone(&faults),
            upstream: crate::required_env("AWS_ENDPOINT_URL_DYNAMODB")
                .trim_end_matches('/')
                .to_owned(),
            http: reqwest::Client::new(),
        });
        let app = Router::new().fallback(forward).with_state(front);
        let (endpoint, task) = crate::faulty_ses::serve_on_loopback(app).await;
        Self {
            endpoint,
            faults,
            task,
        }
    }

    /// The functions' DynamoDB client, talking to this front.
    pub async fn client(&self) -> aws_sdk_dynamodb::Client {
        let sdk = crate::sdk_config().await;
        aws_sdk_dynamodb::Client::from_conf(
            aws_sdk_dynamodb::config::Builder::from(&sdk)
                .endpoint_url(&self.endpoint)
                .build(),
        )
    }

    /// Cancel the next `count` transactions with `reason` on each item.
    pub fn cancel_transactions(&self, count: u64, reason: &'static str) {
        *self.faults.cancel_reason.lock().expect("lock") = reason;
        self.faults.cancel_next.store(count, Ordering::SeqCst);
    }

    /// Run `step` once, just before the next transaction is forwarded.
    pub fn before_next_transaction(&self, step: impl Future<Output = ()> + Send + 'static) {
        *self.faults.before_next_transaction.lock().expect("lock") = Some(Box::pin(step));
    }
}

async fn forward(
    State(front): State<Arc<Front>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let faults = &front.faults;
    let is_transaction = headers
        .get("x-amz-target")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|target| target.ends_with(".TransactWriteItems"));
    if is_transaction {
        faults.transactions.fetch_add(1, Ordering::SeqCst);
        if faults
            .cancel_next
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .is_ok()
        {
            let reason = *faults.cancel_reason.lock().expect("lock");
            return cancelled(&body, reason);
        }
        let step = faults.before_next_transaction.lock().expect("lock").take();
        if let Some(step) = step {
            step.await;
        }
    }
    crate::faulty_ses::forward_to(&front.http, &front.upstream, method, &uri, &headers, body).await
}

/// DynamoDB's answer to a transaction it cancelled, with `reason` for each item.
fn cancelled(body: &[u8], reason: &str) -> Response {
    let request: serde_json::Value = serde_json::from_slice(body).unwrap_or_default();
    let items = request["TransactItems"].as_array().map_or(1, Vec::len);
    let reasons: Vec<serde_json::Value> = (0..items)
        .map(|_| serde_json::json!({"Code": reason, "Message": "injected"}))
        .collect();
    let codes: Vec<&str> = (0..items).map(|_| reason).collect();
    (
        StatusCode::BAD_REQUEST,
        [("content-type", "application/x-amz-json-1.0")],
        serde_json::json!({
            "__type": "com.amazonaws.dynamodb.v20120810#TransactionCanceledException",
            "Message": format!(
                "Transaction cancelled, please refer cancellation reasons for specific reasons [{}]",
                codes.join(", ")
            ),
            "CancellationReasons": reasons,
        })
        .to_string(),
    )
        .into_response()
}
