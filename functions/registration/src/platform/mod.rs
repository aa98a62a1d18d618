//! What the functions run on: the AWS clients, the clock, logging and metrics,
//! the hour windows the limits count in, and the runtime layer that runs work
//! after a response. Nothing here knows a registration.

pub mod after_response;
pub mod aws;
pub mod clock;
pub mod logging;
pub mod metrics;
pub mod window;
