//! The PostgreSQL engine (issue 11): [`PgStorage`], a deadpool-postgres pool
//! of tokio-postgres connections shared by every server process of a province,
//! and its [`ContentStorage`] implementation. The other concerns are in
//! `pg_<concern>.rs`, mirroring `sqlite_<concern>.rs` statement for statement.
//!
//! One writer at a time, as on SQLite: every writing transaction runs through
//! [`PgStorage::write`] or [`PgStorage::write_or_refuse`], whose [`write_tx`] takes the advisory lock [`WRITE_LOCK`] until it ends.
//! The SQL of each write can therefore stay that of its SQLite twin
//! (read-check-write without races between server processes), and the numbers
//! of the change feed, taken from the sequence `change_seq`, become visible in
//! order: a cursor never skips a change that committed late. Readers take no
//! lock; a page is read in one `REPEATABLE READ` snapshot. Writes of a commune
//! or a province (requests, answers, ingests) are few; should they become the
//! bottleneck, the lock can be narrowed to the change feed.
//!
//! Content writes go through [`PgStorage::write_content`]: `NOTIFY` on
//! [`CHANNEL`] inside the transaction (PostgreSQL delivers it at commit, to
//! every listening process) and a ring of this process's [`ChangeBell`] after
//! the commit. [`ContentStorage::watch_changes`] keeps one `LISTEN` connection
//! outside the pool that rings the bell on each notification.
//!
//! Connections are plain TCP or a Unix socket (`NoTls`); TLS to a remote
//! database is not offered yet.

use std::future::Future;
use std::pin::Pin;
use std::str::FromStr;
use std::time::Duration;

use congdan_protocol::{NewsItem, Procedure, Unit};
use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod, Transaction};
use serde::de::DeserializeOwned;
use tokio_postgres::types::ToSql;
use tokio_postgres::{AsyncMessage, IsolationLevel};

use super::content::FeedBundle;
use super::pg_migrations::{self, WRITE_LOCK};
use super::sqlite::Row;
use super::sqlite_rows::{from_json, to_json};
use super::{
    ContentStorage, RawPage, Resource, SCOPE_ALL, Scope, StorageError, StorageFuture, UpsertCounts,
    to_seq, to_sql_seq,
};
use crate::changes::{CHANNEL, ChangeBell};

/// Connections per server process.
const POOL_SIZE: usize = 16;
/// First and longest wait before the listener reconnects.
const RELISTEN_FIRST: Duration = Duration::from_millis(100);
const RELISTEN_MAX: Duration = Duration::from_secs(5);

/// PostgreSQL implementation of the storage traits. Cheap to clone.
#[derive(Clone)]
pub struct PgStorage {
    pool: Pool,
    /// Settings of the listener's own connection.
    config: tokio_postgres::Config,
    bell: ChangeBell,
}

impl std::fmt::Debug for PgStorage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgStorage")
            .field("pool", &self.pool.status())
            .finish_non_exhaustive()
    }
}

impl PgStorage {
    /// Connect to the database at `url` (`postgres://user@host:port/db`, or
    /// the key=value form) and migrate it.
    pub async fn connect(url: &str) -> Result<Self, StorageError> {
        let config = tokio_postgres::Config::from_str(url)?;
        let manager = Manager::from_config(
            config.clone(),
            tokio_postgres::NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(POOL_SIZE)
            .build()
            .map_err(|e| StorageError::PgConfig(e.to_string()))?;
        let storage = Self {
            pool,
            config,
            // Other processes are heard only once `watch_changes` listens.
            bell: ChangeBell::new(false),
        };
        pg_migrations::run(&mut storage.client().await?).await?;
        Ok(storage)
    }

    /// A pooled connection.
    pub(super) async fn client(&self) -> Result<deadpool_postgres::Client, StorageError> {
        Ok(self.pool.get().await?)
    }
}

/// Begin a writing transaction: it holds [`WRITE_LOCK`] until it ends (see
/// the module doc). Dropped without `commit`, it rolls back.
pub(super) async fn write_tx(
    client: &mut deadpool_postgres::Client,
) -> Result<Transaction<'_>, StorageError> {
    let tx = client.transaction().await?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&WRITE_LOCK])
        .await?;
    Ok(tx)
}

