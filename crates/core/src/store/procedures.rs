//! `procedures` and its search index `procedures_fts`: the cached procedure catalogue.
//!
//! The full record is kept as JSON in `procedure_bodies` (same id), so the
//! `procedures` rows that searches scan stay small; their columns are what
//! lists, filters, facets and ranking need. `procedures_fts` (rowid = `procedures.id`)
//! holds the folded name and a folded keywords text and is rewritten together
//! with its row in the caller's transaction. Searching it is `search`'s job.

use congdan_protocol::Procedure;
use rusqlite::{Connection, OptionalExtension, params};

use crate::Error;
use crate::search::fold;

/// The `procedures_fts` rowid of a procedure: its name length (in characters)
/// in the high bits and its `procedures.id` in the low 32. FTS5 hands out
/// matches in rowid order, so "shorter names first" needs no sort and a
/// `LIMIT` stops the scan early; `fts_key & 0xFFFFFFFF` joins back to the row.
pub fn fts_key(id: i64, name_len: i64) -> i64 {
    (name_len.clamp(0, 1 << 20) << 32) | (id & 0xFFFF_FFFF)
}

/// Upper bound on the folded keywords text of one procedure, in bytes: code,
/// field, agencies and the first document names. Some records list 50 kB of
/// documents; every extra byte lengthens the doclists each query merges (600
/// instead of 2,000 bytes took search p95 from 2.0 to 1.5 ms on the catalogue and
/// from 17 to 8.4 ms over 50,000 procedures), while names of documents beyond the
/// first few add little to finding a procedure.
const KEYWORDS_MAX_BYTES: usize = 600;

/// The folded keywords text: code, field, agency, authority, issuer and the
/// document names, cut at [`KEYWORDS_MAX_BYTES`] on a word boundary.
fn keywords(p: &Procedure) -> String {
    let mut raw = String::new();
    for part in [&p.code, &p.field, &p.agency, &p.authority, &p.issuer] {
        raw.push_str(part);
        raw.push(' ');
    }
    for d in &p.documents {
        if raw.len() > KEYWORDS_MAX_BYTES * 2 {
            break;
        }
        raw.push_str(&d.name);
        raw.push(' ');
    }
    let mut folded = fold(&raw);
    if folded.len() > KEYWORDS_MAX_BYTES {
        let mut cut = KEYWORDS_MAX_BYTES;
        while !folded.is_char_boundary(cut) {
            cut -= 1;
        }
        if let Some(space) = folded[..cut].rfind(' ') {
            cut = space;
        }
        folded.truncate(cut);
    }
    folded
}

/// Merges the search index into one segment. Sync stores the catalogue page by
/// page, leaving one index segment per page; a search over many segments does
/// the same merge on every query, so the sync calls this once after a pull that
/// changed procedures. Errors: `storage`.
pub fn optimize_index(conn: &Connection) -> Result<(), Error> {
    conn.execute(
        "INSERT INTO procedures_fts (procedures_fts) VALUES ('optimize')",
        [],
    )
    .map_err(Error::storage("procedures_fts optimize"))?;
    Ok(())
}

