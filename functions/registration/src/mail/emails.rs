//! What each email says: text and HTML templates (askama escapes the HTML part)
//! and the iCalendar invitation.

use super::{EmailAttachment, OutgoingEmail};
use crate::config::{EventConfig, ZoomJoinUrl};
use crate::domain::EmailAddress;
use askama::Template;
use icu_properties::CodePointMapData;
use icu_properties::props::BidiClass;
use jiff::Timestamp;
use std::fmt;

/// A participant's value in a text part. One that holds a right-to-left
/// character is set between U+2068 FIRST STRONG ISOLATE and U+2069 POP
/// DIRECTIONAL ISOLATE, so that it cannot reorder the words around it (the
/// HTML part puts it in `<bdi>`); a left-to-right one is written as typed.
struct TextValue<'a>(&'a str);

impl fmt::Display for TextValue<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let bidi = CodePointMapData::<BidiClass>::new();
        let right_to_left = [
            BidiClass::RightToLeft,
            BidiClass::ArabicLetter,
            BidiClass::ArabicNumber,
        ];
        let right_to_left = self.0.chars().any(|c| right_to_left.contains(&bidi.get(c)));
        if right_to_left {
            write!(f, "\u{2068}{}\u{2069}", self.0)
        } else {
            f.write_str(self.0)
        }
    }
}

#[derive(Template)]
#[template(path = "email/confirmation.txt")]
struct ConfirmationText<'a> {
    name: TextValue<'a>,
    host: &'a str,
    title: &'a str,
    starts_local: &'a str,
    confirm_url: &'a str,
    cancel_url: &'a str,
}

#[derive(Template)]
#[template(path = "email/confirmation.html")]
struct ConfirmationHtml<'a> {
    name: &'a str,
    host: &'a str,
    title: &'a str,
    starts_local: &'a str,
    confirm_url: &'a str,
    cancel_url: &'a str,
}

/// The double opt-in email: its text part holds the absolute confirmation link,
/// and the cancel link for "this wasn't me".
pub fn confirmation_email(
    event: &EventConfig,
    to: EmailAddress,
    name: &str,
    urls: &ActionUrls,
) -> OutgoingEmail {
    let starts_local = event.local_time(event.starts_at);
    let text = ConfirmationText {
        name: TextValue(name),
        host: &event.host,
        title: &event.title,
        starts_local: &starts_local,
        confirm_url: &urls.confirm,
        cancel_url: &urls.cancel,
    };
    let html = ConfirmationHtml {
        name,
        host: &event.host,
        title: &event.title,
        starts_local: &starts_local,
        confirm_url: &urls.confirm,
        cancel_url: &urls.cancel,
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
        tags: None,
    }
}

/// The absolute links an email to a participant carries.
#[derive(Clone, PartialEq, Eq)]
pub struct ActionUrls {
    /// `<base>/registrations/confirm?token=…` (shown in the confirmation email).
    pub confirm: String,
    /// `<base>/registrations/cancel?token=…` (in every email).
    pub cancel: String,
}

impl ActionUrls {
    /// The links of a registration whose emails link to `base`, with `token`.
    pub fn new(base: &str, token: &str) -> Self {
        let base = base.trim_end_matches('/');
        Self {
            confirm: format!("{base}/registrations/confirm?token={token}"),
            cancel: format!("{base}/registrations/cancel?token={token}"),
        }
    }
}

/// The links hold a token: they print redacted.
impl std::fmt::Debug for ActionUrls {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ActionUrls(<redacted>)")
    }
}

/// Why a participant gets the link email.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkEmailKind {
    /// They confirmed and hold a seat.
    Confirmed,
    /// A seat freed and went to them from the waiting list.
    Promoted,
}

#[derive(Template)]
#[template(path = "email/link.txt")]
struct LinkText<'a> {
    name: TextValue<'a>,
    title: &'a str,
    host: &'a str,
    starts_local: &'a str,
    starts_utc: &'a str,
    zoom: &'a str,
    promoted: bool,
    cancel_url: &'a str,
}

#[derive(Template)]
#[template(path = "email/link.html")]
struct LinkHtml<'a> {
    name: &'a str,
    title: &'a str,
    host: &'a str,
    starts_local: &'a str,
    starts_utc: &'a str,
    zoom: &'a str,
    promoted: bool,
    cancel_url: &'a str,
}

/// What a link email says beyond the event: to whom, why, and its cancel link.
#[derive(Debug, Clone, Copy)]
pub struct LinkEmailFor<'a> {
    pub name: &'a str,
    pub registration_id: &'a str,
    pub kind: LinkEmailKind,
    pub urls: &'a ActionUrls,
}

