//! [`BulletinStorage`] over SQLite: rows go through the shared change-feed
//! upsert and delete (one `seq` counter, tombstones), with the audit record
//! in the same transaction.

use congdan_protocol::Bulletin;

use super::audit::AuditRecord;
use super::bulletins::BulletinStorage;
use super::sqlite::{delete_row, upsert_rows};
use super::sqlite_rows::{rows_where, unit_rows};
use super::{Resource, SqliteStorage, StorageFuture, UpsertCounts, sqlite_audit};

impl BulletinStorage for SqliteStorage {
    fn bulletin_rows(&self, bulletin: String) -> StorageFuture<'_, Vec<Bulletin>> {
        self.read(move |conn| rows_where(conn, "bulletins", "bulletin", &bulletin))
    }

    fn save_bulletin(
        &self,
        rows: Vec<Bulletin>,
        dropped: Vec<String>,
        audit: AuditRecord,
    ) -> StorageFuture<'_, UpsertCounts> {
        self.write_content(move |tx| {
            let rows = unit_rows(Resource::Bulletins, &rows, |b| (&b.id, &b.unit))?;
            let counts = upsert_rows(tx, Resource::Bulletins, rows)?;
            for key in &dropped {
                delete_row(tx, Resource::Bulletins, key)?;
            }
            sqlite_audit::insert(tx, &audit)?;
            Ok(counts)
        })
    }
}
