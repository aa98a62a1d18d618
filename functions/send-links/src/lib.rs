//! The `send-links` function's edge: a scheduler event in, one delivery run, the
//! run's report out as JSON.

use lambda_runtime::{Context, LambdaEvent};
use registration::clock::Clock;
use registration::delivery::LinkSender;
use registration::mail::Mailer;
use registration::store::RegistrationStore;
use serde_json::Value;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokio::time::Instant;

/// The invocation's deadline as an instant on tokio's clock.
pub fn deadline_of(context: &Context) -> Instant {
    let now_ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or_default();
    Instant::now() + Duration::from_millis(context.deadline.saturating_sub(now_ms))
}

/// Any JSON event (EventBridge Scheduler sends `{}`) starts one run.
pub async fn handle<S, M, C>(
    sender: &Arc<LinkSender<S, M, C>>,
    event: LambdaEvent<Value>,
) -> Result<Value, lambda_runtime::Error>
where
    S: RegistrationStore + 'static,
    M: Mailer + 'static,
    C: Clock + 'static,
{
    let report = sender
        .run(deadline_of(&event.context))
        .await
        .inspect_err(|err| tracing::error!(error = %err, "delivery run failed"))?;
    Ok(serde_json::to_value(report)?)
}
