//! [`MaintenanceStorage`] over PostgreSQL: the deletes of a cleanup run, as in
//! `sqlite_maintenance.rs`. Any server process may run it; writers take turns.

use super::maintenance::{CleanupCutoffs, CleanupReport, MaintenanceStorage};
use super::sqlite_rows::ts;
use super::{PgStorage, StorageFuture};

fn count(rows: u64) -> usize {
    usize::try_from(rows).unwrap_or(usize::MAX)
}

impl MaintenanceStorage for PgStorage {
    fn cleanup(&self, cutoffs: CleanupCutoffs) -> StorageFuture<'_, CleanupReport> {
        self.write(move |tx| {
            Box::pin(async move {
                let uploads = tx
                    .execute(
                        "DELETE FROM uploads WHERE created_at < $1 \
                         AND NOT EXISTS (SELECT 1 FROM request_media m WHERE m.upload_id = uploads.id) \
                         AND NOT EXISTS (SELECT 1 FROM announcement_media a WHERE a.upload_id = uploads.id)",
                        &[&ts(cutoffs.uploads_before)],
                    )
                    .await?;
                let idempotency = tx
                    .execute(
                        "DELETE FROM idempotency WHERE created_at < $1",
                        &[&ts(cutoffs.idempotency_before)],
                    )
                    .await?;
                let sessions = tx
                    .execute(
                        "DELETE FROM sessions WHERE expires_at < $1",
                        &[&ts(cutoffs.sessions_before)],
                    )
                    .await?;
                Ok(CleanupReport {
                    uploads: count(uploads),
                    idempotency: count(idempotency),
                    sessions: count(sessions),
                })
            })
        })
    }
}
