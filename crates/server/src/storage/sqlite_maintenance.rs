//! [`MaintenanceStorage`] over SQLite: the deletes of a cleanup run.

use rusqlite::params;

use super::maintenance::{CleanupCutoffs, CleanupReport, MaintenanceStorage};
use super::sqlite_rows::ts;
use super::{SqliteStorage, StorageFuture};

impl MaintenanceStorage for SqliteStorage {
    fn cleanup(&self, cutoffs: CleanupCutoffs) -> StorageFuture<'_, CleanupReport> {
        self.write(move |tx| {
            let uploads = tx.execute(
                "DELETE FROM uploads WHERE created_at < ?1 \
                 AND NOT EXISTS (SELECT 1 FROM request_media m WHERE m.upload_id = uploads.id) \
                 AND NOT EXISTS (SELECT 1 FROM announcement_media a WHERE a.upload_id = uploads.id)",
                params![ts(cutoffs.uploads_before)],
            )?;
            let idempotency = tx.execute(
                "DELETE FROM idempotency WHERE created_at < ?1",
                params![ts(cutoffs.idempotency_before)],
            )?;
            let sessions = tx.execute(
                "DELETE FROM sessions WHERE expires_at < ?1",
                params![ts(cutoffs.sessions_before)],
            )?;
            Ok(CleanupReport {
                uploads,
                idempotency,
                sessions,
            })
        })
    }
}
