//! Moving a commune from its SQLite file into an empty PostgreSQL database
//! (`congdan-server copy --from FILE --to postgres://…`, issue 11), with every
//! row as it was: the same keys, request ids, `seq` numbers and tombstones, so
//! every ETag and cursor a client holds stays valid and nobody resyncs.
//!
//! Table by table, in an order that satisfies the foreign keys, the columns
//! PostgreSQL declares are read from SQLite in pages by `rowid` and written in
//! one PostgreSQL transaction: all or nothing. Then the change-feed sequence
//! continues after the SQLite counter, and the id sequences after the highest
//! copied id, and `ANALYZE` gives the planner its statistics. The server must
//! not write to the file meanwhile (stop it first).

use std::path::Path;

use rusqlite::types::Value;
use tokio_postgres::types::ToSql;

use super::pg::write_tx;
use super::sqlite_rows::corrupt;
use super::{PgStorage, SqliteStorage, StorageError};

/// Every table, parents before children; `counters` is carried by `change_seq`.
const TABLES: &[&str] = &[
    "units",
    "procedures",
    "news",
    "tombstones",
    "services",
    "devices",
    "uploads",
    "requests",
    "request_media",
    "request_updates",
    "ratings",
    "supports",
    "idempotency",
    "accounts",
    "sessions",
    "api_keys",
    "holidays",
    "bus_networks",
    "feed_bundles",
    "outages",
    "alerts",
    "cap_documents",
    "villages",
    "audit_log",
    "announcements",
    "announcement_units",
    "announcement_acks",
    "announcement_media",
    "bulletins",
    "login_failures",
];

/// Tables whose `id` comes from an identity sequence.
const IDENTITIES: &[&str] = &["requests", "request_updates", "audit_log"];

/// Rows read from SQLite at a time.
const PAGE: i64 = 500;

/// Rows copied, per table, in copy order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CopyReport {
    /// `(table, rows)`.
    pub tables: Vec<(&'static str, u64)>,
    /// The change-feed counter carried over (the highest `seq` handed out).
    pub seq: i64,
}

impl std::fmt::Display for CopyReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (table, rows) in &self.tables {
            writeln!(f, "{table}: {rows} rows")?;
        }
        writeln!(f, "change feed continues after seq {}", self.seq)
    }
}

/// Why a copy did not happen. Nothing was written to the target when one is returned.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CopyError {
    /// The target already holds data: a copy only goes into an empty database.
    #[error("the target database is not empty (table {0} has rows)")]
    NotEmpty(&'static str),
    /// There is no SQLite file at the source path (a copy never creates one).
    #[error("no database file at {0}")]
    NoSource(std::path::PathBuf),
    /// Reading, writing or converting failed.
    #[error(transparent)]
    Storage(#[from] StorageError),
}

impl From<tokio_postgres::Error> for CopyError {
    fn from(e: tokio_postgres::Error) -> Self {
        CopyError::Storage(e.into())
    }
}

/// One PostgreSQL column type the schema uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    BigInt,
    Boolean,
    Text,
    Bytes,
}

/// A SQLite value as the parameter PostgreSQL's column of `kind` takes.
fn param(
    table: &'static str,
    column: &str,
    kind: Kind,
    value: Value,
) -> Result<Box<dyn ToSql + Sync + Send>, StorageError> {
    Ok(match (kind, value) {
        (Kind::BigInt, Value::Null) => Box::new(None::<i64>),
        (Kind::Boolean, Value::Null) => Box::new(None::<bool>),
        (Kind::Text, Value::Null) => Box::new(None::<String>),
        (Kind::Bytes, Value::Null) => Box::new(None::<Vec<u8>>),
        (Kind::BigInt, Value::Integer(n)) => Box::new(n),
        (Kind::Boolean, Value::Integer(n)) => Box::new(n != 0),
        (Kind::Text, Value::Text(text)) => Box::new(text),
        (Kind::Bytes, Value::Blob(bytes)) => Box::new(bytes),
        (kind, value) => {
            return Err(corrupt(
                table,
                column,
                format!("{:?} cannot go into a {kind:?} column", value.data_type()),
            ));
        }
    })
}