/// A read-only transaction that sees one snapshot (`REPEATABLE READ`): a page
/// and its head agree even while writers commit.
pub(super) async fn snapshot(
    client: &mut deadpool_postgres::Client,
) -> Result<Transaction<'_>, StorageError> {
    Ok(client
        .build_transaction()
        .isolation_level(IsolationLevel::RepeatableRead)
        .read_only(true)
        .start()
        .await?)
}

/// The future of a write's work, borrowing its transaction.
pub(super) type TxFuture<'t, T> =
    Pin<Box<dyn Future<Output = Result<T, StorageError>> + Send + 't>>;

impl PgStorage {
    /// Run `work` in a writing transaction ([`write_tx`]), committing when it
    /// succeeds: SQLite's `write`.
    pub(super) fn write<'s, T, F>(&'s self, work: F) -> StorageFuture<'s, T>
    where
        T: Send + 's,
        F: for<'t> FnOnce(&'t Transaction<'t>) -> TxFuture<'t, T> + Send + 's,
    {
        self.write_and(work, false)
    }

    /// `write` for the content feeds ([`upsert_rows`], [`delete_row`]):
    /// `NOTIFY` every listening process at commit, and ring this process's
    /// bell once committed.
    pub(super) fn write_content<'s, T, F>(&'s self, work: F) -> StorageFuture<'s, T>
    where
        T: Send + 's,
        F: for<'t> FnOnce(&'t Transaction<'t>) -> TxFuture<'t, T> + Send + 's,
    {
        self.write_and(work, true)
    }

    /// `write`, and for content also `NOTIFY` before the commit and a ring after it.
    fn write_and<'s, T, F>(&'s self, work: F, content: bool) -> StorageFuture<'s, T>
    where
        T: Send + 's,
        F: for<'t> FnOnce(&'t Transaction<'t>) -> TxFuture<'t, T> + Send + 's,
    {
        Box::pin(async move {
            let mut client = self.client().await?;
            let tx = write_tx(&mut client).await?;
            let out = work(&tx).await?;
            if content {
                tx.batch_execute(&format!("NOTIFY {CHANNEL}")).await?;
            }
            tx.commit().await?;
            if content {
                self.bell.ring();
            }
            Ok(out)
        })
    }

    /// One `LISTEN` session: rings the bell on each notification and returns
    /// when the connection ends (or cannot be made).
    async fn listen_once(&self) -> Result<(), StorageError> {
        let (client, mut connection) = self.config.connect(tokio_postgres::NoTls).await?;
        let bell = self.bell.clone();
        let mut messages = tokio::spawn(async move {
            while let Some(message) = std::future::poll_fn(|cx| connection.poll_message(cx)).await {
                match message {
                    Ok(AsyncMessage::Notification(note)) if note.channel() == CHANNEL => {
                        bell.ring();
                    }
                    Ok(_) => {}
                    Err(e) => return Err(e),
                }
            }
            Ok(())
        });
        let listen = format!("LISTEN {CHANNEL}");
        let listening = tokio::select! {
            listening = client.batch_execute(&listen) => listening,
            ended = &mut messages => {
                ended.map_err(|e| StorageError::Worker(e.to_string()))??;
                return Ok(());
            }
        };
        listening?;
        self.bell.set_hearing(true);
        let ended = messages.await;
        self.bell.set_hearing(false);
        drop(client);
        ended.map_err(|e| StorageError::Worker(e.to_string()))??;
        Ok(())
    }

    /// Like [`PgStorage::write`], but an `Ok(Err(refusal))` from `work` rolls
    /// the transaction back, so that a refused write leaves nothing behind:
    /// SQLite's `write_or_refuse`.
    pub(super) fn write_or_refuse<'s, T, E, F>(&'s self, work: F) -> StorageFuture<'s, Result<T, E>>
    where
        T: Send + 's,
        E: Send + 's,
        F: for<'t> FnOnce(&'t Transaction<'t>) -> TxFuture<'t, Result<T, E>> + Send + 's,
    {
        Box::pin(async move {
            let mut client = self.client().await?;
            let tx = write_tx(&mut client).await?;
            let out = work(&tx).await?;
            if out.is_ok() {
                tx.commit().await?;
            } else {
                tx.rollback().await?;
            }
            Ok(out)
        })
    }
}

