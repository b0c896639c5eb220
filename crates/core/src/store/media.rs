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
