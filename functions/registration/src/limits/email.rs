//! The caps on confirmation emails, whoever sends them (`register` or the paced
//! run): per event and clock hour, and per mailbox and UTC day across events.
//! Both counters are taken at once; what was taken for an email that does not
//! leave is given back.

use super::Mailbox;
use crate::config::EmailLimits;
use crate::platform::window::{HourWindow, UtcDay};
use crate::store::{LimitCounter, LimitCounters};
use jiff::Timestamp;

/// The counters taken for one confirmation email.
#[derive(Debug, Default)]
#[must_use = "slots not used for an email must be given back"]
pub struct EmailSlots {
    /// What was counted (both counters when the email may go).
    taken: Vec<LimitCounter>,
    /// Why the email may not go now, when it may not.
    refused: Option<String>,
}

impl EmailSlots {
    /// Take one slot of each cap for an email to `address` about `event_id`.
    pub async fn take(
        store: &impl LimitCounters,
        limits: &EmailLimits,
        event_id: &str,
        address: &str,
        now: Timestamp,
    ) -> Self {
        let day = UtcDay::of(now);
        let hour = LimitCounter::ConfirmationEmails {
            event_id: event_id.to_owned(),
            window: HourWindow::of(now),
        };
        let mailbox = LimitCounter::MailboxEmails {
            day,
            mailbox: limits.key.mailbox(day, &Mailbox::of(address)),
        };
        let (by_hour, by_mailbox) = futures::join!(
            store.take_slot(&hour, limits.per_hour),
            store.take_slot(&mailbox, limits.per_mailbox_per_day),
        );
        let mut slots = Self::default();
        for (counter, taken, reached) in [
            (
                hour,
                by_hour,
                "the hour's confirmation email cap is reached",
            ),
            (
                mailbox,
                by_mailbox,
                "the mailbox's confirmation emails for the day are used up",
            ),
        ] {
            match taken {
                Ok(true) => slots.taken.push(counter),
                Ok(false) => slots.refused = Some(reached.to_owned()),
                Err(err) => {
                    slots.refused = Some(format!("an email cap could not be checked: {err}"))
                }
            }
        }
        slots
    }

    /// Whether the email may go now.
    pub fn allowed(&self) -> bool {
        self.refused.is_none()
    }

    /// Why it may not.
    pub fn refusal(&self) -> Option<&str> {
        self.refused.as_deref()
    }

    /// Whether no slot was taken (nothing to give back).
    pub fn is_empty(&self) -> bool {
        self.taken.is_empty()
    }

    /// Give back every slot taken (the email did not leave). A failure is
    /// logged: the count then stays one too high until its window ends.
    pub async fn give_back(self, store: &impl LimitCounters) {
        let returns = self.taken.iter().map(|c| store.give_back_slot(c));
        for result in futures::future::join_all(returns).await {
            if let Err(err) = result {
                tracing::warn!(error = %err, "could not give back an email cap's slot");
            }
        }
    }
}
