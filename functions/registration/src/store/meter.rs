//! The request-unit meter `make bench` reads: a metered store asks DynamoDB to
//! report the units each request consumed and sums them here. The functions' own
//! store does without it.

use aws_sdk_dynamodb::types::ConsumedCapacity;
use serde::Serialize;
use std::sync::atomic::{AtomicU64, Ordering};

/// Read and write request units, as DynamoDB reports them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Consumed {
    pub read_units: f64,
    pub write_units: f64,
}

/// Sums the consumed capacity DynamoDB returns with every successful request, in
/// thousandths of a unit.
#[derive(Debug, Default)]
pub(super) struct CapacityMeter {
    read_milli: AtomicU64,
    write_milli: AtomicU64,
}

impl CapacityMeter {
    fn add(counter: &AtomicU64, consumed: &[ConsumedCapacity]) {
        let units: f64 = consumed.iter().filter_map(|c| c.capacity_units()).sum();
        counter.fetch_add((units * 1000.0).round() as u64, Ordering::Relaxed);
    }

    pub(super) fn read<'a>(&self, consumed: impl Into<Capacities<'a>>) {
        Self::add(&self.read_milli, consumed.into().0);
    }

    pub(super) fn write<'a>(&self, consumed: impl Into<Capacities<'a>>) {
        Self::add(&self.write_milli, consumed.into().0);
    }

    pub(super) fn total(&self) -> Consumed {
        Consumed {
            read_units: self.read_milli.load(Ordering::Relaxed) as f64 / 1000.0,
            write_units: self.write_milli.load(Ordering::Relaxed) as f64 / 1000.0,
        }
    }
}

/// One request's consumed capacity (or a transaction's, one per table).
pub(super) struct Capacities<'a>(&'a [ConsumedCapacity]);

impl<'a> From<Option<&'a ConsumedCapacity>> for Capacities<'a> {
    fn from(value: Option<&'a ConsumedCapacity>) -> Self {
        Self(value.map(std::slice::from_ref).unwrap_or_default())
    }
}

impl<'a> From<&'a [ConsumedCapacity]> for Capacities<'a> {
    fn from(value: &'a [ConsumedCapacity]) -> Self {
        Self(value)
    }
}
