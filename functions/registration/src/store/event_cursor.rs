//! A page cursor of an event's list as text for a link, read back only for
//! that event, and the cursor right after a given registration.

use super::item::{Registration, attr};
use super::{EventCursor, StoreError};
use std::collections::HashMap;

impl EventCursor {
    /// The cursor as text for a link (base64url of its keys as JSON).
    pub fn to_text(&self) -> String {
        use base64::Engine;
        let keys: std::collections::BTreeMap<_, _> = self.0.iter().collect();
        let json = serde_json::to_string(&keys).expect("a map of strings serializes");
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json)
    }

    /// The cursor after `registration` in its event's list: a page cut short
    /// continues with the registration that follows it.
    pub fn after(registration: &Registration) -> Result<Self, StoreError> {
        let item = super::ext::to_item(registration)?;
        let keys = [attr::PK, attr::EVENT_ID, attr::REGISTERED_AT]
            .into_iter()
            .map(|name| {
                let value = item.get(name).and_then(|v| v.as_s().ok()).cloned();
                value
                    .map(|v| (name.to_owned(), v))
                    .ok_or_else(|| StoreError::Internal(format!("a registration without {name}")))
            })
            .collect::<Result<_, _>>()?;
        Ok(Self(keys))
    }

    /// A cursor read back from [`to_text`](Self::to_text); `None` unless it is
    /// one of `event_id`'s (its three index keys, that event's partition).
    pub fn from_text(text: &str, event_id: &str) -> Option<Self> {
        use base64::Engine;
        let json = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(text)
            .ok()?;
        let keys: HashMap<String, String> = serde_json::from_slice(&json).ok()?;
        let expected = [attr::PK, attr::EVENT_ID, attr::REGISTERED_AT];
        let shaped = keys.len() == expected.len()
            && expected.iter().all(|k| keys.contains_key(*k))
            && keys.get(attr::EVENT_ID).map(String::as_str) == Some(event_id);
        shaped.then_some(Self(keys))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_reads_back_for_its_own_event_only() {
        let keys = [
            (attr::PK, "EVENT#a#REG#AAAAAAAAAAAAAAAAAAAAAA"),
            (attr::EVENT_ID, "a"),
            (attr::REGISTERED_AT, "2022-09-20T04:00:00Z"),
        ];
        let cursor = EventCursor(
            keys.iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        );
        let text = cursor.to_text();
        assert_eq!(EventCursor::from_text(&text, "a"), Some(cursor));
        assert_eq!(EventCursor::from_text(&text, "b"), None, "another event's");
        assert_eq!(EventCursor::from_text("not a cursor", "a"), None);
    }
}
