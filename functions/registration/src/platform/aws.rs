//! The AWS SDK clients, built once per process from the standard environment
//! (`AWS_ENDPOINT_URL_DYNAMODB` / `AWS_ENDPOINT_URL_SESV2` point them at emulators).

use aws_config::BehaviorVersion;
use aws_config::timeout::TimeoutConfig;
use aws_smithy_http_client::tls::{Provider, TlsContext, TrustStore, rustls_provider::CryptoMode};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use std::time::Duration;

/// The SDK configuration with the one HTTPS client of the process: hyper 1 on
/// rustls with ring (smaller than aws-lc and built without a C toolchain).
pub async fn sdk_config() -> aws_config::SdkConfig {
    sdk_config_for(None, None).await
}

/// As [`sdk_config`], with a named profile and region (the organizer's
/// `--profile` and `--region`); `None` leaves each to the standard chain.
pub async fn sdk_config_for(profile: Option<&str>, region: Option<&str>) -> aws_config::SdkConfig {
    let tls = TlsContext::builder()
        .with_trust_store(
            TrustStore::empty()
                .with_native_roots(false)
                .with_pem_certificate(root_certificates_pem()),
        )
        .build()
        .expect("the compiled-in root certificates are valid");
    let http = aws_smithy_http_client::Builder::new()
        .tls_provider(Provider::Rustls(CryptoMode::Ring))
        .tls_context(tls)
        .build_https();
    let loader = aws_config::defaults(BehaviorVersion::latest())
        .http_client(http)
        .timeout_config(timeouts());
    // Lambda hands a function its credentials in the environment. Taking them
    // from there directly skips building the rest of the default chain (its
    // web-identity provider alone builds an STS client); elsewhere the whole
    // default chain applies.
    let loader = match profile {
        Some(profile) => loader.profile_name(profile),
        None => loader,
    };
    let loader = match region {
        Some(region) => loader.region(aws_config::Region::new(region.to_owned())),
        None => loader,
    };
    let loader = if profile.is_none() && std::env::var_os("AWS_ACCESS_KEY_ID").is_some() {
        loader.credentials_provider(
            aws_config::environment::EnvironmentVariableCredentialsProvider::new(),
        )
    } else {
        loader
    };
    loader.load().await
}

/// The most one DynamoDB call may take, retries included.
pub const OPERATION_TIMEOUT: Duration = Duration::from_secs(4);
/// The most one attempt of a DynamoDB call may take.
pub const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(3);
/// The most one SES call may take. SES calls have no per-attempt bound: an
/// attempt that timed out may have sent its email, and the SDK would send it
/// again, unpaced; a call that runs out of time is an outage instead.
pub const SES_OPERATION_TIMEOUT: Duration = Duration::from_secs(5);

/// Bounds on every call, so that a connection that hangs fails like an outage
/// instead of holding the function to its own timeout. DynamoDB calls are
/// conditional or reads, so a retried attempt is safe.
fn timeouts() -> TimeoutConfig {
    TimeoutConfig::builder()
        .connect_timeout(Duration::from_secs(2))
        .operation_attempt_timeout(ATTEMPT_TIMEOUT)
        .operation_timeout(OPERATION_TIMEOUT)
        .build()
}

/// Layered over [`timeouts`] (the connect bound stays), whose per-attempt bound
/// it removes.
fn ses_timeouts() -> TimeoutConfig {
    TimeoutConfig::builder()
        .disable_operation_attempt_timeout()
        .operation_timeout(SES_OPERATION_TIMEOUT)
        .build()
}

/// The common names of the roots AWS service endpoints chain to: Amazon Trust
/// Services (every AWS endpoint's certificate, since 2021) and the Starfield root
/// that cross-signs it.
const AWS_ROOT_NAMES: [&[u8]; 2] = [
    b"Amazon Root CA ",
    b"Starfield Services Root Certificate Authority - G2",
];

/// How far into a root certificate its issuer name ends, at most.
const ISSUER_WITHIN: usize = 512;

