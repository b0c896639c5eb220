//! `search_index`: the procedure search index as bytes
//! (`congdan_search::stored`) with the catalogue version it was built from,
//! so a start reads it back instead of building it again. A cache: one row,
//! replaced whenever the index is built.

use rusqlite::{Connection, OptionalExtension, params};

use crate::Error;

/// The stored index bytes if they were built from catalogue `version`.
/// Errors: `storage`.
pub fn load(conn: &Connection, version: i64) -> Result<Option<Vec<u8>>, Error> {
    conn.query_row(
        "SELECT bytes FROM search_index WHERE id = 1 AND catalogue_version = ?1",
        params![version],
        |r| r.get(0),
    )
    .optional()
    .map_err(Error::storage("search index load"))
}

/// Keeps `bytes` as the index of catalogue `version`. Errors: `storage`.
pub fn save(conn: &Connection, version: i64, bytes: &[u8]) -> Result<(), Error> {
    conn.execute(
        "INSERT OR REPLACE INTO search_index (id, catalogue_version, bytes) VALUES (1, ?1, ?2)",
        params![version, bytes],
    )
    .map_err(Error::storage("search index save"))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::test_support::db;

    #[test]
    fn only_the_index_of_the_asked_version_comes_back() {
        let db = db();
        assert_eq!(load(&db.conn, 3).unwrap(), None);
        save(&db.conn, 3, b"three").unwrap();
        save(&db.conn, 4, b"four").unwrap();
        assert_eq!(
            load(&db.conn, 3).unwrap(),
            None,
            "replaced, not kept beside"
        );
        assert_eq!(load(&db.conn, 4).unwrap().as_deref(), Some(&b"four"[..]));
    }
}
