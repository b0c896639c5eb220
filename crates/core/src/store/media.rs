//! `media`: cached image bytes by URL, so news images show offline; and
//! `media_misses`: when an image last failed to download, so it is retried later,
//! not on every sync.

use chrono::Utc;
use rusqlite::{Connection, OptionalExtension, params};

use super::to_millis;
use crate::Error;

/// One cached image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaRow {
    /// MIME type as served, e.g. `image/jpeg`.
    pub mime: String,
    /// The image bytes.
    pub bytes: Vec<u8>,
}

/// Stores (or replaces) the bytes of `url`. Errors: `storage`.
pub fn put(conn: &Connection, url: &str, mime: &str, bytes: &[u8]) -> Result<(), Error> {
    conn.execute(
        "INSERT OR REPLACE INTO media (url, mime, bytes, fetched_ms) VALUES (?1, ?2, ?3, ?4)",
        params![url, mime, bytes, to_millis(Utc::now())],
    )
    .map_err(Error::storage("media put"))?;
    Ok(())
}

/// Records that `url` could not be fetched at `now`, so syncs leave it alone
/// for a while instead of waiting on an unreachable host every time. Errors: `storage`.
pub fn record_miss(conn: &Connection, url: &str, now: chrono::DateTime<Utc>) -> Result<(), Error> {
    conn.execute(
        "INSERT OR REPLACE INTO media_misses (url, tried_ms) VALUES (?1, ?2)",
        params![url, to_millis(now)],
    )
    .map_err(Error::storage("media miss"))?;
    Ok(())
}

/// How many images are cached and their bytes. Errors: `storage`.
pub fn usage(conn: &Connection) -> Result<(u32, u64), Error> {
    conn.query_row(
        "SELECT count(*), COALESCE(SUM(length(bytes)), 0) FROM media",
        [],
        |r| Ok((r.get(0)?, r.get::<_, i64>(1)?)),
    )
    .map(|(n, bytes)| (n, u64::try_from(bytes).unwrap_or(0)))
    .map_err(Error::storage("media usage"))
}

/// Deletes the images fetched longest ago until the cache holds at most
/// `budget` bytes; returns how many went. Errors: `storage`.
pub fn evict_to(conn: &Connection, budget: u64) -> Result<u32, Error> {
    let (_, mut total) = usage(conn)?;
    if total <= budget {
        return Ok(0);
    }
    let mut stmt = conn
        .prepare_cached("SELECT url, length(bytes) FROM media ORDER BY fetched_ms, url")
        .map_err(Error::storage("media evict prepare"))?;
    let rows: Vec<(String, i64)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .and_then(|rows| rows.collect())
        .map_err(Error::storage("media evict list"))?;
    let mut gone = 0;
    for (url, size) in rows {
        if total <= budget {
            break;
        }
        conn.execute("DELETE FROM media WHERE url = ?1", params![url])
            .map_err(Error::storage("media evict"))?;
        total = total.saturating_sub(u64::try_from(size).unwrap_or(0));
        gone += 1;
    }
    Ok(gone)
}

/// Deletes every cached image (and the record of failed ones, so they are
/// fetched again). Errors: `storage`.
pub fn clear(conn: &Connection) -> Result<(), Error> {
    conn.execute_batch("DELETE FROM media; DELETE FROM media_misses;")
        .map_err(Error::storage("media clear"))
}

/// The cached bytes of `url`, if any. Errors: `storage`.
pub fn get(conn: &Connection, url: &str) -> Result<Option<MediaRow>, Error> {
    conn.query_row(
        "SELECT mime, bytes FROM media WHERE url = ?1",
        params![url],
        |r| {
            Ok(MediaRow {
                mime: r.get(0)?,
                bytes: r.get(1)?,
            })
        },
    )
    .optional()
    .map_err(Error::storage("media get"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::test_support::db;

    #[test]
    fn eviction_keeps_the_newest_within_the_budget_and_clear_empties() {
        let t = db();
        let conn = &t.conn;
        for (i, url) in ["a", "b", "c"].iter().enumerate() {
            put(conn, url, "image/png", &[0u8; 100]).unwrap();
            conn.execute(
                "UPDATE media SET fetched_ms = ?2 WHERE url = ?1",
                params![url, i64::try_from(i).unwrap()],
            )
            .unwrap();
        }
        assert_eq!(usage(conn).unwrap(), (3, 300));
        assert_eq!(evict_to(conn, 250).unwrap(), 1);
        assert!(get(conn, "a").unwrap().is_none(), "the oldest went");
        assert!(get(conn, "c").unwrap().is_some());
        assert_eq!(evict_to(conn, 1000).unwrap(), 0);
        clear(conn).unwrap();
        assert_eq!(usage(conn).unwrap(), (0, 0));
    }

    #[test]
    fn put_get_replace() {
        let db = db();
        assert_eq!(get(&db.conn, "http://x/a.png").unwrap(), None);
        put(&db.conn, "http://x/a.png", "image/png", &[1, 2, 3]).unwrap();
        put(&db.conn, "http://x/a.png", "image/png", &[4]).unwrap();
        assert_eq!(
            get(&db.conn, "http://x/a.png").unwrap(),
            Some(MediaRow {
                mime: "image/png".into(),
                bytes: vec![4]
            })
        );
    }
}
