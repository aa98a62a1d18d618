//! Emails: what they say (text and HTML templates, escaped; the iCalendar
//! invitation) and how they leave (the mailer trait and its SES v2 adapter).
//!
//! Only the validated recipient address ever reaches a header; every other value a
//! participant typed stays in the bodies, escaped in the HTML part.

use crate::config::{EventConfig, Sender, ZoomJoinUrl};
use crate::domain::EmailAddress;
use askama::Template;
use async_trait::async_trait;
use aws_sdk_sesv2::Client;
use aws_sdk_sesv2::config::http::HttpResponse;
use aws_sdk_sesv2::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_sesv2::primitives::Blob;
use aws_sdk_sesv2::types::{
    Attachment, AttachmentContentDisposition, Body, Content, Destination, EmailContent, Message,
};
use aws_smithy_types::error::display::DisplayErrorContext;
use jiff::{SignedDuration, Timestamp};

/// An email ready to send to one participant.
#[derive(Debug, Clone, PartialEq)]
pub struct OutgoingEmail {
    pub to: EmailAddress,
    pub subject: String,
    pub text: String,
    pub html: String,
    pub attachments: Vec<EmailAttachment>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct EmailAttachment {
    pub file_name: String,
    pub content_type: String,
    pub content: Vec<u8>,
}

/// Why an email did not leave.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MailError {
    /// SES refused this message or recipient; retrying at once will not help.
    #[error("SES rejected the message ({0})")]
    Rejected(String),
    /// SES asked us to slow down.
    #[error("SES throttled the request")]
    Throttled,
    /// SES answered with a server error (HTTP 5xx): nothing was sent, and a later
    /// attempt may succeed.
    #[error("SES failed the request: {0}")]
    ServerError(String),
    /// No connection to SES could be made (refused, unresolved, TLS, timed out):
    /// the request never left, and a later attempt may succeed.
    #[error("could not connect to SES: {0}")]
    ConnectionFailed(String),
    /// SES is not sending for this account, or a call failed on a connection that
    /// was made, or ran out of time: the email may have left.
    #[error("SES unavailable: {0}")]
    Unavailable(String),
    /// Not attempted: the send-links run had no send slot left before it had to stop.
    #[error("not sent: the run stopped before a send slot came")]
    Deferred,
}

impl MailError {
    /// SES surely did not send the email: it answered without sending, or it was
    /// never asked.
    pub fn nothing_sent(&self) -> bool {
        matches!(
            self,
            Self::Rejected(_)
                | Self::Throttled
                | Self::ServerError(_)
                | Self::ConnectionFailed(_)
                | Self::Deferred
        )
    }
}

/// Sends one email; returns the provider's message id.
#[async_trait]
pub trait Mailer: Send + Sync {
    async fn send(&self, email: &OutgoingEmail) -> Result<String, MailError>;
}

/// The SES v2 adapter.
#[derive(Debug, Clone)]
pub struct SesMailer {
    client: Client,
    sender: Sender,
}

impl SesMailer {
    pub fn new(client: Client, sender: Sender) -> Self {
        Self { client, sender }
    }
}

fn utf8(data: &str) -> Result<Content, MailError> {
    Content::builder()
        .data(data)
        .charset("UTF-8")
        .build()
        .map_err(|e| MailError::Rejected(format!("building the message: {e}")))
}

#[async_trait]
impl Mailer for SesMailer {
    async fn send(&self, email: &OutgoingEmail) -> Result<String, MailError> {
        let mut message = Message::builder().subject(utf8(&email.subject)?).body(
            Body::builder()
                .text(utf8(&email.text)?)
                .html(utf8(&email.html)?)
                .build(),
        );
        for attachment in &email.attachments {
            message = message.attachments(
                Attachment::builder()
                    .file_name(&attachment.file_name)
                    .content_type(&attachment.content_type)
                    .content_disposition(AttachmentContentDisposition::Attachment)
                    .raw_content(Blob::new(attachment.content.clone()))
                    .build()
                    .map_err(|e| MailError::Rejected(format!("building the attachment: {e}")))?,
            );
        }
        let result = self
            .client
            .send_email()
            .from_email_address(self.sender.as_ref())
            .destination(
                Destination::builder()
                    .to_addresses(email.to.as_ref())
                    .build(),
            )
            .content(EmailContent::builder().simple(message.build()).build())
            .send()
            .await;
        match result {
            Ok(output) => Ok(output.message_id.unwrap_or_default()),
            Err(err) => Err(classify(err)),
        }
    }
}

