//! Housekeeping of the request tables: what [`MaintenanceStorage::cleanup`]
//! deletes, and when. The schedule that calls it lives in [`crate::cleanup`].

use chrono::{DateTime, Utc};

use super::StorageFuture;

/// Deadlines of one cleanup run: rows older than these instants go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CleanupCutoffs {
    /// Uploads (finished or not) created before this and attached to no request.
    pub uploads_before: DateTime<Utc>,
    /// Idempotency records written before this.
    pub idempotency_before: DateTime<Utc>,
    /// Officer sessions that expired before this.
    pub sessions_before: DateTime<Utc>,
}

/// How many rows one cleanup run deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CleanupReport {
    /// Orphan uploads (photos never attached to a request, and unfinished ones).
    pub uploads: usize,
    /// Expired idempotency records.
    pub idempotency: usize,
    /// Expired officer sessions.
    pub sessions: usize,
}

/// Deleting what nobody can use any more.
pub trait MaintenanceStorage: Send + Sync + 'static {
    /// Delete orphan uploads, old idempotency records and expired sessions in
    /// one transaction. An upload attached to a request is never deleted.
    fn cleanup(&self, cutoffs: CleanupCutoffs) -> StorageFuture<'_, CleanupReport>;
}
