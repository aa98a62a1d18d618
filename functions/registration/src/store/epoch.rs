//! Instants stored as the epoch numbers DynamoDB compares: milliseconds for
//! leases, seconds for the TTL.

/// An optional instant stored as epoch milliseconds (what lease conditions compare).
pub(super) mod millis {
    use jiff::Timestamp;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(value: &Option<Timestamp>, s: S) -> Result<S::Ok, S::Error> {
        match value {
            Some(at) => s.serialize_i64(at.as_millisecond()),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Timestamp>, D::Error> {
        Option::<i64>::deserialize(d)?
            .map(|ms| Timestamp::from_millisecond(ms).map_err(serde::de::Error::custom))
            .transpose()
    }
}

/// An optional instant stored as epoch seconds.
pub(super) mod optional_seconds {
    use jiff::Timestamp;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(value: &Option<Timestamp>, s: S) -> Result<S::Ok, S::Error> {
        match value {
            Some(at) => s.serialize_i64(at.as_second()),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Timestamp>, D::Error> {
        Option::<i64>::deserialize(d)?
            .map(|s| Timestamp::from_second(s).map_err(serde::de::Error::custom))
            .transpose()
    }
}

/// An instant stored as epoch seconds (what DynamoDB's TTL reads).
pub(super) mod seconds {
    use jiff::Timestamp;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(value: &Timestamp, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_i64(value.as_second())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Timestamp, D::Error> {
        Timestamp::from_second(i64::deserialize(d)?).map_err(serde::de::Error::custom)
    }
}
