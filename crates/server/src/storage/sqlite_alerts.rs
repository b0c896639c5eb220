//! [`AlertStorage`] over SQLite: rows through the shared change-feed upsert,
//! documents in `cap_documents`.

use congdan_protocol::Alert;
use rusqlite::OptionalExtension;

use super::alerts::{AlertStorage, CapDocument};
use super::sqlite::{Row, upsert_rows};
use super::sqlite_rows::to_json;
use super::{Resource, SqliteStorage, StorageError, StorageFuture, UpsertCounts};

fn rows_of(alerts: &[Alert]) -> Result<Vec<Row>, StorageError> {
    alerts
        .iter()
        .map(|a| {
            Ok(Row {
                key: a.id.clone(),
                extra: Some(a.unit.clone()),
                body: to_json(Resource::Alerts.as_str(), &a.id, a)?,
            })
        })
        .collect()
}

impl AlertStorage for SqliteStorage {
    fn save_alert(
        &self,
        document: CapDocument,
        rows: Vec<Alert>,
    ) -> StorageFuture<'_, UpsertCounts> {
        self.write(move |tx| {
            tx.execute(
                "INSERT OR REPLACE INTO cap_documents \
                 (alert, sender, identifier, xml, signed, received_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                rusqlite::params![
                    document.alert,
                    document.sender,
                    document.identifier,
                    document.xml,
                    document.signed,
                    document.received_at.to_rfc3339()
                ],
            )?;
            upsert_rows(tx, Resource::Alerts, rows_of(&rows)?)
        })
    }

    fn upsert_alerts(&self, rows: Vec<Alert>) -> StorageFuture<'_, UpsertCounts> {
        self.write(move |tx| upsert_rows(tx, Resource::Alerts, rows_of(&rows)?))
    }

    fn alert_rows(&self, alert: String) -> StorageFuture<'_, Vec<Alert>> {
        self.read(move |conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT id, body FROM alerts WHERE json_extract(body, '$.alert') = ?1 ORDER BY id",
            )?;
            let rows = stmt.query_map([&alert], |row| {
                Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?))
            })?;
            let mut out = Vec::new();
            for row in rows {
                let (id, body) = row?;
                out.push(
                    serde_json::from_str(&body).map_err(|e| StorageError::Corrupt {
                        table: "alerts",
                        key: id,
                        reason: e.to_string(),
                    })?,
                );
            }
            Ok(out)
        })
    }

    fn cap_document(&self, alert: String) -> StorageFuture<'_, Option<String>> {
        self.read(move |conn| {
            Ok(conn
                .prepare_cached("SELECT xml FROM cap_documents WHERE alert = ?1")?
                .query_row([&alert], |row| row.get(0))
                .optional()?)
        })
    }
}
