//! The `confirm` function's HTTP edge: `GET /registrations/confirm?token=…` to one
//! call into the confirmer, and its outcome to a page.

use lambda_http::http::{Method, StatusCode};
use lambda_http::{Body, Request, RequestExt, Response};
use registration::clock::Clock;
use registration::confirming::{ConfirmError, Confirmed, Confirmer};
use registration::mail::Mailer;
use registration::store::{RegistrationStore, StoreError};
use registration::web::{BackLink, html_response, message_page};

pub async fn handle<S, M, C>(confirmer: &Confirmer<S, M, C>, request: Request) -> Response<Body>
where
    S: RegistrationStore,
    M: Mailer + Clone + 'static,
    C: Clock + Clone + 'static,
{
    let title = &confirmer.config.event.title;
    let path = request.uri().path().trim_end_matches('/');
    if path != "/registrations/confirm" {
        return NOT_FOUND.render(title);
    }
    if !matches!(request.method(), &Method::GET | &Method::HEAD) {
        return METHOD_NOT_ALLOWED.render(title);
    }
    let query = request
        .query_string_parameters_ref()
        .cloned()
        .unwrap_or_default();
    let outcome = confirmer.confirm(query.first("token")).await;
    if let Err(ConfirmError::Store(cause)) = &outcome {
        tracing::error!(error = %cause, "confirmation failed");
    }
    page_for(outcome.as_ref()).render(title)
}

/// The one place a confirmation error becomes a status: its page's.
pub fn status_for(err: &ConfirmError) -> StatusCode {
    page_for(Err(err)).status
}

/// What the participant sees: a status, a heading and a few paragraphs.
struct Page {
    status: StatusCode,
    heading: &'static str,
    paragraphs: &'static [&'static str],
}

impl Page {
    fn render(&self, title: &str) -> Response<Body> {
        html_response(
            self.status,
            message_page(title, self.heading, self.paragraphs, BackLink::Omitted),
        )
    }
}

const NOT_FOUND: Page = Page {
    status: StatusCode::NOT_FOUND,
    heading: "Not found",
    paragraphs: &["There is nothing at this address."],
};

const METHOD_NOT_ALLOWED: Page = Page {
    status: StatusCode::METHOD_NOT_ALLOWED,
    heading: "Method not allowed",
    paragraphs: &["Open the link from your email."],
};

/// The page table: every outcome of a confirmation and the page it gets.
fn page_for(outcome: Result<&Confirmed, &ConfirmError>) -> Page {
    let (status, heading, paragraphs): (StatusCode, &'static str, &'static [&'static str]) =
        match outcome {
            Ok(Confirmed::Now(_)) => (
                StatusCode::OK,
                "Your registration is confirmed",
                &["Thank you. We will email you the Zoom link before the webinar starts."],
            ),
            Ok(Confirmed::Waitlisted(..)) => (
                StatusCode::OK,
                "You are on the waiting list",
                &["Every seat is taken. We will email you if one becomes free."],
            ),
            Ok(Confirmed::Already(_)) => (
                StatusCode::OK,
                "Your registration is confirmed",
                &[
                    "You had already confirmed. We will email you the Zoom link before the webinar starts.",
                ],
            ),
            Err(ConfirmError::MissingToken) => (
                StatusCode::BAD_REQUEST,
                "This link is incomplete",
                &[
                    "Open the whole link from your confirmation email; some email programs cut long links.",
                ],
            ),
            Err(ConfirmError::UnknownToken) => (
                StatusCode::NOT_FOUND,
                "This link is not valid",
                &[
                    "The confirmation link is unknown or was changed. Open the link from your latest confirmation email, or register again to receive a new one.",
                ],
            ),
            Err(ConfirmError::EventStarted) => (
                StatusCode::GONE,
                "The webinar has started",
                &["Confirmation closed when the webinar began."],
            ),
            Err(ConfirmError::Store(StoreError::Unavailable(_))) => (
                StatusCode::SERVICE_UNAVAILABLE,
                "Please try again in a few minutes",
                &["We could not confirm your registration just now. Your link stays valid."],
            ),
            Err(ConfirmError::Store(StoreError::Internal(_))) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "Something went wrong on our side",
                &[
                    "We could not confirm your registration just now. Your link stays valid; please try again later.",
                ],
            ),
        };
    Page {
        status,
        heading,
        paragraphs,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_confirmation_error_has_its_status() {
        for (err, status) in [
            (ConfirmError::MissingToken, 400),
            (ConfirmError::UnknownToken, 404),
            (ConfirmError::EventStarted, 410),
            (
                ConfirmError::Store(StoreError::Unavailable("x".into())),
                503,
            ),
            (ConfirmError::Store(StoreError::Internal("x".into())), 500),
        ] {
            assert_eq!(status_for(&err), status, "{err:?}");
            assert_eq!(page_for(Err(&err)).status, status, "{err:?}");
        }
    }
}
