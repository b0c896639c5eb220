//! The offline-first Cổng Dân client core: everything the app knows, with no
//! Tauri and no UI.
//!
//! Callers (the Tauri shell, the `congdan` CLI, the integration tests) use
//! [`Core`] from [`api`] and nothing deeper. Modules, from the door inwards:
//!
//! - [`api`]: the one door: [`Core`], its methods by domain, and the models sent to the UI.
//! - [`error`]: the error type and the stable error codes with Vietnamese messages.
//! - [`outages`]: planned power cuts: reminder times and the RFC 5545 calendar export.
//! - [`outbox`]: sending the user's writes in order, exactly once, with backoff.
//! - [`search`]: procedure search offline: the `congdan-search` index of the stored catalogue.
//! - [`secrets`]: session tokens in the platform credential store behind one trait.
//! - [`store`]: the SQLite store: schema, migrations and one module per table.
//! - [`sync`]: pulling server content: the I/O-free state machine, the transport, the driver.
#![deny(missing_docs)]
#![warn(clippy::unwrap_used)]

pub mod api;
pub mod calendar;
pub mod error;
pub mod outages;
pub mod outbox;
pub mod search;
pub mod secrets;
pub mod store;
pub mod sync;

pub use api::*;
/// Wire types that appear in the api, re-exported so callers need no second crate.
pub use congdan_protocol::open311::{
    Attribute, AttributeValue, Datatype, DetailedStatus, Service, ServiceDefinition, ServiceRequest,
};
pub use congdan_protocol::requests::Rating;
pub use congdan_protocol::{
    Channel, ErrorBody, LegalDoc, NewsItem, Outage, OutageSource, OutageStatus, Procedure,
    RequiredDocument, TimelineEntry, Unit, UnitLevel,
};
pub use error::{Error, ErrorCode};
pub use outages::{OutageReminder, ReminderKind};
pub use outbox::DrainPolicy;
pub use outbox::clock::{Clock, FakeClock, Rng, SystemClock};
