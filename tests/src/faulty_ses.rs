//! A small fault-injecting front for the SES v2 emulator: it rejects chosen
//! recipients, answers 429 to the first N sends, 500 to every Nth send, can add
//! latency, never answers sends to chosen recipients, and forwards everything
//! else to the emulator. It also counts what it
//! saw, and when.

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use std::collections::HashSet;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[derive(Debug, Default)]
pub struct Faults {
    /// Recipients SES refuses with `MessageRejected`.
    pub reject: Mutex<HashSet<String>>,
    /// Recipients whose every send gets `500 InternalFailure`.
    pub fail_for: Mutex<HashSet<String>>,
    /// Recipients whose sends are taken and never answered (nor forwarded).
    pub hang_for: Mutex<HashSet<String>>,
    /// How many of the next sends get `429 TooManyRequestsException`.
    pub throttle_next: AtomicU64,
    /// Added before every answer.
    pub latency: Mutex<Duration>,
    /// Answer every send with this bare HTTP status (no SES error code).
    pub bare_status: Mutex<Option<u16>>,
    /// Answer every send with this HTTP status and SES error code.
    pub error_code: Mutex<Option<(u16, &'static str)>>,
    /// Answer every Nth send (counting all sends seen) with `500 InternalFailure`;
    /// 0: none.
    pub fail_every: AtomicU64,
    /// Sends seen, when each arrived, and the most in flight at once.
    pub calls: AtomicU64,
    pub arrivals: Mutex<Vec<std::time::Instant>>,
    /// Every send's request body, as JSON.
    pub bodies: Mutex<Vec<serde_json::Value>>,
    pub server_errors: AtomicU64,
    pub throttled: AtomicU64,
    pub rejected: AtomicU64,
    in_flight: AtomicUsize,
    pub max_in_flight: AtomicUsize,
}

struct Front {
    faults: Arc<Faults>,
    upstream: String,
    http: reqwest::Client,
}

/// A running front; its `endpoint` goes where `AWS_ENDPOINT_URL_SESV2` would.
pub struct FaultySes {
    pub endpoint: String,
    pub faults: Arc<Faults>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for FaultySes {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl FaultySes {
    /// Start a front for the emulator at `upstream` (e.g. `http://127.0.0.1:8005`).
    pub async fn start(upstream: &str) -> Self {
        let faults = Arc::new(Faults::default());
        let front = Arc::new(Front {
            faults: Arc::clone(&faults),
            upstream: upstream.trim_end_matches('/').to_owned(),
            http: reqwest::Client::new(),
        });
        let app = Router::new().fallback(forward).with_state(front);
        let (endpoint, task) = serve_on_loopback(app).await;
        Self {
            endpoint,
            faults,
            task,
        }
    }

    /// A front for the SES emulator of the suites (`AWS_ENDPOINT_URL_SESV2`).
    pub async fn over_the_emulator() -> Self {
        Self::start(&crate::required_env("AWS_ENDPOINT_URL_SESV2")).await
    }

    /// The SES v2 client `send-links` uses, talking to this front: the SDK's own
    /// retries are off, so the code under test sees every fault.
    pub async fn client(&self) -> aws_sdk_sesv2::Client {
        let sdk = crate::sdk_config().await;
        aws_sdk_sesv2::Client::from_conf(
            registration::platform::aws::paced_ses_config(&sdk)
                .endpoint_url(&self.endpoint)
                .build(),
        )
    }

    /// The SES v2 client `register` and `confirm` use, talking to this front.
    pub async fn retrying_client(&self) -> aws_sdk_sesv2::Client {
        let sdk = crate::sdk_config().await;
        aws_sdk_sesv2::Client::from_conf(
            registration::platform::aws::ses_config(&sdk)
                .endpoint_url(&self.endpoint)
                .build(),
        )
    }
}

fn error(status: StatusCode, kind: &str, message: &str) -> Response {
    (
        status,
        [
            ("x-amzn-errortype", kind),
            ("content-type", "application/json"),
        ],
        serde_json::json!({ "message": message }).to_string(),
    )
        .into_response()
}

async fn forward(
    State(front): State<Arc<Front>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let faults = &front.faults;
    let is_send = uri.path() == "/v2/email/outbound-emails";
    let mut nth = 0;
    if is_send {
        faults
            .arrivals
            .lock()
            .expect("lock")
            .push(std::time::Instant::now());
        nth = faults.calls.fetch_add(1, Ordering::SeqCst) + 1;
        if let Ok(json) = serde_json::from_slice(&body) {
            faults.bodies.lock().expect("lock").push(json);
        }
        let now = faults.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        faults.max_in_flight.fetch_max(now, Ordering::SeqCst);
    }
    if is_send && addressed_to_any(&body, &faults.hang_for) {
        // Until the client gives up and drops the connection.
        std::future::pending::<()>().await;
    }
    let latency = *faults.latency.lock().expect("lock");
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    let bare = *faults.bare_status.lock().expect("lock");
    let coded = *faults.error_code.lock().expect("lock");
    let response = if !is_send {
        pass(&front, method, &uri, &headers, body).await
    } else if let Some(status) = bare {
        StatusCode::from_u16(status)
            .expect("a status")
            .into_response()
    } else if let Some((status, code)) = coded {
        error(
            StatusCode::from_u16(status).expect("a status"),
            code,
            "injected",
        )
    } else if fails(faults.fail_every.load(Ordering::SeqCst), nth)
        || addressed_to_any(&body, &faults.fail_for)
    {
        faults.server_errors.fetch_add(1, Ordering::SeqCst);
        error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "InternalFailure",
            "An internal failure occurred.",
        )
    } else if faults
        .throttle_next
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
        .is_ok()
    {
        faults.throttled.fetch_add(1, Ordering::SeqCst);
        error(
            StatusCode::TOO_MANY_REQUESTS,
            "TooManyRequestsException",
            "Too many requests",
        )
    } else if addressed_to_any(&body, &faults.reject) {
        faults.rejected.fetch_add(1, Ordering::SeqCst);
        error(
            StatusCode::BAD_REQUEST,
            "MessageRejected",
            "Email address is not verified.",
        )
    } else {
        pass(&front, method, &uri, &headers, body).await
    };
    if is_send {
        faults.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
    response
}

/// Whether the `nth` send fails when every `every`th one does.
fn fails(every: u64, nth: u64) -> bool {
    every > 0 && nth.is_multiple_of(every)
}

/// Whether a send's recipients include one of `addresses` (lower case).
fn addressed_to_any(body: &[u8], addresses: &Mutex<HashSet<String>>) -> bool {
    let addresses = addresses.lock().expect("lock");
    recipients(body)
        .iter()
        .any(|r| addresses.contains(&r.to_lowercase()))
}

fn recipients(body: &[u8]) -> Vec<String> {
    let value: serde_json::Value = serde_json::from_slice(body).unwrap_or_default();
    value["Destination"]["ToAddresses"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

async fn pass(
    front: &Front,
    method: Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: Bytes,
) -> Response {
    forward_to(&front.http, &front.upstream, method, uri, headers, body).await
}

/// Forward a request to `upstream` as it came, and its answer back.
/// Serve `app` on a free loopback port: its `http://` address and the task
/// serving it (abort it to stop).
pub(crate) async fn serve_on_loopback(app: Router) -> (String, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind a local port");
    let endpoint = format!("http://{}", listener.local_addr().expect("an address"));
    let task = tokio::spawn(async move {
        axum::serve(listener, app).await.expect("the front serves");
    });
    (endpoint, task)
}

pub(crate) async fn forward_to(
    http: &reqwest::Client,
    upstream: &str,
    method: Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: Bytes,
) -> Response {
    let url = format!(
        "{}{}",
        upstream,
        uri.path_and_query().map(|p| p.as_str()).unwrap_or("/")
    );
    let mut request = http
        .request(
            reqwest::Method::from_bytes(method.as_str().as_bytes()).expect("a method"),
            url,
        )
        .body(body);
    for (name, value) in headers {
        if name != "host" && name != "content-length" {
            request = request.header(name.as_str(), value.as_bytes());
        }
    }
    match request.send().await {
        Ok(upstream) => {
            let status = StatusCode::from_u16(upstream.status().as_u16()).expect("a status");
            let content_type = upstream
                .headers()
                .get("content-type")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("application/json")
                .to_owned();
            let bytes = upstream.bytes().await.unwrap_or_default();
            (status, [("content-type", content_type)], bytes.to_vec()).into_response()
        }
        Err(e) => error(StatusCode::BAD_GATEWAY, "InternalFailure", &e.to_string()),
    }
}
