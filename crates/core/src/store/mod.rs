//! The local SQLite store: one file per profile, a cache of server content plus
//! a little user data.
//!
//! Owns: opening the file with the right pragmas ([`open`]), the schema and its
//! migrations ([`migrations`]), and one module per table holding that table's
//! row type and every SQL statement that touches it. Nothing outside `store`
//! writes SQL for these tables.
//! Does not own: deciding what to fetch (that is `sync`) or API models (`api`).
//!
//! Tables and invariants:
//! - `settings(key, value)`: `server_url`, `home_unit`, `procedures_version`
//!   (moves with every catalogue write, so the search index knows to rebuild).
//! - `units`, `news`, `procedures`, `media`, `outages`, `alerts`, `bulletins`: caches of server content;
//!   they can always be dropped and re-pulled. `outages` holds the home unit's
//!   planned power cuts, cancelled ones included (the server never deletes them).
//!   Procedure bodies are zstd-compressed in `procedure_packed`.
//! - `search_index`: the built procedure search index with the catalogue version
//!   it was built from (one row), read back at start instead of built again.
//! - `procedure_visits`, `saved_procedures`: the procedures the user opened
//!   lately and the ones they saved. User data, never touched by sync.
//! - `checked_documents(code, document)`: the user's ticked documents, keyed by
//!   the document's group and name (not its position). User data: it is
//!   never touched by sync, so it survives a procedure being re-synced.
//! - `sync_state(resource, scope)`: cursor and ETag per pulled resource. The
//!   cursor is only ever written in the same transaction as the page it came
//!   with, so it never runs ahead of the data.
//! - `outbox`: user writes waiting for the server, in sending order, each with
//!   its Idempotency-Key; written with `synchronous=FULL` (see [`outbox`]).
//! - `draft_photos`: resized, EXIF-free photos referenced by outbox uploads.
//! - `services`, `public_requests`: caches of Open311 answers.
//! - `announcements`: cached published announcements of the household's unit.
//! - `my_requests`: cache of the device's own requests; not written while
//!   request-kind outbox rows are unsent (local writes win).
//! - `bus_*`: the home province's bus network (a cache, replaced whole) and
//!   `bus_favourites` (user data); see [`bus`].
//! - `downloads`, `download_chunks`: bodies being fetched in byte ranges (the
//!   bus network, the catalogue's bundle), the bytes kept so far; see [`downloads`].

pub mod alerts;
pub mod announcements;
pub mod bulletins;
pub mod bus;
pub mod checked_documents;
pub mod downloads;
pub mod draft_photos;
pub mod holidays;
pub mod media;
pub mod migrations;
pub mod my_requests;
pub mod news;
pub mod outages;
pub mod outbox;
pub mod procedure_visits;
pub mod procedures;
pub mod public_requests;
pub mod saved_procedures;
pub mod search_index;
pub mod services;
pub mod settings;
pub mod staged;
pub mod sync_state;
pub mod units;

use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

use crate::Error;

/// How long a connection waits for another connection's write lock.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Opens (creating if needed) the database at `path`, sets WAL, foreign keys,
/// busy timeout and `synchronous=NORMAL` (content tables are a cache; user-data
/// writes raise it to FULL for their transaction), and runs pending migrations.
/// Errors: `storage` (cannot open, or the file is from a newer app version).
pub fn open(path: &Path) -> Result<Connection, Error> {
    let mut conn = Connection::open(path).map_err(Error::storage("open database"))?;
    configure(&conn)?;
    migrations::run(&mut conn)?;
    procedures::pack_bodies(&mut conn)?;
    let swept = draft_photos::sweep(&conn, chrono::Utc::now() - draft_photos::ABANDONED_AFTER)?;
    if swept > 0 {
        tracing::info!(files = swept, "abandoned draft files deleted");
    }
    procedures::fill_search_columns(&mut conn)?;
    Ok(conn)
}

/// Opens a second connection for reads only (the schema must already be migrated).
/// Errors: `storage`.
pub fn open_reader(path: &Path) -> Result<Connection, Error> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(Error::storage("open reader"))?;
    conn.busy_timeout(BUSY_TIMEOUT)
        .map_err(Error::storage("reader busy_timeout"))?;
    conn.pragma_update(None, "foreign_keys", "ON")
        .map_err(Error::storage("reader pragmas"))?;
    Ok(conn)
}

/// Applies the connection pragmas every writer uses.
fn configure(conn: &Connection) -> Result<(), Error> {
    conn.busy_timeout(BUSY_TIMEOUT)
        .map_err(Error::storage("busy_timeout"))?;
    // journal_mode returns a row; query it rather than update.
    let _mode: String = conn
        .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
        .map_err(Error::storage("journal_mode"))?;
    conn.pragma_update(None, "foreign_keys", "ON")
        .map_err(Error::storage("foreign_keys"))?;
    conn.pragma_update(None, "synchronous", "NORMAL")
        .map_err(Error::storage("synchronous"))?;
    Ok(())
}

/// Milliseconds since the Unix epoch for a timestamp, as stored in INTEGER columns.
pub(crate) fn to_millis(t: chrono::DateTime<chrono::Utc>) -> i64 {
    t.timestamp_millis()
}

/// The timestamp of a stored millisecond value; `None` when out of range.
pub(crate) fn from_millis(ms: i64) -> Option<chrono::DateTime<chrono::Utc>> {
    chrono::DateTime::from_timestamp_millis(ms)
}

#[cfg(test)]
pub(crate) mod test_support {
    //! A fresh migrated database in a temp dir, for table tests.
    use rusqlite::Connection;

    /// Keeps the temp dir alive as long as the connection is used.
    pub struct TestDb {
        /// The migrated connection.
        pub conn: Connection,
        /// The directory holding the file.
        pub dir: tempfile::TempDir,
    }

    /// Opens a new migrated store in a temp dir.
    pub fn db() -> TestDb {
        let dir = tempfile::tempdir().unwrap();
        let conn = super::open(&dir.path().join("t.sqlite")).unwrap();
        TestDb { conn, dir }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opens_in_wal_with_foreign_keys() {
        let db = test_support::db();
        let mode: String = db
            .conn
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
        let fk: i64 = db
            .conn
            .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
            .unwrap();
        assert_eq!(fk, 1);
        let reader = open_reader(&db.dir.path().join("t.sqlite")).unwrap();
        let n: i64 = reader
            .query_row("SELECT count(*) FROM units", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 0);
    }
}
