//! The pages `register` answers with: `GET /` and `GET /programs/{id}`, and the
//! page (or problem) of every outcome that is not the form.

use crate::source_ip;
use lambda_http::http::{StatusCode, header};
use lambda_http::{Body, Request, RequestExt, Response};
use registration::config::local_time;
use registration::domain::{FieldErrors, RawRegistration};
use registration::i18n::{Language, choose_language};
use registration::limits::{Admission, SourceAddress};
use registration::mail::Mailer;
use registration::platform::clock::Clock;
use registration::program::ProgramSettings;
use registration::program::ProgramSource;
use registration::store::{RegistrationStore, StoreError};
use registration::use_cases::program_choice::{Home, ProgramPage};
use registration::use_cases::registering::Registrar;
use registration::web::{
    BackLink, Masthead, Problem, Reply, form_page, html_response, list_page, message_page,
    problem_json,
};

/// `GET /`: the only open program's form, the list of the open ones, or the
/// closed page.
pub async fn home<S, M, C, P>(
    registrar: &Registrar<S, M, C, P>,
    request: &Request,
) -> Response<Body>
where
    S: RegistrationStore,
    M: Mailer + Clone + 'static,
    C: Clock + Clone + 'static,
    P: ProgramSource<Error = StoreError>,
{
    if let Some(refused) = refuse_flood(registrar, request) {
        return refused;
    }
    match registrar.home().await {
        Ok(Home::Form(program)) => empty_form(registrar, request, &program),
        Ok(Home::List(programs)) => html_response(StatusCode::OK, list_page(&programs)),
        Ok(Home::Closed(own)) => closed_page(own.as_deref(), StatusCode::OK),
        Err(err) => store_failure(Reply::Html, &err),
    }
}

/// `GET /programs/{id}`: that program's form, or why there is none.
pub async fn program<S, M, C, P>(
    registrar: &Registrar<S, M, C, P>,
    request: &Request,
    id: &str,
) -> Response<Body>
where
    S: RegistrationStore,
    M: Mailer + Clone + 'static,
    C: Clock + Clone + 'static,
    P: ProgramSource<Error = StoreError>,
{
    if let Some(refused) = refuse_flood(registrar, request) {
        return refused;
    }
    match registrar.program_page(id).await {
        Ok(ProgramPage::Form(program)) => empty_form(registrar, request, &program),
        Ok(ProgramPage::NotYetOpen(program)) => not_open_page(&program, StatusCode::OK),
        Ok(ProgramPage::Closed(program)) => closed_page(Some(&program), StatusCode::OK),
        Ok(ProgramPage::NotFound) => failure(Reply::Html, Problem::NotFound, None),
        Err(err) => store_failure(Reply::Html, &err),
    }
}

/// A 429 for a source that views the form too often on this instance.
fn refuse_flood<S, M, C, P>(
    registrar: &Registrar<S, M, C, P>,
    request: &Request,
) -> Option<Response<Body>>
where
    S: RegistrationStore,
    M: Mailer + Clone + 'static,
    C: Clock + Clone + 'static,
    P: ProgramSource<Error = StoreError>,
{
    let source = SourceAddress::new(source_ip(request));
    match registrar.admit_form(&source) {
        Admission::Admitted => None,
        Admission::TooMany { retry_after_secs } => {
            let reply = Reply::negotiate(request.headers());
            let response = failure(reply, Problem::TooManyRequests, None);
            Some(too_many(response, retry_after_secs))
        }
    }
}

/// The language a page of `program` speaks for `request`: the link's
/// `?lang=`, then `Accept-Language`, then the program's first.
pub fn page_language(request: &Request, program: &ProgramSettings) -> Language {
    let query = request.query_string_parameters_ref();
    let accept = request.headers().get(header::ACCEPT_LANGUAGE);
    choose_language(
        query.and_then(|q| q.first("lang")),
        accept.and_then(|value| value.to_str().ok()),
        &program.languages,
    )
}

fn empty_form<S, M, C, P>(
    registrar: &Registrar<S, M, C, P>,
    request: &Request,
    program: &ProgramSettings,
) -> Response<Body> {
    let retention_days = registrar.config.retention_days;
    html_response(
        StatusCode::OK,
        form_page(
            program,
            page_language(request, program),
            retention_days,
            &RawRegistration::default(),
            &FieldErrors::default(),
        ),
    )
}

/// A 429 with the seconds to wait.
pub fn too_many(mut response: Response<Body>, retry_after_secs: u64) -> Response<Body> {
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, retry_after_secs.into());
    response
}

/// A store that failed: logged with its cause, answered without it.
pub fn store_failure(reply: Reply, err: &StoreError) -> Response<Body> {
    tracing::error!(error = %err, "programs could not be read");
    let problem = match err {
        StoreError::Unavailable(_) => Problem::Unavailable,
        StoreError::Internal(_) => Problem::Internal,
    };
    failure(reply, problem, None)
}

/// The problem as JSON, or its page, naming `program` when there is one.
pub fn failure(
    reply: Reply,
    problem: Problem,
    program: Option<&ProgramSettings>,
) -> Response<Body> {
    match reply {
        Reply::Json => problem_json(problem, None),
        Reply::Html if problem == Problem::RegistrationClosed => {
            closed_page(program, problem.status())
        }
        Reply::Html => match (problem, program) {
            (Problem::RegistrationNotOpen, Some(program)) => {
                not_open_page(program, problem.status())
            }
            _ => {
                let form = program.map(|p| format!("/programs/{}", p.id));
                let back = BackLink::ToForm(form.as_deref().unwrap_or("/"));
                let page = message_page(
                    masthead(program),
                    problem.title(),
                    &[problem.detail()],
                    back,
                );
                html_response(problem.status(), page)
            }
        },
    }
}

/// The page of a program whose registration has not opened yet.
fn not_open_page(program: &ProgramSettings, status: StatusCode) -> Response<Body> {
    let zone = program.time_zone();
    let opens = program
        .registration_opens_at
        .map(|opens| format!("Registration opens on {}.", local_time(&zone, opens)))
        .unwrap_or_default();
    let starts = format!(
        "The webinar takes place on {}.",
        local_time(&zone, program.starts_at)
    );
    html_response(
        status,
        message_page(
            Masthead::of(program),
            "Registration is not open yet",
            &[&opens, &starts],
            BackLink::Omitted,
        ),
    )
}

/// The page that says registration is closed: for `program`, or for every one.
pub fn closed_page(program: Option<&ProgramSettings>, status: StatusCode) -> Response<Body> {
    let closed_at = program.map(|program| {
        let zone = program.time_zone();
        format!(
            "Registration closed on {}. The webinar takes place on {}.",
            local_time(&zone, program.registration_closes_at),
            local_time(&zone, program.starts_at)
        )
    });
    let mut paragraphs: Vec<&str> = closed_at.iter().map(String::as_str).collect();
    paragraphs.push("Registered participants receive the Zoom link by email before the webinar.");
    html_response(
        status,
        message_page(
            masthead(program),
            "Registration is closed",
            &paragraphs,
            BackLink::Omitted,
        ),
    )
}

fn masthead(program: Option<&ProgramSettings>) -> Masthead<'_> {
    program.map_or(
        Masthead {
            title: "Registration",
            host: None,
        },
        Masthead::of,
    )
}
