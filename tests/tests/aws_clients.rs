//! The functions' own AWS SDK clients (`registration::platform::aws`): their bounds turn a
//! service that never answers into an outage the store and the mailer report.

use registration::config::Sender;
use registration::domain::EmailAddress;
use registration::mail::{MailError, Mailer, OutgoingEmail, SesMailer};
use registration::store::{DynamoStore, Registrations};
use system_tests::{key_for, unique_email};

/// A listener that takes connections, counts them and never answers.
async fn silent_listener() -> (
    String,
    std::sync::Arc<std::sync::atomic::AtomicUsize>,
    tokio::task::JoinHandle<()>,
) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let endpoint = format!("http://{}", listener.local_addr().unwrap());
    let accepted = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let count = std::sync::Arc::clone(&accepted);
    let hold = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            count.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            held.push(socket);
        }
    });
    (endpoint, accepted, hold)
}

#[tokio::test]
async fn a_service_that_accepts_and_never_answers_is_an_outage_not_a_hang() {
    let (dynamodb_endpoint, _, dynamodb_hold) = silent_listener().await;
    let (ses_endpoint, ses_connections, ses_hold) = silent_listener().await;
    // The functions' own SDK clients, aimed at the listeners.
    let config = registration::platform::aws::sdk_config().await;
    let dynamodb = aws_sdk_dynamodb::Client::from_conf(
        registration::platform::aws::dynamodb(&config)
            .config()
            .to_builder()
            .endpoint_url(&dynamodb_endpoint)
            .build(),
    );
    let sesv2 = aws_sdk_sesv2::Client::from_conf(
        registration::platform::aws::sesv2(&config)
            .config()
            .to_builder()
            .endpoint_url(&ses_endpoint)
            .build(),
    );
    let store = DynamoStore::new(dynamodb, "registrations");
    let mailer = SesMailer::new(sesv2, Sender::parse("training@example.org").unwrap());
    let email = OutgoingEmail {
        to: EmailAddress::parse(&unique_email()).unwrap(),
        subject: "s".into(),
        text: "t".into(),
        html: "<p>h</p>".into(),
        attachments: Vec::new(),
        tags: None,
    };
    // Without the SDK's timeouts both calls would wait forever; the outer bound
    // only turns such a hang into a failure of this test.
    let key = key_for("e", "k@example.org");
    let (read, send) = tokio::time::timeout(std::time::Duration::from_secs(60), async {
        tokio::join!(store.get(&key), mailer.send(&email))
    })
    .await
    .expect("both calls give up on their own");
    assert!(
        matches!(read, Err(registration::store::StoreError::Unavailable(_))),
        "{read:?}"
    );
    // One email's trouble (a run sees an outage only in several), which may
    // have sent it.
    assert!(
        matches!(
            send,
            Err(MailError::Unanswered {
                others_answered: false,
                ..
            })
        ),
        "{send:?}"
    );
    assert!(!send.unwrap_err().nothing_sent());
    // An SES attempt that may have sent its email is not sent again.
    assert_eq!(
        ses_connections.load(std::sync::atomic::Ordering::SeqCst),
        1,
        "one SES attempt"
    );
    dynamodb_hold.abort();
    ses_hold.abort();
}
