//! The request-unit meter `make bench` reads: a metered store asks DynamoDB to
//! report the units each request consumed and sums them here. The functions' own
//! store does without it.

use super::dynamo::DynamoStore;
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::{ConsumedCapacity, ReturnConsumedCapacity};
use serde::Serialize;
use std::sync::Arc;
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

impl DynamoStore {
    /// A store that also asks DynamoDB for the request units each call consumed
    /// and sums them (for `make bench`): the extra reporting costs DynamoDB Local
    /// about 0.2 ms a write, so the functions do without it.
    pub fn metered(client: Client, table_name: impl Into<String>) -> Self {
        Self {
            meter: Some(Arc::default()),
            ..Self::new(client, table_name)
        }
    }

    /// Request units consumed through this store (and its clones) so far; zero
    /// unless the store is [`metered`](Self::metered).
    pub fn consumed(&self) -> Consumed {
        self.meter
            .as_ref()
            .map(|meter| meter.total())
            .unwrap_or_default()
    }

    /// What to ask DynamoDB to report with each request.
    pub(super) fn capacity(&self) -> Option<ReturnConsumedCapacity> {
        self.meter.as_ref().map(|_| ReturnConsumedCapacity::Total)
    }

    pub(super) fn read<'a>(&self, consumed: impl Into<Capacities<'a>>) {
        if let Some(meter) = &self.meter {
            meter.read(consumed);
        }
    }

    pub(super) fn write<'a>(&self, consumed: impl Into<Capacities<'a>>) {
        if let Some(meter) = &self.meter {
            meter.write(consumed);
        }
    }
}