/// Table layout of one feed resource.
struct Table {
    name: &'static str,
    key: &'static str,
    /// The second column written with each row: `parent` of units, `unit` of
    /// the scoped feeds, none for procedures.
    extra: Option<&'static str>,
    /// Whether `extra` is the unit that [`Scope::Units`] filters on.
    scoped: bool,
}

fn table(resource: Resource) -> Table {
    let scoped = |name| Table {
        name,
        key: "id",
        extra: Some("unit"),
        scoped: true,
    };
    match resource {
        Resource::Units => Table {
            name: "units",
            key: "code",
            extra: Some("parent"),
            scoped: false,
        },
        Resource::Procedures => Table {
            name: "procedures",
            key: "code",
            extra: None,
            scoped: false,
        },
        Resource::News => scoped("news"),
        Resource::Outages => scoped("outages"),
        Resource::Alerts => scoped("alerts"),
        Resource::Bulletins => scoped("bulletins"),
    }
}

/// The units of a scope as a query parameter, `None` when every row is visible.
fn scope_units(t: &Table, scope: &Scope) -> Option<Vec<String>> {
    match scope {
        Scope::Units(units) if t.scoped => Some(units.clone()),
        _ => None,
    }
}

async fn head_in(
    tx: &Transaction<'_>,
    resource: Resource,
    scope: &Scope,
) -> Result<u64, StorageError> {
    let t = table(resource);
    let units = scope_units(&t, scope);
    let (rows_filter, tombs_filter) = if units.is_some() {
        (" AND unit = ANY($2)", " AND scope = ANY($2)")
    } else {
        ("", "")
    };
    let sql = format!(
        "SELECT GREATEST(
             (SELECT COALESCE(MAX(seq), 0) FROM {} WHERE TRUE{rows_filter}),
             (SELECT COALESCE(MAX(seq), 0) FROM tombstones WHERE resource = $1{tombs_filter}))",
        t.name
    );
    let resource_name = resource.as_str();
    let mut params: Vec<&(dyn ToSql + Sync)> = vec![&resource_name];
    if let Some(units) = &units {
        params.push(units);
    }
    let stmt = tx.prepare_cached(&sql).await?;
    let head: i64 = tx.query_one(&stmt, &params).await?.try_get(0)?;
    to_seq(t.name, "MAX(seq)", head)
}

async fn changes_in(
    client: &mut deadpool_postgres::Client,
    resource: Resource,
    scope: &Scope,
    since: u64,
    limit: u32,
) -> Result<RawPage, StorageError> {
    let t = table(resource);
    let units = scope_units(&t, scope);
    let since = to_sql_seq(since);
    let fetch = i64::from(limit) + 1;
    let tx = snapshot(client).await?;

    let filter = if units.is_some() {
        " AND unit = ANY($3)"
    } else {
        ""
    };
    let sql = format!(
        "SELECT seq, body FROM {} WHERE seq > $1{filter} ORDER BY seq LIMIT $2",
        t.name
    );
    let mut params: Vec<&(dyn ToSql + Sync)> = vec![&since, &fetch];
    if let Some(units) = &units {
        params.push(units);
    }
    let stmt = tx.prepare_cached(&sql).await?;
    let items = tx
        .query(&stmt, &params)
        .await?
        .iter()
        .map(|row| Ok((row.try_get::<_, i64>(0)?, row.try_get::<_, String>(1)?)))
        .collect::<Result<Vec<_>, tokio_postgres::Error>>()?;

    let filter = if units.is_some() {
        " AND scope = ANY($4)"
    } else {
        ""
    };
    let sql = format!(
        "SELECT seq, key FROM tombstones WHERE resource = $1 AND seq > $2{filter} \
         ORDER BY seq LIMIT $3"
    );
    let resource_name = resource.as_str();
    let mut params: Vec<&(dyn ToSql + Sync)> = vec![&resource_name, &since, &fetch];
    if let Some(units) = &units {
        params.push(units);
    }
    let stmt = tx.prepare_cached(&sql).await?;
    let tombs = tx
        .query(&stmt, &params)
        .await?
        .iter()
        .map(|row| Ok((row.try_get::<_, i64>(0)?, row.try_get::<_, String>(1)?)))
        .collect::<Result<Vec<_>, tokio_postgres::Error>>()?;
    let head = head_in(&tx, resource, scope).await?;
    tx.commit().await?;

    RawPage::merge(t.name, items, tombs, limit, head)
}

