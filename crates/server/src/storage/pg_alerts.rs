//! [`AlertStorage`] over PostgreSQL: rows through the shared change-feed
//! upsert of `pg.rs`, documents in `cap_documents`, as in `sqlite_alerts.rs`.

use congdan_protocol::Alert;

use super::alerts::{AlertStorage, CapDocument};
use super::pg::{rows_where, upsert_rows};
use super::sqlite::Row;
use super::sqlite_rows::unit_rows;
use super::{PgStorage, Resource, StorageError, StorageFuture, UpsertCounts};

fn rows_of(alerts: &[Alert]) -> Result<Vec<Row>, StorageError> {
    unit_rows(Resource::Alerts, alerts, |a| (&a.id, &a.unit))
}

impl AlertStorage for PgStorage {
    fn save_alert(
        &self,
        document: CapDocument,
        rows: Vec<Alert>,
    ) -> StorageFuture<'_, UpsertCounts> {
        self.write_content(move |tx| {
            Box::pin(async move {
                let rows = rows_of(&rows)?;
                tx.execute(
                    "INSERT INTO cap_documents (alert, sender, identifier, xml, signed, received_at) \
                     VALUES ($1, $2, $3, $4, $5, $6) \
                     ON CONFLICT (alert) DO UPDATE SET sender = EXCLUDED.sender, \
                     identifier = EXCLUDED.identifier, xml = EXCLUDED.xml, \
                     signed = EXCLUDED.signed, received_at = EXCLUDED.received_at",
                    &[
                        &document.alert,
                        &document.sender,
                        &document.identifier,
                        &document.xml,
                        &document.signed,
                        &document.received_at.to_rfc3339(),
                    ],
                )
                .await?;
                let counts = upsert_rows(tx, Resource::Alerts, rows).await?;
                Ok(counts)
            })
        })
    }

    fn upsert_alerts(&self, rows: Vec<Alert>) -> StorageFuture<'_, UpsertCounts> {
        self.upsert_feed(Resource::Alerts, rows_of(&rows))
    }

    fn alert_rows(&self, alert: String) -> StorageFuture<'_, Vec<Alert>> {
        Box::pin(async move { rows_where(self, "alerts", "alert", &alert).await })
    }

    fn cap_document(&self, alert: String) -> StorageFuture<'_, Option<String>> {
        Box::pin(async move {
            let client = self.client().await?;
            let row = client
                .query_opt("SELECT xml FROM cap_documents WHERE alert = $1", &[&alert])
                .await?;
            Ok(row.map(|row| row.try_get(0)).transpose()?)
        })
    }
}
