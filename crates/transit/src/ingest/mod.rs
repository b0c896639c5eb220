//! Reading a GTFS zip into a [`Network`] (server side, feature `ingest`).
//!
//! Steps: [`archive`] copies the known GTFS files out of the zip into a temporary directory,
//! refusing zip bombs and oversized entries; gtfs-structures parses the CSV files; [`build`]
//! checks references, times and calendars, writing every problem into a [`Report`] with its file
//! and line, and builds the network only when no problem is an error. The caller keeps its
//! previous network whenever [`read_zip`] returns `Err`.

pub mod archive;
pub mod build;
pub mod report;

use std::path::Path;

pub use archive::Limits;
pub use report::{Problem, Report, Severity};

use crate::network::Network;

/// A feed that was accepted, with the warnings found on the way.
#[derive(Debug)]
pub struct Ingested {
    /// The network built from the feed.
    pub network: Network,
    /// Warnings (no errors) and counts.
    pub report: Report,
}

/// Reads, validates and builds the feed at `zip`. `Err` holds a report with at least one error:
/// the feed must not replace a stored one.
pub fn read_zip(zip: &Path, limits: &Limits) -> Result<Ingested, Report> {
    let mut report = Report::default();
    let dir = archive::extract(zip, limits, &mut report)?;
    let raw = gtfs_structures::RawGtfs::from_path(dir.path());
    let raw = match raw {
        Ok(raw) => raw,
        Err(e) => {
            report.error(report::problem_of_gtfs_error("", &e));
            return Err(report);
        }
    };
    let version = archive::digest_label(zip).unwrap_or_default();
    match build::network(raw, &version, &mut report) {
        Some(network) if !report.has_errors() => Ok(Ingested { network, report }),
        _ => Err(report),
    }
}
