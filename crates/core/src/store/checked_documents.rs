//! `checked_documents`: which documents of a procedure the user has ticked as
//! ready, keyed by the document's identity (its group and name as published),
//! not its position, so a catalogue update that reorders or inserts documents
//! keeps every tick on the document it was made on.
//!
//! User data, not cache: sync never writes this table, so ticks survive the
//! procedure being re-synced (or even removed and re-added upstream). Writes
//! run with `synchronous=FULL` so a tick is on disk when the call returns.

use chrono::Utc;
use congdan_protocol::RequiredDocument;
use rusqlite::{Connection, params};

use super::to_millis;
use crate::Error;

/// The identity of a document within its procedure: group and name joined
/// by U+001F (migration step 5 builds the same key in SQL).
pub fn document_key(d: &RequiredDocument) -> String {
    format!("{}\u{1f}{}", d.group, d.name)
}

/// Ticks or unticks the document `key` of procedure `code`. Errors: `storage`.
pub fn set(conn: &mut Connection, code: &str, key: &str, checked: bool) -> Result<(), Error> {
    conn.pragma_update(None, "synchronous", "FULL")
        .map_err(Error::storage("checklist synchronous"))?;
    let result = if checked {
        conn.execute(
            "INSERT OR IGNORE INTO checked_documents (code, document, checked_ms) VALUES (?1, ?2, ?3)",
            params![code, key, to_millis(Utc::now())],
        )
        .map_err(Error::storage("checklist tick"))
    } else {
        conn.execute(
            "DELETE FROM checked_documents WHERE code = ?1 AND document = ?2",
            params![code, key],
        )
        .map_err(Error::storage("checklist untick"))
    };
    conn.pragma_update(None, "synchronous", "NORMAL")
        .map_err(Error::storage("checklist synchronous"))?;
    result.map(|_| ())
}

/// Indexes into `documents` of the ticked ones, ascending. A tick kept by
/// position (`#N`, from a procedure that was not held when migration step 5
/// ran) counts for document N. Errors: `storage`.
pub fn ticked(
    conn: &Connection,
    code: &str,
    documents: &[RequiredDocument],
) -> Result<Vec<u32>, Error> {
    let mut stmt = conn
        .prepare_cached("SELECT document FROM checked_documents WHERE code = ?1")
        .map_err(Error::storage("checklist get prepare"))?;
    let keys: std::collections::HashSet<String> = stmt
        .query_map(params![code], |r| r.get(0))
        .and_then(|rows| rows.collect())
        .map_err(Error::storage("checklist get"))?;
    Ok(documents
        .iter()
        .enumerate()
        .filter(|(i, d)| keys.contains(&document_key(d)) || keys.contains(&format!("#{i}")))
        .filter_map(|(i, _)| u32::try_from(i).ok())
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::procedures::{self, tests::procedure};
    use crate::store::test_support::db;

    #[test]
    fn ticks_are_idempotent_and_follow_their_document_when_reordered() {
        let mut db = db();
        let mut p = procedure("1.1", "Đăng ký khai sinh", "Hộ tịch", &["Cấp xã"]);
        procedures::upsert(&db.conn, std::slice::from_ref(&p)).unwrap();
        let second = document_key(&p.documents[1]);
        set(&mut db.conn, "1.1", &second, true).unwrap();
        set(&mut db.conn, "1.1", &second, true).unwrap();
        assert_eq!(ticked(&db.conn, "1.1", &p.documents).unwrap(), [1]);
        // The catalogue update puts a new document first and swaps the others.
        p.documents.reverse();
        p.documents.insert(
            0,
            RequiredDocument {
                group: String::new(),
                name: "Văn bản ủy quyền".into(),
                copies: String::new(),
            },
        );
        procedures::upsert(&db.conn, std::slice::from_ref(&p)).unwrap();
        assert_eq!(ticked(&db.conn, "1.1", &p.documents).unwrap(), [1]);
        assert_eq!(p.documents[1].name, "Giấy chứng sinh");
        set(&mut db.conn, "1.1", &second, false).unwrap();
        assert!(ticked(&db.conn, "1.1", &p.documents).unwrap().is_empty());
    }

    #[test]
    fn ticks_of_version_4_move_to_their_documents() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v4.sqlite");
        let p = procedure("1.1", "Đăng ký khai sinh", "Hộ tịch", &["Cấp xã"]);
        {
            let mut conn = rusqlite::Connection::open(&path).unwrap();
            crate::store::migrations::run_steps(
                &mut conn,
                &crate::store::migrations::MIGRATIONS[..4],
            )
            .unwrap();
            // A row as version 4 wrote it: the body as JSON text.
            let body = serde_json::to_string(&p).unwrap();
            conn.execute(
                "INSERT INTO procedures (id, code, name, field, levels, sort_name, name_len) \
                 VALUES (7, '1.1', 'Đăng ký khai sinh', 'Hộ tịch', '[\"Cấp xã\"]', \
                         'dang ky khai sinh', 17)",
                [],
            )
            .unwrap();
            conn.execute(
                "INSERT INTO procedure_bodies (id, body) VALUES (7, ?1)",
                [body],
            )
            .unwrap();
            conn.execute_batch(
                "INSERT INTO checklist (code, doc_index, checked_ms) VALUES \
                 ('1.1', 1, 5), ('1.1', 9, 6), ('gone', 0, 7);",
            )
            .unwrap();
        }
        let conn = crate::store::open(&path).unwrap();
        assert_eq!(ticked(&conn, "1.1", &p.documents).unwrap(), [1]);
        let kept: Vec<(String, String)> = conn
            .prepare("SELECT code, document FROM checked_documents WHERE document LIKE '#%' ORDER BY code")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(
            kept,
            [
                ("1.1".to_string(), "#9".to_string()),
                ("gone".to_string(), "#0".to_string())
            ],
            "ticks that cannot be placed are kept, not dropped"
        );
    }
}
