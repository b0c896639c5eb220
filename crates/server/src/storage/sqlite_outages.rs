//! [`OutageStorage`] over SQLite: rows go through the shared change-feed
//! upsert (one `seq` counter, identical rows unchanged).

use congdan_protocol::Outage;

use super::outages::{OutageFilter, OutageStorage};
use super::sqlite::upsert_rows;
use super::sqlite_rows::unit_rows;
use super::{Resource, SqliteStorage, StorageError, StorageFuture, UpsertCounts};

impl OutageStorage for SqliteStorage {
    fn outages(&self, filter: OutageFilter) -> StorageFuture<'_, Vec<Outage>> {
        self.read(move |conn| {
            let (sql, values): (&str, Vec<String>) = match filter {
                OutageFilter::Utilities(names) => (
                    "SELECT id, body FROM outages WHERE json_extract(body, '$.utility') IN \
                     (SELECT value FROM json_each(?1)) ORDER BY id",
                    vec![serde_json::to_string(&names).unwrap_or_else(|_| "[]".to_owned())],
                ),
                OutageFilter::Cut(cut) => (
                    "SELECT id, body FROM outages WHERE json_extract(body, '$.cut') = ?1 ORDER BY id",
                    vec![cut],
                ),
            };
            let mut stmt = conn.prepare_cached(sql)?;
            let rows = stmt.query_map(rusqlite::params_from_iter(values), |row| {
                Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?))
            })?;
            let mut out = Vec::new();
            for row in rows {
                let (id, body) = row?;
                out.push(
                    serde_json::from_str(&body).map_err(|e| StorageError::Corrupt {
                        table: "outages",
                        key: id,
                        reason: e.to_string(),
                    })?,
                );
            }
            Ok(out)
        })
    }

    fn upsert_outages(&self, rows: Vec<Outage>) -> StorageFuture<'_, UpsertCounts> {
        self.write_content(move |tx| {
            let rows = unit_rows(Resource::Outages, &rows, |o| (&o.id, &o.unit))?;
            upsert_rows(tx, Resource::Outages, rows)
        })
    }
}
