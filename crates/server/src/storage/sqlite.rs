//! [`Storage`] over one SQLite file: WAL, one writer connection behind a mutex,
//! a few read-only connections for concurrent readers, and every query run on
//! tokio's blocking pool so that the async runtime never waits on disk.
//!
//! It owns all SQL of the server tables (described in `migrations.rs`); it does
//! not decide page sizes, cursors or ETags.
//!
//! Content writes go through [`SqliteStorage::write_content`], which rings the
//! process's [`ChangeBell`] after the commit. Writes of other processes on the
//! same file (the `issue-alert` and `ingest-*` verbs) are seen through `PRAGMA
//! data_version` on a few connections of their own ([`WATCHERS`], so that
//! requests on different threads never queue for one), looked at once per
//! request answered from memory and every [`WATCH_EVERY`] by
//! [`ContentStorage::watch_changes`]. A look first reads the WAL-index header
//! ([`WalHeader`]) and skips the `PRAGMA` while it is as the last look left it.

use std::fs::File;
use std::mem::ManuallyDrop;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use congdan_protocol::{NewsItem, Procedure, Unit};
use rusqlite::{Connection, OpenFlags, OptionalExtension, Transaction, TransactionBehavior};

use super::content::FeedBundle;
use super::sqlite_rows::{from_json, to_json};
use super::{
    ContentStorage, RawPage, Resource, SCOPE_ALL, Scope, StorageError, StorageFuture, UpsertCounts,
    migrations, to_seq, to_sql_seq,
};
use crate::changes::ChangeBell;

/// How many read-only connections serve concurrent requests.
const READERS: usize = 4;
/// How long a connection waits on a lock held by another before failing.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);
/// How often the watcher looks for other processes' writes.
const WATCH_EVERY: Duration = Duration::from_millis(250);
/// How many read-only connections look at `PRAGMA data_version`: one per
/// worker thread of a small server, so that two requests never wait for
/// each other's look (a look holds its connection for a few microseconds).
const WATCHERS: usize = 4;

/// SQLite implementation of [`super::Storage`]. Cheap to clone.
#[derive(Clone)]
pub struct SqliteStorage {
    inner: Arc<Inner>,
}

struct Inner {
    wal_header: Option<WalHeader>,
    // Fields drop in order: the read-only connections first, so that the writer is the
    // last connection to close and checkpoints the WAL into the database file (a
    // read-only connection closing last cannot, and a copied file would miss data).
    readers: Vec<Mutex<Connection>>,
    watchers: Vec<Mutex<DataVersion>>,
    writer: Mutex<Connection>,
    next_reader: AtomicUsize,
    next_watcher: AtomicUsize,
    bell: ChangeBell,
}

/// A read-only connection of its own and the last `PRAGMA data_version` it
/// read: the value moves when another connection commits. Values of two
/// connections cannot be compared, so each watcher keeps its own; a commit
/// may then ring once per watcher, which only costs a cache miss.
struct DataVersion {
    conn: Connection,
    last: Option<i64>,
}

impl DataVersion {
    /// Whether another connection committed since the last look (an error
    /// counts as a change: ringing too often is only a cache miss).
    fn moved(&mut self) -> bool {
        let now = self
            .conn
            .prepare_cached("PRAGMA data_version")
            .and_then(|mut stmt| stmt.query_row([], |row| row.get::<_, i64>(0)))
            .ok();
        let moved = now.is_none() || now != self.last;
        self.last = now;
        moved
    }
}

/// Length of one copy of the WAL-index header at the start of `<db>-shm`.
const WAL_HEADER_BYTES: usize = 48;

