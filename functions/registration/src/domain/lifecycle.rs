//! The registration's life cycle, as one state machine: its statuses, the
//! transitions between them, the `unreachable` flag, and which email each state
//! may receive. The store's conditional writes take their conditions from here.
//!
//! ```text
//! pending ──confirm──▶ confirmed ◀──promote── waitlisted ◀──waitlist── pending
//! pending | confirmed | waitlisted ──cancel──▶ cancelled
//! ```

use serde::{Deserialize, Serialize};

/// Where a registration stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RegistrationStatus {
    /// Waiting for its email address to be confirmed.
    Pending,
    /// Holds a seat; gets the Zoom link.
    Confirmed,
    /// Confirmed while no seat was free; gets no link until promoted.
    Waitlisted,
    /// Withdrawn; gets no further email.
    Cancelled,
}

impl RegistrationStatus {
    pub const ALL: [Self; 4] = [
        Self::Pending,
        Self::Confirmed,
        Self::Waitlisted,
        Self::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Confirmed => "confirmed",
            Self::Waitlisted => "waitlisted",
            Self::Cancelled => "cancelled",
        }
    }
}

/// A change of status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transition {
    /// The participant confirmed their address and a seat was free.
    Confirm,
    /// The participant confirmed their address and every seat was taken.
    Waitlist,
    /// A seat freed and went to this waitlisted registration.
    Promote,
    /// The participant (or the organizer) withdrew the registration.
    Cancel,
}

impl Transition {
    pub const ALL: [Self; 4] = [Self::Confirm, Self::Waitlist, Self::Promote, Self::Cancel];

    /// The statuses this transition may start from.
    pub fn from(self) -> &'static [RegistrationStatus] {
        use RegistrationStatus::*;
        match self {
            Self::Confirm | Self::Waitlist => &[Pending],
            Self::Promote => &[Waitlisted],
            Self::Cancel => &[Pending, Confirmed, Waitlisted],
        }
    }

    /// The status this transition leads to.
    pub fn to(self) -> RegistrationStatus {
        match self {
            Self::Confirm | Self::Promote => RegistrationStatus::Confirmed,
            Self::Waitlist => RegistrationStatus::Waitlisted,
            Self::Cancel => RegistrationStatus::Cancelled,
        }
    }

    /// The email a registration owes once this transition is done: a confirmed
    /// registration owes its link; any other owes nothing further.
    pub fn owes(self) -> Option<Outbox> {
        (self.to() == RegistrationStatus::Confirmed).then_some(Outbox::Link)
    }

    /// The status after this transition, or why it cannot happen.
    pub fn apply(self, status: RegistrationStatus) -> Result<RegistrationStatus, Forbidden> {
        if self.from().contains(&status) {
            Ok(self.to())
        } else {
            Err(Forbidden {
                transition: self,
                status,
            })
        }
    }
}

/// A transition asked of a status it cannot start from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a {status:?} registration cannot {transition:?}")]
pub struct Forbidden {
    pub transition: Transition,
    pub status: RegistrationStatus,
}

/// Which email a registration owes: the outbox it waits in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Outbox {
    /// The confirmation email, with the link that confirms the address.
    Confirmation,
    /// The email with the Zoom link.
    Link,
    /// The email telling a waitlisted participant that a seat freed for them,
    /// before links go out (after that, the link email says so itself).
    Promotion,
    /// The reminder, sent `REMINDER_BEFORE` the start to whoever got the link.
    Reminder,
}

impl Outbox {
    pub const ALL: [Self; 4] = [
        Self::Confirmation,
        Self::Link,
        Self::Promotion,
        Self::Reminder,
    ];

    /// The one status in which a registration may receive this email.
    pub fn due_in(self) -> RegistrationStatus {
        match self {
            Self::Confirmation => RegistrationStatus::Pending,
            Self::Link | Self::Promotion | Self::Reminder => RegistrationStatus::Confirmed,
        }
    }

    /// What is owed once this email is sent: a promoted participant still owes
    /// their link, and whoever got the link owes the reminder (sent only when
    /// `REMINDER_BEFORE` is set).
    pub fn after_sent(self) -> Option<Outbox> {
        match self {
            Self::Promotion => Some(Self::Link),
            Self::Link => Some(Self::Reminder),
            Self::Confirmation | Self::Reminder => None,
        }
    }

    /// What is owed once this email is given up on: a promoted participant
    /// still owes their link; a link never sent owes no reminder.
    pub fn after_given_up(self) -> Option<Outbox> {
        match self {
            Self::Promotion => Some(Self::Link),
            Self::Confirmation | Self::Link | Self::Reminder => None,
        }
    }

    /// The kind named by [`as_str`](Self::as_str).
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == name)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Confirmation => "confirmation",
            Self::Link => "link",
            Self::Promotion => "promotion",
            Self::Reminder => "reminder",
        }
    }
}

/// How many times a failing email is tried before the registration is given up on.
pub const MAX_EMAIL_ATTEMPTS: u32 = 5;

