//! The SES v2 emulator's mailbox, read through its `GET /store` API.

use base64::Engine;
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
pub struct SentEmail {
    #[serde(rename = "messageId")]
    pub message_id: String,
    pub from: String,
    pub destination: Destination,
    pub subject: String,
    pub body: EmailBody,
    #[serde(default)]
    pub attachments: Vec<StoredAttachment>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Destination {
    pub to: Vec<String>,
    #[serde(default)]
    pub cc: Vec<String>,
    #[serde(default)]
    pub bcc: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct EmailBody {
    pub text: Option<String>,
    pub html: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct StoredAttachment {
    pub filename: Option<String>,
    #[serde(rename = "contentType")]
    pub content_type: Option<String>,
    pub content: String,
}

impl StoredAttachment {
    pub fn text(&self) -> String {
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(&self.content)
            .expect("base64 attachment content");
        String::from_utf8(bytes).expect("a UTF-8 attachment")
    }
}

impl SentEmail {
    pub fn text(&self) -> &str {
        self.body.text.as_deref().unwrap_or_default()
    }

    pub fn html(&self) -> &str {
        self.body.html.as_deref().unwrap_or_default()
    }
}

#[derive(Deserialize)]
struct Store {
    emails: Vec<SentEmail>,
}

#[derive(Debug, Clone)]
pub struct Mailbox {
    store_url: String,
    http: reqwest::Client,
}

impl Mailbox {
    pub fn from_env() -> Self {
        Self::new(crate::required_env("SES_STORE_URL"))
    }

    pub fn new(store_url: String) -> Self {
        Self {
            store_url,
            http: reqwest::Client::new(),
        }
    }

    pub async fn all(&self) -> Vec<SentEmail> {
        let store: Store = self
            .http
            .get(&self.store_url)
            .send()
            .await
            .expect("the SES emulator answers GET /store")
            .json()
            .await
            .expect("the store is JSON");
        store.emails
    }

    /// Every email sent to `address` (compared case-insensitively).
    pub async fn to(&self, address: &str) -> Vec<SentEmail> {
        let address = address.to_lowercase();
        self.all()
            .await
            .into_iter()
            .filter(|e| {
                e.destination
                    .to
                    .iter()
                    .any(|to| to.to_lowercase() == address)
            })
            .collect()
    }

    /// The confirmation links in the text parts of emails to `address`, oldest first.
    pub async fn confirmation_urls(&self, address: &str) -> Vec<String> {
        self.to(address)
            .await
            .iter()
            .filter_map(|email| confirmation_url(email.text()))
            .collect()
    }
}

/// The absolute confirmation link in a text part.
pub fn confirmation_url(text: &str) -> Option<String> {
    text.split_whitespace()
        .find(|word| word.contains("/registrations/confirm?token="))
        .map(str::to_owned)
}
