//! Wiring only: configuration, the store client, and the runtime loop.

use lambda_http::{Error, run, service_fn};
use registration::clock::SystemClock;
use registration::config::ConfirmConfig;
use registration::confirming::Confirmer;
use registration::store::DynamoStore;

// One thread: a Lambda environment runs one invocation at a time on a fraction of a
// vCPU, and a single thread answers without handing work between threads.
#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    registration::logging::init();
    let config = ConfirmConfig::from_env().inspect_err(|e| tracing::error!("{e}"))?;
    let aws = registration::aws::sdk_config().await;
    let store = DynamoStore::new(registration::aws::dynamodb(&aws), &config.event.table_name);
    let confirmer = Confirmer::new(config, store, SystemClock);
    run(service_fn(|request| async {
        Ok::<_, std::convert::Infallible>(confirm::handle(&confirmer, request).await)
    }))
    .await
}