/// Inserts or replaces procedures by code, keeping the FTS index in step.
/// Run inside a transaction for speed and atomicity. Errors: `storage`.
pub fn upsert(conn: &Connection, procedures: &[Procedure]) -> Result<(), Error> {
    let mut row = conn
        .prepare_cached(
            "INSERT INTO procedures (code, name, field, levels, sort_name, name_len) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6) \
             ON CONFLICT (code) DO UPDATE SET name = excluded.name, field = excluded.field, \
               levels = excluded.levels, sort_name = excluded.sort_name, \
               name_len = excluded.name_len \
             RETURNING id",
        )
        .map_err(Error::storage("procedures upsert prepare"))?;
    let mut body_row = conn
        .prepare_cached("INSERT OR REPLACE INTO procedure_bodies (id, body) VALUES (?1, ?2)")
        .map_err(Error::storage("procedure body prepare"))?;
    let mut old = conn
        .prepare_cached("SELECT id, name_len FROM procedures WHERE code = ?1")
        .map_err(Error::storage("procedures old prepare"))?;
    let mut fts_delete = conn
        .prepare_cached("DELETE FROM procedures_fts WHERE rowid = ?1")
        .map_err(Error::storage("procedures fts delete prepare"))?;
    let mut fts_insert = conn
        .prepare_cached("INSERT INTO procedures_fts (rowid, name, keywords) VALUES (?1, ?2, ?3)")
        .map_err(Error::storage("procedures fts insert prepare"))?;
    for p in procedures {
        let levels = serde_json::to_string(&p.levels).map_err(|e| Error::Internal {
            reason: format!("encode levels: {e}"),
        })?;
        let body = serde_json::to_string(p).map_err(|e| Error::Internal {
            reason: format!("encode procedure: {e}"),
        })?;
        let previous: Option<(i64, i64)> = old
            .query_row(params![p.code], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()
            .map_err(Error::storage("procedures old"))?;
        if let Some((id, len)) = previous {
            fts_delete
                .execute(params![fts_key(id, len)])
                .map_err(Error::storage("procedures fts delete"))?;
        }
        let folded_name = fold(&p.name);
        let name_len = i64::try_from(p.name.chars().count()).unwrap_or(i64::MAX);
        let id: i64 = row
            .query_row(
                params![p.code, p.name, p.field, levels, folded_name, name_len],
                |r| r.get(0),
            )
            .map_err(Error::storage("procedures upsert"))?;
        body_row
            .execute(params![id, body])
            .map_err(Error::storage("procedure body upsert"))?;
        fts_insert
            .execute(params![fts_key(id, name_len), folded_name, keywords(p)])
            .map_err(Error::storage("procedures fts insert"))?;
    }
    Ok(())
}

/// Deletes procedures by code (tombstones) and their index rows. The user's
/// checklist rows are left alone (user data). Errors: `storage`.
pub fn delete(conn: &Connection, codes: &[String]) -> Result<(), Error> {
    let mut find = conn
        .prepare_cached("DELETE FROM procedures WHERE code = ?1 RETURNING id, name_len")
        .map_err(Error::storage("procedures delete prepare"))?;
    let mut fts = conn
        .prepare_cached("DELETE FROM procedures_fts WHERE rowid = ?1")
        .map_err(Error::storage("procedures fts delete prepare"))?;
    for code in codes {
        let row: Option<(i64, i64)> = find
            .query_row(params![code], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()
            .map_err(Error::storage("procedures delete"))?;
        if let Some((id, len)) = row {
            fts.execute(params![fts_key(id, len)])
                .map_err(Error::storage("procedures fts delete"))?;
        }
    }
    Ok(())
}

/// One full procedure by code. Errors: `storage`; a corrupt row is `storage` too.
pub fn get(conn: &Connection, code: &str) -> Result<Option<Procedure>, Error> {
    let body: Option<String> = conn
        .query_row(
            "SELECT b.body FROM procedures p JOIN procedure_bodies b ON b.id = p.id WHERE p.code = ?1",
            params![code],
            |r| r.get(0),
        )
        .optional()
        .map_err(Error::storage("procedures get"))?;
    body.map(|b| {
        serde_json::from_str(&b).map_err(|e| Error::CorruptRow {
            what: "procedure",
            reason: e.to_string(),
        })
    })
    .transpose()
}

/// Number of stored procedures. Errors: `storage`.
pub fn count(conn: &Connection) -> Result<u32, Error> {
    conn.query_row("SELECT count(*) FROM procedures", [], |r| r.get(0))
        .map_err(Error::storage("procedures count"))
}

/// Distinct levels with the number of procedures carrying each, most common
/// first. Errors: `storage`.
pub fn level_counts(conn: &Connection) -> Result<Vec<(String, u32)>, Error> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT j.value, count(*) AS n FROM procedures p, json_each(p.levels) j \
             GROUP BY j.value ORDER BY n DESC, j.value",
        )
        .map_err(Error::storage("level counts prepare"))?;
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .and_then(|rows| rows.collect())
        .map_err(Error::storage("level counts"))
}

