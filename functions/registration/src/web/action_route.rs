//! The one edge of the routes behind an emailed link (`/registrations/confirm`,
//! `/registrations/cancel`): a GET shows the link's page, with one button that
//! posts the token back; a POST acts; a refused request gets its problem. Each
//! request is one call into the route's use case, and its outcome one row of the
//! route's page table. A route supplies only its path, its calls and its table.

use super::{
    ActionRequest, Button, ButtonStyle, LanguageAsked, Masthead, Problem, Reply, action_page,
    html_response, json_response, problem_json,
};
use crate::config::AllowedOrigins;
use crate::i18n::{Arg, Catalog, Language};
use crate::program::ProgramSettings;
use crate::use_cases::action::ActionError;
use lambda_http::http::StatusCode;
use lambda_http::{Body, Request, Response};
use serde_json::Value;
use std::sync::Arc;

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

    /// The program the token names (without one: the deployment's own), for
    /// the page's title, host and languages; `None` when there is neither.
    fn program(&self, token: Option<&str>) -> impl Future<Output = Option<Arc<ProgramSettings>>>;
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
/// link's page when there is something to do, the button's label, each as
/// the catalog words the page's language says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionPage {
    pub status: StatusCode,
    pub heading: Words,
    pub paragraphs: Vec<Words>,
    /// The id of the button's catalog message.
    pub button: Option<&'static str>,
}

/// Words of a link's page, said in the page's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Words {
    /// A catalog message without placeholders, by its id.
    Message(&'static str),
    /// The waiting list's place (0: not known), `waitlisted-place`.
    Place(u32),
    /// A problem's title, for a refusal no link leads to.
    ProblemTitle(Problem),
    ProblemDetail(Problem),
}

impl Words {
    pub fn say(self, language: Language) -> String {
        let cat = Catalog::new(language);
        match self {
            Words::Message(id) => cat.text(id),
            Words::Place(position) => cat.format(
                "waitlisted-place",
                &[("position", Arg::Number(position.into()))],
            ),
            Words::ProblemTitle(problem) => problem.title_in(language),
            Words::ProblemDetail(problem) => problem.detail_in(language),
        }
    }
}

/// Answer one request to `route`'s path, in the language the request asks
/// for (`?lang=`, which the button's action keeps; `Accept-Language`) among
/// the program's.
pub async fn serve_action<R: ActionRoute>(route: &R, request: Request) -> Response<Body> {
    let asked = LanguageAsked::of(&request);
    match ActionRequest::read(&request, R::PATH, route.allowed_origins()) {
        ActionRequest::Show { token } => {
            let found = route.check(token.as_deref()).await;
            log_failure::<R, _>(&found);
            let frame = frame(
                route.program(token.as_deref()).await,
                &asked,
                token.as_deref(),
            );
            let outcome = found
                .as_ref()
                .map_or_else(ActionOutcome::refused, ActionOutcome::Shown);
            html::<R>(&R::page_for(outcome), &frame, token.as_deref())
        }
        ActionRequest::Act { reply, token } => {
            let done = route.act(token.as_deref()).await;
            log_failure::<R, _>(&done);
            let frame = frame(
                route.program(token.as_deref()).await,
                &asked,
                token.as_deref(),
            );
            let outcome = done
                .as_ref()
                .map_or_else(ActionOutcome::refused, ActionOutcome::Done);
            answer::<R>(reply, outcome, &frame)
        }
        ActionRequest::Refused { reply, problem } => {
            let frame = frame(route.program(None).await, &asked, None);
            answer::<R>(reply, ActionOutcome::Refused(problem), &frame)
        }
    }
}

/// The top of a link's page, in the language `asked` chooses among the
/// program's (without a program, among all). Its switcher links to the same
/// page in another language, keeping the token.
fn frame(
    program: Option<Arc<ProgramSettings>>,
    asked: &LanguageAsked,
    token: Option<&str>,
) -> Masthead {
    let Some(program) = program else {
        return Masthead::without_program(asked.among(&Language::ALL));
    };
    let masthead = Masthead::of(&program, asked.among(&program.languages));
    // A token is URL-safe (base64url and dots); anything else is left out of the links.
    let keep = token
        .map(str::trim)
        .filter(|t| {
            !t.is_empty()
                && t.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b))
        })
        .map_or_else(|| "?".to_owned(), |token| format!("?token={token}&"));
    Masthead {
        page: masthead.page.linking_to(keep),
        ..masthead
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
    frame: &Masthead,
) -> Response<Body> {
    match (reply, &outcome) {
        (Reply::Json, ActionOutcome::Done(done)) => {
            json_response(StatusCode::OK, &R::done_json(done))
        }
        (Reply::Json, ActionOutcome::Refused(problem)) => {
            problem_json(*problem, None, frame.language())
        }
        _ => html::<R>(&R::page_for(outcome), frame, None),
    }
}

/// The page as HTML; the button, if the page has one, posts `token` back.
fn html<R: ActionRoute>(
    page: &ActionPage,
    frame: &Masthead,
    token: Option<&str>,
) -> Response<Body> {
    let language = frame.language();
    let label = page.button.map(|id| Catalog::new(language).text(id));
    let button = label.as_deref().zip(token).map(|(label, token)| Button {
        action: R::PATH,
        token,
        label,
        style: R::BUTTON_STYLE,
    });
    let paragraphs: Vec<String> = page.paragraphs.iter().map(|w| w.say(language)).collect();
    html_response(
        page.status,
        action_page(frame, &page.heading.say(language), &paragraphs, button),
    )
}

#[cfg(test)]
#[path = "action_route_tests.rs"]
mod tests;
