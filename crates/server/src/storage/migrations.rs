//! Schema migrations of the server database, recorded in `PRAGMA user_version`.
//!
//! Each step is SQL that runs once, in order; the version is the number of steps
//! applied. All pending steps run in one transaction at open. Never edit a step
//! that has shipped: append a new one. A database newer than [`MIGRATIONS`] is
//! refused rather than guessed at.
//!
//! Tables and invariants (also in docs/PROTOCOL.md):
//! - `counters(name, value)`: the row `seq` holds the last sequence number handed
//!   out; it only grows.
//! - `units`, `procedures`, `news`: one row per key with the protocol JSON in
//!   `body` and the `seq` of its last change (unique across the table).
//! - `tombstones(resource, key, scope, seq)`: deleted keys; a key has either a live
//!   row or a tombstone, never both. `scope` is the news item's unit, or `all`.

use rusqlite::{Connection, TransactionBehavior};

use super::StorageError;

/// Ordered schema steps; index + 1 is the `user_version` after the step.
const MIGRATIONS: &[&str] = &[
    // 1: content tables, the sequence counter and tombstones.
    "CREATE TABLE counters (
         name  TEXT PRIMARY KEY NOT NULL,
         value INTEGER NOT NULL
     ) STRICT;
     INSERT INTO counters (name, value) VALUES ('seq', 0);
     CREATE TABLE units (
         code   TEXT PRIMARY KEY NOT NULL,
         parent TEXT,
         seq    INTEGER NOT NULL UNIQUE,
         body   TEXT NOT NULL
     ) STRICT;
     CREATE TABLE procedures (
         code TEXT PRIMARY KEY NOT NULL,
         seq  INTEGER NOT NULL UNIQUE,
         body TEXT NOT NULL
     ) STRICT;
     CREATE TABLE news (
         id   TEXT PRIMARY KEY NOT NULL,
         unit TEXT NOT NULL,
         seq  INTEGER NOT NULL UNIQUE,
         body TEXT NOT NULL
     ) STRICT;
     CREATE INDEX news_unit_seq ON news (unit, seq);
     CREATE TABLE tombstones (
         resource TEXT NOT NULL,
         key      TEXT NOT NULL,
         scope    TEXT NOT NULL,
         seq      INTEGER NOT NULL UNIQUE,
         PRIMARY KEY (resource, key)
     ) STRICT;
     CREATE INDEX tombstones_resource_seq ON tombstones (resource, seq);",
];

/// Schema version this binary writes.
pub(crate) fn latest_version() -> i64 {
    i64::try_from(MIGRATIONS.len()).expect("the migration list is short")
}

/// Bring `conn` up to [`latest_version`], all pending steps in one transaction.
pub(crate) fn run(conn: &mut Connection) -> Result<(), StorageError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let found: i64 = tx.query_row("PRAGMA user_version", [], |row| row.get(0))?;
    let supported = latest_version();
    if found > supported {
        return Err(StorageError::TooNew { found, supported });
    }
    let start = usize::try_from(found).unwrap_or(0);
    for (index, step) in MIGRATIONS.iter().enumerate().skip(start) {
        tx.execute_batch(step)?;
        tracing::info!(version = index + 1, "applied server schema migration");
    }
    tx.pragma_update(None, "user_version", supported)?;
    tx.commit()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema(conn: &Connection) -> Vec<String> {
        let mut stmt = conn
            .prepare("SELECT sql FROM sqlite_schema WHERE sql IS NOT NULL ORDER BY name")
            .unwrap();
        stmt.query_map([], |row| row.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    }

    #[test]
    fn migrates_empty_database_and_is_idempotent() {
        let mut conn = Connection::open_in_memory().unwrap();
        run(&mut conn).unwrap();
        let first = schema(&conn);
        assert!(
            first
                .iter()
                .any(|sql| sql.contains("CREATE TABLE tombstones"))
        );
        run(&mut conn).unwrap();
        assert_eq!(first, schema(&conn));
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |row| row.get(0))
            .unwrap();
        assert_eq!(version, latest_version());
    }

    #[test]
    fn refuses_newer_database() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "user_version", latest_version() + 1)
            .unwrap();
        assert!(matches!(run(&mut conn), Err(StorageError::TooNew { .. })));
    }
}
