//! The item keys and index values of the table's items, as `template.yaml`
//! declares the table: one home for their formats.

use crate::domain::key::RegistrationKey;
use crate::domain::lifecycle::Outbox;

/// The item key of an event's seats item.
pub(in crate::store) fn seats_pk(event_id: &str) -> String {
    format!("EVENT#{event_id}#SEATS")
}

/// The item key of a registration.
pub(in crate::store) fn pk(key: &RegistrationKey) -> String {
    format!("EVENT#{}#REG#{}", key.event_id(), key.id())
}

/// The key of an event's item from its `pk`; `None` for another event's or
/// something else's.
pub(in crate::store) fn key_of_pk(event_id: &str, pk: &str) -> Option<RegistrationKey> {
    let id = pk
        .strip_prefix("EVENT#")?
        .strip_prefix(event_id)?
        .strip_prefix("#REG#")?;
    RegistrationKey::from_id(event_id, id)
}

/// The outbox index value of an event's registrations owing this email.
pub(in crate::store) fn outbox_value(event_id: &str, outbox: Outbox) -> String {
    format!("{event_id}#{}", outbox.as_str())
}
