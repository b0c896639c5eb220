//! `procedure_visits`: the procedures the user opened lately, for "Xem gần đây".
//! User data: sync never touches it; a visit to a procedure that later
//! disappears from the catalogue is kept and simply not shown.

use rusqlite::{Connection, params};

use crate::Error;

/// How many visits are kept; older ones are forgotten.
const KEEP: i64 = 50;

/// Records that `code` was opened at `at_ms`, forgetting visits beyond the
/// newest `KEEP`. Errors: `storage`.
pub fn record(conn: &Connection, code: &str, at_ms: i64) -> Result<(), Error> {
    conn.execute(
        "INSERT INTO procedure_visits (code, visited_ms) VALUES (?1, ?2) \
         ON CONFLICT (code) DO UPDATE SET visited_ms = excluded.visited_ms",
        params![code, at_ms],
    )
    .map_err(Error::storage("procedure visit"))?;
    conn.execute(
        "DELETE FROM procedure_visits WHERE code NOT IN \
         (SELECT code FROM procedure_visits ORDER BY visited_ms DESC, code LIMIT ?1)",
        params![KEEP],
    )
    .map_err(Error::storage("procedure visits trim"))?;
    Ok(())
}

/// Codes of the latest visits, newest first. Errors: `storage`.
pub fn latest(conn: &Connection, limit: u32) -> Result<Vec<String>, Error> {
    let mut stmt = conn
        .prepare_cached("SELECT code FROM procedure_visits ORDER BY visited_ms DESC, code LIMIT ?1")
        .map_err(Error::storage("procedure visits prepare"))?;
    stmt.query_map(params![i64::from(limit)], |r| r.get(0))
        .and_then(|rows| rows.collect())
        .map_err(Error::storage("procedure visits"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::test_support::db;

    #[test]
    fn newest_first_and_trimmed() {
        let db = db();
        record(&db.conn, "a", 1).unwrap();
        record(&db.conn, "b", 2).unwrap();
        record(&db.conn, "a", 3).unwrap();
        assert_eq!(latest(&db.conn, 10).unwrap(), ["a", "b"]);
        for i in 0..60 {
            record(&db.conn, &format!("x{i}"), 10 + i).unwrap();
        }
        let all = latest(&db.conn, 100).unwrap();
        assert_eq!(all.len(), KEEP as usize);
        assert_eq!(all[0], "x59");
    }
}
