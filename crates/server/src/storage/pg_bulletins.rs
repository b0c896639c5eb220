//! [`BulletinStorage`] over PostgreSQL: rows go through the shared change-feed
//! upsert and delete of `pg.rs` (one sequence, tombstones), with the audit
//! record in the same transaction, as in `sqlite_bulletins.rs`.

use congdan_protocol::Bulletin;

use super::audit::AuditRecord;
use super::bulletins::BulletinStorage;
use super::pg::{delete_row, rows_where, upsert_rows};
use super::sqlite_rows::unit_rows;
use super::{PgStorage, Resource, StorageFuture, UpsertCounts, pg_audit};

impl BulletinStorage for PgStorage {
    fn bulletin_rows(&self, bulletin: String) -> StorageFuture<'_, Vec<Bulletin>> {
        Box::pin(async move { rows_where(self, "bulletins", "bulletin", &bulletin).await })
    }

    fn save_bulletin(
        &self,
        rows: Vec<Bulletin>,
        dropped: Vec<String>,
        audit: AuditRecord,
    ) -> StorageFuture<'_, UpsertCounts> {
        self.write_content(move |tx| {
            Box::pin(async move {
                let rows = unit_rows(Resource::Bulletins, &rows, |b| (&b.id, &b.unit))?;
                let counts = upsert_rows(tx, Resource::Bulletins, rows).await?;
                for key in &dropped {
                    delete_row(tx, Resource::Bulletins, key).await?;
                }
                pg_audit::insert(tx, &audit).await?;
                Ok(counts)
            })
        })
    }
}
