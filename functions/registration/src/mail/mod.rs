//! Emails: what they say (in the participant's language, from the catalogs;
//! the HTML part escaped; the iCalendar invitation, in [`emails`] and `words`) and how they leave (the mailer trait and its SES v2
//! adapter, here).
//!
//! Only the validated recipient address ever reaches a header; every other value a
//! participant typed stays in the bodies, escaped in the HTML part.

mod emails;
mod words;

pub use emails::{
    ActionUrls, CalendarWords, LinkEmailFor, LinkEmailKind, Participant, calendar_invitation,
    confirmation_email, link_email, promotion_email, reminder_email,
};

use crate::config::Sender;
use crate::domain::lifecycle::Outbox;
use crate::domain::{EmailAddress, Redacted};
use async_trait::async_trait;
use aws_sdk_sesv2::Client;
use aws_sdk_sesv2::config::http::HttpResponse;
use aws_sdk_sesv2::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_sesv2::primitives::Blob;
use aws_sdk_sesv2::types::{
    Attachment, AttachmentContentDisposition, Body, Content, Destination, EmailContent, Message,
    MessageTag,
};
use aws_smithy_types::error::display::DisplayErrorContext;
use std::collections::HashMap;
use std::fmt;

/// An email ready to send to one participant.
#[derive(Clone, PartialEq)]
pub struct OutgoingEmail {
    pub to: EmailAddress,
    pub subject: String,
    pub text: String,
    pub html: String,
    pub attachments: Vec<EmailAttachment>,
    /// What SES's events about this email name, to find its registration.
    pub tags: Option<EmailTags>,
}

impl OutgoingEmail {
    /// This email, tagged for SES's events.
    pub fn tagged(self, tags: EmailTags) -> Self {
        Self {
            tags: Some(tags),
            ..self
        }
    }
}

/// The SES email tags every email to a participant carries: the event, the
/// registration and the kind of email (values SES accepts: ASCII letters,
/// digits, `_` and `-`, which event ids, registration ids and kinds are).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmailTags {
    pub event_id: String,
    pub registration_id: String,
    pub kind: Outbox,
}

impl EmailTags {
    pub const EVENT: &'static str = "event";
    pub const REGISTRATION: &'static str = "registration";
    pub const KIND: &'static str = "kind";

    /// The tags as the sender writes them: each name with its value.
    pub fn to_tags(&self) -> [(&'static str, &str); 3] {
        [
            (Self::EVENT, &self.event_id),
            (Self::REGISTRATION, &self.registration_id),
            (Self::KIND, self.kind.as_str()),
        ]
    }

    /// The tags as SES's events carry them (each name with its values, the
    /// first of which counts); `None` when one is missing or the kind is unknown:
    /// not an email of this system.
    pub fn from_tags(tags: &HashMap<String, Vec<String>>) -> Option<Self> {
        let tag = |name: &str| tags.get(name)?.first().cloned();
        Some(Self {
            event_id: tag(Self::EVENT)?,
            registration_id: tag(Self::REGISTRATION)?,
            kind: Outbox::parse(&tag(Self::KIND)?)?,
        })
    }
}

/// A file sent with an email (the calendar invitation).
#[derive(Clone, PartialEq)]
pub struct EmailAttachment {
    pub file_name: String,
    pub content_type: String,
    pub content: Vec<u8>,
}

/// The bodies hold the participant's name (and a link email the Zoom link): only
/// their lengths show. The subject holds configuration only, so it shows.
impl fmt::Debug for OutgoingEmail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OutgoingEmail")
            .field("to", &self.to)
            .field("subject", &self.subject)
            .field("text", &Redacted(&self.text))
            .field("html", &Redacted(&self.html))
            .field("attachments", &self.attachments)
            .field("tags", &self.tags)
            .finish()
    }
}

/// The content (an invitation holds the Zoom link) shows as its size only.
impl fmt::Debug for EmailAttachment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EmailAttachment")
            .field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .field("content", &format_args!("<{} bytes>", self.content.len()))
            .finish()
    }
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
    /// SES is not sending for this account (or the call failed in a way that
    /// says nothing of one email): the email may have left.
    #[error("SES unavailable: {0}")]
    Unavailable(String),
    /// The request left but no answer came: it ran out of time, or its
    /// connection broke. The email may have left, so it is not sent again at
    /// once. `others_answered`: SES answered other emails while this one waited
    /// (set by the send-links run), so the fault is this email's, not SES's.
    #[error("SES did not answer: {cause}")]
    Unanswered {
        cause: String,
        others_answered: bool,
    },
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
    /// Every email is sent with this configuration set, when there is one.
    configuration_set: Option<String>,
}