/// Map an SES failure to what the caller can do about it. The error's message text
/// can quote the recipient, so only its code travels on (and so into logs).
fn classify<E>(err: SdkError<E, HttpResponse>) -> MailError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    match &err {
        SdkError::ServiceError(service) => {
            let code = service.err().code().unwrap_or("Unknown").to_owned();
            let status = service.raw().status().as_u16();
            match code.as_str() {
                "TooManyRequestsException"
                | "LimitExceededException"
                | "Throttling"
                | "ThrottlingException" => MailError::Throttled,
                // The account, the credentials or the configuration, not the email:
                // counting these against participants would drop every one of them.
                "AccountSuspendedException"
                | "SendingPausedException"
                | "MailFromDomainNotVerifiedException"
                | "AccessDeniedException"
                | "NotAuthorized"
                | "OptInRequired"
                | "UnrecognizedClientException"
                | "InvalidClientTokenId"
                | "IncompleteSignature"
                | "SignatureDoesNotMatch"
                | "MissingAuthenticationToken"
                | "ExpiredToken"
                | "ExpiredTokenException"
                | "RequestExpired"
                | "NotFoundException" => MailError::Unavailable(code),
                "InternalFailure" | "ServiceUnavailable" => MailError::ServerError(code),
                _ if status == 429 => MailError::Throttled,
                _ if status == 401 || status == 403 => {
                    MailError::Unavailable(format!("{code} (HTTP {status})"))
                }
                _ if status >= 500 => MailError::ServerError(format!("{code} (HTTP {status})")),
                _ => MailError::Rejected(code),
            }
        }
        // Before the request could leave: the HTTP client's own "connect" error
        // (refused, unresolved, TLS, or the connect timeout).
        SdkError::DispatchFailure(failure)
            if failure
                .as_connector_error()
                .is_some_and(|e| connect_error_in(e)) =>
        {
            MailError::ConnectionFailed(DisplayErrorContext(&err).to_string())
        }
        SdkError::DispatchFailure(_) | SdkError::TimeoutError(_) | SdkError::ResponseError(_) => {
            MailError::Unavailable(DisplayErrorContext(&err).to_string())
        }
        _ => MailError::Unavailable(DisplayErrorContext(&err).to_string()),
    }
}

/// Whether the HTTP client's own "connect" error is in the chain. Other I/O
/// errors may come after the request was written.
fn connect_error_in(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut source = Some(error);
    while let Some(error) = source {
        if let Some(client) = error.downcast_ref::<hyper_util::client::legacy::Error>() {
            return client.is_connect();
        }
        source = error.source();
    }
    false
}

#[derive(Template)]
#[template(path = "email/confirmation.txt")]
struct ConfirmationText<'a> {
    name: &'a str,
    title: &'a str,
    starts_local: &'a str,
    link: &'a str,
}

#[derive(Template)]
#[template(path = "email/confirmation.html")]
struct ConfirmationHtml<'a> {
    name: &'a str,
    title: &'a str,
    starts_local: &'a str,
    link: &'a str,
}

/// The double opt-in email: its text part holds the absolute confirmation link.
pub fn confirmation_email(
    event: &EventConfig,
    to: EmailAddress,
    name: &str,
    confirm_link: &str,
) -> OutgoingEmail {
    let starts_local = event.local_time(event.starts_at);
    let text = ConfirmationText {
        name,
        title: &event.title,
        starts_local: &starts_local,
        link: confirm_link,
    };
    let html = ConfirmationHtml {
        name,
        title: &event.title,
        starts_local: &starts_local,
        link: confirm_link,
    };
    OutgoingEmail {
        to,
        subject: format!("Please confirm your registration: {}", event.title),
        text: text
            .render()
            .expect("the confirmation text template renders"),
        html: html
            .render()
            .expect("the confirmation HTML template renders"),
        attachments: Vec::new(),
    }
}