/// The webinar email: the Zoom link, the start time in the event's zone and in UTC,
/// the cancel link, and an iCalendar invitation.
pub fn link_email(
    event: &EventConfig,
    to: EmailAddress,
    participant: LinkEmailFor<'_>,
    zoom: &ZoomJoinUrl,
    now: Timestamp,
) -> OutgoingEmail {
    let starts_local = event.local_time(event.starts_at);
    let starts_utc = event.utc_time(event.starts_at);
    let promoted = participant.kind == LinkEmailKind::Promoted;
    let text = LinkText {
        name: TextValue(participant.name),
        title: &event.title,
        host: &event.host,
        starts_local: &starts_local,
        starts_utc: &starts_utc,
        zoom: zoom.expose(),
        promoted,
        cancel_url: &participant.urls.cancel,
    };
    let html = LinkHtml {
        name: participant.name,
        title: &event.title,
        host: &event.host,
        starts_local: &starts_local,
        starts_utc: &starts_utc,
        zoom: zoom.expose(),
        promoted,
        cancel_url: &participant.urls.cancel,
    };
    let registration_id = participant.registration_id;
    let subject = if promoted {
        format!("A seat is yours, with your Zoom link: {}", event.title)
    } else {
        format!("Your Zoom link: {}", event.title)
    };
    OutgoingEmail {
        to,
        subject,
        text: text.render().expect("the link text template renders"),
        html: html.render().expect("the link HTML template renders"),
        attachments: vec![EmailAttachment {
            file_name: "invitation.ics".into(),
            content_type: "text/calendar; charset=UTF-8; method=PUBLISH".into(),
            content: calendar_invitation(event, registration_id, zoom, now).into_bytes(),
        }],
        tags: None,
    }
}

#[derive(Template)]
#[template(path = "email/promotion.txt")]
struct PromotionText<'a> {
    name: TextValue<'a>,
    title: &'a str,
    host: &'a str,
    starts_local: &'a str,
    cancel_url: &'a str,
}

#[derive(Template)]
#[template(path = "email/promotion.html")]
struct PromotionHtml<'a> {
    name: &'a str,
    title: &'a str,
    host: &'a str,
    starts_local: &'a str,
    cancel_url: &'a str,
}

/// A seat freed and went to a waitlisted participant, before links go out: the
/// link email follows when they do.
pub fn promotion_email(
    event: &EventConfig,
    to: EmailAddress,
    name: &str,
    urls: &ActionUrls,
) -> OutgoingEmail {
    let starts_local = event.local_time(event.starts_at);
    let text = PromotionText {
        name: TextValue(name),
        title: &event.title,
        host: &event.host,
        starts_local: &starts_local,
        cancel_url: &urls.cancel,
    };
    let html = PromotionHtml {
        name,
        title: &event.title,
        host: &event.host,
        starts_local: &starts_local,
        cancel_url: &urls.cancel,
    };
    OutgoingEmail {
        to,
        subject: format!("A seat is yours: {}", event.title),
        text: text.render().expect("the promotion text template renders"),
        html: html.render().expect("the promotion HTML template renders"),
        attachments: Vec::new(),
        tags: None,
    }
}

#[derive(Template)]
#[template(path = "email/reminder.txt")]
struct ReminderText<'a> {
    name: TextValue<'a>,
    title: &'a str,
    host: &'a str,
    starts_local: &'a str,
    starts_utc: &'a str,
    zoom: &'a str,
    cancel_url: &'a str,
}

#[derive(Template)]
#[template(path = "email/reminder.html")]
struct ReminderHtml<'a> {
    name: &'a str,
    title: &'a str,
    host: &'a str,
    starts_local: &'a str,
    starts_utc: &'a str,
    zoom: &'a str,
    cancel_url: &'a str,
}

/// The reminder: the Zoom link again, the start time in the event's zone and in
/// UTC, and the cancel link.
pub fn reminder_email(
    event: &EventConfig,
    to: EmailAddress,
    name: &str,
    urls: &ActionUrls,
    zoom: &ZoomJoinUrl,
) -> OutgoingEmail {
    let starts_local = event.local_time(event.starts_at);
    let starts_utc = event.utc_time(event.starts_at);
    let text = ReminderText {
        name: TextValue(name),
        title: &event.title,
        host: &event.host,
        starts_local: &starts_local,
        starts_utc: &starts_utc,
        zoom: zoom.expose(),
        cancel_url: &urls.cancel,
    };
    let html = ReminderHtml {
        name,
        title: &event.title,
        host: &event.host,
        starts_local: &starts_local,
        starts_utc: &starts_utc,
        zoom: zoom.expose(),
        cancel_url: &urls.cancel,
    };
    OutgoingEmail {
        to,
        subject: format!("Reminder: {} starts soon", event.title),
        text: text.render().expect("the reminder text template renders"),
        html: html.render().expect("the reminder HTML template renders"),
        attachments: Vec::new(),
        tags: None,
    }
}

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
        .checked_add(event.duration)
        .unwrap_or(event.starts_at);
    let lines = [
        "BEGIN:VCALENDAR".to_owned(),
        "VERSION:2.0".to_owned(),
        format!("PRODID:-//{}//Registration//EN", ical_text(&event.host)),
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
        format!(
            "DESCRIPTION:{}. Join the webinar: {}",
            ical_text(&event.host),
            ical_text(zoom.expose())
        ),
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
#[path = "emails_tests.rs"]
mod tests;
