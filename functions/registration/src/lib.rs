//! The training-registration system's shared library.
//!
//! - `use_cases`: what the functions do (register, confirm, cancel, send the
//!   links, record SES's feedback), each calling the parts below.
//! - `domain`: the participant's fields, a registration's key, status and token.
//! - `i18n`: the message catalogs, language choice, dates and country names.
//! - `program`: a program's settings, its file and their cached reader.
//! - `config`: the environment variables, read once at init.
//! - `export`: the export's records (as `organizer export` and the console write them).
//! - `limits`: the per-hour and per-mailbox caps.
//! - `store`: DynamoDB, behind one trait per role.
//! - `mail`: the emails and SES.
//! - `web`: the pages, the problems and the request edges.
//! - `platform`: AWS clients, the clock, logging, metrics, hour windows.

pub mod config;
pub mod domain;
pub mod export;
pub mod i18n;
pub mod limits;
pub mod mail;
pub mod platform;
pub mod program;
pub mod store;
pub mod tally;
pub mod use_cases;
pub mod web;
