//! The `confirm` function's HTTP edge: `GET /registrations/confirm?token=…` to one
//! call into the confirmer, and its outcome to a page.

use lambda_http::http::{Method, StatusCode};
use lambda_http::{Body, Request, RequestExt, Response};
use registration::clock::Clock;
use registration::confirming::{ConfirmError, Confirmed, Confirmer};
use registration::store::{RegistrationStore, StoreError};
use registration::web::{BackLink, html_response, message_page};

pub async fn handle<S: RegistrationStore, C: Clock>(
    confirmer: &Confirmer<S, C>,
    request: Request,
) -> Response<Body> {
    let title = &confirmer.config.event.title;
    let path = request.uri().path().trim_end_matches('/');
    if path != "/registrations/confirm" {
        return page(
            title,
            StatusCode::NOT_FOUND,
            "Not found",
            &["There is nothing at this address."],
        );
    }
    if !matches!(request.method(), &Method::GET | &Method::HEAD) {
        return page(
            title,
            StatusCode::METHOD_NOT_ALLOWED,
            "Method not allowed",
            &["Open the link from your email."],
        );
    }
    let query = request
        .query_string_parameters_ref()
        .cloned()
        .unwrap_or_default();
    let outcome = confirmer.confirm(query.first("token")).await;
    let (status, heading, paragraphs): (StatusCode, &str, &[&str]) = match &outcome {
        Ok(Confirmed::Now(_)) => (
            StatusCode::OK,
            "Your registration is confirmed",
            &["Thank you. We will email you the Zoom link before the webinar starts."],
        ),
        Ok(Confirmed::Already(_)) => (
            StatusCode::OK,
            "Your registration is confirmed",
            &[
                "You had already confirmed. We will email you the Zoom link before the webinar starts.",
            ],
        ),
        Err(err) => {
            if let ConfirmError::Store(cause) = err {
                tracing::error!(error = %cause, "confirmation failed");
            }
            let status = status_for(err);
            match err {
                ConfirmError::MissingToken => (
                    status,
                    "This link is incomplete",
                    &[
                        "Open the whole link from your confirmation email; some email programs cut long links.",
                    ][..],
                ),
                ConfirmError::UnknownToken => (
                    status,
                    "This link is not valid",
                    &[
                        "The confirmation link is unknown or was changed. Open the link from your latest confirmation email, or register again to receive a new one.",
                    ][..],
                ),
                ConfirmError::EventStarted => (
                    status,
                    "The webinar has started",
                    &["Confirmation closed when the webinar began."][..],
                ),
                ConfirmError::Store(StoreError::Unavailable(_)) => (
                    status,
                    "Please try again in a few minutes",
                    &["We could not confirm your registration just now. Your link stays valid."][..],
                ),
                ConfirmError::Store(StoreError::Internal(_)) => (
                    status,
                    "Something went wrong on our side",
                    &[
                        "We could not confirm your registration just now. Your link stays valid; please try again later.",
                    ][..],
                ),
            }
        }
    };
    page(title, status, heading, paragraphs)
}

/// The one place a confirmation error becomes a status.
pub fn status_for(err: &ConfirmError) -> StatusCode {
    match err {
        ConfirmError::MissingToken => StatusCode::BAD_REQUEST,
        ConfirmError::UnknownToken => StatusCode::NOT_FOUND,
        ConfirmError::EventStarted => StatusCode::GONE,
        ConfirmError::Store(StoreError::Unavailable(_)) => StatusCode::SERVICE_UNAVAILABLE,
        ConfirmError::Store(StoreError::Internal(_)) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

fn page(title: &str, status: StatusCode, heading: &str, paragraphs: &[&str]) -> Response<Body> {
    html_response(
        status,
        message_page(title, heading, paragraphs, BackLink::Omitted),
    )
}
