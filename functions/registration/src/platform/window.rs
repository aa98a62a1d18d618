//! The windows the limits count in: the clock hour and the UTC day. Below both
//! the limits and the store, which keys its counters by them.

use jiff::{SignedDuration, Timestamp};

/// One clock hour, `[start, start + 1 h)`: what the per-hour limits count in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct HourWindow {
    start: Timestamp,
}

impl HourWindow {
    pub const LENGTH: SignedDuration = SignedDuration::from_hours(1);

    /// The window `at` falls in.
    pub fn of(at: Timestamp) -> Self {
        let second = at.as_second();
        let start = second - second.rem_euclid(3600);
        Self {
            start: Timestamp::from_second(start).unwrap_or(at),
        }
    }

    pub fn start(self) -> Timestamp {
        self.start
    }

    pub fn end(self) -> Timestamp {
        self.start.checked_add(Self::LENGTH).unwrap_or(self.start)
    }

    /// Whole seconds from `now` until the window ends (at least 1): a `Retry-After`.
    pub fn seconds_left(self, now: Timestamp) -> u64 {
        let left = self.end().as_second() - now.as_second();
        u64::try_from(left).unwrap_or(0).max(1)
    }

    /// The window's id in keys: its start in epoch seconds.
    pub fn id(self) -> i64 {
        self.start.as_second()
    }
}

/// One UTC day, `[00:00, 24:00)`: what the per-mailbox limit counts in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct UtcDay {
    start: Timestamp,
}

impl UtcDay {
    pub const LENGTH: SignedDuration = SignedDuration::from_hours(24);

    /// The day `at` falls in.
    pub fn of(at: Timestamp) -> Self {
        let second = at.as_second();
        let start = second - second.rem_euclid(86_400);
        Self {
            start: Timestamp::from_second(start).unwrap_or(at),
        }
    }

    pub fn end(self) -> Timestamp {
        self.start.checked_add(Self::LENGTH).unwrap_or(self.start)
    }
}

impl std::fmt::Display for UtcDay {
    /// `2022-09-20`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.start.strftime("%Y-%m-%d"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_window_is_the_clock_hour_and_tells_the_seconds_left() {
        let at: Timestamp = "2022-09-20T04:59:30Z".parse().unwrap();
        let window = HourWindow::of(at);
        assert_eq!(window.start().to_string(), "2022-09-20T04:00:00Z");
        assert_eq!(window.end().to_string(), "2022-09-20T05:00:00Z");
        assert_eq!(window.seconds_left(at), 30);
        assert_eq!(window.seconds_left(window.end()), 1);
        assert_eq!(HourWindow::of(window.end()).start(), window.end());
    }

    #[test]
    fn a_day_is_the_utc_calendar_day_whatever_the_offset() {
        let at: Timestamp = "2022-09-20T23:59:59-05:00".parse().unwrap();
        let day = UtcDay::of(at);
        assert_eq!(day.to_string(), "2022-09-21");
        assert_eq!(day.end().to_string(), "2022-09-22T00:00:00Z");
        assert_eq!(UtcDay::of(day.end()).to_string(), "2022-09-22");
    }
}