/// Insert or update rows of a feed; identical rows keep their `seq`. Call it
/// inside [`PgStorage::write_content`] (which takes [`WRITE_LOCK`] and rings).
pub(super) async fn upsert_rows(
    tx: &Transaction<'_>,
    resource: Resource,
    rows: Vec<Row>,
) -> Result<UpsertCounts, StorageError> {
    let t = table(resource);
    let (key, name) = (t.key, t.name);
    let select = tx
        .prepare_cached(&format!("SELECT body FROM {name} WHERE {key} = $1"))
        .await?;
    let (insert, update) = match t.extra {
        Some(extra) => (
            format!(
                "INSERT INTO {name} ({key}, {extra}, seq, body) \
                 VALUES ($1, $3, nextval('change_seq'), $2)"
            ),
            format!(
                "UPDATE {name} SET {extra} = $3, seq = nextval('change_seq'), body = $2 \
                 WHERE {key} = $1"
            ),
        ),
        None => (
            format!("INSERT INTO {name} ({key}, seq, body) VALUES ($1, nextval('change_seq'), $2)"),
            format!("UPDATE {name} SET seq = nextval('change_seq'), body = $2 WHERE {key} = $1"),
        ),
    };
    let insert = tx.prepare_cached(&insert).await?;
    let update = tx.prepare_cached(&update).await?;
    let untomb = tx
        .prepare_cached("DELETE FROM tombstones WHERE resource = $1 AND key = $2")
        .await?;
    let resource_name = resource.as_str();
    let mut counts = UpsertCounts::default();
    for row in rows {
        let stored: Option<String> = match tx.query_opt(&select, &[&row.key]).await? {
            Some(r) => Some(r.try_get(0)?),
            None => None,
        };
        match stored {
            Some(body) if body == row.body => counts.unchanged += 1,
            Some(_) => {
                tx.execute(&update, &params(&t, &row)).await?;
                counts.updated += 1;
            }
            None => {
                tx.execute(&insert, &params(&t, &row)).await?;
                tx.execute(&untomb, &[&resource_name, &row.key]).await?;
                counts.inserted += 1;
            }
        }
    }
    Ok(counts)
}

/// Parameters of a row's insert or update: key, body, and the extra column
/// when the table has one.
fn params<'a>(t: &Table, row: &'a Row) -> Vec<&'a (dyn ToSql + Sync)> {
    let mut params: Vec<&(dyn ToSql + Sync)> = vec![&row.key, &row.body];
    if t.extra.is_some() {
        params.push(&row.extra);
    }
    params
}

/// Delete one row of a feed and write its tombstone. Call it inside
/// [`PgStorage::write_content`] (which takes [`WRITE_LOCK`] and rings).
pub(super) async fn delete_row(
    tx: &Transaction<'_>,
    resource: Resource,
    key: &str,
) -> Result<bool, StorageError> {
    let t = table(resource);
    let returning = if t.scoped { "unit" } else { "NULL::text" };
    let sql = format!(
        "DELETE FROM {} WHERE {} = $1 RETURNING {returning}",
        t.name, t.key
    );
    let Some(row) = tx.query_opt(&sql, &[&key]).await? else {
        return Ok(false);
    };
    let scope: Option<String> = row.try_get(0)?;
    let scope = scope.unwrap_or_else(|| SCOPE_ALL.to_owned());
    tx.execute(
        "INSERT INTO tombstones (resource, key, scope, seq)
         VALUES ($1, $2, $3, nextval('change_seq'))
         ON CONFLICT (resource, key) DO UPDATE SET scope = EXCLUDED.scope, seq = EXCLUDED.seq",
        &[&resource.as_str(), &key, &scope],
    )
    .await?;
    Ok(true)
}