/// Whether a failed send counts towards [`MAX_EMAIL_ATTEMPTS`]: only what the
/// email itself caused does; an outage, a throttle or a run cut short does not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attempt {
    Counted,
    NotCounted,
    /// The email will never be due again (its registration expired): give up now.
    Final,
}

/// Something that happens to a registration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LifecycleEvent {
    Transition(Transition),
    /// Its address bounced permanently or complained: no email of any kind again.
    MarkUnreachable,
}

/// A registration's state as the life cycle sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lifecycle {
    pub status: RegistrationStatus,
    pub unreachable: bool,
}

impl Lifecycle {
    /// A registration as it is first stored.
    pub const NEW: Self = Self {
        status: RegistrationStatus::Pending,
        unreachable: false,
    };

    /// The state after an event, or why the event cannot happen. Marking an
    /// address unreachable is allowed in every status and never undone.
    pub fn apply(self, event: LifecycleEvent) -> Result<Self, Forbidden> {
        match event {
            LifecycleEvent::Transition(transition) => Ok(Self {
                status: transition.apply(self.status)?,
                ..self
            }),
            LifecycleEvent::MarkUnreachable => Ok(Self {
                unreachable: true,
                ..self
            }),
        }
    }

    /// Whether this registration may be sent the email it would owe in `outbox`.
    pub fn may_receive(self, outbox: Outbox) -> bool {
        !self.unreachable && self.status == outbox.due_in()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use RegistrationStatus::*;
    use proptest::prelude::*;

    #[test]
    fn each_transition_starts_only_where_the_life_cycle_allows() {
        let allowed: Vec<(Transition, RegistrationStatus, RegistrationStatus)> = Transition::ALL
            .into_iter()
            .flat_map(|t| {
                RegistrationStatus::ALL
                    .into_iter()
                    .filter_map(move |s| t.apply(s).ok().map(|to| (t, s, to)))
            })
            .collect();
        assert_eq!(
            allowed,
            [
                (Transition::Confirm, Pending, Confirmed),
                (Transition::Waitlist, Pending, Waitlisted),
                (Transition::Promote, Waitlisted, Confirmed),
                (Transition::Cancel, Pending, Cancelled),
                (Transition::Cancel, Confirmed, Cancelled),
                (Transition::Cancel, Waitlisted, Cancelled),
            ]
        );
    }

    #[test]
    fn only_a_reachable_registration_in_the_right_status_receives_an_email() {
        let reachable = |status| Lifecycle {
            status,
            unreachable: false,
        };
        assert!(reachable(Pending).may_receive(Outbox::Confirmation));
        assert!(!reachable(Pending).may_receive(Outbox::Link));
        assert!(reachable(Confirmed).may_receive(Outbox::Link));
        for status in [Waitlisted, Cancelled] {
            for outbox in Outbox::ALL {
                assert!(!reachable(status).may_receive(outbox));
            }
        }
        let unreachable = Lifecycle::NEW
            .apply(LifecycleEvent::MarkUnreachable)
            .unwrap();
        assert!(!unreachable.may_receive(Outbox::Confirmation));
    }

    fn any_event() -> impl Strategy<Value = LifecycleEvent> {
        prop_oneof![
            Just(LifecycleEvent::Transition(Transition::Confirm)),
            Just(LifecycleEvent::Transition(Transition::Waitlist)),
            Just(LifecycleEvent::Transition(Transition::Promote)),
            Just(LifecycleEvent::Transition(Transition::Cancel)),
            Just(LifecycleEvent::MarkUnreachable),
        ]
    }

    proptest! {
        /// Whatever happens, in whatever order: nothing returns to pending, nothing
        /// leaves cancelled, unreachable stays, a waitlisted registration became so
        /// from pending, and a forbidden event changes nothing.
        #[test]
        fn no_sequence_of_events_reaches_a_forbidden_state(
            events in proptest::collection::vec(any_event(), 0..40)
        ) {
            let mut state = Lifecycle::NEW;
            let mut left_pending = false;
            for event in events {
                let before = state;
                match state.apply(event) {
                    Ok(after) => {
                        if before.status == Cancelled {
                            prop_assert_eq!(after.status, Cancelled, "left cancelled");
                        }
                        if before.status == Waitlisted {
                            prop_assert!(matches!(after.status, Waitlisted | Confirmed | Cancelled));
                        }
                        if after.status == Waitlisted && before.status != Waitlisted {
                            prop_assert_eq!(before.status, Pending);
                        }
                        state = after;
                    }
                    Err(forbidden) => {
                        prop_assert_eq!(forbidden.status, before.status);
                        prop_assert!(!matches!(event, LifecycleEvent::MarkUnreachable));
                    }
                }
                left_pending |= state.status != Pending;
                prop_assert!(!(left_pending && state.status == Pending), "back to pending");
                prop_assert!(before.unreachable <= state.unreachable, "reachable again");
                if state.unreachable || matches!(state.status, Cancelled | Waitlisted) {
                    prop_assert!(Outbox::ALL.iter().all(|o| !state.may_receive(*o)));
                }
            }
        }
    }
}
