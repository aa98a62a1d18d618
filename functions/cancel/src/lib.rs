//! The `cancel` function's HTTP edge. `GET /registrations/cancel?token=…` shows
//! what cancelling would do, with one button that posts the token back;
//! `POST /registrations/cancel` withdraws the registration. The link routes'
//! shared edge ([`serve_action`]) answers; this route gives it the canceller's calls
//! and its page table.

use lambda_http::http::StatusCode;
use lambda_http::{Body, Request, Response};
use registration::config::AllowedOrigins;
use registration::domain::lifecycle::RegistrationStatus;
use registration::mail::Mailer;
use registration::platform::clock::Clock;
use registration::program::ProgramSettings;
use registration::store::RegistrationStore;
use registration::use_cases::cancelling::{CancelError, CancelPage, Cancelled, Canceller};
use registration::web::{
    ActionOutcome, ActionPage, ActionRoute, ButtonStyle, Problem, Words, serve_action,
};
use serde_json::json;
use std::sync::Arc;

pub async fn handle<S, M, C>(canceller: &Canceller<S, M, C>, request: Request) -> Response<Body>
where
    S: RegistrationStore,
    M: Mailer + Clone + 'static,
    C: Clock + Clone + 'static,
{
    serve_action(&CancelLink(canceller), request).await
}

/// The cancel link's route: the canceller behind it.
struct CancelLink<'a, S, M, C>(&'a Canceller<S, M, C>);

impl<S, M, C> ActionRoute for CancelLink<'_, S, M, C>
where
    S: RegistrationStore,
    M: Mailer + Clone + 'static,
    C: Clock + Clone + 'static,
{
    const PATH: &'static str = "/registrations/cancel";
    const BUTTON_STYLE: ButtonStyle = ButtonStyle::Destructive;
    const FAILED: &'static str = "cancellation failed";
    type Found = CancelPage;
    type Done = Cancelled;

    async fn program(&self, token: Option<&str>) -> Option<Arc<ProgramSettings>> {
        self.0.page_program(token).await
    }

    fn allowed_origins(&self) -> &AllowedOrigins {
        &self.0.config.allowed_origins
    }

    async fn check(&self, token: Option<&str>) -> Result<CancelPage, CancelError> {
        self.0.check(token).await
    }

    async fn act(&self, token: Option<&str>) -> Result<Cancelled, CancelError> {
        self.0.cancel(token).await
    }

    fn done_json(done: &Cancelled) -> serde_json::Value {
        json!({"registration_id": done.registration_id(), "status": "cancelled"})
    }

    fn page_for(outcome: Outcome<'_>) -> ActionPage {
        page_for(outcome)
    }
}

/// What a request to the cancel link came to.
type Outcome<'a> = ActionOutcome<'a, CancelPage, Cancelled>;

const CANCELLED: Words = Words::Message("cancelled-heading");
const NO_MORE_EMAIL: Words = Words::Message("cancel-no-more-email");

/// The page table: every outcome of a cancel link, and the page it gets
/// (its words are catalog messages, said in the page's language).
fn page_for(outcome: Outcome<'_>) -> ActionPage {
    match outcome {
        Outcome::Shown(CancelPage::Active(registration)) => ActionPage {
            button: Some("cancel-button"),
            ..active_page(registration.status)
        },
        Outcome::Shown(CancelPage::AlreadyCancelled(_)) | Outcome::Done(Cancelled::Already(_)) => {
            ok(CANCELLED, &["cancelled-already"], true)
        }
        Outcome::Done(Cancelled::Now(_)) => ok(CANCELLED, &["cancelled-now"], true),
        Outcome::Done(Cancelled::Deleted(_)) => ok(CANCELLED, &["cancelled-deleted"], true),
        Outcome::Refused(problem) => refused_page(problem),
    }
}