/// The first copy of the WAL-index header, read from `<db>-shm` (SQLite's
/// documented wal-index format, "The WAL-Index Header": two copies of 48
/// bytes at offset 0; a commit writes the first one last). Every commit of any connection, in this
/// process or another, rewrites it before the commit returns: a larger
/// `mxFrame`, or new salts when the log restarts, and a new checksum. So
/// while it reads as it did when the last look began, nothing was committed
/// since and `PRAGMA data_version` need not be asked: one `pread` of 48 bytes
/// instead of a read transaction (two `fcntl` locks). A header read while a
/// commit writes it may be torn: then it differs and the look is made.
struct WalHeader {
    /// Never closed: closing any descriptor of a file drops every POSIX lock
    /// the process holds on it, and SQLite's connections (of this storage, or
    /// of another one on the same file) hold theirs on `-shm` (readers'
    /// marks, the writer's lock). So one descriptor per opened storage stays
    /// open until the process ends.
    shm: ManuallyDrop<File>,
    /// The header as read just before the last look that completed.
    looked_at: Mutex<Option<[u8; WAL_HEADER_BYTES]>>,
}

impl WalHeader {
    /// The `-shm` beside the database at `path`, when it is in WAL mode and
    /// the file can be read here (else every look asks the `PRAGMA`).
    fn open(path: &Path, wal: bool) -> Option<Self> {
        if !wal || !cfg!(unix) {
            return None;
        }
        let mut shm = path.as_os_str().to_owned();
        shm.push("-shm");
        match File::open(&shm) {
            Ok(shm) => Some(Self {
                shm: ManuallyDrop::new(shm),
                looked_at: Mutex::new(None),
            }),
            Err(e) => {
                tracing::warn!(error = %e, "cannot read the WAL index; looking at data_version every time");
                None
            }
        }
    }

    /// The header now; `None` when it cannot be read (then look).
    fn read(&self) -> Option<[u8; WAL_HEADER_BYTES]> {
        let mut header = [0; WAL_HEADER_BYTES];
        read_at(&self.shm, &mut header).ok()?;
        Some(header)
    }

    /// Whether `header` is the one read before the last completed look.
    fn unchanged(&self, header: &[u8; WAL_HEADER_BYTES]) -> bool {
        lock(&self.looked_at).as_ref() == Some(header)
    }

    /// Record `header`, read before a look that has now completed (and rung
    /// for what it saw). A slower look may record an older header after a
    /// newer one: that only makes the next look happen.
    fn looked(&self, header: [u8; WAL_HEADER_BYTES]) {
        *lock(&self.looked_at) = Some(header);
    }
}

#[cfg(unix)]
fn read_at(file: &File, buf: &mut [u8]) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buf, 0)
}

#[cfg(not(unix))]
fn read_at(_file: &File, _buf: &mut [u8]) -> std::io::Result<()> {
    Err(std::io::ErrorKind::Unsupported.into())
}

impl std::fmt::Debug for SqliteStorage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStorage")
            .field("readers", &self.inner.readers.len())
            .finish_non_exhaustive()
    }
}

/// Table layout of one resource, so that the generic queries below stay in one place.
struct Table {
    name: &'static str,
    key: &'static str,
    /// Column that news scoping filters on (`unit`), when the resource is scoped.
    scope_column: Option<&'static str>,
    select_one: &'static str,
    insert: &'static str,
    update: &'static str,
}