/// Copy the SQLite database at `from` into the empty PostgreSQL database at `to`.
pub async fn copy_sqlite_to_postgres(from: &Path, to: &str) -> Result<CopyReport, CopyError> {
    if !from.is_file() {
        return Err(CopyError::NoSource(from.to_owned()));
    }
    let source = SqliteStorage::open(from)?;
    let target = PgStorage::connect(to).await?;
    let mut client = target.client().await?;
    let tx = write_tx(&mut client).await?;
    for &table in TABLES {
        let sql = format!("SELECT EXISTS (SELECT 1 FROM {table})");
        let any: bool = tx.query_one(&sql, &[]).await?.try_get(0)?;
        if any {
            return Err(CopyError::NotEmpty(table));
        }
    }
    let mut report = CopyReport::default();
    for &table in TABLES {
        let columns: Vec<(String, Kind)> = tx
            .query(
                "SELECT column_name::text, data_type::text FROM information_schema.columns \
                 WHERE table_schema = current_schema() AND table_name = $1 \
                 ORDER BY ordinal_position",
                &[&table],
            )
            .await?
            .iter()
            .map(|row| {
                let name: String = row.try_get(0)?;
                let kind = match row.try_get::<_, String>(1)?.as_str() {
                    "bigint" => Kind::BigInt,
                    "boolean" => Kind::Boolean,
                    "bytea" => Kind::Bytes,
                    _ => Kind::Text,
                };
                Ok((name, kind))
            })
            .collect::<Result<_, StorageError>>()?;
        let names: Vec<&str> = columns.iter().map(|(name, _)| name.as_str()).collect();
        let marks: Vec<String> = (1..=names.len()).map(|i| format!("${i}")).collect();
        let insert = tx
            .prepare(&format!(
                "INSERT INTO {table} ({}) VALUES ({})",
                names.join(", "),
                marks.join(", ")
            ))
            .await?;
        let select = format!(
            "SELECT rowid, {} FROM {table} WHERE rowid > ?1 ORDER BY rowid LIMIT ?2",
            names.join(", ")
        );
        let mut after = 0_i64;
        let mut copied = 0_u64;
        loop {
            let select = select.clone();
            let width = names.len();
            let rows: Vec<(i64, Vec<Value>)> = source
                .read(move |conn| {
                    let mut stmt = conn.prepare(&select)?;
                    let mut rows = stmt.query(rusqlite::params![after, PAGE])?;
                    let mut out = Vec::new();
                    while let Some(row) = rows.next()? {
                        let values = (1..=width)
                            .map(|i| row.get::<_, Value>(i))
                            .collect::<Result<Vec<_>, _>>()?;
                        out.push((row.get(0)?, values));
                    }
                    Ok(out)
                })
                .await?;
            let Some((last, _)) = rows.last() else {
                break;
            };
            after = *last;
            for (_, values) in rows {
                let params = values
                    .into_iter()
                    .zip(&columns)
                    .map(|(value, (name, kind))| param(table, name, *kind, value))
                    .collect::<Result<Vec<_>, _>>()?;
                let params: Vec<&(dyn ToSql + Sync)> = params
                    .iter()
                    .map(|p| p.as_ref() as &(dyn ToSql + Sync))
                    .collect();
                tx.execute(&insert, &params).await?;
                copied += 1;
            }
        }
        report.tables.push((table, copied));
    }
    report.seq = source
        .read(|conn| {
            Ok(
                conn.query_row("SELECT value FROM counters WHERE name = 'seq'", [], |row| {
                    row.get::<_, i64>(0)
                })?,
            )
        })
        .await?;
    if report.seq > 0 {
        tx.execute("SELECT setval('change_seq', $1)", &[&report.seq])
            .await?;
    }
    for table in IDENTITIES {
        tx.execute(
            &format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'), MAX(id)) FROM {table} \
                 HAVING MAX(id) IS NOT NULL"
            ),
            &[],
        )
        .await?;
    }
    tx.commit().await?;
    // Without statistics of the copied rows (autovacuum gets to them later) the
    // planner sorted a whole 90-day window of a province's requests for a
    // service list: 0.25 s instead of 14 ms (docs/BENCHMARKS.md).
    client.batch_execute("ANALYZE").await?;
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::content::tests::unit;
    use crate::storage::pg_cluster::PgCluster;
    use crate::storage::{ContentStorage, Resource, Scope, UploadStorage};

    #[tokio::test]
    async fn the_feed_continues_after_the_copied_sequence() {
        let Some(cluster) = PgCluster::start() else {
            return;
        };
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("s.db");
        assert!(matches!(
            copy_sqlite_to_postgres(&file, cluster.url()).await,
            Err(CopyError::NoSource(_))
        ));
        {
            let s = SqliteStorage::open(&file).unwrap();
            s.upsert_units(vec![unit("01", None), unit("00004", Some("01"))])
                .await
                .unwrap();
            assert!(s.delete(Resource::Units, "00004".into()).await.unwrap());
            s.create_upload("u".into(), None, "image/jpeg".into(), 2, chrono::Utc::now())
                .await
                .unwrap()
                .unwrap();
            s.append_upload("u".into(), 0, vec![0, 255]).await.unwrap();
        }
        let report = copy_sqlite_to_postgres(&file, cluster.url()).await.unwrap();
        assert_eq!(report.seq, 3);
        assert!(report.tables.contains(&("tombstones", 1)));
        let pg = PgStorage::connect(cluster.url()).await.unwrap();
        let page = pg
            .changes(Resource::Units, Scope::All, 0, 10)
            .await
            .unwrap();
        assert_eq!((page.items.len(), page.deleted.len(), page.head), (1, 1, 3));
        assert_eq!(
            pg.upload_bytes("u".into()).await.unwrap(),
            Some(vec![0, 255])
        );
        pg.upsert_units(vec![unit("79", None)]).await.unwrap();
        assert_eq!(pg.head(Resource::Units, Scope::All).await.unwrap(), 4);
    }
}
