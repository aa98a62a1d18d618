//! The caps on confirmation emails, whoever sends them (`register` or the paced
//! run): per event and clock hour, and per mailbox and UTC day across events.
//! Both counters are taken at once; what was taken for an email that does not
//! leave is given back. `register` takes them beside the put of the
//! registration, before it knows whether the put stores one: concurrent
//! duplicates of one address take slots they give back, and the one stored
//! waits for them when they filled its mailbox's day.

use super::Mailbox;
use crate::clock::random_hex;
use crate::config::EmailLimits;
use crate::store::{LimitCounter, RegistrationStore};
use crate::window::{HourWindow, UtcDay};
use jiff::Timestamp;
use std::time::Duration;

/// How long a registration just stored waits, in all, for the slots that
/// concurrent duplicates of its address took in its mailbox and give back
/// (each gives its own back one round trip after its put was refused): the
/// waits between one try and the next.
const DUPLICATES_GIVE_BACK: [Duration; 5] = [
    Duration::from_millis(25),
    Duration::from_millis(50),
    Duration::from_millis(100),
    Duration::from_millis(200),
    Duration::from_millis(400),
];

/// The counters taken for one confirmation email.
#[derive(Debug, Default)]
#[must_use = "slots not used for an email must be given back"]
pub struct EmailSlots {
    /// What was counted (both counters when the email may go).
    taken: Vec<LimitCounter>,
    /// Why the email may not go now, when it may not.
    refused: Option<String>,
    /// The mailbox's counter, when its day was full (and the hour's was not).
    mailbox_full: Option<(LimitCounter, u32)>,
}

impl EmailSlots {
    /// Take one slot of each cap for an email to `address` about `event_id`.
    pub async fn take(
        store: &impl RegistrationStore,
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
            email: random_hex::<8>(),
        };
        let (by_hour, by_mailbox) = futures::join!(
            store.take_slot(&hour, limits.per_hour),
            store.take_slot(&mailbox, limits.per_mailbox_per_day),
        );
        let mut slots = Self::default();
        if matches!((&by_hour, &by_mailbox), (Ok(true), Ok(false))) {
            slots.mailbox_full = Some((mailbox.clone(), limits.per_mailbox_per_day));
        }
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

    /// For a registration just stored: when its mailbox's day was full, try
    /// again while concurrent duplicates of its address give their slots back.
    /// A day that stays full (other emails used it) costs these waits and
    /// their conditional writes, and the email is left for the run as before.
    pub async fn after_duplicates(mut self, store: &impl RegistrationStore) -> Self {
        let Some((mailbox, limit)) = self.mailbox_full.take() else {
            return self;
        };
        for wait in DUPLICATES_GIVE_BACK {
            tokio::time::sleep(wait).await;
            match store.take_slot(&mailbox, limit).await {
                Ok(true) => {
                    self.taken.push(mailbox);
                    self.refused = None;
                    return self;
                }
                Ok(false) => {}
                Err(err) => {
                    self.refused = Some(format!("an email cap could not be checked: {err}"));
                    return self;
                }
            }
        }
        self
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
    pub async fn give_back(self, store: &impl RegistrationStore) {
        let returns = self.taken.iter().map(|c| store.give_back_slot(c));
        for result in futures::future::join_all(returns).await {
            if let Err(err) = result {
                tracing::warn!(error = %err, "could not give back an email cap's slot");
            }
        }
    }
}
