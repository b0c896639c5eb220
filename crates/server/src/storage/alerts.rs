//! [`AlertStorage`]: CAP alerts (tables `alerts`, one row per alert and unit,
//! served as the `alerts` change feed through [`super::Storage`], and
//! `cap_documents`, the CAP text of each alert).
//!
//! Which units an alert concerns and what a cancellation does are decided in
//! [`crate::alerts`]; this trait stores and reads back.

use chrono::{DateTime, Utc};
use congdan_protocol::Alert;

use super::{StorageFuture, UpsertCounts};

/// The CAP text of one alert, as received (ingest) or emitted (issue).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CapDocument {
    /// Server id of the alert.
    pub alert: String,
    /// CAP `<sender>`.
    pub sender: String,
    /// CAP `<identifier>`.
    pub identifier: String,
    /// The document, UTF-8.
    pub xml: String,
    /// Whether it carried an enveloped signature (not verified).
    pub signed: bool,
    /// When the server stored it.
    pub received_at: DateTime<Utc>,
}

/// The alert tables.
pub trait AlertStorage: Send + Sync + 'static {
    /// Store an alert's document (replacing one with the same id) and upsert
    /// its rows, in one transaction.
    fn save_alert(
        &self,
        document: CapDocument,
        rows: Vec<Alert>,
    ) -> StorageFuture<'_, UpsertCounts>;

    /// Upsert alert rows (a cancellation rewriting earlier alerts' rows).
    fn upsert_alerts(&self, rows: Vec<Alert>) -> StorageFuture<'_, UpsertCounts>;

    /// The stored rows of one alert, by id.
    fn alert_rows(&self, alert: String) -> StorageFuture<'_, Vec<Alert>>;

    /// The CAP text of one alert.
    fn cap_document(&self, alert: String) -> StorageFuture<'_, Option<String>>;
}
