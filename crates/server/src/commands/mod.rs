//! Operator commands behind the binary's subcommands: seeding from a data
//! directory, ingesting one feed, and deleting content (which writes tombstones).
//!
//! Each command takes a [`Storage`] and returns a report value; printing and exit
//! codes belong to `main.rs`. Parsing of outside formats is `congdan-sources`'s job.

pub mod backup;
pub mod bus;
pub mod demo;
pub mod demo_bulletins;
pub mod holidays;
mod ingest;
mod report;
mod seed;
mod units;

use std::path::PathBuf;

pub use ingest::{FETCH_TIMEOUT, FeedSource, ingest_feed};
pub use report::{MAX_REJECTED_LINES, SeedReport, SourceReport};
pub use seed::{seed, seed_demo, seed_services, synonyms};
pub use units::{UnitError, add_unit};

use crate::storage::{Resource, Storage, StorageError};

/// Why a command failed as a whole. Nothing was stored when a source failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CommandError {
    /// The database failed.
    #[error(transparent)]
    Storage(#[from] StorageError),
    /// An input could not be parsed at all.
    #[error("{what}")]
    Source {
        /// Which input (a path or URL).
        what: String,
        /// What the parser reported.
        #[source]
        source: congdan_sources::SourceError,
    },
    /// A file could not be read.
    #[error("cannot read {path}")]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// Fetching a feed over HTTP failed (connection, timeout, status).
    #[error("cannot fetch {url}")]
    Fetch {
        /// The URL.
        url: String,
        /// The HTTP client error.
        #[source]
        source: reqwest::Error,
    },
    /// The unit given to ingest is not a stored unit (nor `VN`).
    #[error("unknown unit {code}: seed the units first or use VN for national news")]
    UnknownUnit {
        /// The code given.
        code: String,
    },
    /// Nothing to delete under that key.
    #[error("no {resource} with key {key}")]
    NotFound {
        /// The resource name.
        resource: &'static str,
        /// The key given.
        key: String,
    },
    /// A synonym file has a malformed line; nothing was written.
    #[error("bad synonym file {path}")]
    Synonyms {
        /// The file.
        path: PathBuf,
        /// The line and what is wrong with it.
        #[source]
        source: congdan_search::SynonymError,
    },
    /// The feed bundle could not be built; what was ingested is stored.
    #[error(transparent)]
    Bundle(#[from] crate::bundles::BundleError),
    /// A blocking parse task panicked.
    #[error("parser task failed: {0}")]
    Worker(String),
}

/// Delete one news item or procedure, writing its tombstone so clients drop it on next sync.
pub async fn delete(
    storage: &dyn Storage,
    resource: Resource,
    key: &str,
) -> Result<(), CommandError> {
    if storage.delete(resource, key.to_owned()).await? {
        tracing::info!(resource = resource.as_str(), "deleted one row");
        Ok(())
    } else {
        Err(CommandError::NotFound {
            resource: resource.as_str(),
            key: key.to_owned(),
        })
    }
}

/// Read at most `max + 1` bytes of a file (a parser refuses the extra byte), off the async workers.
pub async fn read_source(path: &std::path::Path, max: usize) -> Result<Vec<u8>, CommandError> {
    let path = path.to_owned();
    blocking(move || seed::read_capped(&path, max)).await
}

/// Run CPU- or disk-heavy parsing off the async workers.
async fn blocking<T, F>(work: F) -> Result<T, CommandError>
where
    T: Send + 'static,
    F: FnOnce() -> Result<T, CommandError> + Send + 'static,
{
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| CommandError::Worker(e.to_string()))?
}
