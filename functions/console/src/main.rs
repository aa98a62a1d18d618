//! Wiring only: configuration, the store and mailer clients, and the runtime loop.

use lambda_http::{Error, run, service_fn};
use organizer_console::Console;
use organizer_console::config::ConsoleConfig;
use registration::mail::SesMailer;
use registration::platform::clock::SystemClock;
use registration::store::DynamoStore;

// One thread: a Lambda environment runs one invocation at a time.
#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    registration::platform::logging::init();
    let config = ConsoleConfig::from_env().inspect_err(|e| tracing::error!("{e}"))?;
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
    let console = Console::new(config, store, mailer, SystemClock);
    run(service_fn(|request| async {
        Ok::<_, std::convert::Infallible>(organizer_console::handle(&console, request).await)
    }))
    .await
}
