//! Wiring only: configuration, the store client, and the runtime loop.

use lambda_http::lambda_runtime::{Runtime, layers::TracingLayer};
use lambda_http::{Adapter, Error, service_fn};
use registration::config::ConfirmConfig;
use registration::mail::SesMailer;
use registration::platform::clock::SystemClock;
use registration::store::DynamoStore;
use registration::use_cases::confirming::Confirmer;

// One thread: a Lambda environment runs one invocation at a time on a fraction of a
// vCPU, and a single thread answers without handing work between threads.
#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    registration::platform::logging::init();
    let config = ConfirmConfig::from_env().inspect_err(|e| tracing::error!("{e}"))?;
    let aws = registration::platform::aws::sdk_config().await;
    let store = DynamoStore::new(
        registration::platform::aws::dynamodb(&aws),
        &config.table_name,
    );
    let programs = store.shared_programs(SystemClock, config.own.clone());
    let mailer = SesMailer::new(
        registration::platform::aws::sesv2(&aws),
        config.delivery.sender.clone(),
    )
    .with_configuration_set(config.delivery.configuration_set.clone());
    let confirmer = Confirmer::new(config, store, mailer, SystemClock, programs);
    let handler = service_fn(|request| async {
        Ok::<_, std::convert::Infallible>(confirm::handle(&confirmer, request).await)
    });
    // As `lambda_http::run`, plus the link email of a late confirmation after
    // each response is posted.
    Runtime::new(Adapter::from(handler))
        .layer(confirmer.after_response.layer())
        .layer(TracingLayer::new())
        .run()
        .await
}
