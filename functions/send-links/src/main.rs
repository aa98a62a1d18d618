//! Wiring only: configuration, clients, and the runtime loop.

use lambda_runtime::{Error, run, service_fn};
use registration::clock::SystemClock;
use registration::config::SendLinksConfig;
use registration::mail::SesMailer;
use registration::send_links::SendLinks;
use registration::store::DynamoStore;
use std::sync::Arc;

#[tokio::main]
async fn main() -> Result<(), Error> {
    registration::logging::init();
    let config = SendLinksConfig::from_env().inspect_err(|e| tracing::error!("{e}"))?;
    let aws = registration::aws::sdk_config().await;
    let store = DynamoStore::new(registration::aws::dynamodb(&aws), &config.event.table_name);
    let mailer = SesMailer::new(registration::aws::sesv2_paced(&aws), config.sender.clone())
        .with_configuration_set(config.configuration_set.clone());
    let sender = Arc::new(SendLinks::new(config, store, mailer, SystemClock));
    run(service_fn(|event| send_links::handle(&sender, event))).await
}
