//! The `register` function's HTTP edge: `GET /` serves the form, `POST /registrations`
//! turns a request into a submission, makes one call into the registrar and turns the
//! outcome into a JSON or HTML response.

use lambda_http::http::{Method, StatusCode, header};
use lambda_http::request::RequestContext;
use lambda_http::{Body, Request, RequestExt, Response};
use registration::domain::{FieldErrors, RawRegistration, Submission};
use registration::limits::{Admission, SourceAddress};
use registration::mail::Mailer;
use registration::platform::clock::Clock;
use registration::store::{RegistrationStore, StoreError};
use registration::use_cases::registering::{RegisterError, Registrar};
use registration::web::{
    self, BackLink, Problem, Reply, form_page, html_response, json_response, message_page,
    problem_json,
};
use serde_json::json;

pub async fn handle<S, M, C>(registrar: &Registrar<S, M, C>, request: Request) -> Response<Body>
where
    S: RegistrationStore,
    M: Mailer,
    C: Clock,
{
    let path = request.uri().path().trim_end_matches('/');
    match (request.method(), path) {
        (&Method::GET | &Method::HEAD, "") => form(registrar, &request),
        (&Method::POST, "/registrations") => submit(registrar, &request).await,
        (_, "" | "/registrations") => failure(
            registrar,
            Reply::negotiate(request.headers()),
            Problem::MethodNotAllowed,
        ),
        _ => failure(
            registrar,
            Reply::negotiate(request.headers()),
            Problem::NotFound,
        ),
    }
}

fn form<S: RegistrationStore, M: Mailer, C: Clock>(
    registrar: &Registrar<S, M, C>,
    request: &Request,
) -> Response<Body> {
    let source = SourceAddress::new(source_ip(request));
    if let Admission::TooMany { retry_after_secs } = registrar.admit_form(&source) {
        let reply = Reply::negotiate(request.headers());
        return too_many(
            failure(registrar, reply, Problem::TooManyRequests),
            retry_after_secs,
        );
    }
    let config = &registrar.config;
    if !registrar.is_open() {
        return closed_page(registrar, StatusCode::OK);
    }
    html_response(
        StatusCode::OK,
        form_page(
            &config.event,
            config.closes_at,
            config.retention_days,
            &RawRegistration::default(),
            &FieldErrors::default(),
        ),
    )
}

async fn submit<S, M, C>(registrar: &Registrar<S, M, C>, request: &Request) -> Response<Body>
where
    S: RegistrationStore,
    M: Mailer,
    C: Clock,
{
    let reply = Reply::negotiate(request.headers());
    if !registrar.is_open() {
        return failure(registrar, reply, Problem::RegistrationClosed);
    }
    let config = &registrar.config;
    if !web::origin_allowed(
        request,
        &config.allowed_origins,
        config.public_base_url.as_ref(),
    ) {
        tracing::info!("registration refused: posted from another site");
        return failure(registrar, reply, Problem::CrossSite);
    }
    let raw = match read_body(request) {
        Ok(raw) => raw,
        Err(problem) => return failure(registrar, reply, problem),
    };
    let submission = match Submission::try_from(&raw) {
        Ok(submission) => submission,
        Err(errors) => return invalid(registrar, reply, &raw, &errors),
    };
    let base = link_base(registrar, request);
    let source = SourceAddress::new(source_ip(request));
    match registrar.register(submission, &base, &source).await {
        Ok(registered) => created(registrar, reply, &registered.registration_id),
        Err(err) => {
            if let RegisterError::Store(cause) = &err {
                tracing::error!(error = %cause, "registration failed");
            }
            let response = failure(registrar, reply, problem_for(&err));
            match err {
                RegisterError::TooManyRequests { retry_after_secs } => {
                    too_many(response, retry_after_secs)
                }
                _ => response,
            }
        }
    }
}

/// A 429 with the seconds to wait.
fn too_many(mut response: Response<Body>, retry_after_secs: u64) -> Response<Body> {
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, retry_after_secs.into());
    response
}

