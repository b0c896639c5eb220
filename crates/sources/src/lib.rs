//! Parsers of outside data for Cổng Dân: news feeds (RSS/Atom/JSON Feed), the
//! national procedure catalogue (JSONL) and the list of administrative units (CSV).
//!
//! Each module maps a foreign format into the wire types of `congdan-protocol`
//! and reports partial success: a [`Parsed`] holds every accepted item plus every
//! rejected one with its position and a reason, and every accepted one whose text
//! was repaired (catalogue names) with its position and the repairs, so that
//! ingest can show all three.
//! Whole-input failures (too large, not a feed, I/O) are a [`SourceError`].
//!
//! This crate does no I/O beyond reading what it is given (and [`catalogue::open`]
//! reading one file), stores nothing, and does not fold text for search: that
//! belongs to the client core.
#![deny(missing_docs)]
#![warn(clippy::unwrap_used)]

pub mod cap;
pub mod catalogue;
mod error;
pub mod feed;
pub mod outages;
pub mod places;
mod text;
pub mod units;

pub use error::{Parsed, Rejected, Repaired, SourceError};