fn table(resource: Resource) -> &'static Table {
    const UNITS: Table = Table {
        name: "units",
        key: "code",
        scope_column: None,
        select_one: "SELECT body FROM units WHERE code = ?1",
        insert: "INSERT INTO units (code, parent, seq, body) VALUES (?1, ?2, ?3, ?4)",
        update: "UPDATE units SET parent = ?2, seq = ?3, body = ?4 WHERE code = ?1",
    };
    // ?2 is unused for procedures: it keeps one parameter shape for every table.
    const PROCEDURES: Table = Table {
        name: "procedures",
        key: "code",
        scope_column: None,
        select_one: "SELECT body FROM procedures WHERE code = ?1",
        insert: "INSERT INTO procedures (code, seq, body) VALUES (?1, ?3, ?4)",
        update: "UPDATE procedures SET seq = ?3, body = ?4 WHERE code = ?1",
    };
    const NEWS: Table = Table {
        name: "news",
        key: "id",
        scope_column: Some("unit"),
        select_one: "SELECT body FROM news WHERE id = ?1",
        insert: "INSERT INTO news (id, unit, seq, body) VALUES (?1, ?2, ?3, ?4)",
        update: "UPDATE news SET unit = ?2, seq = ?3, body = ?4 WHERE id = ?1",
    };
    const OUTAGES: Table = Table {
        name: "outages",
        key: "id",
        scope_column: Some("unit"),
        select_one: "SELECT body FROM outages WHERE id = ?1",
        insert: "INSERT INTO outages (id, unit, seq, body) VALUES (?1, ?2, ?3, ?4)",
        update: "UPDATE outages SET unit = ?2, seq = ?3, body = ?4 WHERE id = ?1",
    };
    const ALERTS: Table = Table {
        name: "alerts",
        key: "id",
        scope_column: Some("unit"),
        select_one: "SELECT body FROM alerts WHERE id = ?1",
        insert: "INSERT INTO alerts (id, unit, seq, body) VALUES (?1, ?2, ?3, ?4)",
        update: "UPDATE alerts SET unit = ?2, seq = ?3, body = ?4 WHERE id = ?1",
    };
    const BULLETINS: Table = Table {
        name: "bulletins",
        key: "id",
        scope_column: Some("unit"),
        select_one: "SELECT body FROM bulletins WHERE id = ?1",
        insert: "INSERT INTO bulletins (id, unit, seq, body) VALUES (?1, ?2, ?3, ?4)",
        update: "UPDATE bulletins SET unit = ?2, seq = ?3, body = ?4 WHERE id = ?1",
    };
    match resource {
        Resource::Alerts => &ALERTS,
        Resource::Bulletins => &BULLETINS,
        Resource::Units => &UNITS,
        Resource::Procedures => &PROCEDURES,
        Resource::News => &NEWS,
        Resource::Outages => &OUTAGES,
    }
}

/// One row ready to be written: key, the scoping/parent column, and the JSON body.
pub(super) struct Row {
    pub(super) key: String,
    pub(super) extra: Option<String>,
    pub(super) body: String,
}

impl SqliteStorage {
    /// Open (creating if needed) and migrate the database at `path`.
    pub fn open(path: &Path) -> Result<Self, StorageError> {
        let mut writer = Connection::open(path)?;
        writer.busy_timeout(BUSY_TIMEOUT)?;
        let mode: String = writer.query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))?;
        let wal = mode.eq_ignore_ascii_case("wal");
        if !wal {
            tracing::warn!(mode = %mode, "database is not in WAL mode");
        }
        writer.pragma_update(None, "synchronous", "NORMAL")?;
        writer.pragma_update(None, "foreign_keys", true)?;
        migrations::run(&mut writer)?;

        let read_only = || -> Result<Connection, StorageError> {
            let reader = Connection::open_with_flags(
                path,
                OpenFlags::SQLITE_OPEN_READ_ONLY
                    | OpenFlags::SQLITE_OPEN_NO_MUTEX
                    | OpenFlags::SQLITE_OPEN_URI,
            )?;
            reader.busy_timeout(BUSY_TIMEOUT)?;
            Ok(reader)
        };
        let mut readers = Vec::with_capacity(READERS);
        for _ in 0..READERS {
            readers.push(Mutex::new(read_only()?));
        }
        let mut watchers = Vec::with_capacity(WATCHERS);
        for _ in 0..WATCHERS {
            let mut watcher = DataVersion {
                conn: read_only()?,
                last: None,
            };
            watcher.moved();
            watchers.push(Mutex::new(watcher));
        }
        Ok(Self {
            inner: Arc::new(Inner {
                wal_header: WalHeader::open(path, wal),
                writer: Mutex::new(writer),
                readers,
                watchers,
                next_reader: AtomicUsize::new(0),
                next_watcher: AtomicUsize::new(0),
                bell: ChangeBell::new(true),
            }),
        })
    }

    /// Run `work` on a read-only connection on the blocking pool.
    pub(super) fn read<T, F>(&self, work: F) -> StorageFuture<'static, T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T, StorageError> + Send + 'static,
    {
        let inner = Arc::clone(&self.inner);
        Box::pin(async move {
            tokio::task::spawn_blocking(move || {
                let mut conn = inner.reader();
                work(&mut conn)
            })
            .await
            .map_err(|e| StorageError::Worker(e.to_string()))?
        })
    }

    /// Run `work` inside an immediate transaction on the writer connection, committing on success.
    pub(super) fn write<T, F>(&self, work: F) -> StorageFuture<'static, T>
    where
        T: Send + 'static,
        F: FnOnce(&Transaction<'_>) -> Result<T, StorageError> + Send + 'static,
    {
        let inner = Arc::clone(&self.inner);
        Box::pin(async move {
            tokio::task::spawn_blocking(move || {
                let mut conn = lock(&inner.writer);
                let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
                let out = work(&tx)?;
                tx.commit()?;
                Ok(out)
            })
            .await
            .map_err(|e| StorageError::Worker(e.to_string()))?
        })
    }
}

