//! A minimal Lambda Runtime API: it starts a function's `bootstrap` binary as
//! Lambda would (`AWS_LAMBDA_RUNTIME_API`), hands it events one at a time and
//! collects the responses, timing init (process start to the first poll for an
//! invocation) and each invocation, and reading the process's peak RSS.

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::Value;
use std::collections::HashMap;
use std::path::PathBuf;

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use tokio::sync::{Mutex, mpsc, oneshot};

/// The outcome of one invocation.
#[derive(Debug, Clone)]
pub struct Invocation {
    pub response: Value,
    /// From handing the event over to receiving the response.
    pub latency: Duration,
    pub is_error: bool,
}

struct Pending {
    event: Value,
    reply: oneshot::Sender<(Value, bool)>,
}

struct Shared {
    queue: Mutex<mpsc::Receiver<Pending>>,
    waiting: Mutex<HashMap<String, oneshot::Sender<(Value, bool)>>>,
    first_poll: Mutex<Option<oneshot::Sender<Instant>>>,
    /// Polls for the next event now waiting: 1 while the function is idle.
    polling: std::sync::atomic::AtomicUsize,
    deadline: Duration,
}

/// A function process attached to its own Runtime API.
pub struct FunctionProcess {
    child: tokio::process::Child,
    events: mpsc::Sender<Pending>,
    /// Process start to the first `GET …/invocation/next`.
    pub init: Duration,
    pub stderr_path: PathBuf,
    server: tokio::task::JoinHandle<()>,
    shared: Arc<Shared>,
}

impl Drop for FunctionProcess {
    fn drop(&mut self) {
        let _ = self.child.start_kill();
        self.server.abort();
        // The function's stderr lives as long as the process: read it with `logs()`.
        let _ = std::fs::remove_file(&self.stderr_path);
    }
}

/// The release `bootstrap` of a function, as built by `cargo build --release`.
pub fn release_binary(name: &str) -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target"));
    target.join("release").join(name)
}

impl FunctionProcess {
    /// Start `binary` with `env` and wait for its first poll. `deadline` is the time
    /// each invocation is given (reported to the function as its deadline).
    pub async fn start(
        binary: &std::path::Path,
        env: &HashMap<String, String>,
        deadline: Duration,
    ) -> Result<Self, String> {
        let (events, receiver) = mpsc::channel(16);
        let (first_tx, first_rx) = oneshot::channel();
        let shared = Arc::new(Shared {
            queue: Mutex::new(receiver),
            waiting: Mutex::new(HashMap::new()),
            first_poll: Mutex::new(Some(first_tx)),
            polling: Default::default(),
            deadline,
        });
        let app = Router::new()
            .route("/2018-06-01/runtime/invocation/next", get(next))
            .route(
                "/2018-06-01/runtime/invocation/{id}/response",
                post(respond),
            )
            .route("/2018-06-01/runtime/invocation/{id}/error", post(fail))
            .route("/2018-06-01/runtime/init/error", post(init_error))
            .with_state(shared.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .map_err(|e| e.to_string())?;
        let address = listener.local_addr().map_err(|e| e.to_string())?;
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        let stderr_path = std::env::temp_dir().join(format!("{}.log", crate::unique("function")));
        let stderr = std::fs::File::create(&stderr_path).map_err(|e| e.to_string())?;
        let name = binary
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let started = Instant::now();
        let mut child = tokio::process::Command::new(binary)
            .env_clear()
            .envs(env)
            .env("AWS_LAMBDA_RUNTIME_API", address.to_string())
            .env("AWS_LAMBDA_FUNCTION_NAME", &name)
            .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "256")
            .env("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
            .env("AWS_LAMBDA_LOG_STREAM_NAME", "local")
            .env("AWS_LAMBDA_LOG_GROUP_NAME", format!("/aws/lambda/{name}"))
            // The functions log to stdout; both streams go to one file.
            .stdout(stderr.try_clone().map_err(|e| e.to_string())?)
            .stderr(stderr)
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| format!("start {}: {e}", binary.display()))?;
        let polled = tokio::select! {
            polled = first_rx => polled.map_err(|_| "the runtime API stopped".to_owned())?,
            status = child.wait() => {
                let log = take_log(&stderr_path);
                return Err(format!("{name} exited during init ({status:?}): {log}"));
            }
            _ = tokio::time::sleep(Duration::from_secs(30)) => {
                let _ = child.start_kill();
                let log = take_log(&stderr_path);
                return Err(format!("{name} did not poll for an invocation within 30 s: {log}"));
            }
        };
        Ok(Self {
            child,
            events,
            init: polled - started,
            stderr_path,
            server,
            shared,
        })
    }

