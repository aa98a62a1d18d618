//! What each email to a participant says, in their language: the confirmation,
//! link, promotion and reminder emails (their words in [`super::words`]) and
//! the iCalendar invitation.

use super::words::{Block, Body, Frame};
use super::{EmailAttachment, OutgoingEmail};
use crate::config::{EventConfig, ZoomJoinUrl};
use crate::domain::EmailAddress;
use crate::i18n::Language;
use jiff::Timestamp;

/// The double opt-in email: its text part holds the absolute confirmation link,
/// and the cancel link for "this wasn't me".
pub fn confirmation_email(
    event: &EventConfig,
    to: EmailAddress,
    participant: Participant<'_>,
) -> OutgoingEmail {
    let frame = Frame::new(event, participant.language);
    let urls = participant.urls;
    let title = ("title", frame.title);
    let blocks = vec![
        frame.greeting(participant.name),
        Block::Paragraph(frame.message("confirmation-thanks", &[title, ("starts", &frame.starts)])),
        Block::Action {
            button: frame.cat.text("confirmation-button"),
            prompt: frame.text("confirmation-open-link"),
            copy: frame.text("email-copy-link"),
            url: urls.confirm.clone(),
        },
        Block::Paragraph(frame.text("confirmation-next")),
        Block::Paragraph(frame.text("confirmation-not-me")),
        frame.cancel(
            "confirmation-delete",
            "confirmation-not-me-link",
            &urls.cancel,
        ),
        frame.signature(),
    ];
    let subject = frame.message("confirmation-subject", &[title]).text();
    email(
        to,
        subject,
        &Body {
            frame: &frame,
            blocks,
        },
    )
}

/// To whom an email goes: their name, their language and their links.
#[derive(Debug, Clone, Copy)]
pub struct Participant<'a> {
    pub name: &'a str,
    /// One of the program's languages.
    pub language: Language,
    pub urls: &'a ActionUrls,
}

/// The absolute links an email to a participant carries, in their language.
#[derive(Clone, PartialEq, Eq)]
pub struct ActionUrls {
    /// `<base>/registrations/confirm?token=…&lang=xx` (in the confirmation email).
    pub confirm: String,
    /// `<base>/registrations/cancel?token=…&lang=xx` (in every email).
    pub cancel: String,
}