/// A 200 page without a button; a cancelled one ends saying no more email comes.
fn ok(heading: Words, paragraphs: &[&'static str], cancelled: bool) -> ActionPage {
    let mut paragraphs: Vec<Words> = paragraphs.iter().map(|id| Words::Message(id)).collect();
    if cancelled {
        paragraphs.push(NO_MORE_EMAIL);
    }
    ActionPage {
        status: StatusCode::OK,
        heading,
        paragraphs,
        button: None,
    }
}

/// What the page says before the button, by where the registration stands.
fn active_page(status: RegistrationStatus) -> ActionPage {
    let (heading, paragraph) = match status {
        RegistrationStatus::Pending => ("cancel-pending-heading", "cancel-pending"),
        RegistrationStatus::Waitlisted => ("cancel-waitlisted-heading", "cancel-waitlisted"),
        _ => ("cancel-confirmed-heading", "cancel-confirmed"),
    };
    ok(Words::Message(heading), &[paragraph], false)
}

/// The page of a refused page or action.
fn refused_page(problem: Problem) -> ActionPage {
    let (heading, paragraph) = match problem {
        Problem::MissingToken => ("link-incomplete-heading", "cancel-incomplete"),
        Problem::UnknownToken => ("link-invalid-heading", "cancel-invalid"),
        Problem::EventStarted => ("link-started-heading", "cancel-started"),
        Problem::CrossSite => ("cancel-cross-site-heading", "cancel-cross-site"),
        Problem::Unavailable | Problem::Internal => ("cancel-failed-heading", "link-kept"),
        other => return generic(other),
    };
    ActionPage {
        status: problem.status(),
        ..ok(Words::Message(heading), &[paragraph], false)
    }
}

/// A refusal no participant meets by following a link: the problem's own words.
fn generic(problem: Problem) -> ActionPage {
    let paragraph = match problem {
        Problem::NotFound => Words::ProblemDetail(problem),
        Problem::MethodNotAllowed => Words::Message("cancel-open-link"),
        _ => Words::Message("cancel-open-link-button"),
    };
    ActionPage {
        status: problem.status(),
        heading: Words::ProblemTitle(problem),
        paragraphs: vec![paragraph],
        button: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use registration::store::{Registration, StoreError};

    fn registration(status: &str) -> Registration {
        serde_json::from_value(json!({
            "pk": "k", "event_id": "e", "registration_id": "r-1", "full_name": "A",
            "email": "a@example.org", "country": "PK", "organization": "O",
            "status": status, "registered_at": "2022-09-20T00:00:00Z",
            "link_base": "https://x.example", "expires_at": 1700000000
        }))
        .unwrap()
    }

    #[test]
    fn each_cancel_error_has_its_contract_status() {
        for (err, status) in [
            (CancelError::MissingToken, 400),
            (CancelError::UnknownToken, 404),
            (CancelError::EventStarted, 410),
            (CancelError::Store(StoreError::Unavailable("x".into())), 503),
            (CancelError::Store(StoreError::Internal("x".into())), 500),
        ] {
            assert_eq!(page_for(Outcome::refused(&err)).status, status, "{err:?}");
        }
        for (problem, status) in [
            (Problem::CrossSite, 403),
            (Problem::NotFound, 404),
            (Problem::MethodNotAllowed, 405),
            (Problem::MalformedBody, 400),
            (Problem::UnsupportedMediaType, 415),
        ] {
            assert_eq!(page_for(Outcome::Refused(problem)).status, status);
        }
    }

    #[test]
    fn the_page_shows_the_button_until_the_registration_is_cancelled() {
        for status in ["pending", "confirmed", "waitlisted"] {
            let page = page_for(Outcome::Shown(&CancelPage::Active(registration(status))));
            assert_eq!(page.status, StatusCode::OK);
            assert_eq!(page.button, Some("cancel-button"), "{status}");
        }
        let done = registration("cancelled");
        for page in [
            page_for(Outcome::Shown(&CancelPage::AlreadyCancelled(done.clone()))),
            page_for(Outcome::Done(&Cancelled::Now(done.clone()))),
            page_for(Outcome::Done(&Cancelled::Already(done.clone()))),
            page_for(Outcome::Done(&Cancelled::Deleted(registration("pending")))),
        ] {
            assert_eq!(
                (page.status, page.button, page.heading),
                (StatusCode::OK, None, CANCELLED)
            );
        }
    }
}
