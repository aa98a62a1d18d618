//! The per-source rate limit of one warm instance: the cheap first answer to a
//! flood from one address, in memory, before any DynamoDB call. Each instance
//! counts on its own; the per-hour counter in the table is the exact limit.

use super::{Admission, SourceAddress};
use governor::clock::{Clock as _, DefaultClock};
use governor::{Quota, RateLimiter};
use std::num::NonZeroU32;

/// Registrations one source may post on one instance: a burst of this many (a
/// participant needs one; a shared office or campus address a few more)…
const POST_BURST: NonZeroU32 = NonZeroU32::new(10).expect("not zero");
/// …then one more every this many milliseconds (30 a minute).
const POST_REFILL_MILLIS: u64 = 2_000;
/// The form costs no DynamoDB call: a class behind one address may open it at once.
const FORM_BURST: NonZeroU32 = NonZeroU32::new(60).expect("not zero");
const FORM_REFILL_MILLIS: u64 = 1_000;

/// Past this many remembered sources, forget those back to a fresh state.
/// A source stays remembered at most `BURST × REFILL` (60 s) after its last
/// request, so under the API's throttle an instance never holds many more.
const SOURCES_KEPT: usize = 10_000;

/// Requests per source address on this instance.
pub struct SourceRateLimit {
    limiter: RateLimiter<
        SourceAddress,
        governor::state::keyed::DefaultKeyedStateStore<SourceAddress>,
        DefaultClock,
    >,
}

impl SourceRateLimit {
    /// The limit on posted registrations.
    pub fn registrations() -> Self {
        Self::new(POST_BURST, POST_REFILL_MILLIS)
    }

    /// The limit on opening the form.
    pub fn form() -> Self {
        Self::new(FORM_BURST, FORM_REFILL_MILLIS)
    }

    fn new(burst: NonZeroU32, refill_millis: u64) -> Self {
        let quota = Quota::with_period(std::time::Duration::from_millis(refill_millis))
            .expect("a period above zero")
            .allow_burst(burst);
        Self {
            limiter: RateLimiter::keyed(quota),
        }
    }

    /// Count one request from `source`: admitted, or refused with the whole
    /// seconds until it may try again (at least 1).
    pub fn check(&self, source: &SourceAddress) -> Admission {
        if self.limiter.len() > SOURCES_KEPT {
            self.limiter.retain_recent();
            self.limiter.shrink_to_fit();
        }
        match self.limiter.check_key(source) {
            Ok(()) => Admission::Admitted,
            Err(not_until) => {
                let wait = not_until.wait_time_from(self.limiter.clock().now());
                Admission::TooMany {
                    retry_after_secs: (wait.as_secs_f64().ceil() as u64).max(1),
                }
            }
        }
    }
}

impl std::fmt::Debug for SourceRateLimit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SourceRateLimit")
            .field("sources", &self.limiter.len())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_source_gets_its_burst_then_waits_while_another_is_untouched() {
        let limit = SourceRateLimit::registrations();
        let flooder = SourceAddress::new("203.0.113.9");
        for _ in 0..POST_BURST.get() {
            assert_eq!(limit.check(&flooder), Admission::Admitted);
        }
        match limit.check(&flooder) {
            Admission::TooMany { retry_after_secs } => {
                assert!((1..=2).contains(&retry_after_secs), "{retry_after_secs}")
            }
            Admission::Admitted => panic!("past its burst"),
        }
        let other = SourceAddress::new("203.0.113.10");
        assert_eq!(limit.check(&other), Admission::Admitted);
    }
}
