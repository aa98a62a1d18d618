//! Wiring only: configuration, clients, and the runtime loop.

use lambda_http::lambda_runtime::{Runtime, layers::TracingLayer};
use lambda_http::{Adapter, Error, service_fn};
use registration::config::RegisterConfig;
use registration::mail::SesMailer;
use registration::platform::clock::SystemClock;
use registration::store::DynamoStore;
use registration::use_cases::registering::Registrar;

// One thread: a Lambda environment runs one invocation at a time on a fraction of a
// vCPU, and a single thread answers without handing work between threads.
#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    registration::platform::logging::init();
    let config = RegisterConfig::from_env().inspect_err(|e| tracing::error!("{e}"))?;
    if config.email_limits.key.is_local() {
        tracing::warn!(
            "LIMITS_KEY is unset: the limits' counters use the local key (local runs only)"
        );
    }
    let aws = registration::platform::aws::sdk_config().await;
    let store = DynamoStore::new(
        registration::platform::aws::dynamodb(&aws),
        &config.table_name,
    );
    let mailer = SesMailer::new(
        registration::platform::aws::sesv2(&aws),
        config.sender.clone(),
    )
    .with_configuration_set(config.configuration_set.clone());
    // The registrar reads the programs from the store, through one cache per process.
    let registrar = Registrar::new(config, store, mailer, SystemClock);
    let handler = service_fn(|request| async {
        Ok::<_, std::convert::Infallible>(register::handle(&registrar, request).await)
    });
    // As `lambda_http::run`, plus the registrar's deferred work after each response
    // is posted (inside the request's span, before the next poll).
    Runtime::new(Adapter::from(handler))
        .layer(registrar.after_response.layer())
        .layer(TracingLayer::new())
        .run()
        .await
}
