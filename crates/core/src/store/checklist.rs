//! `checklist`: which documents of a procedure the user has ticked as ready.
//!
//! User data, not cache: sync never writes this table, so ticks survive the
//! procedure being re-synced (or even removed and re-added upstream). Writes
//! run with `synchronous=FULL` so a tick is on disk when the call returns.

use chrono::Utc;
use rusqlite::{Connection, params};

use super::to_millis;
use crate::Error;

/// Ticks or unticks document `index` of procedure `code` and returns the ticked
/// indexes, ascending. Errors: `storage`.
pub fn set(
    conn: &mut Connection,
    code: &str,
    index: u32,
    checked: bool,
) -> Result<Vec<u32>, Error> {
    conn.pragma_update(None, "synchronous", "FULL")
        .map_err(Error::storage("checklist synchronous"))?;
    let result = (|| {
        let tx = conn
            .transaction()
            .map_err(Error::storage("checklist begin"))?;
        if checked {
            tx.execute(
                "INSERT OR IGNORE INTO checklist (code, doc_index, checked_ms) VALUES (?1, ?2, ?3)",
                params![code, index, to_millis(Utc::now())],
            )
            .map_err(Error::storage("checklist tick"))?;
        } else {
            tx.execute(
                "DELETE FROM checklist WHERE code = ?1 AND doc_index = ?2",
                params![code, index],
            )
            .map_err(Error::storage("checklist untick"))?;
        }
        let ticked = get(&tx, code)?;
        tx.commit().map_err(Error::storage("checklist commit"))?;
        Ok(ticked)
    })();
    conn.pragma_update(None, "synchronous", "NORMAL")
        .map_err(Error::storage("checklist synchronous"))?;
    result
}

/// Ticked document indexes of a procedure, ascending. Errors: `storage`.
pub fn get(conn: &Connection, code: &str) -> Result<Vec<u32>, Error> {
    let mut stmt = conn
        .prepare_cached("SELECT doc_index FROM checklist WHERE code = ?1 ORDER BY doc_index")
        .map_err(Error::storage("checklist get prepare"))?;
    stmt.query_map(params![code], |r| r.get(0))
        .and_then(|rows| rows.collect())
        .map_err(Error::storage("checklist get"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::procedures::{self, tests::procedure};
    use crate::store::test_support::db;

    #[test]
    fn ticks_are_idempotent_and_survive_resync() {
        let mut db = db();
        let p = procedure("1.1", "Đăng ký khai sinh", "Hộ tịch", &["Cấp xã"]);
        procedures::upsert(&db.conn, std::slice::from_ref(&p)).unwrap();
        assert_eq!(set(&mut db.conn, "1.1", 1, true).unwrap(), [1]);
        assert_eq!(set(&mut db.conn, "1.1", 0, true).unwrap(), [0, 1]);
        assert_eq!(set(&mut db.conn, "1.1", 0, true).unwrap(), [0, 1]);
        procedures::upsert(&db.conn, &[p]).unwrap();
        assert_eq!(get(&db.conn, "1.1").unwrap(), [0, 1]);
        assert_eq!(set(&mut db.conn, "1.1", 1, false).unwrap(), [0]);
        assert_eq!(get(&db.conn, "other").unwrap(), Vec::<u32>::new());
    }
}
