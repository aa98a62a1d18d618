//! Pacing: at most `SEND_RATE_PER_SECOND` SES requests in any second, evenly
//! spaced, on tokio's (pausable) clock.

use governor::clock::Clock as GovernorClock;
use governor::middleware::NoOpMiddleware;
use governor::state::{InMemoryState, NotKeyed};
use governor::{Quota, RateLimiter};
use std::num::NonZeroU32;
use tokio::time::Instant;

/// The governor clock on tokio's time, so pacing follows tokio's (pausable) clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct TokioClock;

impl GovernorClock for TokioClock {
    type Instant = std::time::Instant;

    fn now(&self) -> Self::Instant {
        Instant::now().into_std()
    }
}

/// Paces sends: at most `rate` per second, evenly spaced (a token bucket of one).
pub struct Pacer {
    limiter: RateLimiter<NotKeyed, InMemoryState, TokioClock, NoOpMiddleware<std::time::Instant>>,
}

impl Pacer {
    pub fn per_second(rate: u32) -> Self {
        let rate = NonZeroU32::new(rate).unwrap_or(NonZeroU32::MIN);
        let quota = Quota::per_second(rate).allow_burst(NonZeroU32::MIN);
        Self {
            limiter: RateLimiter::direct_with_clock(quota, TokioClock),
        }
    }

    /// Wait for the next send slot, which is strictly before `until`: `false`,
    /// without waiting, when the slot would come at or after `until`, and `false`
    /// when waking for it came too late.
    pub async fn ready_before(&self, until: Instant) -> bool {
        loop {
            if Instant::now() >= until {
                return false;
            }
            match self.limiter.check() {
                Ok(()) => return true,
                Err(not_until) => {
                    let wait = not_until.wait_time_from(TokioClock.now());
                    if Instant::now() + wait >= until {
                        return false;
                    }
                    tokio::time::sleep(wait).await;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test(start_paused = true)]
    async fn the_pacer_spaces_sends_evenly_at_the_rate() {
        let pacer = Pacer::per_second(10);
        let start = Instant::now();
        let far = start + Duration::from_secs(3600);
        let mut times = Vec::new();
        for _ in 0..25 {
            assert!(pacer.ready_before(far).await);
            times.push(Instant::now() - start);
        }
        assert_eq!(times[0], Duration::ZERO);
        for pair in times.windows(2) {
            assert_eq!(pair[1] - pair[0], Duration::from_millis(100));
        }
        assert_eq!(times[24], Duration::from_millis(2400));
    }

    #[tokio::test(start_paused = true)]
    async fn the_pacer_never_allows_more_than_the_rate_in_any_second() {
        for rate in [1u32, 7, 50, 200] {
            let pacer = Pacer::per_second(rate);
            let start = Instant::now();
            let far = start + Duration::from_secs(3600);
            let mut times = Vec::new();
            for _ in 0..(rate * 3) {
                assert!(pacer.ready_before(far).await);
                times.push(Instant::now() - start);
            }
            // Any window [t, t + 1s) holds at most `rate` sends.
            for (i, t) in times.iter().enumerate() {
                let in_window = times[i..]
                    .iter()
                    .take_while(|u| **u < *t + Duration::from_secs(1))
                    .count();
                assert!(
                    in_window as u32 <= rate,
                    "rate {rate}: {in_window} in a second"
                );
            }
            // And it reaches the rate: the 3×rate-th send starts one interval before
            // 3 s (tokio's timer rounds each sleep up to the millisecond).
            let expected = Duration::from_secs(3) - Duration::from_secs(1) / rate;
            let slack = Duration::from_millis(u64::from(rate) * 3);
            let last = *times.last().unwrap();
            assert!(last >= expected, "rate {rate}: {last:?}");
            assert!(last <= expected + slack, "rate {rate}: {last:?}");
        }
    }

    #[tokio::test(start_paused = true)]
    async fn the_pacer_refuses_a_slot_past_the_limit_without_waiting() {
        let pacer = Pacer::per_second(2);
        let start = Instant::now();
        assert!(pacer.ready_before(start + Duration::from_secs(10)).await);
        assert!(!pacer.ready_before(start + Duration::from_millis(100)).await);
        assert_eq!(Instant::now(), start, "it did not sleep");
        assert!(pacer.ready_before(start + Duration::from_secs(10)).await);
        assert_eq!(Instant::now() - start, Duration::from_millis(500));
    }

    #[tokio::test(start_paused = true)]
    async fn a_slot_at_the_limit_itself_is_refused() {
        let pacer = Pacer::per_second(2);
        let start = Instant::now();
        assert!(pacer.ready_before(start + Duration::from_secs(10)).await);
        // The next slot is at 500 ms: not strictly before a limit at 500 ms.
        assert!(!pacer.ready_before(start + Duration::from_millis(500)).await);
        assert!(pacer.ready_before(start + Duration::from_millis(501)).await);
        assert_eq!(Instant::now() - start, Duration::from_millis(500));
        // A limit already reached refuses at once.
        assert!(!pacer.ready_before(Instant::now()).await);
    }
}