    pub async fn invoke(&self, event: Value) -> Result<Invocation, String> {
        let (reply, response) = oneshot::channel();
        let sent = Instant::now();
        self.events
            .send(Pending { event, reply })
            .await
            .map_err(|_| "the runtime API stopped".to_owned())?;
        let (response, is_error) = tokio::time::timeout(Duration::from_secs(60), response)
            .await
            .map_err(|_| "no response within 60 s".to_owned())?
            .map_err(|_| "the function went away".to_owned())?;
        Ok(Invocation {
            response,
            latency: sent.elapsed(),
            is_error,
        })
    }

    /// Wait until the function asks for its next event again: everything it does
    /// for the previous invocation, after its response too, is done.
    pub async fn idle(&self) -> Result<Duration, String> {
        let started = Instant::now();
        while self.shared.polling.load(Ordering::SeqCst) == 0 {
            if started.elapsed() > Duration::from_secs(30) {
                return Err("the function did not poll again within 30 s".into());
            }
            tokio::time::sleep(Duration::from_micros(200)).await;
        }
        Ok(started.elapsed())
    }

    /// Peak resident memory so far (VmHWM), in KiB.
    pub fn peak_rss_kib(&self) -> Option<u64> {
        let pid = self.child.id()?;
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
        status
            .lines()
            .find(|l| l.starts_with("VmHWM:"))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse().ok())
    }

    pub fn logs(&self) -> String {
        std::fs::read_to_string(&self.stderr_path).unwrap_or_default()
    }
}

/// A failed start's stderr, read and then removed.
fn take_log(path: &std::path::Path) -> String {
    let log = std::fs::read_to_string(path).unwrap_or_default();
    let _ = std::fs::remove_file(path);
    log
}

async fn next(State(shared): State<Arc<Shared>>) -> Response {
    if let Some(first) = shared.first_poll.lock().await.take() {
        let _ = first.send(Instant::now());
    }
    shared.polling.fetch_add(1, Ordering::SeqCst);
    let pending = shared.queue.lock().await.recv().await;
    shared.polling.fetch_sub(1, Ordering::SeqCst);
    let Some(pending) = pending else {
        return StatusCode::GONE.into_response();
    };
    let id = uuid::Uuid::new_v4().to_string();
    shared
        .waiting
        .lock()
        .await
        .insert(id.clone(), pending.reply);
    let deadline = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        + shared.deadline;
    let mut headers = HeaderMap::new();
    let mut set = |name: &'static str, value: String| {
        headers.insert(name, HeaderValue::from_str(&value).expect("a header value"));
    };
    set("lambda-runtime-aws-request-id", id);
    set(
        "lambda-runtime-deadline-ms",
        deadline.as_millis().to_string(),
    );
    set(
        "lambda-runtime-invoked-function-arn",
        "arn:aws:lambda:us-east-1:123456789012:function:local".into(),
    );
    set(
        "lambda-runtime-trace-id",
        "Root=1-00000000-000000000000000000000000".into(),
    );
    (StatusCode::OK, headers, pending.event.to_string()).into_response()
}

async fn finish(shared: &Shared, id: &str, body: &[u8], is_error: bool) -> StatusCode {
    let value = serde_json::from_slice(body).unwrap_or(Value::Null);
    match shared.waiting.lock().await.remove(id) {
        Some(reply) => {
            let _ = reply.send((value, is_error));
            StatusCode::ACCEPTED
        }
        None => StatusCode::NOT_FOUND,
    }
}

async fn respond(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    body: Bytes,
) -> StatusCode {
    finish(&shared, &id, &body, false).await
}

async fn fail(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    body: Bytes,
) -> StatusCode {
    finish(&shared, &id, &body, true).await
}

async fn init_error() -> StatusCode {
    StatusCode::ACCEPTED
}
