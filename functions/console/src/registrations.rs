//! A program's registrations in the console: the list (filters, search, 50 a
//! page), one registration, and its actions (resend, cancel, erase), each
//! action written to the audit log with the registration id, never the address.

use crate::edge::{field, form, query, see_other};
use crate::pages::{self, ListView, RegistrationView};
use crate::roster::{self, ListQuery};
use crate::sign_in::Organizer;
use crate::{Console, not_found};
use lambda_http::{Body, Request, Response};
use registration::domain::EmailAddress;
use registration::domain::key::RegistrationKey;
use registration::domain::lifecycle::RegistrationStatus;
use registration::mail::Mailer;
use registration::platform::clock::Clock;
use registration::program::{Language, ProgramId};
use registration::store::{
    EventCursor, EventRegistrations, Outbox, Registration, Registrations, Seats, StoreError,
};

type Answer = Result<Response<Body>, StoreError>;

/// `/organizer/programs/{id}/registrations[/{key}[/{action}]]`, split.
pub struct Route<'a> {
    pub program: &'a str,
    pub key: Option<&'a str>,
    pub action: Option<&'a str>,
}

impl<'a> Route<'a> {
    pub fn parse(path: &'a str) -> Option<Self> {
        let rest = path.strip_prefix("/organizer/programs/")?;
        let mut parts = rest.split('/');
        let program = parts.next()?;
        if parts.next()? != "registrations" {
            return None;
        }
        let (key, action) = (parts.next(), parts.next());
        parts.next().is_none().then_some(Self {
            program,
            key,
            action,
        })
    }
}

impl<M: Mailer, C: Clock> Console<M, C> {
    /// Whether `id` is a program of this deployment: its own or a published one.
    pub(crate) async fn known_program(&self, id: &str) -> Result<bool, StoreError> {
        Ok(self.program_language(id).await?.is_some())
    }

    /// The first language of the program `id` (the one of its registrations
    /// stored without a language); `None` when there is no such program.
    pub(crate) async fn program_language(&self, id: &str) -> Result<Option<Language>, StoreError> {
        if let Some(own) = self
            .config
            .own_program
            .as_ref()
            .filter(|p| p.id.as_ref() == id)
        {
            return Ok(Some(own.default_language()));
        }
        let Ok(id) = ProgramId::parse(id) else {
            return Ok(None);
        };
        let published = self.store.published_program(&id).await?;
        Ok(published.map(|p| p.settings.default_language()))
    }

    async fn registration(
        &self,
        program: &str,
        key_id: &str,
    ) -> Result<Option<Registration>, StoreError> {
        let Some(key) = RegistrationKey::from_id(program, key_id) else {
            return Ok(None);
        };
        let now = self.clock.now();
        Ok(self.store.get(&key).await?.filter(|r| r.expires_at > now))
    }
}

/// Answer a request to a program's registrations.
pub async fn serve<M: Mailer, C: Clock>(
    console: &Console<M, C>,
    organizer: &Organizer,
    request: &Request,
    route: Route<'_>,
    post: bool,
) -> Answer {
    if !console.known_program(route.program).await? {
        return Ok(not_found());
    }
    match (post, route.key, route.action) {
        (false, None, None) => list(console, organizer, request, route.program).await,
        (false, Some(key), None) => show(console, organizer, route.program, key, None).await,
        (true, Some(key), Some(action)) => {
            act(console, organizer, request, route.program, key, action).await
        }
        _ => Ok(not_found()),
    }
}

fn list_query(request: &Request) -> ListQuery {
    ListQuery {
        status: query(request, "status").and_then(|s| {
            RegistrationStatus::ALL
                .into_iter()
                .find(|k| k.as_str() == s)
        }),
        country: query(request, "country").map(|c| c.trim().to_ascii_uppercase()),
        unreachable_only: query(request, "unreachable").is_some(),
        text: query(request, "q")
            .filter(|q| !q.contains('@'))
            .map(|q| roster::fold(&q))
            .filter(|q| !q.is_empty()),
    }
}

