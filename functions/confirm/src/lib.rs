//! The `confirm` function's HTTP edge. `GET /registrations/confirm?token=…` shows
//! where the registration stands, with one button that posts the token back;
//! `POST /registrations/confirm` confirms. The link routes' shared edge
//! ([`serve_action`]) answers; this route gives it the confirmer's calls and its
//! page table.

use lambda_http::http::StatusCode;
use lambda_http::{Body, Request, Response};
use registration::config::AllowedOrigins;
use registration::mail::Mailer;
use registration::platform::clock::Clock;
use registration::program::ProgramSettings;
use registration::store::{Registration, RegistrationStore};
use registration::use_cases::confirming::{ConfirmError, ConfirmPage, Confirmed, Confirmer};
use registration::web::{
    ActionOutcome, ActionPage, ActionRoute, ButtonStyle, Problem, Words, serve_action,
};
use serde_json::json;
use std::sync::Arc;

pub async fn handle<S, M, C>(confirmer: &Confirmer<S, M, C>, request: Request) -> Response<Body>
where
    S: RegistrationStore,
    M: Mailer + Clone + 'static,
    C: Clock + Clone + 'static,
{
    serve_action(&ConfirmLink(confirmer), request).await
}

/// The confirmation link's route: the confirmer behind it.
struct ConfirmLink<'a, S, M, C>(&'a Confirmer<S, M, C>);

impl<S, M, C> ActionRoute for ConfirmLink<'_, S, M, C>
where
    S: RegistrationStore,
    M: Mailer + Clone + 'static,
    C: Clock + Clone + 'static,
{
    const PATH: &'static str = "/registrations/confirm";
    const BUTTON_STYLE: ButtonStyle = ButtonStyle::Primary;
    const FAILED: &'static str = "confirmation failed";
    type Found = ConfirmPage;
    type Done = Confirmed;

    async fn program(&self, token: Option<&str>) -> Option<Arc<ProgramSettings>> {
        self.0.page_program(token).await
    }

    fn allowed_origins(&self) -> &AllowedOrigins {
        &self.0.config.allowed_origins
    }

    async fn check(&self, token: Option<&str>) -> Result<ConfirmPage, ConfirmError> {
        self.0.check(token).await
    }

    async fn act(&self, token: Option<&str>) -> Result<Confirmed, ConfirmError> {
        self.0.confirm(token).await
    }

    fn done_json(done: &Confirmed) -> serde_json::Value {
        confirmed_json(done)
    }

    fn page_for(outcome: Outcome<'_>) -> ActionPage {
        page_for(outcome)
    }
}

/// What a request to the confirmation link came to.
type Outcome<'a> = ActionOutcome<'a, ConfirmPage, Confirmed>;

/// `{"registration_id", "status", "waitlist_position"}`, as the contract gives it.
pub fn confirmed_json(done: &Confirmed) -> serde_json::Value {
    let (registration, position): (&Registration, Option<u32>) = match done {
        Confirmed::Now(r) | Confirmed::Already(r) => (r, None),
        Confirmed::Waitlisted(r, position) => (r, Some(*position).filter(|p| *p > 0)),
    };
    let status = if matches!(done, Confirmed::Waitlisted(..)) {
        "waitlisted"
    } else {
        "confirmed"
    };
    json!({
        "registration_id": registration.registration_id,
        "status": status,
        "waitlist_position": position,
    })
}

/// The page table: every outcome of a confirmation link, and the page it
/// gets (its words are catalog messages, said in the page's language).
fn page_for(outcome: Outcome<'_>) -> ActionPage {
    match outcome {
        Outcome::Shown(ConfirmPage::Pending(_)) => ActionPage {
            button: Some("confirm-button"),
            ..ok("confirm-heading", Words::Message("confirm-prompt"))
        },
        Outcome::Shown(ConfirmPage::Confirmed(_)) | Outcome::Done(Confirmed::Already(_)) => {
            ok("confirmed-heading", Words::Message("confirmed-already"))
        }
        Outcome::Shown(ConfirmPage::Waitlisted(_, position))
        | Outcome::Done(Confirmed::Waitlisted(_, position)) => {
            ok("waitlisted-heading", Words::Place(*position))
        }
        Outcome::Done(Confirmed::Now(_)) => {
            ok("confirmed-heading", Words::Message("confirmed-now"))
        }
        Outcome::Refused(problem) => refused_page(problem),
    }
}