/// The 201 answer: the registration's id as JSON, or the page that says to
/// check the email.
fn created<S, M, C>(
    registrar: &Registrar<S, M, C>,
    reply: Reply,
    registration_id: &str,
) -> Response<Body> {
    match reply {
        Reply::Json => json_response(
            StatusCode::CREATED,
            &json!({"registration_id": registration_id, "status": "pending"}),
        ),
        Reply::Html => html_response(
            StatusCode::CREATED,
            message_page(
                &registrar.config.event.title,
                "Check your email",
                &[
                    "Thank you for registering. We have sent you an email with a link to confirm your registration.",
                    "Open that link to confirm. If the email does not arrive within a few minutes, look in your spam folder.",
                ],
                BackLink::Omitted,
            ),
        ),
    }
}

/// The address the request came from, as API Gateway saw it (never stored or
/// logged in clear).
fn source_ip(request: &Request) -> String {
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

/// A submission with invalid fields: every message, as a problem or as the form
/// filled again with what was typed.
fn invalid<S, M, C>(
    registrar: &Registrar<S, M, C>,
    reply: Reply,
    raw: &RawRegistration,
    errors: &FieldErrors,
) -> Response<Body>
where
    S: RegistrationStore,
    M: Mailer,
    C: Clock,
{
    tracing::info!(fields = ?errors.0.keys().collect::<Vec<_>>(), "submission refused: invalid fields");
    match reply {
        Reply::Json => problem_json(Problem::Validation, Some(errors)),
        Reply::Html => {
            let config = &registrar.config;
            html_response(
                StatusCode::UNPROCESSABLE_ENTITY,
                form_page(
                    &config.event,
                    config.closes_at,
                    config.retention_days,
                    raw,
                    errors,
                ),
            )
        }
    }
}

/// The one place a registration error becomes a status and a problem.
pub fn problem_for(err: &RegisterError) -> Problem {
    match err {
        RegisterError::Closed => Problem::RegistrationClosed,
        RegisterError::AlreadyRegistered => Problem::AlreadyRegistered,
        RegisterError::TooManyRequests { .. } => Problem::TooManyRequests,
        RegisterError::Store(StoreError::Unavailable(_)) => Problem::Unavailable,
        RegisterError::Store(StoreError::Internal(_)) => Problem::Internal,
    }
}

fn failure<S, M, C>(
    registrar: &Registrar<S, M, C>,
    reply: Reply,
    problem: Problem,
) -> Response<Body>
where
    S: RegistrationStore,
    M: Mailer,
    C: Clock,
{
    match reply {
        Reply::Json => problem_json(problem, None),
        Reply::Html if problem == Problem::RegistrationClosed => {
            closed_page(registrar, problem.status())
        }
        Reply::Html => html_response(
            problem.status(),
            message_page(
                &registrar.config.event.title,
                problem.title(),
                &[problem.detail()],
                BackLink::ToForm,
            ),
        ),
    }
}

fn closed_page<S, M, C>(registrar: &Registrar<S, M, C>, status: StatusCode) -> Response<Body>
where
    S: RegistrationStore,
    M: Mailer,
    C: Clock,
{
    let event = &registrar.config.event;
    let closed_at = format!(
        "Registration closed on {}. The webinar takes place on {}.",
        event.local_time(registrar.config.closes_at),
        event.local_time(event.starts_at)
    );
    html_response(
        status,
        message_page(
            &event.title,
            "Registration is closed",
            &[
                &closed_at,
                "Registered participants receive the Zoom link by email before the webinar.",
            ],
            BackLink::Omitted,
        ),
    )
}

/// The absolute base of links in emails: `PUBLIC_BASE_URL`, else the API's own domain.
fn link_base<S, M, C>(registrar: &Registrar<S, M, C>, request: &Request) -> String
where
    S: RegistrationStore,
    M: Mailer,
    C: Clock,
{
    if let Some(url) = &registrar.config.public_base_url {
        return url.as_str().trim_end_matches('/').to_owned();
    }
    format!("https://{}", web::api_domain(request).unwrap_or_default())
}