#[derive(Template)]
#[template(path = "email/link.txt")]
struct LinkText<'a> {
    name: &'a str,
    title: &'a str,
    starts_local: &'a str,
    starts_utc: &'a str,
    zoom: &'a str,
}

#[derive(Template)]
#[template(path = "email/link.html")]
struct LinkHtml<'a> {
    name: &'a str,
    title: &'a str,
    starts_local: &'a str,
    starts_utc: &'a str,
    zoom: &'a str,
}

/// The webinar email: the Zoom link, the start time in the event's zone and in UTC,
/// and an iCalendar invitation.
pub fn link_email(
    event: &EventConfig,
    to: EmailAddress,
    name: &str,
    registration_id: &str,
    zoom: &ZoomJoinUrl,
    now: Timestamp,
) -> OutgoingEmail {
    let starts_local = event.local_time(event.starts_at);
    let starts_utc = event.utc_time(event.starts_at);
    let fields = (
        name,
        event.title.as_str(),
        starts_local.as_str(),
        starts_utc.as_str(),
    );
    let text = LinkText {
        name: fields.0,
        title: fields.1,
        starts_local: fields.2,
        starts_utc: fields.3,
        zoom: zoom.expose(),
    };
    let html = LinkHtml {
        name: fields.0,
        title: fields.1,
        starts_local: fields.2,
        starts_utc: fields.3,
        zoom: zoom.expose(),
    };
    OutgoingEmail {
        to,
        subject: format!("Your Zoom link: {}", event.title),
        text: text.render().expect("the link text template renders"),
        html: html.render().expect("the link HTML template renders"),
        attachments: vec![EmailAttachment {
            file_name: "invitation.ics".into(),
            content_type: "text/calendar; charset=UTF-8; method=PUBLISH".into(),
            content: calendar_invitation(event, registration_id, zoom, now).into_bytes(),
        }],
    }
}

/// How long the webinar is shown as lasting in calendars.
const EVENT_LENGTH: SignedDuration = SignedDuration::from_hours(2);

/// An RFC 5545 calendar with the one event. Written here because it is a dozen
/// lines; only configuration values appear in it, escaped and folded.
pub fn calendar_invitation(
    event: &EventConfig,
    registration_id: &str,
    zoom: &ZoomJoinUrl,
    now: Timestamp,
) -> String {
    let stamp = |t: Timestamp| t.strftime("%Y%m%dT%H%M%SZ").to_string();
    let ends_at = event
        .starts_at
        .checked_add(EVENT_LENGTH)
        .unwrap_or(event.starts_at);
    let lines = [
        "BEGIN:VCALENDAR".to_owned(),
        "VERSION:2.0".to_owned(),
        "PRODID:-//BTBU-ECOSF Joint Training Center//Registration//EN".to_owned(),
        "METHOD:PUBLISH".to_owned(),
        "BEGIN:VEVENT".to_owned(),
        format!(
            "UID:{}@{}",
            ical_text(registration_id),
            ical_text(&event.event_id)
        ),
        format!("DTSTAMP:{}", stamp(now)),
        format!("DTSTART:{}", stamp(event.starts_at)),
        format!("DTEND:{}", stamp(ends_at)),
        format!("SUMMARY:{}", ical_text(&event.title)),
        format!("LOCATION:{}", ical_text(zoom.expose())),
        format!("DESCRIPTION:Join the webinar: {}", ical_text(zoom.expose())),
        format!("URL:{}", zoom.expose()),
        "END:VEVENT".to_owned(),
        "END:VCALENDAR".to_owned(),
    ];
    lines
        .iter()
        .map(|line| fold(line))
        .collect::<Vec<_>>()
        .join("")
}

fn ical_text(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace(';', "\\;")
        .replace(',', "\\,")
        .replace(['\r', '\n'], " ")
}

