//! The `console` function: the organizers' pages behind `/organizer/…`.
//! Every route but the sign-in ones needs a session: without one a `GET` shows
//! the sign-in page and a `POST` answers 401; a `POST` from another site's page
//! answers 403 first, session or not.

pub mod config;
mod edge;
mod email;
mod export;
mod pages;
mod registrations;
mod roster;
pub mod sign_in;

pub use edge::COOKIE;
pub use email::SIGN_IN_SUBJECT;

use config::ConsoleConfig;
use edge::{field, form, query, see_other, set_cookie};
use lambda_http::http::{Method, StatusCode};
use lambda_http::{Body, Request, Response};
use registration::mail::Mailer;
use registration::platform::clock::Clock;
use registration::store::{DynamoStore, StoreError};
use sign_in::Organizer;

/// Audit entries on one page.
const AUDIT_PAGE: i32 = 50;

/// What the console works with: its configuration, the table, the mailer and the clock.
pub struct Console<M, C> {
    pub config: ConsoleConfig,
    pub store: DynamoStore,
    pub mailer: M,
    pub clock: C,
}

impl<M: Mailer, C: Clock> Console<M, C> {
    pub fn new(config: ConsoleConfig, store: DynamoStore, mailer: M, clock: C) -> Self {
        Self {
            config,
            store,
            mailer,
            clock,
        }
    }
}

/// Answer one request to `/organizer/…`.
pub async fn handle<M: Mailer, C: Clock>(
    console: &Console<M, C>,
    request: Request,
) -> Response<Body> {
    let path = request.uri().path().trim_end_matches('/').to_owned();
    let post = request.method() == Method::POST;
    if post && !edge::own_origin(&request, &console.config) {
        return edge::cross_site(&request);
    }
    match (post, path.as_str()) {
        (true, "/organizer/sign-in") => return sign_in_requested(console, &request).await,
        (true, "/organizer/session") => return session_requested(console, &request).await,
        (false, "/organizer/sign-in") => {
            return match query(&request, "token") {
                Some(token) => pages::sign_in_link(&token),
                None => pages::sign_in(StatusCode::OK, false),
            };
        }
        _ => {}
    }
    let organizer = match signed_in(console, &request).await {
        Ok(Some(organizer)) => organizer,
        Ok(None) if post => return edge::unauthorized(&request),
        Ok(None) => return pages::sign_in(StatusCode::OK, false),
        Err(err) => return failed(&err),
    };
    let answer = match (post, path.as_str()) {
        (false, "/organizer") => home(console, &organizer).await,
        (false, "/organizer/audit") => audit(console, &organizer, &request).await,
        (true, "/organizer/sign-out") => sign_out(console, &organizer).await,
        _ => match (registrations::Route::parse(&path), export_of(&path)) {
            (Some(route), _) => {
                registrations::serve(console, &organizer, &request, route, post).await
            }
            (None, Some(program)) if !post => {
                let format = query(&request, "format");
                export(console, &organizer, program, format.as_deref()).await
            }
            _ => Ok(not_found()),
        },
    };
    answer.unwrap_or_else(|err| failed(&err))
}

/// The program of `/organizer/programs/{id}/export`.
fn export_of(path: &str) -> Option<&str> {
    path.strip_prefix("/organizer/programs/")?
        .strip_suffix("/export")
        .filter(|program| !program.contains('/'))
}

async fn export<M: Mailer, C: Clock>(
    console: &Console<M, C>,
    organizer: &Organizer,
    program: &str,
    format: Option<&str>,
) -> Result<Response<Body>, StoreError> {
    let Some(language) = console.program_language(program).await? else {
        return Ok(not_found());
    };
    export::serve(console, organizer, (program, language), format).await
}

/// 404: no console page here.
pub(crate) fn not_found() -> Response<Body> {
    pages::message(
        StatusCode::NOT_FOUND,
        "Not found",
        "There is no console page at this address.",
    )
}

fn failed(err: &StoreError) -> Response<Body> {
    tracing::error!(error = %err, "console request failed");
    edge::unavailable()
}

async fn signed_in<M: Mailer, C: Clock>(
    console: &Console<M, C>,
    request: &Request,
) -> Result<Option<Organizer>, StoreError> {
    match edge::session_cookie(request) {
        Some(secret) => console.session(&secret).await,
        None => Ok(None),
    }
}

/// The sign-in form's POST: the same page whatever the address.
async fn sign_in_requested<M: Mailer, C: Clock>(
    console: &Console<M, C>,
    request: &Request,
) -> Response<Body> {
    let fields = form(request);
    match (
        field(&fields, "email"),
        edge::link_base(request, &console.config),
    ) {
        (Some(address), Some(base)) => console.request_sign_in(address, &base).await,
        (_, None) => tracing::error!("no base for the sign-in link: set PUBLIC_BASE_URL"),
        (None, _) => {}
    }
    pages::sign_in(StatusCode::OK, true)
}

/// The sign-in link page's button: a session and its cookie, or a refusal.
async fn session_requested<M: Mailer, C: Clock>(
    console: &Console<M, C>,
    request: &Request,
) -> Response<Body> {
    let fields = form(request);
    let Some(token) = field(&fields, "token") else {
        return refused_link();
    };
    match console.open_session(token).await {
        Ok(Some(organizer)) => see_other("/organizer/", Some(set_cookie(Some(&organizer.session)))),
        Ok(None) => refused_link(),
        Err(err) => failed(&err),
    }
}

fn refused_link() -> Response<Body> {
    pages::message(
        StatusCode::GONE,
        "This sign-in link no longer works",
        "A sign-in link works once, for 15 minutes. Ask for a new one on the sign-in page.",
    )
}

async fn sign_out<M: Mailer, C: Clock>(
    console: &Console<M, C>,
    organizer: &Organizer,
) -> Result<Response<Body>, StoreError> {
    console.sign_out(organizer).await?;
    Ok(see_other("/organizer/", Some(set_cookie(None))))
}

/// The programs: the deployment's own (from `EVENT_ID`) and the published ones.
async fn home<M: Mailer, C: Clock>(
    console: &Console<M, C>,
    organizer: &Organizer,
) -> Result<Response<Body>, StoreError> {
    let mut programs: Vec<pages::ProgramLine> = Vec::new();
    if let Some(own) = &console.config.own_program {
        programs.push(pages::ProgramLine {
            id: own.id.to_string(),
            title: own.title.clone(),
        });
    }
    for published in console.store.published_programs().await? {
        let id = published.settings.id.to_string();
        if !programs.iter().any(|p| p.id == id) {
            programs.push(pages::ProgramLine {
                id,
                title: published.settings.title,
            });
        }
    }
    Ok(pages::home(&organizer.address, &programs))
}

async fn audit<M: Mailer, C: Clock>(
    console: &Console<M, C>,
    organizer: &Organizer,
    request: &Request,
) -> Result<Response<Body>, StoreError> {
    let after = query(request, "after");
    let page = console
        .store
        .audit_page(after.as_deref(), AUDIT_PAGE)
        .await?;
    let lines: Vec<pages::AuditLine> = page.entries.into_iter().map(Into::into).collect();
    Ok(pages::audit(
        &organizer.address,
        &lines,
        page.next.as_deref(),
    ))
}
