//! [`BulletinStorage`]: epidemic bulletins (table `bulletins`, one row per
//! bulletin and unit, served as the `bulletins` change feed through
//! [`super::Storage`]).
//!
//! What a post may contain and who may make it are decided in
//! [`crate::bulletins`]; this trait stores rows with their audit record and
//! reads them back.

use congdan_protocol::Bulletin;

use super::audit::AuditRecord;
use super::{StorageFuture, UpsertCounts};

/// The bulletin table.
pub trait BulletinStorage: Send + Sync + 'static {
    /// The stored rows of one bulletin, by id.
    fn bulletin_rows(&self, bulletin: String) -> StorageFuture<'_, Vec<Bulletin>>;

    /// In one transaction: upsert `rows`, delete (with tombstones) the rows
    /// keyed `dropped` (units a correction no longer names), and append `audit`.
    fn save_bulletin(
        &self,
        rows: Vec<Bulletin>,
        dropped: Vec<String>,
        audit: AuditRecord,
    ) -> StorageFuture<'_, UpsertCounts>;
}