impl SesMailer {
    pub fn new(client: Client, sender: Sender) -> Self {
        Self {
            client,
            sender,
            configuration_set: None,
        }
    }

    /// The same mailer, sending with `configuration_set` (`SES_CONFIGURATION_SET`).
    pub fn with_configuration_set(self, configuration_set: Option<String>) -> Self {
        Self {
            configuration_set,
            ..self
        }
    }
}

fn message_tag(name: &str, value: &str) -> Result<MessageTag, MailError> {
    MessageTag::builder()
        .name(name)
        .value(value)
        .build()
        .map_err(|e| MailError::Rejected(format!("building a tag: {e}")))
}

/// The tags as SES takes them.
fn message_tags(tags: Option<&EmailTags>) -> Result<Option<Vec<MessageTag>>, MailError> {
    tags.map(|tags| {
        tags.to_tags()
            .into_iter()
            .map(|(name, value)| message_tag(name, value))
            .collect()
    })
    .transpose()
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
            .set_configuration_set_name(self.configuration_set.clone())
            .set_email_tags(message_tags(email.tags.as_ref())?)
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
        // The request left: one email's trouble, which may have sent it.
        SdkError::DispatchFailure(_) | SdkError::TimeoutError(_) | SdkError::ResponseError(_) => {
            MailError::Unanswered {
                cause: DisplayErrorContext(&err).to_string(),
                others_answered: false,
            }
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

#[cfg(test)]
mod tests {
    use super::*;

    /// What SES's events carry for the tags the sender wrote.
    fn as_events_carry_them(tags: &EmailTags) -> HashMap<String, Vec<String>> {
        tags.to_tags()
            .into_iter()
            .map(|(name, value)| (name.to_owned(), vec![value.to_owned()]))
            .collect()
    }

    #[test]
    fn the_tags_an_email_is_sent_with_read_back_as_they_were_for_every_kind() {
        for kind in Outbox::ALL {
            let tags = EmailTags {
                event_id: "bnr-li-ion-2022".into(),
                registration_id: "0b6c1f5e-3d4a-4f7b-9a51-2c8e7d9f1a23".into(),
                kind,
            };
            let mut carried = as_events_carry_them(&tags);
            assert_eq!(carried.len(), 3);
            assert_eq!(carried["kind"], vec![kind.as_str().to_owned()]);
            assert_eq!(EmailTags::from_tags(&carried), Some(tags.clone()));
            // SES adds tags of its own; they change nothing.
            carried.insert("ses:configuration-set".into(), vec!["btbu".into()]);
            assert_eq!(EmailTags::from_tags(&carried), Some(tags));
        }
    }

    #[test]
    fn tags_with_one_missing_or_an_unknown_kind_are_not_this_systems() {
        let tags = EmailTags {
            event_id: "e".into(),
            registration_id: "r".into(),
            kind: Outbox::Link,
        };
        for name in [EmailTags::EVENT, EmailTags::REGISTRATION, EmailTags::KIND] {
            let mut carried = as_events_carry_them(&tags);
            carried.remove(name);
            assert_eq!(EmailTags::from_tags(&carried), None, "without {name}");
            carried.insert(name.to_owned(), Vec::new());
            assert_eq!(EmailTags::from_tags(&carried), None, "{name} empty");
        }
        let mut carried = as_events_carry_them(&tags);
        carried.insert(EmailTags::KIND.into(), vec!["newsletter".into()]);
        assert_eq!(EmailTags::from_tags(&carried), None);
    }

    #[test]
    fn an_outgoing_email_prints_redacted_in_debug() {
        let email = OutgoingEmail {
            to: EmailAddress::parse("ayesha@example.org").unwrap(),
            subject: "Your Zoom link: Powering Belt and Road".into(),
            text: "Dear Ayesha Khan, join at https://zoom.example/j/1?pwd=secret".into(),
            html: "<p>Dear Ayesha Khan</p>".into(),
            attachments: vec![EmailAttachment {
                file_name: "invitation.ics".into(),
                content_type: "text/calendar".into(),
                content: b"URL:https://zoom.example/j/1?pwd=secret".to_vec(),
            }],
            tags: None,
        };
        for shown in [format!("{email:?}"), format!("{email:#?}")] {
            for secret in ["ayesha@example.org", "Ayesha Khan", "pwd=secret"] {
                assert!(!shown.contains(secret), "{shown}");
            }
            assert!(shown.contains("Powering Belt and Road"), "{shown}");
            assert!(shown.contains("invitation.ics"), "{shown}");
        }
    }
}