impl SqliteStorage {
    /// `write` for the content feeds ([`upsert_rows`], [`delete_row`]): rings
    /// the bell once the transaction has committed.
    pub(super) fn write_content<T, F>(&self, work: F) -> StorageFuture<'static, T>
    where
        T: Send + 'static,
        F: FnOnce(&Transaction<'_>) -> Result<T, StorageError> + Send + 'static,
    {
        let written = self.write(work);
        let bell = self.inner.bell.clone();
        Box::pin(async move {
            let out = written.await?;
            bell.ring();
            Ok(out)
        })
    }

    /// Like `write`, but an `Ok(Err(refusal))` from `work` rolls the transaction
    /// back, so that a refused write leaves nothing behind.
    pub(super) fn write_or_refuse<T, E, F>(&self, work: F) -> StorageFuture<'static, Result<T, E>>
    where
        T: Send + 'static,
        E: Send + 'static,
        F: FnOnce(&Transaction<'_>) -> Result<Result<T, E>, StorageError> + Send + 'static,
    {
        let inner = Arc::clone(&self.inner);
        Box::pin(async move {
            tokio::task::spawn_blocking(move || {
                let mut conn = lock(&inner.writer);
                let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
                match work(&tx)? {
                    Ok(out) => {
                        tx.commit()?;
                        Ok(Ok(out))
                    }
                    Err(refused) => {
                        tx.rollback()?;
                        Ok(Err(refused))
                    }
                }
            })
            .await
            .map_err(|e| StorageError::Worker(e.to_string()))?
        })
    }
}

/// On close, fold the WAL back into the database file. The read-only
/// readers close last and cannot do it themselves, so without this the last
/// writes of a short command (`seed`, `add-account`) would stay in
/// `server.db-wal`, and a copy of `server.db` alone would miss them.
impl Drop for Inner {
    fn drop(&mut self) {
        let conn = lock(&self.writer);
        if let Err(e) = conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)") {
            tracing::warn!(error = %e, "cannot checkpoint the WAL at close");
        }
    }
}

impl Inner {
    /// A free reader if there is one, else wait for one in turn.
    fn reader(&self) -> MutexGuard<'_, Connection> {
        first_free(&self.readers, &self.next_reader)
    }

    /// A free watcher if there is one, else wait for one in turn.
    fn watcher(&self) -> MutexGuard<'_, DataVersion> {
        first_free(&self.watchers, &self.next_watcher)
    }
}

/// The first of `pool` nobody holds, else the one `turn` points at, waited for.
fn first_free<'a, T>(pool: &'a [Mutex<T>], turn: &AtomicUsize) -> MutexGuard<'a, T> {
    for member in pool {
        if let Ok(guard) = member.try_lock() {
            return guard;
        }
    }
    let index = turn.fetch_add(1, Ordering::Relaxed) % pool.len();
    lock(&pool[index])
}

