//! The console's pages (askama, the participant pages' CSS); every value is
//! HTML-escaped by the templates, and participant or organizer text is
//! isolated in `<bdi>` so a right-to-left name cannot reorder the page.

use askama::Template;
use lambda_http::http::StatusCode;
use lambda_http::{Body, Response};
use registration::store::AuditEntry;
use registration::web::html_response;

#[derive(Template)]
#[template(path = "sign_in.html")]
struct SignInPage {
    sent: bool,
}

#[derive(Template)]
#[template(path = "sign_in_link.html")]
struct SignInLinkPage<'a> {
    token: &'a str,
}

#[derive(Template)]
#[template(path = "message.html")]
struct MessagePage<'a> {
    heading: &'a str,
    text: &'a str,
}

/// A program in the list of programs.
pub struct ProgramLine {
    pub id: String,
    pub title: String,
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage<'a> {
    organizer: &'a str,
    programs: &'a [ProgramLine],
}

/// An audit entry as the page shows it.
pub struct AuditLine {
    pub at: String,
    pub organizer: String,
    pub action: String,
    pub program: Option<String>,
    pub registration_id: Option<String>,
}

impl From<AuditEntry> for AuditLine {
    fn from(entry: AuditEntry) -> Self {
        Self {
            at: crate::sign_in::shown(entry.at),
            organizer: entry.organizer,
            action: entry.action,
            program: entry.program,
            registration_id: entry.registration_id,
        }
    }
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage<'a> {
    organizer: &'a str,
    entries: &'a [AuditLine],
    next: Option<&'a str>,
}

fn page(status: StatusCode, template: &impl Template) -> Response<Body> {
    html_response(status, template.render().expect("console pages render"))
}

/// The sign-in page; `sent` after a request (whatever the address).
pub fn sign_in(status: StatusCode, sent: bool) -> Response<Body> {
    page(status, &SignInPage { sent })
}

/// The emailed link's page: one button that posts the token.
pub fn sign_in_link(token: &str) -> Response<Body> {
    page(StatusCode::OK, &SignInLinkPage { token })
}

pub fn message(status: StatusCode, heading: &str, text: &str) -> Response<Body> {
    page(status, &MessagePage { heading, text })
}

pub fn home(organizer: &str, programs: &[ProgramLine]) -> Response<Body> {
    page(
        StatusCode::OK,
        &HomePage {
            organizer,
            programs,
        },
    )
}

pub fn audit(organizer: &str, entries: &[AuditLine], next: Option<&str>) -> Response<Body> {
    page(
        StatusCode::OK,
        &AuditPage {
            organizer,
            entries,
            next,
        },
    )
}
