//! One send-links run in its own process, for the suites that kill a run part-way:
//! `send-links-run SECONDS` runs send-links' use case with the configuration from the
//! environment and a deadline SECONDS from now, and prints the report as JSON.

use registration::config::SendLinksConfig;
use registration::mail::SesMailer;
use registration::platform::clock::SystemClock;
use registration::store::DynamoStore;
use registration::use_cases::send_links::SendLinks;
use std::sync::Arc;
use std::time::Duration;

#[tokio::main]
async fn main() -> Result<(), String> {
    let seconds: u64 = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or("usage: send-links-run SECONDS")?;
    let config = SendLinksConfig::from_env().map_err(|e| e.to_string())?;
    let sdk = registration::platform::aws::sdk_config().await;
    let store = DynamoStore::new(
        registration::platform::aws::dynamodb(&sdk),
        &config.table_name,
    );
    let programs = store.shared_programs(SystemClock, config.own.clone());
    let mailer = SesMailer::new(
        registration::platform::aws::sesv2_paced(&sdk),
        config.sender.clone(),
    )
    .with_configuration_set(config.configuration_set.clone());
    let sender = Arc::new(SendLinks::new(config, store, mailer, SystemClock, programs));
    let deadline = tokio::time::Instant::now() + Duration::from_secs(seconds);
    let report = sender.run(deadline).await;
    println!(
        "{}",
        serde_json::to_string(&report).map_err(|e| e.to_string())?
    );
    if !report.failed_steps.is_empty() {
        return Err(format!(
            "DynamoDB failed {}",
            report.failed_steps.join(", ")
        ));
    }
    Ok(())
}