/// The rows of a per-unit feed table whose JSON `field` equals `value` (every
/// unit's row of one cut, alert or bulletin), by id; `sqlite_rows::rows_where`'s twin.
pub(super) async fn rows_where<T: DeserializeOwned>(
    storage: &PgStorage,
    table: &'static str,
    field: &'static str,
    value: &str,
) -> Result<Vec<T>, StorageError> {
    let client = storage.client().await?;
    let sql =
        format!("SELECT id, body FROM {table} WHERE body::jsonb ->> '{field}' = $1 ORDER BY id");
    let stmt = client.prepare_cached(&sql).await?;
    let rows = client.query(&stmt, &[&value]).await?;
    rows.iter()
        .map(|row| {
            let id: String = row.try_get(0)?;
            let body: String = row.try_get(1)?;
            from_json(table, &id, &body)
        })
        .collect()
}

/// The stored JSON text of one row of a feed table, by key.
async fn body_of(
    storage: &PgStorage,
    resource: Resource,
    key: &str,
) -> Result<Option<String>, StorageError> {
    let t = table(resource);
    let client = storage.client().await?;
    let stmt = client
        .prepare_cached(&format!("SELECT body FROM {} WHERE {} = $1", t.name, t.key))
        .await?;
    Ok(match client.query_opt(&stmt, &[&key]).await? {
        Some(row) => Some(row.try_get(0)?),
        None => None,
    })
}

impl PgStorage {
    /// Upsert `rows` of a feed in one writing transaction.
    pub(super) fn upsert_feed(
        &self,
        resource: Resource,
        rows: Result<Vec<Row>, StorageError>,
    ) -> StorageFuture<'_, UpsertCounts> {
        self.write_content(move |tx| {
            Box::pin(async move {
                let rows = rows?;
                let counts = upsert_rows(tx, resource, rows).await?;
                Ok(counts)
            })
        })
    }
}

