//! `downloads` and `download_chunks`: bodies fetched in byte ranges (the bus
//! network, the catalogue's bundle), kept a chunk at a time so that a cut or a
//! killed app loses nothing that arrived (issue 12).
//!
//! Invariants: a `downloads` row names what its chunks are a prefix of (`key`:
//! the province, or empty; `etag`, `total` bytes); its chunks are contiguous from
//! offset 0 and all of that ETag; a download is started afresh (its chunks
//! dropped) before chunks of another body are added.

use rusqlite::{Connection, OptionalExtension, params};

use crate::Error;

/// A download in progress.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Download {
    /// What it is for (a province code, or empty).
    pub key: String,
    /// Strong ETag of the body.
    pub etag: String,
    /// Length of the whole body.
    pub total: u64,
    /// Bytes kept so far.
    pub held: u64,
}

/// The download `name` in progress, if any. Errors: `storage`.
pub fn get(conn: &Connection, name: &str) -> Result<Option<Download>, Error> {
    conn.query_row(
        "SELECT key, etag, total,
                (SELECT COALESCE(sum(length(bytes)), 0) FROM download_chunks WHERE name = ?1)
         FROM downloads WHERE name = ?1",
        [name],
        |r| {
            Ok(Download {
                key: r.get(0)?,
                etag: r.get(1)?,
                total: u64::try_from(r.get::<_, i64>(2)?).unwrap_or(0),
                held: u64::try_from(r.get::<_, i64>(3)?).unwrap_or(0),
            })
        },
    )
    .optional()
    .map_err(Error::storage("download"))
}

/// Starts `name` afresh for a body of `total` bytes (drops any chunks). Errors: `storage`.
pub fn start(
    conn: &Connection,
    name: &str,
    key: &str,
    etag: &str,
    total: u64,
) -> Result<(), Error> {
    clear(conn, name)?;
    conn.execute(
        "INSERT INTO downloads (name, key, etag, total) VALUES (?1, ?2, ?3, ?4)",
        params![name, key, etag, i64::try_from(total).unwrap_or(i64::MAX)],
    )
    .map_err(Error::storage("download start"))?;
    Ok(())
}

/// Keeps the chunk at `offset` (committed on its own). Errors: `storage`.
pub fn add_chunk(conn: &Connection, name: &str, offset: u64, bytes: &[u8]) -> Result<(), Error> {
    conn.execute(
        "INSERT OR REPLACE INTO download_chunks (name, offset, bytes) VALUES (?1, ?2, ?3)",
        params![name, i64::try_from(offset).unwrap_or(i64::MAX), bytes],
    )
    .map_err(Error::storage("download chunk"))?;
    Ok(())
}

/// The bytes of `name` kept so far, in order. Errors: `storage`.
pub fn body(conn: &Connection, name: &str) -> Result<Vec<u8>, Error> {
    let mut st = conn
        .prepare_cached("SELECT bytes FROM download_chunks WHERE name = ?1 ORDER BY offset")
        .map_err(Error::storage("download body prepare"))?;
    let chunks: Vec<Vec<u8>> = st
        .query_map([name], |r| r.get(0))
        .and_then(|rows| rows.collect())
        .map_err(Error::storage("download body"))?;
    Ok(chunks.concat())
}

/// Forgets the download `name`. Errors: `storage`.
pub fn clear(conn: &Connection, name: &str) -> Result<(), Error> {
    conn.execute("DELETE FROM download_chunks WHERE name = ?1", [name])
        .map_err(Error::storage("download clear"))?;
    conn.execute("DELETE FROM downloads WHERE name = ?1", [name])
        .map_err(Error::storage("download clear"))?;
    Ok(())
}
