//! Wiring only: configuration, clients, and the runtime loop.

use lambda_runtime::{Error, run, service_fn};
use registration::config::SendLinksConfig;
use registration::mail::SesMailer;
use registration::platform::clock::SystemClock;
use registration::store::DynamoStore;
use registration::use_cases::send_links::SendLinks;
use std::sync::Arc;

#[tokio::main]
async fn main() -> Result<(), Error> {
    registration::platform::logging::init();
    let config = SendLinksConfig::from_env().inspect_err(|e| tracing::error!("{e}"))?;
    let aws = registration::platform::aws::sdk_config().await;
    let store = DynamoStore::new(
        registration::platform::aws::dynamodb(&aws),
        &config.table_name,
    );
    let programs = store.shared_programs(SystemClock, config.own.clone());
    let mailer = SesMailer::new(
        registration::platform::aws::sesv2_paced(&aws),
        config.sender.clone(),
    )
    .with_configuration_set(config.configuration_set.clone());
    let sender = Arc::new(SendLinks::new(config, store, mailer, SystemClock, programs));
    run(service_fn(|event| send_links::handle(&sender, event))).await
}
