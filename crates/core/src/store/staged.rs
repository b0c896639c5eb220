//! `staged_documents`: the parts of a document that takes several requests
//! (the service list, then each service's form), kept as each arrives so that
//! a link cut half-way loses only the part in flight. Every part carries the
//! ETag of the list it belongs to; parts of another list are stale.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};

use crate::Error;

/// One staged part: the ETag of its list, its body, and when it arrived.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    /// ETag of the list the part belongs to.
    pub etag: String,
    /// The part's JSON.
    pub body: String,
    /// When it was staged.
    pub at: DateTime<Utc>,
}

/// Key of the list itself among its parts.
pub const LIST: &str = "";

/// Keeps `body` as part `key` of `resource`'s list `etag`, arrived `at`
/// (replacing an older one).
pub fn put(
    conn: &Connection,
    resource: &str,
    key: &str,
    etag: &str,
    body: &str,
    at: DateTime<Utc>,
) -> Result<(), Error> {
    conn.execute(
        "INSERT OR REPLACE INTO staged_documents (resource, key, etag, body, staged_ms) \
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![resource, key, etag, body, at.timestamp_millis()],
    )
    .map_err(Error::storage("staged put"))?;
    Ok(())
}

/// Part `key` of `resource`, if staged.
pub fn get(conn: &Connection, resource: &str, key: &str) -> Result<Option<Part>, Error> {
    let found = conn
        .query_row(
            "SELECT etag, body, staged_ms FROM staged_documents WHERE resource = ?1 AND key = ?2",
            params![resource, key],
            |row| {
                Ok((
                    row.get::<_, String>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, i64>(2)?,
                ))
            },
        )
        .optional()
        .map_err(Error::storage("staged get"))?;
    Ok(found.map(|(etag, body, ms)| Part {
        etag,
        body,
        at: DateTime::<Utc>::from_timestamp_millis(ms).unwrap_or_default(),
    }))
}

/// Forgets every part of `resource` (the whole document is stored, or its
/// list changed). Errors: `storage`.
pub fn clear(conn: &Connection, resource: &str) -> Result<(), Error> {
    conn.execute(
        "DELETE FROM staged_documents WHERE resource = ?1",
        params![resource],
    )
    .map_err(Error::storage("staged clear"))?;
    Ok(())
}
