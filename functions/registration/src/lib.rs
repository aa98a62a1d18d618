//! The training-registration system's shared library: configuration, domain
//! rules, storage, mail, web pages and the use cases every function calls.

pub mod after_response;
pub mod aws;
pub mod cancelling;
pub mod clock;
pub mod config;
pub mod confirming;
pub mod domain;
pub mod feedback;
pub mod key;
pub mod lifecycle;
pub mod limits;
pub mod links;
pub mod logging;
pub mod mail;
pub mod metrics;
pub mod owed_email;
pub mod program;
pub mod recording_feedback;
pub mod registering;
pub mod send_links;
pub mod store;
pub mod token;
pub mod web;
pub mod window;
