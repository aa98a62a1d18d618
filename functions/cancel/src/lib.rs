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
use registration::store::RegistrationStore;
use registration::use_cases::cancelling::{CancelError, CancelPage, Cancelled, Canceller};
use registration::web::{
    ActionOutcome, ActionPage, ActionRoute, ButtonStyle, Problem, serve_action,
};
use serde_json::json;

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

    async fn event_title(&self, token: Option<&str>) -> String {
        self.0.page_title(token).await
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

const CANCELLED: &str = "Your registration is cancelled";
const NO_MORE_EMAIL: &str = "We will send you no further email about this webinar. While registration is open, you can register again.";

/// The page table: every outcome of a cancel link, and the page it gets.
fn page_for(outcome: Outcome<'_>) -> ActionPage {
    match outcome {
        Outcome::Shown(CancelPage::Active(registration)) => ActionPage {
            button: Some("Cancel my registration"),
            ..active_page(registration.status)
        },
        Outcome::Shown(CancelPage::AlreadyCancelled(_)) | Outcome::Done(Cancelled::Already(_)) => {
            ok(
                CANCELLED,
                &[
                    "It was already cancelled; there is nothing more to do.",
                    NO_MORE_EMAIL,
                ],
            )
        }
        Outcome::Done(Cancelled::Now(_)) => ok(
            CANCELLED,
            &[
                "Thank you for letting us know: your place goes to the next person waiting.",
                NO_MORE_EMAIL,
            ],
        ),
        Outcome::Done(Cancelled::Deleted(_)) => ok(
            CANCELLED,
            &[
                "We have deleted the registration and everything it held.",
                NO_MORE_EMAIL,
            ],
        ),
        Outcome::Refused(problem) => refused_page(problem),
    }
}

/// A 200 page without a button.
fn ok(heading: &'static str, paragraphs: &[&str]) -> ActionPage {
    ActionPage {
        status: StatusCode::OK,
        heading,
        paragraphs: owned(paragraphs),
        button: None,
    }
}

fn owned(paragraphs: &[&str]) -> Vec<String> {
    paragraphs.iter().map(|p| (*p).to_owned()).collect()
}

/// What the page says before the button, by where the registration stands.
fn active_page(status: RegistrationStatus) -> ActionPage {
    match status {
        RegistrationStatus::Pending => ok(
            "Cancel this registration?",
            &[
                "If you did not register for this webinar, or no longer want to, cancel here: we delete the registration and everything it holds.",
            ],
        ),
        RegistrationStatus::Waitlisted => ok(
            "Leave the waiting list?",
            &[
                "If you can no longer attend, cancel here. We will send you no further email about this webinar.",
            ],
        ),
        _ => ok(
            "Cancel your registration?",
            &[
                "If you can no longer attend, cancel here so that your seat goes to the next person waiting. We will send you no further email about this webinar.",
            ],
        ),
    }
}

/// The page of a refused page or action.
fn refused_page(problem: Problem) -> ActionPage {
    let (heading, paragraphs): (&'static str, &'static [&'static str]) = match problem {
        Problem::MissingToken => (
            "This link is incomplete",
            &["Open the whole cancel link from your email; some email programs cut long links."],
        ),
        Problem::UnknownToken => (
            "This link is not valid",
            &[
                "The cancel link is unknown or was changed, or the registration was already deleted. Open the link from your latest email about this webinar.",
            ],
        ),
        Problem::EventStarted => (
            "The webinar has started",
            &["Registrations can no longer be cancelled once the webinar has begun."],
        ),
        Problem::CrossSite => (
            "Please cancel from the link in your email",
            &[
                "This request came from another site. Open the cancel link from your email and press the button there.",
            ],
        ),
        Problem::Unavailable | Problem::Internal => (
            "We could not cancel your registration just now",
            &["Your link stays valid; please try again in a few minutes."],
        ),
        other => return generic(other),
    };
    ActionPage {
        status: problem.status(),
        heading,
        paragraphs: owned(paragraphs),
        button: None,
    }
}

/// A refusal no participant meets by following a link: the problem's own words.
fn generic(problem: Problem) -> ActionPage {
    ActionPage {
        status: problem.status(),
        heading: problem.title(),
        paragraphs: owned(match problem {
            Problem::NotFound => &["There is nothing at this address."],
            Problem::MethodNotAllowed => &["Open the cancel link from your email."],
            _ => &["Open the cancel link from your email and press the button there."],
        }),
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
            assert_eq!(page.button, Some("Cancel my registration"), "{status}");
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
