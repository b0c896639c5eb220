//! [`AuditStorage`] over SQLite: the `audit_log` table, and [`insert`] for
//! storage calls that record their write in their own transaction.

use congdan_protocol::announcements::AuditEntry;
use congdan_protocol::requests::Role;
use rusqlite::{Transaction, params_from_iter};

use super::audit::{AuditRecord, AuditStorage};
use super::sqlite_rows::{corrupt, parse_ts, ts};
use super::{SqliteStorage, StorageError, StorageFuture};

/// Append `record` inside `tx`.
pub(super) fn insert(tx: &Transaction<'_>, record: &AuditRecord) -> Result<(), StorageError> {
    tx.execute(
        "INSERT INTO audit_log (at, username, role, unit, action, target, detail) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        rusqlite::params![
            ts(record.at),
            record.username,
            record.role.as_str(),
            record.unit,
            record.action,
            record.target,
            record.detail
        ],
    )?;
    Ok(())
}

impl AuditStorage for SqliteStorage {
    fn audit(&self, units: Vec<String>, limit: u32) -> StorageFuture<'_, Vec<AuditEntry>> {
        self.read(move |conn| {
            if units.is_empty() {
                return Ok(Vec::new());
            }
            let marks = vec!["?"; units.len()].join(", ");
            let sql = format!(
                "SELECT id, at, username, role, unit, action, target, detail FROM audit_log \
                 WHERE unit IN ({marks}) ORDER BY id DESC LIMIT {limit}"
            );
            let mut stmt = conn.prepare(&sql)?;
            let rows = stmt.query_map(params_from_iter(units.iter()), |row| {
                Ok((
                    row.get::<_, i64>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, String>(2)?,
                    row.get::<_, String>(3)?,
                    row.get::<_, String>(4)?,
                    row.get::<_, String>(5)?,
                    row.get::<_, String>(6)?,
                    row.get::<_, String>(7)?,
                ))
            })?;
            let mut out = Vec::new();
            for row in rows {
                let (id, at, username, role, unit, action, target, detail) = row?;
                let key = id.to_string();
                out.push(AuditEntry {
                    id,
                    at: parse_ts("audit_log", &key, &at)?,
                    username,
                    role: Role::parse(&role)
                        .ok_or_else(|| corrupt("audit_log", &key, "unknown role"))?,
                    unit,
                    action,
                    target,
                    detail,
                });
            }
            Ok(out)
        })
    }
}