/// Fold a content line at 75 octets, never inside a UTF-8 character; end it with CRLF.
fn fold(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    let mut width = 0;
    for c in line.chars() {
        if width + c.len_utf8() > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += c.len_utf8();
    }
    out.push_str("\r\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn event() -> EventConfig {
        let env: HashMap<String, String> = [
            ("TABLE_NAME", "t"),
            ("EVENT_ID", "bnr-li-ion-2022"),
            (
                "EVENT_TITLE",
                "Powering Belt and Road Lithium-ion batteries",
            ),
            ("EVENT_STARTS_AT", "2022-09-28T10:00:00+05:00"),
            ("EVENT_TIMEZONE", "Asia/Karachi"),
        ]
        .into_iter()
        .map(|(k, v)| (k.into(), v.into()))
        .collect();
        EventConfig::from_source(&env).unwrap()
    }

    fn zoom() -> ZoomJoinUrl {
        let env: HashMap<String, String> = [
            ("TABLE_NAME", "t"),
            ("EVENT_ID", "e"),
            ("EVENT_TITLE", "T"),
            ("EVENT_STARTS_AT", "2022-09-28T10:00:00+05:00"),
            ("EVENT_TIMEZONE", "UTC"),
            ("SENDER_EMAIL", "a@example.org"),
            ("ZOOM_JOIN_URL", "https://zoom.example/j/987?pwd=abc"),
        ]
        .into_iter()
        .map(|(k, v)| (k.into(), v.into()))
        .collect();
        crate::config::SendLinksConfig::from_source(&env)
            .unwrap()
            .zoom_join_url
    }

    fn to() -> EmailAddress {
        EmailAddress::parse("p@example.org").unwrap()
    }

    #[test]
    fn the_confirmation_email_carries_the_link_and_escapes_the_name() {
        let email = confirmation_email(
            &event(),
            to(),
            "<b>Ali</b> & \"Co\"",
            "https://x.example/registrations/confirm?token=abc",
        );
        assert_eq!(
            email.subject,
            "Please confirm your registration: Powering Belt and Road Lithium-ion batteries"
        );
        assert!(
            email
                .text
                .contains("https://x.example/registrations/confirm?token=abc")
        );
        assert!(email.text.contains("<b>Ali</b> & \"Co\""));
        assert!(
            email
                .text
                .contains("Wednesday, 28 September 2022, 10:00 PKT")
        );
        assert!(
            email
                .html
                .contains("&#60;b&#62;Ali&#60;/b&#62; &#38; &#34;Co&#34;")
        );
        assert!(!email.html.contains("<b>Ali"));
        assert!(
            email
                .html
                .contains("https://x.example/registrations/confirm?token=abc")
        );
    }

    #[test]
    fn the_link_email_holds_zoom_link_name_and_both_times_with_an_invitation() {
        let now: Timestamp = "2022-09-27T08:00:00Z".parse().unwrap();
        let email = link_email(&event(), to(), "Çağrı <i>", "reg-1", &zoom(), now);
        assert!(
            email
                .subject
                .contains("Powering Belt and Road Lithium-ion batteries")
        );
        assert!(email.text.contains("https://zoom.example/j/987?pwd=abc"));
        assert!(email.text.contains("Çağrı <i>"));
        assert!(email.text.contains("10:00 PKT"));
        assert!(email.text.contains("05:00 UTC"));
        assert!(email.html.contains("Çağrı &#60;i&#62;"));
        assert_eq!(email.attachments.len(), 1);
        let ics = String::from_utf8(email.attachments[0].content.clone()).unwrap();
        assert!(ics.starts_with("BEGIN:VCALENDAR\r\n"));
        assert!(ics.contains("DTSTART:20220928T050000Z\r\n"));
        assert!(ics.contains("DTEND:20220928T070000Z\r\n"));
        assert!(ics.contains("UID:reg-1@bnr-li-ion-2022\r\n"));
        assert!(ics.lines().all(|l| l.len() <= 75));
    }

    #[test]
    fn folding_keeps_multibyte_characters_whole() {
        let folded = fold(&format!("SUMMARY:{}", "ж".repeat(60)));
        for line in folded.split("\r\n") {
            assert!(line.len() <= 75);
        }
        assert_eq!(
            folded.replace("\r\n ", "").trim_end(),
            format!("SUMMARY:{}", "ж".repeat(60))
        );
    }
}
