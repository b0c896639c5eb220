//! [`AlertStorage`] over SQLite: rows through the shared change-feed upsert,
//! documents in `cap_documents`.

use congdan_protocol::Alert;
use rusqlite::OptionalExtension;

use super::alerts::{AlertStorage, CapDocument};
use super::sqlite::{Row, upsert_rows};
use super::sqlite_rows::{rows_where, unit_rows};
use super::{Resource, SqliteStorage, StorageError, StorageFuture, UpsertCounts};

fn rows_of(alerts: &[Alert]) -> Result<Vec<Row>, StorageError> {
    unit_rows(Resource::Alerts, alerts, |a| (&a.id, &a.unit))
}

impl AlertStorage for SqliteStorage {
    fn save_alert(
        &self,
        document: CapDocument,
        rows: Vec<Alert>,
    ) -> StorageFuture<'_, UpsertCounts> {
        self.write_content(move |tx| {
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
        self.write_content(move |tx| upsert_rows(tx, Resource::Alerts, rows_of(&rows)?))
    }

    fn alert_rows(&self, alert: String) -> StorageFuture<'_, Vec<Alert>> {
        self.read(move |conn| rows_where(conn, "alerts", "alert", &alert))
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