impl ContentStorage for PgStorage {
    fn head(&self, resource: Resource, scope: Scope) -> StorageFuture<'_, u64> {
        Box::pin(async move {
            let mut client = self.client().await?;
            let tx = client.build_transaction().read_only(true).start().await?;
            let head = head_in(&tx, resource, &scope).await?;
            tx.commit().await?;
            Ok(head)
        })
    }

    fn changes(
        &self,
        resource: Resource,
        scope: Scope,
        since: u64,
        limit: u32,
    ) -> StorageFuture<'_, RawPage> {
        Box::pin(async move {
            let mut client = self.client().await?;
            changes_in(&mut client, resource, &scope, since, limit).await
        })
    }

    fn unit(&self, code: String) -> StorageFuture<'_, Option<Unit>> {
        Box::pin(async move {
            body_of(self, Resource::Units, &code)
                .await?
                .map(|body| from_json("units", &code, &body))
                .transpose()
        })
    }

    fn units_json(&self, parent: Option<String>) -> StorageFuture<'_, Vec<String>> {
        Box::pin(async move {
            let client = self.client().await?;
            let stmt = client
                .prepare_cached(
                    "SELECT body FROM units WHERE parent IS NOT DISTINCT FROM $1 ORDER BY code",
                )
                .await?;
            let rows = client.query(&stmt, &[&parent]).await?;
            Ok(rows
                .iter()
                .map(|row| row.try_get(0))
                .collect::<Result<_, _>>()?)
        })
    }

    fn procedure_json(&self, code: String) -> StorageFuture<'_, Option<String>> {
        Box::pin(async move { body_of(self, Resource::Procedures, &code).await })
    }

    fn upsert_units(&self, units: Vec<Unit>) -> StorageFuture<'_, UpsertCounts> {
        let rows = units
            .into_iter()
            .map(|unit| {
                Ok(Row {
                    body: to_json(Resource::Units.as_str(), &unit.code, &unit)?,
                    key: unit.code,
                    extra: unit.parent,
                })
            })
            .collect();
        self.upsert_feed(Resource::Units, rows)
    }

    fn upsert_procedures(&self, procedures: Vec<Procedure>) -> StorageFuture<'_, UpsertCounts> {
        let rows = procedures
            .into_iter()
            .map(|procedure| {
                Ok(Row {
                    body: to_json(Resource::Procedures.as_str(), &procedure.code, &procedure)?,
                    key: procedure.code,
                    extra: None,
                })
            })
            .collect();
        self.upsert_feed(Resource::Procedures, rows)
    }

    fn upsert_news(&self, items: Vec<NewsItem>) -> StorageFuture<'_, UpsertCounts> {
        let rows = items
            .into_iter()
            .map(|item| {
                Ok(Row {
                    body: to_json(Resource::News.as_str(), &item.id, &item)?,
                    key: item.id,
                    extra: Some(item.unit),
                })
            })
            .collect();
        self.upsert_feed(Resource::News, rows)
    }

    fn delete(&self, resource: Resource, key: String) -> StorageFuture<'_, bool> {
        self.write_content(move |tx| {
            Box::pin(async move {
                let deleted = delete_row(tx, resource, &key).await?;
                Ok(deleted)
            })
        })
    }

    fn bundle(&self, resource: Resource) -> StorageFuture<'_, Option<FeedBundle>> {
        Box::pin(async move {
            let client = self.client().await?;
            let row = client
                .query_opt(
                    "SELECT head, etag, built_at, body FROM feed_bundles WHERE resource = $1",
                    &[&resource.as_str()],
                )
                .await?;
            row.map(|row| {
                Ok(FeedBundle {
                    head: to_seq("feed_bundles", resource.as_str(), row.try_get(0)?)?,
                    etag: row.try_get(1)?,
                    built_at: row.try_get(2)?,
                    body: row.try_get(3)?,
                })
            })
            .transpose()
        })
    }

    fn put_bundle(&self, resource: Resource, bundle: FeedBundle) -> StorageFuture<'_, ()> {
        self.write(move |tx| {
            Box::pin(async move {
                tx.execute(
                    "INSERT INTO feed_bundles (resource, head, etag, built_at, body)
                     VALUES ($1, $2, $3, $4, $5)
                     ON CONFLICT (resource) DO UPDATE SET head = EXCLUDED.head,
                         etag = EXCLUDED.etag, built_at = EXCLUDED.built_at,
                         body = EXCLUDED.body",
                    &[
                        &resource.as_str(),
                        &to_sql_seq(bundle.head),
                        &bundle.etag,
                        &bundle.built_at,
                        &bundle.body,
                    ],
                )
                .await?;
                Ok(())
            })
        })
    }

    fn bell(&self) -> &ChangeBell {
        &self.bell
    }

    fn look_for_changes(&self) {}

    fn watch_changes(&self) -> StorageFuture<'_, ()> {
        Box::pin(async move {
            let mut wait = RELISTEN_FIRST;
            loop {
                match self.listen_once().await {
                    Ok(()) => {
                        tracing::warn!("change listener disconnected; reconnecting");
                        wait = RELISTEN_FIRST;
                    }
                    Err(e) => tracing::warn!(error = %e, "change listener failed; reconnecting"),
                }
                tokio::time::sleep(wait).await;
                wait = (wait * 2).min(RELISTEN_MAX);
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use crate::storage::content::tests::unit;
    use crate::storage::pg_cluster::PgCluster;

    #[tokio::test]
    async fn corrupt_rows_are_errors_and_a_second_process_sees_one_schema() {
        let Some(cluster) = PgCluster::start() else {
            return;
        };
        let first = PgStorage::connect(cluster.url()).await.unwrap();
        first.upsert_units(vec![unit("01", None)]).await.unwrap();
        first
            .client()
            .await
            .unwrap()
            .execute(
                "INSERT INTO units (code, parent, seq, body) VALUES ('02', NULL, 99, 'not json')",
                &[],
            )
            .await
            .unwrap();
        // A second server process on the same database: migrations are a no-op.
        let second = PgStorage::connect(cluster.url()).await.unwrap();
        assert_eq!(second.head(Resource::Units, Scope::All).await.unwrap(), 99);
        assert_eq!(second.unit("01".into()).await.unwrap().unwrap().code, "01");
        let err = second.unit("02".into()).await.unwrap_err();
        assert!(matches!(err, StorageError::Corrupt { .. }), "{err}");
    }

    /// Polls `done` until it holds, failing after a few seconds.
    async fn eventually(what: &str, done: impl Fn() -> bool) {
        let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(5);
        while !done() {
            assert!(tokio::time::Instant::now() < deadline, "{what}");
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
    }

    /// Content written by another process rings this process's bell through
    /// `LISTEN`; a listener whose connection is killed
    /// stops hearing, comes back, and rings once for what it may have missed.
    #[tokio::test]
    async fn other_processes_content_writes_ring_the_bell_and_a_lost_listener_returns() {
        let Some(cluster) = PgCluster::start() else {
            return;
        };
        let here = PgStorage::connect(cluster.url()).await.unwrap();
        let there = PgStorage::connect(cluster.url()).await.unwrap();
        let bell = here.bell().clone();
        assert!(!bell.hears_everything(), "nobody listens yet");
        let watcher = tokio::spawn({
            let here = here.clone();
            async move { here.watch_changes().await }
        });
        eventually("the listener connects", || bell.hears_everything()).await;

        let before = bell.generation();
        there.upsert_units(vec![unit("01", None)]).await.unwrap();
        eventually("a content write elsewhere rings", || {
            bell.generation() > before
        })
        .await;
        let before = bell.generation();
        there.delete(Resource::Units, "01".into()).await.unwrap();
        eventually("a deletion rings", || bell.generation() > before).await;

        there
            .client()
            .await
            .unwrap()
            .execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'LISTEN%'",
                &[],
            )
            .await
            .unwrap();
        eventually("a lost listener stops hearing", || !bell.hears_everything()).await;
        let lost = bell.generation();
        eventually("and comes back ringing", || {
            bell.hears_everything() && bell.generation() > lost
        })
        .await;
        watcher.abort();
    }

    #[tokio::test]
    async fn refuses_a_newer_schema() {
        let Some(cluster) = PgCluster::start() else {
            return;
        };
        let s = PgStorage::connect(cluster.url()).await.unwrap();
        s.client()
            .await
            .unwrap()
            .execute("UPDATE congdan_schema SET version = version + 1", &[])
            .await
            .unwrap();
        let err = PgStorage::connect(cluster.url()).await.unwrap_err();
        assert!(matches!(err, StorageError::TooNew { .. }), "{err}");
    }

    /// Many writers at once, one reader following the feed with its cursor:
    /// the reader must see every change exactly once, which holds only if a
    /// lower `seq` is never committed after a higher one was visible.
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn a_cursor_never_skips_a_concurrent_commit() {
        let Some(cluster) = PgCluster::start() else {
            return;
        };
        let s = PgStorage::connect(cluster.url()).await.unwrap();
        const WRITERS: usize = 8;
        const EACH: usize = 25;
        let writers: Vec<_> = (0..WRITERS)
            .map(|w| {
                let s = s.clone();
                tokio::spawn(async move {
                    for i in 0..EACH {
                        s.upsert_units(vec![unit(&format!("{w}-{i}"), None)])
                            .await
                            .unwrap();
                    }
                })
            })
            .collect();
        let mut seen = BTreeSet::new();
        let mut cursor = 0;
        let mut done = false;
        loop {
            let page = s
                .changes(Resource::Units, Scope::All, cursor, 1000)
                .await
                .unwrap();
            for body in &page.items {
                let code = serde_json::from_str::<Unit>(body).unwrap().code;
                assert!(seen.insert(code), "a change was served twice");
            }
            cursor = page.last_seq.unwrap_or(cursor);
            if done && !page.more {
                break;
            }
            done = writers.iter().all(|w| w.is_finished());
        }
        for w in writers {
            w.await.unwrap();
        }
        assert_eq!(seen.len(), WRITERS * EACH, "the cursor skipped changes");
    }
}