/// Distinct fields with their procedure counts, most common first. Errors: `storage`.
pub fn field_counts(conn: &Connection) -> Result<Vec<(String, u32)>, Error> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT field, count(*) AS n FROM procedures WHERE field <> '' \
             GROUP BY field ORDER BY n DESC, field",
        )
        .map_err(Error::storage("field counts prepare"))?;
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .and_then(|rows| rows.collect())
        .map_err(Error::storage("field counts"))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::search::{SearchFilter, search_procedures};
    use crate::store::test_support::db;
    use congdan_protocol::RequiredDocument;

    pub(crate) fn procedure(code: &str, name: &str, field: &str, levels: &[&str]) -> Procedure {
        Procedure {
            code: code.into(),
            name: name.into(),
            decision: "1/QĐ-BTP".into(),
            levels: levels.iter().map(|s| s.to_string()).collect(),
            field: field.into(),
            applicants: "Công dân Việt Nam".into(),
            authority: String::new(),
            agency: "Ủy ban nhân dân cấp xã".into(),
            address: String::new(),
            issuer: "Bộ Tư pháp".into(),
            steps: vec!["Bước 1".into()],
            channels: vec![],
            documents: vec![
                RequiredDocument {
                    group: String::new(),
                    name: "Tờ khai đăng ký".into(),
                    copies: "1 bản chính".into(),
                },
                RequiredDocument {
                    group: String::new(),
                    name: "Giấy chứng sinh".into(),
                    copies: "1 bản chính".into(),
                },
            ],
            legal_basis: vec![],
            source_url: "https://dichvucong.gov.vn/x".into(),
        }
    }

    #[test]
    fn upsert_get_delete_keep_index_in_step() {
        let db = db();
        let p = procedure(
            "1.000001",
            "Đăng ký khai sinh lưu động",
            "Hộ tịch",
            &["Cấp xã"],
        );
        upsert(&db.conn, std::slice::from_ref(&p)).unwrap();
        let f = SearchFilter::default();
        assert_eq!(
            search_procedures(&db.conn, "luu dong", &f, 10)
                .unwrap()
                .total,
            1
        );
        assert_eq!(get(&db.conn, "1.000001").unwrap(), Some(p.clone()));
        let mut renamed = p.clone();
        renamed.name = "Đăng ký kết hôn".into();
        upsert(&db.conn, &[renamed.clone()]).unwrap();
        assert_eq!(count(&db.conn).unwrap(), 1);
        assert_eq!(
            search_procedures(&db.conn, "luu dong", &f, 10)
                .unwrap()
                .hits
                .len(),
            0
        );
        assert_eq!(
            search_procedures(&db.conn, "ket hon", &f, 10)
                .unwrap()
                .total,
            1
        );
        let fts: i64 = db
            .conn
            .query_row("SELECT count(*) FROM procedures_fts", [], |r| r.get(0))
            .unwrap();
        assert_eq!(fts, 1);
        delete(&db.conn, &["1.000001".into()]).unwrap();
        assert_eq!(get(&db.conn, "1.000001").unwrap(), None);
        let fts: i64 = db
            .conn
            .query_row("SELECT count(*) FROM procedures_fts", [], |r| r.get(0))
            .unwrap();
        assert_eq!(fts, 0);
        let bodies: i64 = db
            .conn
            .query_row("SELECT count(*) FROM procedure_bodies", [], |r| r.get(0))
            .unwrap();
        assert_eq!(bodies, 0, "body deleted with its row");
    }

    #[test]
    fn facets_count_levels_and_fields() {
        let db = db();
        upsert(
            &db.conn,
            &[
                procedure("1.1", "A", "Hộ tịch", &["Cấp xã"]),
                procedure("1.2", "B", "Hộ tịch", &["Cấp xã", "Cấp tỉnh"]),
                procedure("1.3", "C", "Hải quan", &["Cấp bộ"]),
            ],
        )
        .unwrap();
        assert_eq!(
            level_counts(&db.conn).unwrap(),
            [
                ("Cấp xã".into(), 2),
                ("Cấp bộ".into(), 1),
                ("Cấp tỉnh".into(), 1)
            ]
        );
        assert_eq!(
            field_counts(&db.conn).unwrap(),
            [("Hộ tịch".into(), 2), ("Hải quan".into(), 1)]
        );
    }

    #[test]
    fn keywords_are_capped_on_a_word_boundary() {
        let mut p = procedure("1.1", "A", "Hộ tịch", &["Cấp xã"]);
        p.documents = (0..2000)
            .map(|i| RequiredDocument {
                group: String::new(),
                name: format!("Giấy tờ số {i}"),
                copies: String::new(),
            })
            .collect();
        let k = keywords(&p);
        assert!(k.len() <= KEYWORDS_MAX_BYTES);
        assert!(k.starts_with("1.1 ho tich"));
        assert!(!k.ends_with(' '));
    }
}
