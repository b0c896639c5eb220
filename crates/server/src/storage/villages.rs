//! Villages and tổ dân phố below a commune (the [`VillageStorage`] trait):
//! created by a commune's admin, not part of the official unit list and not
//! served in the `units` change feed (clients that know only provinces and
//! communes must keep syncing), but units like any other for scoping
//! accounts and announcements.

use congdan_protocol::Unit;

use super::StorageFuture;

/// Storage of villages.
pub trait VillageStorage: Send + Sync + 'static {
    /// Insert or replace a village (its `parent` is the commune).
    fn put_village(&self, village: Unit) -> StorageFuture<'_, ()>;
    /// One village by code.
    fn village(&self, code: String) -> StorageFuture<'_, Option<Unit>>;
    /// The villages of a commune, by code.
    fn villages(&self, commune: String) -> StorageFuture<'_, Vec<Unit>>;
}