/// Lock a connection (or a data-version watcher). A panic while it was held
/// leaves nothing half-done that matters (an open transaction rolls back when
/// dropped), so poisoning is ignored.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// `WHERE` fragment and parameters restricting `column` to the scope, starting at `?first`.
fn scope_filter(column: Option<&str>, scope: &Scope, first: usize) -> (String, Vec<String>) {
    match (column, scope) {
        (Some(column), Scope::Units(units)) => {
            let marks: Vec<String> = (0..units.len())
                .map(|i| format!("?{}", first + i))
                .collect();
            if marks.is_empty() {
                (" AND 0".to_owned(), Vec::new())
            } else {
                (
                    format!(" AND {column} IN ({})", marks.join(", ")),
                    units.clone(),
                )
            }
        }
        _ => (String::new(), Vec::new()),
    }
}

fn head_in(conn: &Connection, resource: Resource, scope: &Scope) -> Result<u64, StorageError> {
    let t = table(resource);
    let (filter, scope_params) = scope_filter(t.scope_column, scope, 1);
    let sql = format!(
        "SELECT COALESCE(MAX(seq), 0) FROM {} WHERE 1{filter}",
        t.name
    );
    let rows: i64 = conn.query_row(&sql, rusqlite::params_from_iter(&scope_params), |row| {
        row.get(0)
    })?;
    let (filter, scope_params) = scope_filter(t.scope_column.map(|_| "scope"), scope, 2);
    let sql = format!("SELECT COALESCE(MAX(seq), 0) FROM tombstones WHERE resource = ?1{filter}");
    let mut params = vec![resource.as_str().to_owned()];
    params.extend(scope_params);
    let tombs: i64 = conn.query_row(&sql, rusqlite::params_from_iter(&params), |row| row.get(0))?;
    to_seq(t.name, "MAX(seq)", rows.max(tombs))
}

fn changes_in(
    conn: &mut Connection,
    resource: Resource,
    scope: &Scope,
    since: u64,
    limit: u32,
) -> Result<RawPage, StorageError> {
    let t = table(resource);
    let since = to_sql_seq(since);
    let fetch = i64::from(limit) + 1;
    let tx = conn.transaction()?;

    // ?1 = since, ?2 = fetch, ?3.. = scope units.
    let (filter, scope_params) = scope_filter(t.scope_column, scope, 3);
    let sql = format!(
        "SELECT seq, body FROM {} WHERE seq > ?1{filter} ORDER BY seq LIMIT ?2",
        t.name
    );
    let mut items: Vec<(i64, String)> = Vec::new();
    {
        let mut stmt = tx.prepare_cached(&sql)?;
        let mut params: Vec<rusqlite::types::Value> = vec![since.into(), fetch.into()];
        params.extend(scope_params.into_iter().map(Into::into));
        let mut rows = stmt.query(rusqlite::params_from_iter(params))?;
        while let Some(row) = rows.next()? {
            items.push((row.get(0)?, row.get(1)?));
        }
    }

    // ?1 = resource, ?2 = since, ?3 = fetch, ?4.. = scope units.
    let (filter, scope_params) = scope_filter(t.scope_column.map(|_| "scope"), scope, 4);
    let sql = format!(
        "SELECT seq, key FROM tombstones WHERE resource = ?1 AND seq > ?2{filter} \
         ORDER BY seq LIMIT ?3"
    );
    let mut tombs: Vec<(i64, String)> = Vec::new();
    {
        let mut stmt = tx.prepare_cached(&sql)?;
        let mut params: Vec<rusqlite::types::Value> = vec![
            resource.as_str().to_owned().into(),
            since.into(),
            fetch.into(),
        ];
        params.extend(scope_params.into_iter().map(Into::into));
        let mut rows = stmt.query(rusqlite::params_from_iter(params))?;
        while let Some(row) = rows.next()? {
            tombs.push((row.get(0)?, row.get(1)?));
        }
    }
    let head = head_in(&tx, resource, scope)?;
    tx.commit()?;

    RawPage::merge(t.name, items, tombs, limit, head)
}