/// Amazon Trust Services' roots, taken from Mozilla's set compiled in
/// (webpki-root-certs): the functions talk to DynamoDB, SES and STS only. Loading
/// the system's roots instead reads every file of the certificate directory at each
/// cold start, and every client the SDK builds parses the whole bundle again; five
/// roots are the same on every machine, cheap to parse, and trust no other CA.
fn aws_root_certificates() -> impl Iterator<Item = &'static [u8]> {
    webpki_root_certs::TLS_SERVER_ROOT_CERTS
        .iter()
        .map(|certificate| certificate.as_ref())
        .filter(|der| {
            // A root's issuer is its own name, within the certificate's first bytes.
            let head = &der[..der.len().min(ISSUER_WITHIN)];
            AWS_ROOT_NAMES
                .iter()
                .any(|name| memchr::memmem::find(head, name).is_some())
        })
}

fn root_certificates_pem() -> Vec<u8> {
    let mut pem = String::new();
    for der in aws_root_certificates() {
        pem.push_str("-----BEGIN CERTIFICATE-----\n");
        let encoded = STANDARD.encode(der);
        for line in encoded.as_bytes().chunks(64) {
            pem.push_str(std::str::from_utf8(line).expect("base64 is ASCII"));
            pem.push('\n');
        }
        pem.push_str("-----END CERTIFICATE-----\n");
    }
    pem.into_bytes()
}

pub fn dynamodb(config: &aws_config::SdkConfig) -> aws_sdk_dynamodb::Client {
    aws_sdk_dynamodb::Client::new(config)
}

/// The SES client of `register` (`confirm` sends no email): one email at a time,
/// so the SDK's standard retries (three attempts in all) ride out a throttle, a
/// 5xx or a broken connection.
pub fn sesv2(config: &aws_config::SdkConfig) -> aws_sdk_sesv2::Client {
    aws_sdk_sesv2::Client::from_conf(ses_config(config).build())
}

/// The SES client of `send-links`, whose run paces its sends: the SDK's own
/// retries are off, so every request to SES takes one of the run's send slots.
/// The run backs off and retries throttles, server errors and connections that
/// could not be made itself.
pub fn sesv2_paced(config: &aws_config::SdkConfig) -> aws_sdk_sesv2::Client {
    aws_sdk_sesv2::Client::from_conf(paced_ses_config(config).build())
}

pub fn ses_config(config: &aws_config::SdkConfig) -> aws_sdk_sesv2::config::Builder {
    aws_sdk_sesv2::config::Builder::from(config).timeout_config(ses_timeouts())
}

pub fn paced_ses_config(config: &aws_config::SdkConfig) -> aws_sdk_sesv2::config::Builder {
    ses_config(config).retry_config(aws_config::retry::RetryConfig::disabled())
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_trusted_roots_are_amazon_trust_services_and_its_starfield_cross_signer() {
        let roots: Vec<&[u8]> = super::aws_root_certificates().collect();
        assert_eq!(roots.len(), 5);
        let named = |name: &[u8]| {
            roots
                .iter()
                .filter(|der| der.windows(name.len()).any(|w| w == name))
                .count()
        };
        for n in 1..=4 {
            assert_eq!(named(format!("Amazon Root CA {n}").as_bytes()), 1);
        }
        assert_eq!(
            named(b"Starfield Services Root Certificate Authority - G2"),
            1
        );
    }

    #[test]
    fn the_trusted_roots_form_a_pem_bundle() {
        let pem = String::from_utf8(super::root_certificates_pem()).unwrap();
        assert_eq!(pem.matches("-----BEGIN CERTIFICATE-----").count(), 5);
        assert_eq!(pem.matches("-----END CERTIFICATE-----").count(), 5);
        assert!(pem.lines().all(|l| l.len() <= 64 || l.starts_with("-----")));
    }

    #[tokio::test]
    async fn the_sdk_accepts_the_bundle() {
        // Building a client parses the bundle into the rustls trust store; a
        // malformed bundle panics here.
        let config = super::sdk_config().await;
        let _ = super::dynamodb(&config);
    }
}
