//! [`BulletinStorage`] over SQLite: rows go through the shared change-feed
//! upsert and delete (one `seq` counter, tombstones), with the audit record
//! in the same transaction.

use congdan_protocol::Bulletin;

use super::audit::AuditRecord;
use super::bulletins::BulletinStorage;
use super::sqlite::{Row, delete_row, upsert_rows};
use super::sqlite_rows::{corrupt, to_json};
use super::{Resource, SqliteStorage, StorageError, StorageFuture, UpsertCounts, sqlite_audit};

impl BulletinStorage for SqliteStorage {
    fn bulletin_rows(&self, bulletin: String) -> StorageFuture<'_, Vec<Bulletin>> {
        self.read(move |conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT id, body FROM bulletins WHERE json_extract(body, '$.bulletin') = ?1 \
                 ORDER BY id",
            )?;
            let rows = stmt.query_map([bulletin], |row| {
                Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?))
            })?;
            let mut out = Vec::new();
            for row in rows {
                let (id, body) = row?;
                out.push(
                    serde_json::from_str(&body)
                        .map_err(|e| corrupt("bulletins", &id, e.to_string()))?,
                );
            }
            Ok(out)
        })
    }

    fn save_bulletin(
        &self,
        rows: Vec<Bulletin>,
        dropped: Vec<String>,
        audit: AuditRecord,
    ) -> StorageFuture<'_, UpsertCounts> {
        self.write(move |tx| {
            let rows = rows
                .iter()
                .map(|b| {
                    Ok(Row {
                        key: b.id.clone(),
                        extra: Some(b.unit.clone()),
                        body: to_json(Resource::Bulletins.as_str(), &b.id, b)?,
                    })
                })
                .collect::<Result<Vec<_>, StorageError>>()?;
            let counts = upsert_rows(tx, Resource::Bulletins, rows)?;
            for key in &dropped {
                delete_row(tx, Resource::Bulletins, key)?;
            }
            sqlite_audit::insert(tx, &audit)?;
            Ok(counts)
        })
    }
}