/// Insert or update rows of a feed; identical rows keep their `seq`. Call it
/// inside [`SqliteStorage::write_content`], which rings the bell.
pub(super) fn upsert_rows(
    tx: &Transaction<'_>,
    resource: Resource,
    rows: Vec<Row>,
) -> Result<UpsertCounts, StorageError> {
    let t = table(resource);
    let mut counts = UpsertCounts::default();
    let start: i64 = tx.query_row("SELECT value FROM counters WHERE name = 'seq'", [], |row| {
        row.get(0)
    })?;
    let mut seq = start;
    {
        let mut select = tx.prepare_cached(t.select_one)?;
        let mut insert = tx.prepare_cached(t.insert)?;
        let mut update = tx.prepare_cached(t.update)?;
        let mut untomb =
            tx.prepare_cached("DELETE FROM tombstones WHERE resource = ?1 AND key = ?2")?;
        for row in rows {
            let stored: Option<String> = select.query_row([&row.key], |r| r.get(0)).optional()?;
            match stored {
                Some(body) if body == row.body => counts.unchanged += 1,
                Some(_) => {
                    seq += 1;
                    update.execute(rusqlite::params![row.key, row.extra, seq, row.body])?;
                    counts.updated += 1;
                }
                None => {
                    seq += 1;
                    insert.execute(rusqlite::params![row.key, row.extra, seq, row.body])?;
                    untomb.execute(rusqlite::params![resource.as_str(), row.key])?;
                    counts.inserted += 1;
                }
            }
        }
    }
    if seq != start {
        tx.execute(
            "UPDATE counters SET value = ?1 WHERE name = 'seq'",
            rusqlite::params![seq],
        )?;
    }
    Ok(counts)
}

/// Delete one row of a feed and write its tombstone. Call it inside
/// [`SqliteStorage::write_content`], which rings the bell.
pub(super) fn delete_row(
    tx: &Transaction<'_>,
    resource: Resource,
    key: &str,
) -> Result<bool, StorageError> {
    let t = table(resource);
    let returning = t.scope_column.unwrap_or("NULL");
    let sql = format!(
        "DELETE FROM {} WHERE {} = ?1 RETURNING {returning}",
        t.name, t.key
    );
    let scope: Option<Option<String>> = tx.query_row(&sql, [key], |row| row.get(0)).optional()?;
    let Some(scope) = scope else {
        return Ok(false);
    };
    let scope = scope.unwrap_or_else(|| SCOPE_ALL.to_owned());
    let seq: i64 = tx.query_row(
        "UPDATE counters SET value = value + 1 WHERE name = 'seq' RETURNING value",
        [],
        |row| row.get(0),
    )?;
    tx.execute(
        "INSERT OR REPLACE INTO tombstones (resource, key, scope, seq) VALUES (?1, ?2, ?3, ?4)",
        rusqlite::params![resource.as_str(), key, scope, seq],
    )?;
    Ok(true)
}

