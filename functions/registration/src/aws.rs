//! The AWS SDK clients, built once per process from the standard environment
//! (`AWS_ENDPOINT_URL_DYNAMODB` / `AWS_ENDPOINT_URL_SESV2` point them at emulators).

use aws_config::BehaviorVersion;
use aws_smithy_http_client::tls::{Provider, TlsContext, TrustStore, rustls_provider::CryptoMode};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;

/// The SDK configuration with the one HTTPS client of the process: hyper 1 on
/// rustls with ring (smaller than aws-lc and built without a C toolchain).
pub async fn sdk_config() -> aws_config::SdkConfig {
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
    aws_config::defaults(BehaviorVersion::latest())
        .http_client(http)
        .load()
        .await
}

/// Mozilla's root certificates, compiled in (webpki-root-certs). Loading the
/// system's instead reads every file of the certificate directory at each cold
/// start; the compiled-in set is the same on every machine and is refreshed with
/// the crate.
fn root_certificates_pem() -> Vec<u8> {
    let mut pem = String::with_capacity(webpki_root_certs::TLS_SERVER_ROOT_CERTS.len() * 2048);
    for certificate in webpki_root_certs::TLS_SERVER_ROOT_CERTS {
        pem.push_str("-----BEGIN CERTIFICATE-----\n");
        let encoded = STANDARD.encode(certificate.as_ref());
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

pub fn sesv2(config: &aws_config::SdkConfig) -> aws_sdk_sesv2::Client {
    aws_sdk_sesv2::Client::new(config)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_compiled_in_roots_form_a_pem_bundle() {
        let pem = String::from_utf8(super::root_certificates_pem()).unwrap();
        let count = pem.matches("-----BEGIN CERTIFICATE-----").count();
        assert_eq!(count, webpki_root_certs::TLS_SERVER_ROOT_CERTS.len());
        assert!(count > 100);
        assert!(pem.lines().all(|l| l.len() <= 64 || l.starts_with("-----")));
    }
}
