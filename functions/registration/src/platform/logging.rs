//! Logging as Lambda expects it (`AWS_LAMBDA_LOG_LEVEL`, `AWS_LAMBDA_LOG_FORMAT=JSON`),
//! with one guard: the AWS SDK, the HTTP stack and the Lambda runtime log whole
//! request and response bodies, and whole events, at TRACE. Those bodies hold
//! names, addresses, tokens and the Zoom link, so those crates are held at DEBUG
//! whatever level is asked for.

use std::str::FromStr;
use tracing::Subscriber;
use tracing_subscriber::EnvFilter;
use tracing_subscriber::filter::LevelFilter;
use tracing_subscriber::fmt::MakeWriter;

/// Crates whose TRACE output carries payloads.
const PAYLOAD_LOGGING_CRATES: [&str; 9] = [
    "aws_smithy_runtime",
    "aws_smithy_runtime_api",
    "aws_smithy_http_client",
    "aws_sdk_dynamodb",
    "aws_sdk_sesv2",
    "lambda_runtime",
    "lambda_runtime_api_client",
    "lambda_http",
    "hyper_util",
];

/// The filter for a requested level: that level everywhere, but never TRACE for
/// the crates that log payloads.
pub fn filter(level: &str) -> EnvFilter {
    let level = LevelFilter::from_str(level.trim()).unwrap_or(LevelFilter::INFO);
    let capped = level.min(LevelFilter::DEBUG);
    let mut filter = EnvFilter::builder()
        .with_default_directive(level.into())
        .parse_lossy("");
    for target in PAYLOAD_LOGGING_CRATES {
        filter = filter.add_directive(
            format!("{target}={capped}")
                .parse()
                .expect("a valid directive"),
        );
    }
    filter
}

/// A subscriber writing to `writer`, JSON when `json`.
pub fn subscriber<W>(level: &str, json: bool, writer: W) -> Box<dyn Subscriber + Send + Sync>
where
    W: for<'w> MakeWriter<'w> + Send + Sync + 'static,
{
    let builder = tracing_subscriber::fmt()
        .with_target(false)
        .without_time()
        .with_env_filter(filter(level))
        .with_writer(writer);
    if json {
        Box::new(builder.json().finish())
    } else {
        Box::new(builder.finish())
    }
}

/// Install the process's subscriber from the Lambda environment.
pub fn init() {
    let level = std::env::var("AWS_LAMBDA_LOG_LEVEL")
        .or_else(|_| std::env::var("RUST_LOG"))
        .unwrap_or_else(|_| "INFO".into());
    let json = std::env::var("AWS_LAMBDA_LOG_FORMAT").is_ok_and(|f| f.eq_ignore_ascii_case("json"));
    let _ = tracing::subscriber::set_global_default(subscriber(&level, json, std::io::stdout));
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use std::sync::{Arc, Mutex};

    #[derive(Clone, Default)]
    struct Buffer(Arc<Mutex<Vec<u8>>>);

    impl Write for Buffer {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    fn capture(level: &str) -> String {
        let buffer = Buffer::default();
        let writer = buffer.clone();
        let subscriber = subscriber(level, true, move || writer.clone());
        tracing::subscriber::with_default(subscriber, || {
            tracing::trace!(target: "aws_smithy_runtime::client::orchestrator::http", "body ayesha@example.org");
            tracing::trace!(target: "lambda_runtime::layers::api_response", "event token=abc");
            tracing::debug!(target: "aws_smithy_runtime::client::orchestrator", "debug-visible");
            tracing::trace!(target: "registration::use_cases::send_links", "own-trace-visible");
            tracing::info!(target: "registration::use_cases::registering", "info-visible");
        });
        String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap()
    }

    #[test]
    fn trace_never_reaches_the_crates_that_log_payloads() {
        let out = capture("TRACE");
        assert!(!out.contains("ayesha@example.org"));
        assert!(!out.contains("token=abc"));
        assert!(out.contains("debug-visible"));
        assert!(out.contains("own-trace-visible"));
        assert!(out.contains("info-visible"));
    }

    #[test]
    fn the_requested_level_still_applies_below_the_cap() {
        let out = capture("info");
        assert!(out.contains("info-visible"));
        assert!(!out.contains("debug-visible"));
        assert!(!out.contains("own-trace-visible"));
        let warn = capture("warn");
        assert!(!warn.contains("info-visible"));
        let junk = capture("loud");
        assert!(junk.contains("info-visible"), "an unknown level means INFO");
    }
}
