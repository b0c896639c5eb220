//! Buses offline: everything about a bus network that does not touch a database or the network.
//!
//! - [`ingest`] (feature `ingest`, server side) reads a GTFS zip safely, validates it into a
//!   [`ingest::Report`] and builds a [`Network`];
//! - [`Network`] is the compact form a device downloads and stores: stops, routes, stop patterns,
//!   trips with delta-encoded times, services, shapes and the footpaths derived at ingest;
//! - [`service`] decides which trips run on a date (calendar, calendar_dates, times past 24:00);
//! - [`timetable`] lays one service day out for planning, and [`raptor`] plans journeys on it.
//!
//! It deliberately knows nothing of SQLite, HTTP or the UI: the server and the client core store
//! and carry these types.
#![warn(clippy::unwrap_used)]

pub mod error;
pub mod footpaths;
pub mod geo;
#[cfg(feature = "ingest")]
pub mod ingest;
pub mod network;
pub mod raptor;
pub mod service;
pub mod timetable;

pub use error::TransitError;
pub use network::{
    Footpath, Network, Pattern, Route, Service, Shape, Stop, Trip, decode_times, time_at,
};
pub use raptor::{Access, Journey, Leg, LegKind, Place, Query};
pub use service::ServiceDate;
pub use timetable::DayTimetable;
