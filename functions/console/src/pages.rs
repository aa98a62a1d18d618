//! The console's pages (askama, the participant pages' CSS); every value is
//! HTML-escaped by the templates, and participant or organizer text is
//! isolated in `<bdi>` so a right-to-left name cannot reorder the page.

use crate::roster::ListQuery;
use askama::Template;
use lambda_http::http::StatusCode;
use lambda_http::{Body, Response};
use registration::domain::EmailAddress;
use registration::domain::key::RegistrationKey;
use registration::domain::lifecycle::RegistrationStatus;
use registration::program::Language;
use registration::store::{AuditEntry, Registration};
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

/// One row of the list.
pub struct Row {
    pub key_id: String,
    pub registration_id: String,
    pub full_name: String,
    pub email: String,
    pub country: String,
    pub organization: String,
    pub status: &'static str,
    pub unreachable: bool,
    pub registered_at: String,
}

impl Row {
    fn of(r: &Registration) -> Self {
        let key_id = EmailAddress::parse(&r.email)
            .map(|a| {
                RegistrationKey::for_address(&r.event_id, &a)
                    .id()
                    .to_owned()
            })
            .unwrap_or_default();
        Self {
            key_id,
            registration_id: r.registration_id.clone(),
            full_name: r.full_name.clone(),
            email: r.email.clone(),
            country: r.country.clone(),
            organization: r.organization.clone(),
            status: r.status.as_str(),
            unreachable: r.unreachable,
            registered_at: crate::sign_in::shown(r.registered_at),
        }
    }
}

/// What the list page shows: the program, the filters as asked, the rows and
/// the link to the next page (carrying the same filters).
pub struct ListView {
    pub program: String,
    pub status: String,
    pub country: String,
    pub unreachable: bool,
    pub search: String,
    pub rows: Vec<Row>,
    pub next_query: Option<String>,
}

impl ListView {
    pub fn new(
        program: &str,
        filter: &ListQuery,
        search: &str,
        registrations: &[Registration],
        next: Option<String>,
    ) -> Self {
        let status = filter
            .status
            .map(|s| s.as_str().to_owned())
            .unwrap_or_default();
        let country = filter.country.clone().unwrap_or_default();
        let next_query = next.map(|after| {
            form_urlencoded::Serializer::new(String::new())
                .append_pair("status", &status)
                .append_pair("country", &country)
                .append_pair(
                    "unreachable",
                    if filter.unreachable_only { "1" } else { "" },
                )
                .append_pair("q", search)
                .append_pair("after", &after)
                .finish()
        });
        Self {
            program: program.to_owned(),
            status,
            country,
            unreachable: filter.unreachable_only,
            search: search.to_owned(),
            rows: registrations.iter().map(Row::of).collect(),
            next_query,
        }
    }
}

#[derive(Template)]
#[template(path = "list.html")]
struct ListPage<'a> {
    organizer: &'a str,
    view: &'a ListView,
    statuses: [&'static str; 4],
}

pub fn list(organizer: &str, view: &ListView) -> Response<Body> {
    let statuses = ["pending", "confirmed", "waitlisted", "cancelled"];
    page(
        StatusCode::OK,
        &ListPage {
            organizer,
            view,
            statuses,
        },
    )
}

/// One registration as `organizer show` tells it: fields, statuses, times and
/// email history; never a token.
pub struct RegistrationView {
    pub program: String,
    pub key_id: String,
    pub row: Row,
    pub designation: String,
    pub phone: String,
    pub waitlist_position: Option<u32>,
    /// The language of the participant's pages and emails (a code: `tr`).
    pub language: &'static str,
    pub times: Vec<(&'static str, String)>,
    pub notice: Option<String>,
    pub cancellable: bool,
}

impl RegistrationView {
    /// `first` is the program's first language, a registration's when it was
    /// stored without one.
    pub fn new(
        (program, first): (&str, Language),
        key_id: &str,
        r: &Registration,
        waitlist_position: Option<u32>,
        notice: Option<&str>,
    ) -> Self {
        let times = [
            ("Registered", Some(r.registered_at)),
            ("Confirmation email sent", r.confirmation_email_at),
            ("Confirmed", r.confirmed_at),
            ("Promoted from the waiting list", r.promoted_at),
            ("Zoom link sent", r.link_sent_at),
            ("Reminder sent", r.reminder_sent_at),
            ("Cancelled", r.cancelled_at),
        ]
        .into_iter()
        .filter_map(|(what, at)| at.map(|at| (what, crate::sign_in::shown(at))))
        .collect();
        Self {
            program: program.to_owned(),
            key_id: key_id.to_owned(),
            row: Row::of(r),
            designation: r.designation.clone().unwrap_or_default(),
            phone: r.phone.clone().unwrap_or_default(),
            waitlist_position,
            language: r.language().unwrap_or(first).code(),
            times,
            notice: notice.map(str::to_owned),
            cancellable: r.status != RegistrationStatus::Cancelled,
        }
    }
}

#[derive(Template)]
#[template(path = "registration.html")]
struct RegistrationPage<'a> {
    organizer: &'a str,
    view: &'a RegistrationView,
}

pub fn registration(organizer: &str, view: &RegistrationView) -> Response<Body> {
    page(StatusCode::OK, &RegistrationPage { organizer, view })
}
