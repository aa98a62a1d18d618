//! The one edge of the routes behind an emailed link (`/registrations/confirm`,
//! `/registrations/cancel`): a GET shows the link's page, with one button that
//! posts the token back; a POST acts; a refused request gets its problem. Each
//! request is one call into the route's use case, and its outcome one row of the
//! route's page table. A route supplies only its path, its calls and its table.

use super::{
    ActionRequest, Button, ButtonStyle, Problem, Reply, action_page, html_response, json_response,
    problem_json,
};
use crate::config::AllowedOrigins;
use crate::use_cases::action::ActionError;
use lambda_http::http::StatusCode;
use lambda_http::{Body, Request, Response};
use serde_json::Value;

/// What one link's route adds to the shared edge.
pub trait ActionRoute {
    /// The route's path, as the contract gives it.
    const PATH: &'static str;
    /// How the page's button looks.
    const BUTTON_STYLE: ButtonStyle;
    /// The error log's message when the registration could not be read or changed.
    const FAILED: &'static str;
    /// Where the registration stands, as the link's page shows it.
    type Found;
    /// What the action did (or had already done).
    type Done;

    /// The page's title: the program the token names (`None`: the
    /// deployment's own).
    fn event_title(&self, token: Option<&str>) -> impl Future<Output = String>;
    fn allowed_origins(&self) -> &AllowedOrigins;
    /// The link's page: changes nothing.
    fn check(&self, token: Option<&str>) -> impl Future<Output = Result<Self::Found, ActionError>>;
    /// The button's action.
    fn act(&self, token: Option<&str>) -> impl Future<Output = Result<Self::Done, ActionError>>;
    /// The action's answer to a JSON client, as the contract gives it.
    fn done_json(done: &Self::Done) -> Value;
    /// The page table: every outcome of the link, and the page it gets.
    fn page_for(outcome: ActionOutcome<'_, Self::Found, Self::Done>) -> ActionPage;
}

/// What a request to a link's route came to.
#[derive(Debug)]
pub enum ActionOutcome<'a, Found, Done> {
    /// The link's page (GET).
    Shown(&'a Found),
    /// The button's action (POST).
    Done(&'a Done),
    Refused(Problem),
}

impl<Found, Done> ActionOutcome<'_, Found, Done> {
    pub fn refused(err: &ActionError) -> Self {
        Self::Refused(Problem::from(err))
    }
}

/// What the participant sees: a status, a heading, a few paragraphs and, on the
/// link's page when there is something to do, the button's label.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionPage {
    pub status: StatusCode,
    pub heading: &'static str,
    pub paragraphs: Vec<String>,
    pub button: Option<&'static str>,
}

/// Answer one request to `route`'s path.
pub async fn serve_action<R: ActionRoute>(route: &R, request: Request) -> Response<Body> {
    match ActionRequest::read(&request, R::PATH, route.allowed_origins()) {
        ActionRequest::Show { token } => {
            let found = route.check(token.as_deref()).await;
            log_failure::<R, _>(&found);
            let title = &route.event_title(token.as_deref()).await;
            let outcome = found
                .as_ref()
                .map_or_else(ActionOutcome::refused, ActionOutcome::Shown);
            html::<R>(&R::page_for(outcome), title, token.as_deref())
        }
        ActionRequest::Act { reply, token } => {
            let done = route.act(token.as_deref()).await;
            log_failure::<R, _>(&done);
            let title = &route.event_title(token.as_deref()).await;
            let outcome = done
                .as_ref()
                .map_or_else(ActionOutcome::refused, ActionOutcome::Done);
            answer::<R>(reply, outcome, title)
        }
        ActionRequest::Refused { reply, problem } => {
            let title = &route.event_title(None).await;
            answer::<R>(reply, ActionOutcome::Refused(problem), title)
        }
    }
}

/// The cause of a store failure, logged; the participant sees only the page.
fn log_failure<R: ActionRoute, T>(outcome: &Result<T, ActionError>) {
    if let Err(ActionError::Store(cause)) = outcome {
        tracing::error!(error = %cause, "{}", R::FAILED);
    }
}

/// The answer to a POST: JSON for a JSON client, else the page.
fn answer<R: ActionRoute>(
    reply: Reply,
    outcome: ActionOutcome<'_, R::Found, R::Done>,
    title: &str,
) -> Response<Body> {
    match (reply, &outcome) {
        (Reply::Json, ActionOutcome::Done(done)) => {
            json_response(StatusCode::OK, &R::done_json(done))
        }
        (Reply::Json, ActionOutcome::Refused(problem)) => problem_json(*problem, None),
        _ => html::<R>(&R::page_for(outcome), title, None),
    }
}

/// The page as HTML; the button, if the page has one, posts `token` back.
fn html<R: ActionRoute>(page: &ActionPage, title: &str, token: Option<&str>) -> Response<Body> {
    let button = page.button.zip(token).map(|(label, token)| Button {
        action: R::PATH,
        token,
        label,
        style: R::BUTTON_STYLE,
    });
    html_response(
        page.status,
        action_page(title, page.heading, &page.paragraphs, button),
    )
}

#[cfg(test)]
#[path = "action_route_tests.rs"]
mod tests;
