//! Create the registrations table in DynamoDB Local from `template.yaml`:
//! `create-table NAME` (an existing table of that name is kept).

#[tokio::main]
async fn main() -> Result<(), String> {
    let name = std::env::args()
        .nth(1)
        .ok_or("usage: create-table TABLE_NAME")?;
    let sdk = system_tests::sdk_config().await;
    let client = registration::platform::aws::dynamodb(&sdk);
    let exists = client
        .describe_table()
        .table_name(&name)
        .send()
        .await
        .is_ok();
    if exists {
        println!("table {name} already exists");
        return Ok(());
    }
    system_tests::table::create_from_template(&client, &name).await?;
    println!("table {name} created from template.yaml");
    Ok(())
}
