//! The `register` function's HTTP edge: `GET /` and `GET /programs/{id}` serve
//! a program's form (or the list of the open ones, or why there is none),
//! `POST /registrations` turns a request into a program and a submission, makes
//! one call into the registrar and turns the outcome into a JSON or HTML
//! response.

mod pages;

use lambda_http::http::{Method, StatusCode};
use lambda_http::request::RequestContext;
use lambda_http::{Body, Request, RequestExt, Response};
use pages::{failure, store_failure, too_many};
use registration::domain::{FieldErrors, Invalid, RawRegistration, Submission};
use registration::i18n::{Catalog, Language};
use registration::limits::SourceAddress;
use registration::mail::Mailer;
use registration::platform::clock::Clock;
use registration::program::{ProgramSettings, ProgramSource};
use registration::store::{RegistrationStore, StoreError};
use registration::use_cases::registering::{RegisterError, Registrar};
use registration::web::{
    self, BackLink, LanguageAsked, PROGRAM_FIELD, Problem, Reply, form_page, html_response,
    json_response, message_page, problem_json,
};
use serde_json::json;
use std::sync::Arc;

/// Where a program's form is: `/programs/{id}`.
const PROGRAMS_PATH: &str = "/programs/";

pub async fn handle<S, M, C, P>(
    registrar: &Registrar<S, M, C, P>,
    request: Request,
) -> Response<Body>
where
    S: RegistrationStore,
    M: Mailer + Clone + 'static,
    C: Clock + Clone + 'static,
    P: ProgramSource<Error = StoreError>,
{
    let path = request.uri().path().trim_end_matches('/');
    let program_id = path.strip_prefix(PROGRAMS_PATH);
    let reply = Reply::negotiate(request.headers());
    let reads = matches!(request.method(), &Method::GET | &Method::HEAD);
    let asked = LanguageAsked::of(&request);
    match (request.method(), path, program_id) {
        (_, _, Some(id)) if reads => pages::program(registrar, &request, id).await,
        (_, "", _) if reads => pages::home(registrar, &request).await,
        (&Method::POST, "/registrations", _) => submit(registrar, &request).await,
        (_, "" | "/registrations", _) | (_, _, Some(_)) => {
            failure(reply, Problem::MethodNotAllowed, None, &asked)
        }
        _ => failure(reply, Problem::NotFound, None, &asked),
    }
}

/// `POST /registrations`. The contract's order of checks, with the program
/// resolved where the body is first needed: every program closed (403, before
/// anything else), origin (403), size and body (413, 415, 400), the program the
/// body names (422 unknown; 403 not open yet or closed), fields (422), then the
/// per-address limit (429) and uniqueness (409) in the registrar.
async fn submit<S, M, C, P>(registrar: &Registrar<S, M, C, P>, request: &Request) -> Response<Body>
where
    S: RegistrationStore,
    M: Mailer + Clone + 'static,
    C: Clock + Clone + 'static,
    P: ProgramSource<Error = StoreError>,
{
    let reply = Reply::negotiate(request.headers());
    let asked = LanguageAsked::of(request);
    match registrar.all_closed().await {
        Ok(false) => {}
        Ok(true) => {
            let own = registrar.programs.own();
            return failure(reply, Problem::RegistrationClosed, own.as_deref(), &asked);
        }
        Err(err) => return store_failure(reply, &err, &asked),
    }
    let config = &registrar.config;
    if !web::origin_allowed(
        request,
        &config.allowed_origins,
        config.public_base_url.as_ref(),
    ) {
        tracing::info!("registration refused: posted from another site");
        return failure(reply, Problem::CrossSite, None, &asked);
    }
    let raw = match read_body(request) {
        Ok(raw) => raw,
        Err(problem) => return failure(reply, problem, None, &asked),
    };
    // The posted page's language, when it names one, before the browser's.
    let asked = asked.naming(raw.language.as_text());
    let answer = Answer {
        reply,
        asked: &asked,
    };
    let (program, submission) = match program_and_submission(registrar, answer, &raw).await {
        Ok(both) => both,
        Err(response) => return response,
    };
    let base = link_base(registrar, request);
    let source = SourceAddress::new(source_ip(request));
    // The answer's language is the registration's: the posted page's when the
    // program offers it, else the browser's best match, else the program's first.
    let language = asked.among(&program.languages);
    match registrar
        .register(&program, submission, language, &base, &source)
        .await
    {
        Ok(registered) => created(answer, &program, &registered.registration_id),
        Err(err) => refused(answer, &err, Some(&program)),
    }
}

/// The program the body names (or means) and its valid submission; else the
/// answer: the program's window (403) before the fields, then every invalid
/// field, the program among them (422).
async fn program_and_submission<S, M, C, P>(
    registrar: &Registrar<S, M, C, P>,
    answer: Answer<'_>,
    raw: &RawRegistration,
) -> Result<(Arc<ProgramSettings>, Submission), Response<Body>>
where
    S: RegistrationStore,
    M: Mailer + Clone + 'static,
    C: Clock + Clone + 'static,
    P: ProgramSource<Error = StoreError>,
{
    let program = match registrar.program_for(&raw.program).await {
        Ok(program) => Some(program),
        Err(RegisterError::UnknownProgram | RegisterError::ProgramRequired) => None,
        Err(err) => return Err(refused(answer, &err, None)),
    };
    if let Some(program) = &program
        && let Err(err) = registrar.window_check(program)
    {
        return Err(refused(answer, &err, Some(program)));
    }
    match (program, Submission::try_from(raw)) {
        (Some(program), Ok(submission)) => Ok((program, submission)),
        (program, submission) => {
            let mut errors = submission.err().unwrap_or_default();
            if program.is_none() {
                errors.0.insert(PROGRAM_FIELD, program_message(raw));
            }
            Err(invalid(registrar, answer, program.as_deref(), raw, &errors))
        }
    }
}