impl ActionUrls {
    /// The links of a registration whose emails link to `base`, with `token`,
    /// opening their pages in `language`.
    pub fn new(base: &str, token: &str, language: Language) -> Self {
        let base = base.trim_end_matches('/');
        let lang = language.code();
        Self {
            confirm: format!("{base}/registrations/confirm?token={token}&lang={lang}"),
            cancel: format!("{base}/registrations/cancel?token={token}&lang={lang}"),
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

/// What a link email says beyond the event: to whom, why, and its cancel link.
#[derive(Debug, Clone, Copy)]
pub struct LinkEmailFor<'a> {
    pub participant: Participant<'a>,
    pub registration_id: &'a str,
    pub kind: LinkEmailKind,
}

/// The webinar email: the Zoom link, the start time in the event's zone and in UTC,
/// the cancel link, and an iCalendar invitation.
pub fn link_email(
    event: &EventConfig,
    to: EmailAddress,
    link: LinkEmailFor<'_>,
    zoom: &ZoomJoinUrl,
    now: Timestamp,
) -> OutgoingEmail {
    let participant = link.participant;
    let frame = Frame::new(event, participant.language);
    let promoted = link.kind == LinkEmailKind::Promoted;
    let mut blocks = vec![frame.greeting(participant.name)];
    if promoted {
        blocks.push(Block::Paragraph(frame.text("link-promoted")));
    }
    blocks.extend([
        Block::Paragraph(starts(&frame, "link-starts")),
        join(&frame, zoom),
        Block::Paragraph(frame.text("link-invitation")),
        frame.cancel(
            "email-cancel-prompt",
            "email-cancel-link",
            &participant.urls.cancel,
        ),
        frame.signature(),
    ]);
    let subject = if promoted {
        "link-subject-promoted"
    } else {
        "link-subject"
    };
    let subject = frame.message(subject, &[("title", frame.title)]).text();
    let mut email = email(
        to,
        subject,
        &Body {
            frame: &frame,
            blocks,
        },
    );
    email.attachments.push(EmailAttachment {
        file_name: "invitation.ics".into(),
        content_type: "text/calendar; charset=UTF-8; method=PUBLISH".into(),
        content: invitation(event, &frame, link.registration_id, zoom, now).into_bytes(),
    });
    email
}

/// A seat freed and went to a waitlisted participant, before links go out: the
/// link email follows when they do.
pub fn promotion_email(
    event: &EventConfig,
    to: EmailAddress,
    participant: Participant<'_>,
) -> OutgoingEmail {
    let frame = Frame::new(event, participant.language);
    let title = ("title", frame.title);
    let blocks = vec![
        frame.greeting(participant.name),
        Block::Paragraph(frame.message("promotion-seat", &[title, ("starts", &frame.starts)])),
        Block::Paragraph(frame.text("promotion-next")),
        frame.cancel(
            "email-cancel-prompt",
            "email-cancel-link",
            &participant.urls.cancel,
        ),
        frame.signature(),
    ];
    let subject = frame.message("promotion-subject", &[title]).text();
    email(
        to,
        subject,
        &Body {
            frame: &frame,
            blocks,
        },
    )
}

/// The reminder: the Zoom link again, the start time in the event's zone and in
/// UTC, and the cancel link.
pub fn reminder_email(
    event: &EventConfig,
    to: EmailAddress,
    participant: Participant<'_>,
    zoom: &ZoomJoinUrl,
) -> OutgoingEmail {
    let frame = Frame::new(event, participant.language);
    let blocks = vec![
        frame.greeting(participant.name),
        Block::Paragraph(starts(&frame, "reminder-starts")),
        join(&frame, zoom),
        frame.cancel(
            "email-cancel-prompt",
            "email-cancel-link",
            &participant.urls.cancel,
        ),
        frame.signature(),
    ];
    let subject = frame.message("reminder-subject", &[("title", frame.title)]);
    email(
        to,
        subject.text(),
        &Body {
            frame: &frame,
            blocks,
        },
    )
}

/// When the webinar starts, in the program's zone and in UTC.
fn starts(frame: &Frame<'_>, id: &str) -> super::words::Message {
    let args = [
        ("title", frame.title),
        ("starts", frame.starts.as_str()),
        ("starts_utc", frame.starts_utc.as_str()),
    ];
    frame.message(id, &args)
}

/// The Zoom link to join by.
fn join(frame: &Frame<'_>, zoom: &ZoomJoinUrl) -> Block {
    Block::Action {
        button: frame.cat.text("email-join-button"),
        prompt: frame.text("email-join-text"),
        copy: frame.text("email-copy-link"),
        url: zoom.expose().to_owned(),
    }
}

fn email(to: EmailAddress, subject: String, body: &Body<'_>) -> OutgoingEmail {
    OutgoingEmail {
        to,
        subject,
        text: body.text(),
        html: body.html(),
        attachments: Vec::new(),
        tags: None,
    }
}

/// The link email's invitation, its summary and description in the
/// participant's language.
fn invitation(
    event: &EventConfig,
    frame: &Frame<'_>,
    registration_id: &str,
    zoom: &ZoomJoinUrl,
    now: Timestamp,
) -> String {
    let description = frame.message("ics-description", &[("link", zoom.expose())]);
    let words = CalendarWords {
        language: frame.language(),
        summary: frame.title,
        description: &description.plain(),
    };
    calendar_invitation(event, words, registration_id, zoom, now)
}

/// What an invitation says in words, and in which language.
#[derive(Debug, Clone, Copy)]
pub struct CalendarWords<'a> {
    pub language: Language,
    pub summary: &'a str,
    pub description: &'a str,
}

/// An RFC 5545 calendar with the one event. Written here because it is a dozen
/// lines; only configuration values appear in it, escaped and folded.
pub fn calendar_invitation(
    event: &EventConfig,
    words: CalendarWords<'_>,
    registration_id: &str,
    zoom: &ZoomJoinUrl,
    now: Timestamp,
) -> String {
    let lang = words.language.code();
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
        format!("SUMMARY;LANGUAGE={lang}:{}", ical_text(words.summary)),
        format!("LOCATION:{}", ical_text(zoom.expose())),
        format!(
            "DESCRIPTION;LANGUAGE={lang}:{}",
            ical_text(words.description)
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
