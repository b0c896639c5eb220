//! [`AuditStorage`] over PostgreSQL: the `audit_log` table as in
//! `sqlite_audit.rs`, and [`insert`] for storage calls that record their write
//! in their own transaction.

use congdan_protocol::announcements::AuditEntry;
use congdan_protocol::requests::Role;
use tokio_postgres::Transaction;

use super::audit::{AuditRecord, AuditStorage};
use super::sqlite_rows::{corrupt, parse_ts, ts};
use super::{PgStorage, StorageError, StorageFuture};

/// Append `record` inside `tx`.
pub(super) async fn insert(tx: &Transaction<'_>, record: &AuditRecord) -> Result<(), StorageError> {
    tx.execute(
        "INSERT INTO audit_log (at, username, role, unit, action, target, detail) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        &[
            &ts(record.at),
            &record.username,
            &record.role.as_str(),
            &record.unit,
            &record.action,
            &record.target,
            &record.detail,
        ],
    )
    .await?;
    Ok(())
}

impl AuditStorage for PgStorage {
    fn audit(&self, units: Vec<String>, limit: u32) -> StorageFuture<'_, Vec<AuditEntry>> {
        Box::pin(async move {
            let client = self.client().await?;
            let rows = client
                .query(
                    "SELECT id, at, username, role, unit, action, target, detail FROM audit_log \
                     WHERE unit = ANY($1) ORDER BY id DESC LIMIT $2",
                    &[&units, &i64::from(limit)],
                )
                .await?;
            let mut out = Vec::with_capacity(rows.len());
            for row in rows {
                let id: i64 = row.try_get(0)?;
                let key = id.to_string();
                let at: String = row.try_get(1)?;
                let role: String = row.try_get(3)?;
                out.push(AuditEntry {
                    id,
                    at: parse_ts("audit_log", &key, &at)?,
                    username: row.try_get(2)?,
                    role: Role::parse(&role)
                        .ok_or_else(|| corrupt("audit_log", &key, "unknown role"))?,
                    unit: row.try_get(4)?,
                    action: row.try_get(5)?,
                    target: row.try_get(6)?,
                    detail: row.try_get(7)?,
                });
            }
            Ok(out)
        })
    }
}
