//! `saved_procedures`: the procedures the user saved ("Đã lưu"). User data:
//! sync never touches it, so a save survives catalogue updates.

use rusqlite::{Connection, params};

use crate::Error;

/// Saves or unsaves `code` (at `at_ms`), on disk (`synchronous=FULL`) when
/// this returns: it is the user's data. Errors: `storage`.
pub fn set(conn: &Connection, code: &str, saved: bool, at_ms: i64) -> Result<(), Error> {
    conn.pragma_update(None, "synchronous", "FULL")
        .map_err(Error::storage("saved synchronous"))?;
    let result = write(conn, code, saved, at_ms);
    conn.pragma_update(None, "synchronous", "NORMAL")
        .map_err(Error::storage("saved synchronous"))?;
    result
}

/// The write of [`set`].
fn write(conn: &Connection, code: &str, saved: bool, at_ms: i64) -> Result<(), Error> {
    if saved {
        conn.execute(
            "INSERT INTO saved_procedures (code, saved_ms) VALUES (?1, ?2) \
             ON CONFLICT (code) DO NOTHING",
            params![code, at_ms],
        )
    } else {
        conn.execute(
            "DELETE FROM saved_procedures WHERE code = ?1",
            params![code],
        )
    }
    .map_err(Error::storage("saved procedure"))?;
    Ok(())
}

/// True when `code` is saved. Errors: `storage`.
pub fn contains(conn: &Connection, code: &str) -> Result<bool, Error> {
    conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM saved_procedures WHERE code = ?1)",
        params![code],
        |r| r.get(0),
    )
    .map_err(Error::storage("saved procedure"))
}

/// Saved codes, latest saved first. Errors: `storage`.
pub fn all(conn: &Connection) -> Result<Vec<String>, Error> {
    let mut stmt = conn
        .prepare_cached("SELECT code FROM saved_procedures ORDER BY saved_ms DESC, code")
        .map_err(Error::storage("saved procedures prepare"))?;
    stmt.query_map([], |r| r.get(0))
        .and_then(|rows| rows.collect())
        .map_err(Error::storage("saved procedures"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::test_support::db;

    #[test]
    fn save_unsave_list() {
        let db = db();
        set(&db.conn, "a", true, 1).unwrap();
        set(&db.conn, "b", true, 2).unwrap();
        set(&db.conn, "a", true, 3).unwrap();
        assert_eq!(
            all(&db.conn).unwrap(),
            ["b", "a"],
            "re-saving keeps the first time"
        );
        assert!(contains(&db.conn, "a").unwrap());
        set(&db.conn, "a", false, 4).unwrap();
        assert!(!contains(&db.conn, "a").unwrap());
        assert_eq!(all(&db.conn).unwrap(), ["b"]);
    }
}
