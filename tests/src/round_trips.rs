//! Counting the round trips a use case waits for: an SDK interceptor on the
//! DynamoDB and SES clients records each request attempt, and a round starts
//! whenever a request leaves while none is in flight. Requests sent at once
//! share a round; requests one after the other make one round each.

use aws_sdk_dynamodb::config::interceptors::{
    BeforeTransmitInterceptorContextRef, FinalizerInterceptorContextRef,
};
use aws_sdk_dynamodb::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_sdk_dynamodb::error::BoxError;
use std::sync::{Arc, Mutex};

#[derive(Debug, Default)]
struct State {
    in_flight: usize,
    rounds: usize,
    requests: usize,
}

/// One counter shared by every client it is attached to.
#[derive(Debug, Clone, Default)]
pub struct RoundTrips(Arc<Mutex<State>>);

impl RoundTrips {
    /// Rounds (sequential waits) since the last reset.
    pub fn rounds(&self) -> usize {
        self.lock().rounds
    }

    /// Requests since the last reset.
    pub fn requests(&self) -> usize {
        self.lock().requests
    }

    pub fn reset(&self) {
        let mut state = self.lock();
        state.rounds = 0;
        state.requests = 0;
    }

    /// A DynamoDB client like `client`, counted here.
    pub fn dynamodb(&self, client: &aws_sdk_dynamodb::Client) -> aws_sdk_dynamodb::Client {
        let config = client
            .config()
            .to_builder()
            .interceptor(self.clone())
            .build();
        aws_sdk_dynamodb::Client::from_conf(config)
    }

    /// An SES client like `client`, counted here.
    pub fn sesv2(&self, client: &aws_sdk_sesv2::Client) -> aws_sdk_sesv2::Client {
        let config = client
            .config()
            .to_builder()
            .interceptor(self.clone())
            .build();
        aws_sdk_sesv2::Client::from_conf(config)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl Intercept for RoundTrips {
    fn name(&self) -> &'static str {
        "RoundTrips"
    }

    fn read_before_attempt(
        &self,
        _context: &BeforeTransmitInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let mut state = self.lock();
        if state.in_flight == 0 {
            state.rounds += 1;
        }
        state.in_flight += 1;
        state.requests += 1;
        Ok(())
    }

    fn read_after_attempt(
        &self,
        _context: &FinalizerInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let mut state = self.lock();
        state.in_flight = state.in_flight.saturating_sub(1);
        Ok(())
    }
}
