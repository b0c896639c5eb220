//! [`OutageStorage`]: the planned power cuts (table `outages`, one row per cut
//! and unit, served as the `outages` change feed through [`super::Storage`]).
//!
//! The trait only reads cuts back and writes them; deciding which cuts a new
//! schedule changes or withdraws is [`crate::outages`]'s job.

use congdan_protocol::Outage;

use super::{StorageFuture, UpsertCounts};

/// Which stored cuts to read back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OutageFilter {
    /// Every row announced by one of these utilities.
    Utilities(Vec<String>),
    /// Every row of one cut.
    Cut(String),
}

/// The power-cut table.
pub trait OutageStorage: Send + Sync + 'static {
    /// The stored rows matching `filter`, by id.
    fn outages(&self, filter: OutageFilter) -> StorageFuture<'_, Vec<Outage>>;

    /// Insert or update rows by id in one transaction; an identical row keeps its `seq`.
    fn upsert_outages(&self, rows: Vec<Outage>) -> StorageFuture<'_, UpsertCounts>;
}