async fn list<M: Mailer, C: Clock>(
    console: &Console<M, C>,
    organizer: &Organizer,
    request: &Request,
    program: &str,
) -> Answer {
    let now = console.clock.now();
    let search = query(request, "q").unwrap_or_default();
    let filter = list_query(request);
    let (registrations, next) = if search.contains('@') {
        // A whole address: one key lookup, whatever its case.
        let found = match EmailAddress::parse(search.trim()) {
            Ok(address) => roster::by_address(&console.store, program, &address, now).await?,
            Err(_) => None,
        };
        (found.into_iter().collect(), None)
    } else {
        let after = query(request, "after").and_then(|a| EventCursor::from_text(&a, program));
        let page = roster::list_page(&console.store, program, &filter, after, now).await?;
        (page.registrations, page.next.map(|n| n.to_text()))
    };
    let view = ListView::new(program, &filter, &search, &registrations, next);
    Ok(pages::list(&organizer.address, &view))
}

async fn show<M: Mailer, C: Clock>(
    console: &Console<M, C>,
    organizer: &Organizer,
    program: &str,
    key_id: &str,
    notice: Option<&str>,
) -> Answer {
    let Some(registration) = console.registration(program, key_id).await? else {
        return Ok(not_found());
    };
    let key = RegistrationKey::from_id(program, key_id).expect("checked by the read");
    let position = console.store.waitlist_position(&key).await?;
    let Some(first) = console.program_language(program).await? else {
        return Ok(not_found());
    };
    let view = RegistrationView::new((program, first), key_id, &registration, position, notice);
    Ok(pages::registration(&organizer.address, &view))
}

/// Resend, cancel or erase; then the registration's page (or, once erased,
/// the list) with what happened.
async fn act<M: Mailer, C: Clock>(
    console: &Console<M, C>,
    organizer: &Organizer,
    request: &Request,
    program: &str,
    key_id: &str,
    action: &str,
) -> Answer {
    let Some(registration) = console.registration(program, key_id).await? else {
        return Ok(not_found());
    };
    let key = RegistrationKey::from_id(program, key_id).expect("checked by the read");
    let notice = match action {
        "resend" => resend(console, &key, &registration).await?,
        "cancel" => cancel(console, &key).await?,
        "erase" => {
            let fields = form(request);
            let typed = field(&fields, "email").unwrap_or_default().trim();
            if !typed.eq_ignore_ascii_case(&registration.email) {
                let notice = "Nothing was erased: type the participant's address exactly to erase.";
                return show(console, organizer, program, key_id, Some(notice)).await;
            }
            console.store.erase(&key).await?;
            let id = Some(registration.registration_id.as_str());
            console.audit(organizer, "erase", Some(program), id).await?;
            return Ok(see_other(
                &format!("/organizer/programs/{program}/registrations"),
                None,
            ));
        }
        _ => return Ok(not_found()),
    };
    let id = Some(registration.registration_id.as_str());
    console.audit(organizer, action, Some(program), id).await?;
    if console.registration(program, key_id).await?.is_none() {
        return Ok(see_other(
            &format!("/organizer/programs/{program}/registrations"),
            None,
        ));
    }
    show(console, organizer, program, key_id, Some(notice)).await
}

async fn resend<M: Mailer, C: Clock>(
    console: &Console<M, C>,
    key: &RegistrationKey,
    registration: &Registration,
) -> Result<&'static str, StoreError> {
    let outbox = match registration.status {
        RegistrationStatus::Pending => Outbox::Confirmation,
        _ => Outbox::Link,
    };
    Ok(match console.store.requeue(key, outbox).await? {
        registration::store::Requeued::Queued(_) => {
            "Queued: the next send-links run sends the email once."
        }
        registration::store::Requeued::AlreadyQueued(_) => {
            "Already queued: the next send-links run sends it."
        }
        registration::store::Requeued::NotDue(_) => {
            "Nothing queued: no email is due to this registration (cancelled, waitlisted or unreachable)."
        }
    })
}

async fn cancel<M: Mailer, C: Clock>(
    console: &Console<M, C>,
    key: &RegistrationKey,
) -> Result<&'static str, StoreError> {
    use registration::store::CancelOutcome;
    Ok(
        match console.store.cancel(key, console.clock.now()).await? {
            CancelOutcome::Cancelled(..) => {
                "Cancelled: a freed seat goes to the first in line at the next send-links run."
            }
            CancelOutcome::Deleted(_) => {
                "Deleted: it was pending, so it is gone with everything it held."
            }
            CancelOutcome::Refused(_) => "Already cancelled.",
        },
    )
}
