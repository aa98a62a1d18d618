//! The SES v2 adapter (`SesMailer`) directly against the SES emulator, and
//! behind the fault front that answers as SES does when it refuses.

use registration::config::Sender;
use registration::domain::EmailAddress;
use registration::mail::{EmailAttachment, MailError, Mailer, OutgoingEmail, SesMailer};
use system_tests::{Mailbox, sdk_config, unique_email};

#[tokio::test]
async fn ses_mailer_sends_the_text_part_the_html_part_and_the_attachment_as_given() {
    let sdk = sdk_config().await;
    let sender = Sender::parse("BTBU-ECOSF Training <training@example.org>").unwrap();
    let mailer = SesMailer::new(registration::platform::aws::sesv2(&sdk), sender);
    let to = unique_email();
    let calendar = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nSUMMARY:Çağrı's webinar\r\nEND:VCALENDAR\r\n";
    let email = OutgoingEmail {
        to: EmailAddress::parse(&to).unwrap(),
        subject: "Your Zoom link: Powering Belt and Road Lithium-ion batteries".into(),
        text: "Dear Алексей,\n\nJoin here: https://zoom.example/j/1\n".into(),
        html: "<p>Dear Алексей,</p><p><a href=\"https://zoom.example/j/1\">Join</a></p>".into(),
        attachments: vec![EmailAttachment {
            file_name: "invitation.ics".into(),
            content_type: "text/calendar; charset=UTF-8; method=PUBLISH".into(),
            content: calendar.as_bytes().to_vec(),
        }],
        tags: None,
    };
    let message_id = mailer.send(&email).await.expect("sent");
    assert!(!message_id.is_empty());

    let emails = Mailbox::from_env().to(&to).await;
    assert_eq!(emails.len(), 1);
    let mail = &emails[0];
    assert_eq!(mail.message_id, message_id);
    assert_eq!(mail.from, "BTBU-ECOSF Training <training@example.org>");
    assert_eq!(mail.destination.to, vec![to.clone()]);
    assert!(mail.destination.cc.is_empty() && mail.destination.bcc.is_empty());
    assert_eq!(mail.subject, email.subject);
    assert_eq!(mail.text(), email.text);
    assert_eq!(mail.html(), email.html);
    assert_eq!(mail.attachments.len(), 1);
    let attachment = &mail.attachments[0];
    assert_eq!(attachment.filename.as_deref(), Some("invitation.ics"));
    assert!(
        attachment
            .content_type
            .as_deref()
            .unwrap_or_default()
            .starts_with("text/calendar"),
        "{:?}",
        attachment.content_type
    );
    assert_eq!(attachment.text(), calendar);
}

#[tokio::test]
async fn ses_mailer_reports_an_unreachable_endpoint_as_a_failed_connection() {
    let mailer = SesMailer::new(
        system_tests::unreachable_sesv2().await,
        Sender::parse("training@example.org").unwrap(),
    );
    let to = unique_email();
    let err = mailer
        .send(&OutgoingEmail {
            to: EmailAddress::parse(&to).unwrap(),
            subject: "s".into(),
            text: "t".into(),
            html: "<p>h</p>".into(),
            attachments: Vec::new(),
            tags: None,
        })
        .await
        .expect_err("nothing listens on port 9");
    assert!(matches!(err, MailError::ConnectionFailed(_)), "{err:?}");
    assert!(err.nothing_sent(), "refused before anything was sent");
    assert!(Mailbox::from_env().to(&to).await.is_empty());
}

