//! The commands that change a registration, each one call into the library:
//! `resend` puts it back in an outbox, `cancel` is the participant's cancel,
//! `erase` deletes it with its seat or place in line. Freed seats go to the
//! first in line at the next send-links run, which fills them.

use crate::audit::Done;
use crate::failure::Failure;
use jiff::Timestamp;
use registration::domain::key::RegistrationKey;
use registration::domain::{EmailAddress, RegistrationStatus};
use registration::store::{CancelOutcome, Erased, EventRegistrations, Outbox, Requeued, Seats};

pub async fn resend<S: EventRegistrations>(
    store: &S,
    key: &RegistrationKey,
    email: &EmailAddress,
    confirmation: bool,
) -> Result<Done, Failure> {
    let program = key.event_id().to_owned();
    let outbox = if confirmation {
        Outbox::Confirmation
    } else {
        Outbox::Link
    };
    let what = if confirmation { "confirmation" } else { "link" };
    match store.requeue(key, outbox).await? {
        Requeued::Queued(r) => Ok(Done::action(
            format!("queued: the {what} email to {email}; the next send-links run sends it once\n"),
            "resend",
            &program,
            Some(&r.registration_id),
        )),
        Requeued::AlreadyQueued(r) => Ok(Done::read(format!(
            "already queued: {email} waits in the {} outbox; the next send-links run sends it\n",
            r.owes().map_or("", Outbox::as_str)
        ))),
        Requeued::NotDue(None) => Err(Failure::NoSuchRegistration(email.to_string())),
        Requeued::NotDue(Some(r)) if r.unreachable => Err(Failure::NotApplicable(format!(
            "{email} is unreachable (a permanent bounce or a complaint): no email goes to it"
        ))),
        Requeued::NotDue(Some(r)) if r.status == RegistrationStatus::Pending && !confirmation => {
            Err(Failure::NotApplicable(format!(
                "{email} is pending: it gets the link once confirmed; use --confirmation to send the confirmation email again"
            )))
        }
        Requeued::NotDue(Some(r)) => Err(Failure::NotApplicable(format!(
            "{email} is {}: no {what} email is due",
            r.status.as_str()
        ))),
    }
}

pub async fn cancel<S: EventRegistrations + Seats>(
    store: &S,
    key: &RegistrationKey,
    email: &EmailAddress,
) -> Result<Done, Failure> {
    let program = key.event_id().to_owned();
    let cancelled = |out: String, id: &str| Done::action(out, "cancel", &program, Some(id));
    match store.cancel(key, Timestamp::now()).await? {
        CancelOutcome::Cancelled(r, _) => Ok(cancelled(
            format!(
                "cancelled: {email}; a freed seat goes to the first in line at the next send-links run\n"
            ),
            &r.registration_id,
        )),
        CancelOutcome::Deleted(r) => Ok(cancelled(
            format!(
                "deleted: {email} was pending (never confirmed), so it is gone with everything it held\n"
            ),
            &r.registration_id,
        )),
        CancelOutcome::Refused(Some(_)) => Ok(Done::read(format!("already cancelled: {email}\n"))),
        CancelOutcome::Refused(None) => Err(Failure::NoSuchRegistration(email.to_string())),
    }
}

pub async fn erase<S: EventRegistrations>(
    store: &S,
    key: &RegistrationKey,
    email: &EmailAddress,
) -> Result<Done, Failure> {
    match store.erase(key).await? {
        Erased::Deleted(was) => {
            let seat = match was.status {
                RegistrationStatus::Confirmed => {
                    "; its seat goes to the first in line at the next send-links run"
                }
                RegistrationStatus::Waitlisted => "; it left the waiting list",
                _ => "",
            };
            let out = format!("erased: {email} (was {}){seat}\n", was.status.as_str());
            let program = key.event_id();
            Ok(Done::action(
                out,
                "erase",
                program,
                Some(&was.registration_id),
            ))
        }
        Erased::Absent => Err(Failure::NoSuchRegistration(email.to_string())),
    }
}
