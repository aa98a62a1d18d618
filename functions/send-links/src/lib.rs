//! The `send-links` function's edge: a scheduler event in, one send-links run, the
//! run's report out as JSON.

use lambda_runtime::{Context, LambdaEvent};
use registration::mail::Mailer;
use registration::platform::clock::Clock;
use registration::store::RegistrationStore;
use registration::use_cases::send_links::SendLinks;
use serde_json::Value;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokio::time::Instant;

/// The time a run assumes it has when the invocation carries no usable deadline:
/// the template's timeout.
pub const FALLBACK_BUDGET: Duration = Duration::from_secs(300);

/// The invocation's deadline as an instant on tokio's clock. Lambda always sends a
/// deadline in the future; a local runtime emulator may send a fixed one in the past
/// (cargo lambda watch sends 1970), which would stop every run before its first send.
pub fn deadline_of(context: &Context) -> Instant {
    let now_ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or_default();
    match context.deadline.checked_sub(now_ms) {
        Some(left) if left > 0 => Instant::now() + Duration::from_millis(left),
        _ => {
            tracing::warn!(
                budget_secs = FALLBACK_BUDGET.as_secs(),
                "the invocation's deadline has passed already; assuming the function's timeout"
            );
            Instant::now() + FALLBACK_BUDGET
        }
    }
}

/// Any JSON event (EventBridge Scheduler sends `{}`) starts one run. A run in
/// which DynamoDB failed a step fails the invocation (so the errors alarm
/// sees it), after every other step ran; its error carries the report.
pub async fn handle<S, M, C>(
    sender: &Arc<SendLinks<S, M, C>>,
    event: LambdaEvent<Value>,
) -> Result<Value, lambda_runtime::Error>
where
    S: RegistrationStore + 'static,
    M: Mailer + 'static,
    C: Clock + 'static,
{
    let report = sender.run(deadline_of(&event.context)).await;
    let value = serde_json::to_value(&report)?;
    if report.failed_steps.is_empty() {
        Ok(value)
    } else {
        Err(format!(
            "send-links: DynamoDB failed {}; report: {value}",
            report.failed_steps.join(", ")
        )
        .into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn context(deadline: u64) -> Context {
        let mut context = Context::default();
        context.deadline = deadline;
        context
    }

    #[test]
    fn a_future_deadline_is_kept() {
        let now_ms = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_millis() as u64;
        let left = deadline_of(&context(now_ms + 20_000)) - Instant::now();
        assert!(left <= Duration::from_secs(20) && left > Duration::from_secs(19));
    }

    #[test]
    fn a_deadline_in_the_past_falls_back_to_the_timeout() {
        let left = deadline_of(&context(600_000)) - Instant::now();
        assert!(left <= FALLBACK_BUDGET && left > FALLBACK_BUDGET - Duration::from_secs(1));
    }
}