#[tokio::test]
async fn ses_failures_are_classified_by_code_and_by_bare_http_status() {
    use registration::mail::{MailError, Mailer, SesMailer};
    let front = system_tests::faulty_ses::FaultySes::over_the_emulator().await;
    let mailer = SesMailer::new(
        front.client().await,
        registration::config::Sender::parse("Training <training@example.org>").unwrap(),
    );
    let address = system_tests::unique_email();
    let email = registration::mail::OutgoingEmail {
        to: registration::domain::EmailAddress::parse(&address).unwrap(),
        subject: "s".into(),
        text: "t".into(),
        html: "<p>h</p>".into(),
        attachments: vec![],
        tags: None,
    };
    for (status, expected) in [
        (503u16, "server error"),
        (500, "server error"),
        (429, "throttled"),
        (400, "rejected"),
    ] {
        *front.faults.bare_status.lock().unwrap() = Some(status);
        let got = match mailer.send(&email).await {
            Err(MailError::Unavailable(_)) => "unavailable",
            Err(MailError::ServerError(_)) => "server error",
            Err(MailError::ConnectionFailed(_)) => "no connection",
            Err(MailError::Unanswered { .. }) => "no answer",
            Err(MailError::Throttled) => "throttled",
            Err(MailError::Deferred) => "deferred",
            Err(MailError::Rejected(_)) => "rejected",
            Ok(_) => "sent",
        };
        assert_eq!(got, expected, "HTTP {status}");
    }
    *front.faults.bare_status.lock().unwrap() = None;
    // The account, the credentials or the configuration: nobody's email is at
    // fault, so nothing may count against a participant.
    for coded in [
        (403u16, "AccessDeniedException"),
        (403, "SignatureDoesNotMatch"),
        (400, "NotFoundException"),
        (400, "SendingPausedException"),
        (403, "SomethingNew"),
    ] {
        *front.faults.error_code.lock().unwrap() = Some(coded);
        let got = mailer.send(&email).await;
        assert!(
            matches!(got, Err(MailError::Unavailable(_))),
            "{coded:?}: {got:?}"
        );
    }
    *front.faults.error_code.lock().unwrap() = None;
    front
        .faults
        .throttle_next
        .store(1, std::sync::atomic::Ordering::SeqCst);
    assert_eq!(mailer.send(&email).await, Err(MailError::Throttled));
    front
        .faults
        .reject
        .lock()
        .unwrap()
        .insert(address.to_lowercase());
    assert_eq!(
        mailer.send(&email).await,
        Err(MailError::Rejected("MessageRejected".into()))
    );
    front
        .faults
        .fail_every
        .store(1, std::sync::atomic::Ordering::SeqCst);
    assert_eq!(
        mailer.send(&email).await,
        Err(MailError::ServerError("InternalFailure".into()))
    );
}

/// send-links paces every request to SES itself, so its client must make exactly
/// one request per send; register's client retries a throttle on its own.
#[tokio::test]
async fn the_paced_ses_client_makes_one_request_per_send_and_the_other_retries() {
    use std::sync::atomic::Ordering;
    let front = system_tests::faulty_ses::FaultySes::over_the_emulator().await;
    let sender = Sender::parse("Training <training@example.org>").unwrap();
    let email = OutgoingEmail {
        to: EmailAddress::parse(&unique_email()).unwrap(),
        subject: "s".into(),
        text: "t".into(),
        html: "<p>h</p>".into(),
        attachments: vec![],
        tags: None,
    };

    let paced = SesMailer::new(front.client().await, sender.clone());
    front.faults.throttle_next.store(1, Ordering::SeqCst);
    assert_eq!(paced.send(&email).await, Err(MailError::Throttled));
    assert_eq!(front.faults.calls.load(Ordering::SeqCst), 1);
    front.faults.fail_every.store(1, Ordering::SeqCst);
    assert!(matches!(
        paced.send(&email).await,
        Err(MailError::ServerError(_))
    ));
    assert_eq!(front.faults.calls.load(Ordering::SeqCst), 2);

    front.faults.fail_every.store(0, Ordering::SeqCst);
    front.faults.throttle_next.store(1, Ordering::SeqCst);
    let retrying = SesMailer::new(front.retrying_client().await, sender);
    assert!(
        retrying.send(&email).await.is_ok(),
        "its second attempt sent"
    );
    assert_eq!(front.faults.calls.load(Ordering::SeqCst), 4);
}
