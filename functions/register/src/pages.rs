//! The pages `register` answers with: `GET /` and `GET /programs/{id}`, and the
//! page (or problem) of every outcome that is not the form.

use crate::source_ip;
use lambda_http::http::{StatusCode, header};
use lambda_http::{Body, Request, Response};
use registration::domain::{FieldErrors, RawRegistration};
use registration::i18n::{self, Arg, Catalog, Language};
use registration::limits::{Admission, SourceAddress};
use registration::mail::Mailer;
use registration::platform::clock::Clock;
use registration::program::ProgramSettings;
use registration::program::ProgramSource;
use registration::store::{RegistrationStore, StoreError};
use registration::use_cases::program_choice::{Home, ProgramPage};
use registration::use_cases::registering::Registrar;
use registration::web::{
    BackLink, LanguageAsked, Masthead, Problem, Reply, form_page, html_response, list_page,
    message_page, problem_json,
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
    let asked = LanguageAsked::of(request);
    match registrar.home().await {
        Ok(Home::Form(program)) => empty_form(registrar, &asked, &program),
        Ok(Home::List(programs)) => html_response(StatusCode::OK, list_page(&programs, &asked)),
        Ok(Home::Closed(own)) => closed_page(own.as_deref(), StatusCode::OK, &asked),
        Err(err) => store_failure(Reply::Html, &err, &asked),
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
    let asked = LanguageAsked::of(request);
    match registrar.program_page(id).await {
        Ok(ProgramPage::Form(program)) => empty_form(registrar, &asked, &program),
        Ok(ProgramPage::NotYetOpen(program)) => not_open_page(&program, StatusCode::OK, &asked),
        Ok(ProgramPage::Closed(program)) => closed_page(Some(&program), StatusCode::OK, &asked),
        Ok(ProgramPage::NotFound) => failure(Reply::Html, Problem::NotFound, None, &asked),
        Err(err) => store_failure(Reply::Html, &err, &asked),
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
            let asked = LanguageAsked::of(request);
            let response = failure(reply, Problem::TooManyRequests, None, &asked);
            Some(too_many(response, retry_after_secs))
        }
    }
}

fn empty_form<S, M, C, P>(
    registrar: &Registrar<S, M, C, P>,
    asked: &LanguageAsked,
    program: &ProgramSettings,
) -> Response<Body> {
    let retention_days = registrar.config.retention_days;
    html_response(
        StatusCode::OK,
        form_page(
            program,
            asked.among(&program.languages),
            retention_days,
            &RawRegistration::default(),
            &FieldErrors::default(),
        ),
    )
}

/// The top of a page about `program` (or about none), in the language
/// `asked` chooses among the program's (without one, among all).
pub fn masthead(program: Option<&ProgramSettings>, asked: &LanguageAsked) -> Masthead {
    match program {
        Some(program) => Masthead::of(program, asked.among(&program.languages)),
        None => Masthead::without_program(asked.among(&Language::ALL)),
    }
}

/// A 429 with the seconds to wait.
pub fn too_many(mut response: Response<Body>, retry_after_secs: u64) -> Response<Body> {
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, retry_after_secs.into());
    response
}

/// A store that failed: logged with its cause, answered without it.
pub fn store_failure(reply: Reply, err: &StoreError, asked: &LanguageAsked) -> Response<Body> {
    tracing::error!(error = %err, "programs could not be read");
    let problem = match err {
        StoreError::Unavailable(_) => Problem::Unavailable,
        StoreError::Internal(_) => Problem::Internal,
    };
    failure(reply, problem, None, asked)
}

/// The problem as JSON, or its page, naming `program` when there is one; its
/// words in the language `asked` chooses.
pub fn failure(
    reply: Reply,
    problem: Problem,
    program: Option<&ProgramSettings>,
    asked: &LanguageAsked,
) -> Response<Body> {
    let masthead = masthead(program, asked);
    let language = masthead.language();
    match (reply, problem, program) {
        (Reply::Json, _, _) => problem_json(problem, None, language),
        (Reply::Html, Problem::RegistrationClosed, _) => {
            closed_page(program, problem.status(), asked)
        }
        (Reply::Html, Problem::RegistrationNotOpen, Some(program)) => {
            not_open_page(program, problem.status(), asked)
        }
        (Reply::Html, _, _) => {
            let form = program.map(|p| format!("/programs/{}?lang={}", p.id, language.code()));
            let back = BackLink::ToForm(form.as_deref().unwrap_or("/"));
            let heading = problem.title_in(language);
            let page = message_page(&masthead, &heading, &[problem.detail_in(language)], back);
            html_response(problem.status(), page)
        }
    }
}

/// `id`'s words with times, each written as the page's language writes it.
fn said_with_times(cat: Catalog, id: &str, times: &[(&str, String)]) -> String {
    let args: Vec<(&str, Arg<'_>)> = times
        .iter()
        .map(|(name, text)| (*name, Arg::Text(text)))
        .collect();
    cat.format(id, &args)
}

/// The page of a program whose registration has not opened yet.
fn not_open_page(
    program: &ProgramSettings,
    status: StatusCode,
    asked: &LanguageAsked,
) -> Response<Body> {
    let masthead = masthead(Some(program), asked);
    let cat = Catalog::new(masthead.language());
    let zone = program.time_zone();
    let local = |at| i18n::local_time(cat.language(), at, &zone);
    // A program is not open yet only when it has an opening.
    let opens = program.registration_opens_at.unwrap_or(program.starts_at);
    let times = [
        ("opens", local(opens)),
        ("starts", local(program.starts_at)),
    ];
    let when = said_with_times(cat, "not-open-when", &times);
    let heading = cat.text("not-open-heading");
    html_response(
        status,
        message_page(&masthead, &heading, &[when], BackLink::Omitted),
    )
}

/// The page that says registration is closed: for `program`, or for every one.
pub fn closed_page(
    program: Option<&ProgramSettings>,
    status: StatusCode,
    asked: &LanguageAsked,
) -> Response<Body> {
    let masthead = masthead(program, asked);
    let cat = Catalog::new(masthead.language());
    let mut paragraphs: Vec<String> = program
        .map(|program| {
            let zone = program.time_zone();
            let local = |at| i18n::local_time(cat.language(), at, &zone);
            let times = [
                ("closes", local(program.registration_closes_at)),
                ("starts", local(program.starts_at)),
            ];
            said_with_times(cat, "closed-when", &times)
        })
        .into_iter()
        .collect();
    paragraphs.push(cat.text("closed-zoom"));
    let heading = cat.text("closed-heading");
    html_response(
        status,
        message_page(&masthead, &heading, &paragraphs, BackLink::Omitted),
    )
}

#[cfg(test)]
#[path = "pages_tests.rs"]
mod tests;
