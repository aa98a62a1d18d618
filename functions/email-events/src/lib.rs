//! The `email-events` function's edge: an EventBridge event of SES's for the
//! stack's configuration set in, one call into the recorder, a summary out. A
//! DynamoDB failure fails the invocation, so that EventBridge retries it.

use aws_lambda_events::event::eventbridge::EventBridgeEvent;
use lambda_runtime::LambdaEvent;
use registration::store::RegistrationStore;
use registration::use_cases::recording_feedback::{FeedbackRecorder, Recorded, SesEventDetail};
use serde_json::{Value, json};

pub async fn handle<S: RegistrationStore>(
    recorder: &FeedbackRecorder<S>,
    event: LambdaEvent<EventBridgeEvent<SesEventDetail>>,
) -> Result<Value, lambda_runtime::Error> {
    let event = event.payload;
    if event.source != "aws.ses" {
        tracing::info!(source = %event.source, "an event not from SES ignored");
        return Ok(json!({"outcome": "ignored", "why": "not an SES event"}));
    }
    let outcome = recorder
        .record(&event.detail, jiff::Timestamp::now())
        .await
        .inspect_err(|err| tracing::error!(error = %err, "SES feedback not recorded; the event will be retried"))?;
    Ok(match outcome {
        Recorded::Recorded { kind, state } => {
            json!({"outcome": "recorded", "kind": kind.as_str(), "state": state})
        }
        Recorded::AlreadyKnown => json!({"outcome": "already-known"}),
        Recorded::Ignored(why) => json!({"outcome": "ignored", "why": why}),
    })
}