/// Why a post names no program this deployment serves.
fn program_message(raw: &RawRegistration) -> Invalid {
    if raw.program.as_text().trim().is_empty() {
        Invalid::ProgramRequired
    } else {
        Invalid::ProgramUnknown
    }
}

/// How a post is answered: JSON or a page, in the language it asks for.
#[derive(Clone, Copy)]
struct Answer<'a> {
    reply: Reply,
    asked: &'a LanguageAsked,
}

impl Answer<'_> {
    /// The answer's language: the one asked for among `program`'s (without
    /// one, among all).
    fn language(self, program: Option<&ProgramSettings>) -> Language {
        match program {
            Some(program) => self.asked.among(&program.languages),
            None => self.asked.among(&Language::ALL),
        }
    }
}

/// A registration refused by the registrar, as its problem.
fn refused(
    answer: Answer<'_>,
    err: &RegisterError,
    program: Option<&ProgramSettings>,
) -> Response<Body> {
    if let RegisterError::Store(cause) = err {
        tracing::error!(error = %cause, "registration failed");
    }
    let response = failure(answer.reply, problem_for(err), program, answer.asked);
    match err {
        RegisterError::TooManyRequests { retry_after_secs } => {
            too_many(response, *retry_after_secs)
        }
        _ => response,
    }
}

/// The 201 answer: the registration's id as JSON, or the page that says to
/// check the email.
fn created(answer: Answer<'_>, program: &ProgramSettings, registration_id: &str) -> Response<Body> {
    if answer.reply == Reply::Json {
        return json_response(
            StatusCode::CREATED,
            &json!({"registration_id": registration_id, "status": "pending"}),
        );
    }
    let masthead = pages::masthead(Some(program), answer.asked);
    let cat = Catalog::new(masthead.language());
    let paragraphs = [cat.text("registered-sent"), cat.text("registered-spam")];
    html_response(
        StatusCode::CREATED,
        message_page(
            &masthead,
            &cat.text("registered-heading"),
            &paragraphs,
            BackLink::Omitted,
        ),
    )
}

/// The address the request came from, as API Gateway saw it (never stored or
/// logged in clear).
pub(crate) fn source_ip(request: &Request) -> String {
    match request.request_context_ref() {
        Some(RequestContext::ApiGatewayV2(context)) => {
            context.http.source_ip.clone().unwrap_or_default()
        }
        _ => String::new(),
    }
}

/// The body as a raw submission. Its size is checked before its content type, so
/// an oversized body is refused as such whatever it claims to be.
fn read_body(request: &Request) -> Result<RawRegistration, Problem> {
    let body: &[u8] = request.body().as_ref();
    if body.len() > web::MAX_BODY_BYTES {
        return Err(Problem::PayloadTooLarge);
    }
    web::body_format(request.headers())
        .and_then(|format| web::parse_registration(format, body))
        .map_err(Problem::from)
}

/// A submission with invalid fields (the program among them): every message,
/// as a problem or as the program's form filled again with what was typed.
fn invalid<S, M, C, P>(
    registrar: &Registrar<S, M, C, P>,
    answer: Answer<'_>,
    program: Option<&ProgramSettings>,
    raw: &RawRegistration,
    errors: &FieldErrors,
) -> Response<Body> {
    tracing::info!(fields = ?errors.0.keys().collect::<Vec<_>>(), "submission refused: invalid fields");
    let language = answer.language(program);
    match (answer.reply, program) {
        (Reply::Html, Some(program)) => html_response(
            StatusCode::UNPROCESSABLE_ENTITY,
            form_page(
                program,
                language,
                registrar.config.retention_days,
                raw,
                errors,
            ),
        ),
        (Reply::Html, None) => failure(answer.reply, Problem::Validation, None, answer.asked),
        (Reply::Json, _) => problem_json(Problem::Validation, Some(errors), language),
    }
}

/// The one place a registration error becomes a status and a problem.
pub fn problem_for(err: &RegisterError) -> Problem {
    match err {
        RegisterError::Closed => Problem::RegistrationClosed,
        RegisterError::NotOpen => Problem::RegistrationNotOpen,
        RegisterError::UnknownProgram | RegisterError::ProgramRequired => Problem::Validation,
        RegisterError::AlreadyRegistered => Problem::AlreadyRegistered,
        RegisterError::TooManyRequests { .. } => Problem::TooManyRequests,
        RegisterError::Store(StoreError::Unavailable(_)) => Problem::Unavailable,
        RegisterError::Store(StoreError::Internal(_)) => Problem::Internal,
    }
}

/// The absolute base of links in emails: `PUBLIC_BASE_URL`, else the API's own domain.
fn link_base<S, M, C, P>(registrar: &Registrar<S, M, C, P>, request: &Request) -> String {
    if let Some(url) = &registrar.config.public_base_url {
        return url.as_str().trim_end_matches('/').to_owned();
    }
    format!("https://{}", web::api_domain(request).unwrap_or_default())
}
