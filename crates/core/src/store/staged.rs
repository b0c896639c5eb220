//! `staged_documents`: the parts of a document that takes several requests
//! (the service list, then each service's form), kept as each arrives so that
//! a link cut half-way loses only the part in flight. Every part carries the
//! ETag of the list it belongs to; parts of another list are stale.

use rusqlite::{Connection, OptionalExtension, params};

use crate::Error;

/// Key of the list itself among its parts.
pub const LIST: &str = "";

/// Keeps `body` as part `key` of `resource`'s list `etag` (replacing an older one).
pub fn put(
    conn: &Connection,
    resource: &str,
    key: &str,
    etag: &str,
    body: &str,
) -> Result<(), Error> {
    conn.execute(
        "INSERT OR REPLACE INTO staged_documents (resource, key, etag, body) VALUES (?1, ?2, ?3, ?4)",
        params![resource, key, etag, body],
    )
    .map_err(Error::storage("staged put"))?;
    Ok(())
}

/// Part `key` of `resource`: its list's ETag and its body.
pub fn get(
    conn: &Connection,
    resource: &str,
    key: &str,
) -> Result<Option<(String, String)>, Error> {
    conn.query_row(
        "SELECT etag, body FROM staged_documents WHERE resource = ?1 AND key = ?2",
        params![resource, key],
        |row| Ok((row.get(0)?, row.get(1)?)),
    )
    .optional()
    .map_err(Error::storage("staged get"))
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