/// A 200 page without a button.
fn ok(heading: &'static str, paragraph: Words) -> ActionPage {
    ActionPage {
        status: StatusCode::OK,
        heading: Words::Message(heading),
        paragraphs: vec![paragraph],
        button: None,
    }
}

/// The page of a refused page or action.
fn refused_page(problem: Problem) -> ActionPage {
    let (heading, paragraph) = match problem {
        Problem::MissingToken => ("link-incomplete-heading", "confirm-incomplete"),
        Problem::UnknownToken => ("link-invalid-heading", "confirm-invalid"),
        Problem::EventStarted => ("link-started-heading", "confirm-started"),
        Problem::CrossSite => ("confirm-cross-site-heading", "confirm-cross-site"),
        Problem::Unavailable | Problem::Internal => ("confirm-failed-heading", "link-kept"),
        other => {
            return ActionPage {
                status: other.status(),
                heading: Words::ProblemTitle(other),
                paragraphs: vec![Words::ProblemDetail(other)],
                button: None,
            };
        }
    };
    ActionPage {
        status: problem.status(),
        heading: Words::Message(heading),
        paragraphs: vec![Words::Message(paragraph)],
        button: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use registration::store::StoreError;

    #[test]
    fn each_confirmation_error_has_its_contract_status() {
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
            assert_eq!(page_for(Outcome::refused(&err)).status, status, "{err:?}");
        }
        for (problem, status) in [
            (Problem::CrossSite, 403),
            (Problem::NotFound, 404),
            (Problem::MethodNotAllowed, 405),
            (Problem::MalformedBody, 400),
            (Problem::UnsupportedMediaType, 415),
            (Problem::PayloadTooLarge, 413),
        ] {
            assert_eq!(page_for(Outcome::Refused(problem)).status, status);
        }
    }

    fn registration() -> Registration {
        serde_json::from_value(json!({
            "pk": "k", "event_id": "e", "registration_id": "r-1", "full_name": "A",
            "email": "a@example.org", "country": "PK", "organization": "O",
            "status": "pending", "registered_at": "2022-09-20T00:00:00Z",
            "link_base": "https://x.example", "expires_at": 1700000000
        }))
        .unwrap()
    }

    #[test]
    fn only_a_pending_registrations_page_has_the_button() {
        let r = registration();
        let pending = page_for(Outcome::Shown(&ConfirmPage::Pending(r.clone())));
        assert_eq!(
            (pending.status, pending.button.is_some()),
            (StatusCode::OK, true)
        );
        for page in [
            page_for(Outcome::Shown(&ConfirmPage::Confirmed(r.clone()))),
            page_for(Outcome::Shown(&ConfirmPage::Waitlisted(r.clone(), 3))),
            page_for(Outcome::Done(&Confirmed::Now(r.clone()))),
        ] {
            assert_eq!((page.status, page.button), (StatusCode::OK, None));
        }
        let line = page_for(Outcome::Done(&Confirmed::Waitlisted(r, 3)));
        assert_eq!(line.paragraphs, [Words::Place(3)]);
        assert_eq!(line.heading, Words::Message("waitlisted-heading"));
    }

    #[test]
    fn the_json_answer_says_confirmed_or_waitlisted_with_the_place() {
        let r = registration();
        assert_eq!(
            confirmed_json(&Confirmed::Now(r.clone())),
            json!({"registration_id": "r-1", "status": "confirmed", "waitlist_position": null})
        );
        assert_eq!(
            confirmed_json(&Confirmed::Already(r.clone()))["status"],
            "confirmed"
        );
        assert_eq!(
            confirmed_json(&Confirmed::Waitlisted(r, 7)),
            json!({"registration_id": "r-1", "status": "waitlisted", "waitlist_position": 7})
        );
    }
}
