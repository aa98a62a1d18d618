//! The AWS SDK clients, built once per process from the standard environment
//! (`AWS_ENDPOINT_URL_DYNAMODB` / `AWS_ENDPOINT_URL_SESV2` point them at emulators).

pub async fn sdk_config() -> aws_config::SdkConfig {
    aws_config::load_from_env().await
}

pub fn dynamodb(config: &aws_config::SdkConfig) -> aws_sdk_dynamodb::Client {
    aws_sdk_dynamodb::Client::new(config)
}

pub fn sesv2(config: &aws_config::SdkConfig) -> aws_sdk_sesv2::Client {
    aws_sdk_sesv2::Client::new(config)
}