impl ContentStorage for SqliteStorage {
    fn head(&self, resource: Resource, scope: Scope) -> StorageFuture<'_, u64> {
        self.read(move |conn| head_in(conn, resource, &scope))
    }

    fn changes(
        &self,
        resource: Resource,
        scope: Scope,
        since: u64,
        limit: u32,
    ) -> StorageFuture<'_, RawPage> {
        self.read(move |conn| changes_in(conn, resource, &scope, since, limit))
    }

    fn unit(&self, code: String) -> StorageFuture<'_, Option<Unit>> {
        self.read(move |conn| {
            let body: Option<String> = conn
                .prepare_cached(table(Resource::Units).select_one)?
                .query_row([&code], |row| row.get(0))
                .optional()?;
            body.map(|body| from_json("units", &code, &body))
                .transpose()
        })
    }

    fn units_json(&self, parent: Option<String>) -> StorageFuture<'_, Vec<String>> {
        self.read(move |conn| {
            let mut stmt =
                conn.prepare_cached("SELECT body FROM units WHERE parent IS ?1 ORDER BY code")?;
            let rows = stmt.query_map([&parent], |row| row.get(0))?;
            Ok(rows.collect::<Result<Vec<String>, _>>()?)
        })
    }

    fn procedure_json(&self, code: String) -> StorageFuture<'_, Option<String>> {
        self.read(move |conn| {
            Ok(conn
                .prepare_cached(table(Resource::Procedures).select_one)?
                .query_row([&code], |row| row.get(0))
                .optional()?)
        })
    }

    fn upsert_units(&self, units: Vec<Unit>) -> StorageFuture<'_, UpsertCounts> {
        self.write_content(move |tx| {
            let rows = units
                .into_iter()
                .map(|unit| {
                    Ok(Row {
                        body: to_json(Resource::Units.as_str(), &unit.code, &unit)?,
                        key: unit.code,
                        extra: unit.parent,
                    })
                })
                .collect::<Result<Vec<_>, StorageError>>()?;
            upsert_rows(tx, Resource::Units, rows)
        })
    }

    fn upsert_procedures(&self, procedures: Vec<Procedure>) -> StorageFuture<'_, UpsertCounts> {
        self.write_content(move |tx| {
            let rows = procedures
                .into_iter()
                .map(|procedure| {
                    Ok(Row {
                        body: to_json(Resource::Procedures.as_str(), &procedure.code, &procedure)?,
                        key: procedure.code,
                        extra: None,
                    })
                })
                .collect::<Result<Vec<_>, StorageError>>()?;
            upsert_rows(tx, Resource::Procedures, rows)
        })
    }

    fn upsert_news(&self, items: Vec<NewsItem>) -> StorageFuture<'_, UpsertCounts> {
        self.write_content(move |tx| {
            let rows = items
                .into_iter()
                .map(|item| {
                    Ok(Row {
                        body: to_json(Resource::News.as_str(), &item.id, &item)?,
                        key: item.id,
                        extra: Some(item.unit),
                    })
                })
                .collect::<Result<Vec<_>, StorageError>>()?;
            upsert_rows(tx, Resource::News, rows)
        })
    }

    fn delete(&self, resource: Resource, key: String) -> StorageFuture<'_, bool> {
        self.write_content(move |tx| delete_row(tx, resource, &key))
    }

    fn bundle(&self, resource: Resource) -> StorageFuture<'_, Option<FeedBundle>> {
        self.read(move |conn| {
            let row = conn
                .prepare_cached(
                    "SELECT head, etag, built_at, body FROM feed_bundles WHERE resource = ?1",
                )?
                .query_row([resource.as_str()], |row| {
                    Ok((row.get::<_, i64>(0)?, row.get(1)?, row.get(2)?, row.get(3)?))
                })
                .optional()?;
            row.map(|(head, etag, built_at, body)| {
                Ok(FeedBundle {
                    head: to_seq("feed_bundles", resource.as_str(), head)?,
                    etag,
                    built_at,
                    body,
                })
            })
            .transpose()
        })
    }

    fn put_bundle(&self, resource: Resource, bundle: FeedBundle) -> StorageFuture<'_, ()> {
        self.write(move |tx| {
            tx.execute(
                "INSERT OR REPLACE INTO feed_bundles (resource, head, etag, built_at, body)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                rusqlite::params![
                    resource.as_str(),
                    to_sql_seq(bundle.head),
                    bundle.etag,
                    bundle.built_at,
                    bundle.body
                ],
            )?;
            Ok(())
        })
    }

    fn bell(&self) -> &ChangeBell {
        &self.inner.bell
    }

    fn look_for_changes(&self) {
        let header = self.inner.wal_header.as_ref().and_then(|wal| {
            let header = wal.read()?;
            Some((wal, header))
        });
        if let Some((wal, header)) = &header
            && wal.unchanged(header)
        {
            return;
        }
        {
            // Rung before the watcher is released: whoever takes it next and
            // sees no move knows the ring for what this look saw has happened.
            let mut watcher = self.inner.watcher();
            if watcher.moved() {
                self.inner.bell.ring();
            }
        }
        if let Some((wal, header)) = header {
            wal.looked(header);
        }
    }

    fn watch_changes(&self) -> StorageFuture<'_, ()> {
        Box::pin(async move {
            let mut every = tokio::time::interval(WATCH_EVERY);
            every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                every.tick().await;
                self.look_for_changes();
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::content::tests::unit;

    fn storage() -> (tempfile::TempDir, SqliteStorage) {
        let dir = tempfile::tempdir().unwrap();
        let storage = SqliteStorage::open(&dir.path().join("t.db")).unwrap();
        (dir, storage)
    }

    #[tokio::test]
    async fn corrupt_rows_are_errors_not_panics() {
        let (_dir, s) = storage();
        {
            let conn = lock(&s.inner.writer);
            conn.execute(
                "INSERT INTO units (code, parent, seq, body) VALUES ('01', NULL, 1, 'not json')",
                [],
            )
            .unwrap();
        }
        let err = s.unit("01".into()).await.unwrap_err();
        assert!(matches!(err, StorageError::Corrupt { .. }), "{err}");
    }

    /// A row committed on a connection of its own, as another process would.
    fn commit_elsewhere(dir: &tempfile::TempDir) {
        rusqlite::Connection::open(dir.path().join("t.db"))
            .unwrap()
            .execute(
                "INSERT INTO units (code, parent, seq, body) VALUES ('01', NULL, 1, '{}')",
                [],
            )
            .unwrap();
    }

    /// Whether a look on another thread ends while `held` watchers are held
    /// (they are released afterwards either way).
    fn looks_without_waiting(s: &SqliteStorage, held: Vec<MutexGuard<'_, DataVersion>>) -> bool {
        let (done, looked) = std::sync::mpsc::channel();
        let other = s.clone();
        let looker = std::thread::spawn(move || {
            other.look_for_changes();
            done.send(()).unwrap();
        });
        let result = looked.recv_timeout(Duration::from_secs(10));
        drop(held);
        looker.join().unwrap();
        result.is_ok()
    }

    /// Issue 12: a look while another request holds a watcher takes a free
    /// one (a single shared watcher made every request queue behind the
    /// others), and still sees what another connection committed.
    #[test]
    fn a_look_takes_a_free_watcher_and_sees_other_connections_commits() {
        let (dir, s) = storage();
        let held = vec![lock(&s.inner.watchers[0])];
        let generation = s.bell().generation();
        commit_elsewhere(&dir);
        assert!(
            looks_without_waiting(&s, held),
            "the look waited for the held watcher"
        );
        assert_eq!(s.bell().generation(), generation + 1, "the commit rang");
        // Nothing committed since: the WAL header spares the held watcher's
        // look, so it does not ring again for the same commit.
        s.look_for_changes();
        s.look_for_changes();
        assert_eq!(s.bell().generation(), generation + 1);
    }

    /// Issue 12: while the WAL-index header is as the last look left it, a
    /// look needs no watcher (all are held here, as by busy requests); a
    /// commit of another connection changes the header, and the next look
    /// asks the `PRAGMA` and rings.
    #[test]
    fn an_unchanged_wal_header_spares_the_look_a_commit_changes_it() {
        let (dir, s) = storage();
        s.look_for_changes();
        let generation = s.bell().generation();
        let held = s.inner.watchers.iter().map(lock).collect();
        assert!(
            looks_without_waiting(&s, held),
            "an unchanged header still waited for a watcher"
        );
        assert_eq!(s.bell().generation(), generation);
        commit_elsewhere(&dir);
        s.look_for_changes();
        assert_eq!(s.bell().generation(), generation + 1, "the commit rang");
    }

    #[tokio::test]
    async fn reopening_keeps_data_and_schema() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        {
            let s = SqliteStorage::open(&path).unwrap();
            s.upsert_units(vec![unit("01", None)]).await.unwrap();
        }
        let s = SqliteStorage::open(&path).unwrap();
        assert_eq!(s.head(Resource::Units, Scope::All).await.unwrap(), 1);
    }
}
