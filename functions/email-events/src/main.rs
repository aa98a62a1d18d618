//! Wiring only: configuration, the store client, and the runtime loop.

use lambda_runtime::{Error, run, service_fn};
use registration::config::{Env, FeedbackConfig};
use registration::platform::clock::SystemClock;
use registration::store::DynamoStore;
use registration::use_cases::recording_feedback::FeedbackRecorder;

// One thread: one event at a time, as Lambda hands them.
#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    registration::platform::logging::init();
    let config = FeedbackConfig::from_source(&Env).inspect_err(|e| tracing::error!("{e}"))?;
    let aws = registration::platform::aws::sdk_config().await;
    let store = DynamoStore::new(
        registration::platform::aws::dynamodb(&aws),
        &config.table_name,
    );
    let programs = store.shared_programs(SystemClock, config.own.clone());
    let recorder = FeedbackRecorder::new(config, store, programs);
    run(service_fn(|event| email_events::handle(&recorder, event))).await
}
