//! A program's counts, as `stats`, the report's charts and the console's
//! dashboard show them, added up one registration at a time: what it keeps
//! grows with days and countries, never with the program.

use crate::domain::RegistrationStatus;
use crate::export::delivery::{self, Delivery};
use crate::store::Registration;
use crate::web::ECO_MEMBERS;
use jiff::tz::TimeZone;
use serde::Serialize;
use std::collections::BTreeMap;

/// The counts of one kind of email, as the contract defines them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct EmailCounts {
    pub sent: u64,
    pub delivered: u64,
    pub bounced: u64,
    pub complained: u64,
    pub owed: u64,
}

impl EmailCounts {
    fn add(&mut self, delivery: Option<Delivery>) {
        let Some(delivery) = delivery else { return };
        if delivery.was_sent() {
            self.sent += 1;
        }
        match delivery {
            Delivery::Owed => self.owed += 1,
            Delivery::Delivered => self.delivered += 1,
            Delivery::Bounced => self.bounced += 1,
            Delivery::Complained => self.complained += 1,
            Delivery::Sent | Delivery::Delayed => {}
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ByStatus {
    pub pending: u64,
    pub confirmed: u64,
    pub waitlisted: u64,
    pub cancelled: u64,
}

impl ByStatus {
    fn add(&mut self, status: RegistrationStatus) {
        *self.get_mut(status) += 1;
    }

    fn get_mut(&mut self, status: RegistrationStatus) -> &mut u64 {
        match status {
            RegistrationStatus::Pending => &mut self.pending,
            RegistrationStatus::Confirmed => &mut self.confirmed,
            RegistrationStatus::Waitlisted => &mut self.waitlisted,
            RegistrationStatus::Cancelled => &mut self.cancelled,
        }
    }

    pub fn get(&self, status: RegistrationStatus) -> u64 {
        let mut copy = *self;
        *copy.get_mut(status)
    }

    pub fn total(&self) -> u64 {
        self.pending + self.confirmed + self.waitlisted + self.cancelled
    }
}

/// The `stats --json` object, in the contract's shape.
#[derive(Debug, Clone, Serialize)]
pub struct Stats {
    pub event_id: String,
    pub capacity: Option<u32>,
    pub total: u64,
    pub by_status: ByStatus,
    pub unreachable: u64,
    pub links: EmailCounts,
    pub confirmations: EmailCounts,
    pub by_country: BTreeMap<String, u64>,
    pub by_day: BTreeMap<String, u64>,
}

/// The path from registering to receiving the link.
#[derive(Debug, Clone, Copy, Default)]
pub struct Funnel {
    pub registered: u64,
    /// Confirmed their address (a seat, the waiting list, or cancelled since).
    pub confirmed: u64,
    pub link_sent: u64,
    pub delivered: u64,
}

/// Everything `stats` and `report` show, added up as the registrations stream by.
#[derive(Debug, Clone)]
pub struct Tally {
    pub stats: Stats,
    /// Registrations by the day they registered and their status now.
    pub by_day_status: BTreeMap<String, ByStatus>,
    pub funnel: Funnel,
    timezone: TimeZone,
}

impl Tally {
    pub fn new(event_id: &str, capacity: Option<u32>, timezone: TimeZone) -> Self {
        Self {
            stats: Stats {
                event_id: event_id.to_owned(),
                capacity,
                total: 0,
                by_status: ByStatus::default(),
                unreachable: 0,
                links: EmailCounts::default(),
                confirmations: EmailCounts::default(),
                by_country: BTreeMap::new(),
                by_day: BTreeMap::new(),
            },
            by_day_status: BTreeMap::new(),
            funnel: Funnel::default(),
            timezone,
        }
    }

    pub fn add(&mut self, r: &Registration) {
        let day = self.day_of(r.registered_at);
        let stats = &mut self.stats;
        stats.total += 1;
        stats.by_status.add(r.status);
        stats.unreachable += u64::from(r.unreachable);
        let link = delivery::link(r);
        stats.links.add(link);
        stats.confirmations.add(delivery::confirmation(r));
        *stats.by_country.entry(r.country.clone()).or_default() += 1;
        *stats.by_day.entry(day.clone()).or_default() += 1;
        self.by_day_status.entry(day).or_default().add(r.status);
        self.funnel.registered += 1;
        self.funnel.confirmed += u64::from(r.confirmed_at.is_some());
        self.funnel.link_sent += u64::from(link.is_some_and(Delivery::was_sent));
        self.funnel.delivered += u64::from(link == Some(Delivery::Delivered));
    }

    /// The calendar day of an instant in the event's time zone.
    pub fn day_of(&self, at: jiff::Timestamp) -> String {
        at.to_zoned_datetime(self.timezone.clone())
            .date()
            .to_string()
    }
}

pub fn is_eco_member(code: &str) -> bool {
    ECO_MEMBERS.contains(&code)
}

/// A country's English name (ISO 3166-1, from isocountry), or its code when
/// unknown.
pub fn country_name(code: &str) -> String {
    isocountry::CountryCode::for_alpha2(code)
        .map(|c| c.name().to_owned())
        .unwrap_or_else(|_| code.to_owned())
}
