//! `--stack`: the table, the event and the time zone come from the deployed
//! stack, as the stand-in in `common/cloudformation.rs` answers for it; the
//! table behind it is DynamoDB Local's.

mod common;

use common::cloudformation::fake_cloudformation;
use common::{organizer, seed};
use system_tests::spawn_app;

#[tokio::test]
async fn stack_gives_the_table_event_zone_and_capacity() {
    let app = spawn_app().await;
    seed(&app).await;
    let endpoint = fake_cloudformation(app.table.clone(), app.event_id.clone());
    let run = organizer(
        &[("AWS_ENDPOINT_URL_CLOUDFORMATION", &endpoint)],
        &["--stack", "deployed", "stats", "--json"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let stats: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(stats["event_id"], app.event_id.as_str());
    assert_eq!(stats["total"], 8);
    assert_eq!(stats["capacity"], 2);
    // Days in the stack's zone (UTC here): the registration at 01:00 Karachi
    // on the 19th is on the 18th.
    assert_eq!(stats["by_day"]["2022-09-18"], 3);
}

#[tokio::test]
async fn a_missing_stack_fails_with_one_line() {
    let endpoint = fake_cloudformation(String::new(), String::new());
    let run = organizer(
        &[("AWS_ENDPOINT_URL_CLOUDFORMATION", &endpoint)],
        &["--stack", "nope", "stats"],
    );
    run.assert_failed_with("no such stack: nope");
}
