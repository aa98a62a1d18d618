//! A program's registrations as the console lists them: 50 a page through the
//! roster index (never a scan), filtered by status, country and unreachable,
//! searched by a part of the name or organization (case-folded, any script), or
//! found by the whole address in one key lookup. A page stops reading at its
//! time budget and offers to continue from where it stopped.

use jiff::Timestamp;
use registration::domain::EmailAddress;
use registration::domain::key::RegistrationKey;
use registration::domain::lifecycle::RegistrationStatus;
use registration::store::{
    DynamoStore, EventCursor, EventRegistrations, Registration, Registrations, StoreError,
};
use std::time::{Duration, Instant};

/// Registrations on one page.
pub const PAGE_SIZE: usize = 50;
/// How long a filtered page reads before it offers to continue.
const FILTER_BUDGET: Duration = Duration::from_millis(1500);
/// How long a name search reads before it offers to continue.
const SEARCH_BUDGET: Duration = Duration::from_secs(8);

/// What the organizer asked the list for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListQuery {
    pub status: Option<RegistrationStatus>,
    /// ISO 3166 alpha-2, upper case.
    pub country: Option<String>,
    pub unreachable_only: bool,
    /// A part of the name or organization, case-folded.
    pub text: Option<String>,
}

/// Case folding for the search: lower case of the NFC-free text, which folds
/// Latin, Greek, Cyrillic and the other cased scripts alike; uncased scripts
/// (Persian, Chinese) compare as they are, with ZWNJ kept.
pub fn fold(text: &str) -> String {
    text.trim().to_lowercase()
}

impl ListQuery {
    pub fn matches(&self, registration: &Registration) -> bool {
        self.status.is_none_or(|s| registration.status == s)
            && self
                .country
                .as_deref()
                .is_none_or(|c| registration.country.eq_ignore_ascii_case(c))
            && (!self.unreachable_only || registration.unreachable)
            && self.text.as_deref().is_none_or(|text| {
                fold(&registration.full_name).contains(text)
                    || fold(&registration.organization).contains(text)
            })
    }

    fn budget(&self) -> Duration {
        if self.text.is_some() {
            SEARCH_BUDGET
        } else {
            FILTER_BUDGET
        }
    }

    fn filtered(&self) -> bool {
        *self != Self::default()
    }
}

/// One page of the list and where the next starts.
pub struct ListPage {
    pub registrations: Vec<Registration>,
    pub next: Option<EventCursor>,
}

/// Up to [`PAGE_SIZE`] registrations of `program` from `after` that match `query`.
pub async fn list_page(
    store: &DynamoStore,
    program: &str,
    query: &ListQuery,
    mut after: Option<EventCursor>,
    now: Timestamp,
) -> Result<ListPage, StoreError> {
    let started = Instant::now();
    let mut found = Vec::new();
    loop {
        // Unfiltered, a request of exactly what is missing fills the page; a
        // filtered one reads more at a time and keeps what matches.
        let wanted = PAGE_SIZE - found.len();
        let limit = if query.filtered() { 500 } else { wanted };
        let limit = i32::try_from(limit).unwrap_or(i32::MAX);
        let page = store.event_page(program, after, Some(limit)).await?;
        after = page.next;
        found.extend(
            page.registrations
                .into_iter()
                .filter(|r| r.expires_at > now && query.matches(r)),
        );
        if found.len() >= PAGE_SIZE || after.is_none() || started.elapsed() > query.budget() {
            break;
        }
    }
    // A filtered read may pass the page size: the page ends at its 50th, and
    // the next starts right after it.
    if found.len() > PAGE_SIZE {
        found.truncate(PAGE_SIZE);
        after = found.last().map(EventCursor::after).transpose()?;
    }
    Ok(ListPage {
        registrations: found,
        next: after,
    })
}

/// The registration of `address` in `program`, if any (one key lookup).
pub async fn by_address(
    store: &DynamoStore,
    program: &str,
    address: &EmailAddress,
    now: Timestamp,
) -> Result<Option<Registration>, StoreError> {
    let key = RegistrationKey::for_address(program, address);
    Ok(store.get(&key).await?.filter(|r| r.expires_at > now))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_matches_any_case_and_keeps_persian_as_it_is() {
        assert!(fold("ÖZGÜR Çelik").contains(&fold("özgür")));
        assert!(fold("Алия Назарова").contains(&fold("НАЗАР")));
        let persian = "زهرا\u{200c}سادات";
        assert!(fold(persian).contains(&fold("\u{200c}سادات")));
    }
}
