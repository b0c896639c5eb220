//! `procedures`: the cached procedure catalogue.
//!
//! The full record is kept as zstd-compressed JSON in `procedure_packed` (same
//! id; about a third of the text, read only for the detail page), so the
//! `procedures` rows stay small; their columns are what lists, filters, facets
//! and the search index need: name, folded name (`sort_name`), field, levels,
//! aliases (JSON) and a folded `keywords` text. Every write bumps the
//! `procedures_version` setting in the same transaction, so the in-memory
//! search index knows when to rebuild. Ranking is `congdan_search`'s job.

use congdan_protocol::Procedure;
use rusqlite::{Connection, OptionalExtension, params};

use crate::Error;
use crate::search::fold;
use crate::store::settings;

/// The setting that changes whenever the catalogue does.
const VERSION_KEY: &str = "procedures_version";

/// zstd level of stored bodies: level 3 keeps 29 % of the real catalogue's
/// JSON, level 19 27 % at many times the CPU (measured 5 December 2026).
const BODY_LEVEL: i32 = 3;

/// A body as stored. Errors: `internal` (zstd failed).
fn pack(json: &str) -> Result<Vec<u8>, Error> {
    zstd::bulk::compress(json.as_bytes(), BODY_LEVEL).map_err(|e| Error::Internal {
        reason: format!("compress procedure body: {e}"),
    })
}

/// A stored body read back; a frame that does not decode is a corrupt row.
fn unpack(bytes: &[u8]) -> Result<Procedure, Error> {
    let corrupt = |reason: String| Error::CorruptRow {
        what: "procedure",
        reason,
    };
    let mut text = Vec::new();
    zstd::stream::copy_decode(bytes, &mut text).map_err(|e| corrupt(e.to_string()))?;
    serde_json::from_slice(&text).map_err(|e| corrupt(e.to_string()))
}

/// Packs the text bodies an older store kept in `procedure_bodies` into
/// `procedure_packed`, `PACK_BATCH` rows per transaction, so memory stays
/// small on a phone and a stop half-way keeps what was packed (a no-op once
/// done). Errors: `storage`, `internal`.
pub fn pack_bodies(conn: &mut Connection) -> Result<(), Error> {
    let mut packed = 0usize;
    loop {
        let tx = conn
            .transaction()
            .map_err(Error::storage("pack bodies begin"))?;
        let rows: Vec<(i64, String)> = {
            let mut stmt = tx
                .prepare_cached("SELECT id, body FROM procedure_bodies ORDER BY id LIMIT ?1")
                .map_err(Error::storage("pack bodies prepare"))?;
            stmt.query_map(params![PACK_BATCH], |r| Ok((r.get(0)?, r.get(1)?)))
                .and_then(|rows| rows.collect::<Result<_, _>>())
                .map_err(Error::storage("pack bodies read"))?
        };
        if rows.is_empty() {
            break;
        }
        for (id, body) in &rows {
            tx.execute(
                "INSERT OR REPLACE INTO procedure_packed (id, body) VALUES (?1, ?2)",
                params![id, pack(body)?],
            )
            .map_err(Error::storage("pack bodies write"))?;
            tx.execute("DELETE FROM procedure_bodies WHERE id = ?1", params![id])
                .map_err(Error::storage("pack bodies clear"))?;
        }
        tx.commit().map_err(Error::storage("pack bodies commit"))?;
        packed += rows.len();
    }
    if packed > 0 {
        tracing::info!(bodies = packed, "procedure bodies packed");
    }
    Ok(())
}

/// Text bodies packed per transaction when an older store is upgraded.
const PACK_BATCH: i64 = 500;

/// A number that changes whenever procedures are written or deleted (0 for a
/// store that never held any). Errors: `storage`.
pub fn version(conn: &Connection) -> Result<i64, Error> {
    Ok(settings::get(conn, VERSION_KEY)?
        .and_then(|v| v.parse().ok())
        .unwrap_or(0))
}

/// Moves [`version`] on.
fn bump_version(conn: &Connection) -> Result<(), Error> {
    let next = version(conn)?.wrapping_add(1);
    settings::set(conn, VERSION_KEY, &next.to_string())
}

/// Inserts or replaces procedures by code. Run inside a transaction for speed
/// and atomicity. Errors: `storage`.
pub fn upsert(conn: &Connection, procedures: &[Procedure]) -> Result<(), Error> {
    let mut row = conn
        .prepare_cached(
            "INSERT INTO procedures (code, name, field, levels, sort_name, name_len, aliases, keywords) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) \
             ON CONFLICT (code) DO UPDATE SET name = excluded.name, field = excluded.field, \
               levels = excluded.levels, sort_name = excluded.sort_name, \
               name_len = excluded.name_len, aliases = excluded.aliases, keywords = excluded.keywords \
             RETURNING id",
        )
        .map_err(Error::storage("procedures upsert prepare"))?;
    let mut body_row = conn
        .prepare_cached("INSERT OR REPLACE INTO procedure_packed (id, body) VALUES (?1, ?2)")
        .map_err(Error::storage("procedure body prepare"))?;
    for p in procedures {
        let encode = |what: &str, e: serde_json::Error| Error::Internal {
            reason: format!("encode {what}: {e}"),
        };
        let levels = serde_json::to_string(&p.levels).map_err(|e| encode("levels", e))?;
        let aliases = serde_json::to_string(&p.aliases).map_err(|e| encode("aliases", e))?;
        let body = serde_json::to_string(p).map_err(|e| encode("procedure", e))?;
        let name_len = i64::try_from(p.name.chars().count()).unwrap_or(i64::MAX);
        let id: i64 = row
            .query_row(
                params![
                    p.code,
                    p.name,
                    p.field,
                    levels,
                    fold(&p.name),
                    name_len,
                    aliases,
                    congdan_search::procedure_keywords(p)
                ],
                |r| r.get(0),
            )
            .map_err(Error::storage("procedures upsert"))?;
        body_row
            .execute(params![id, pack(&body)?])
            .map_err(Error::storage("procedure body upsert"))?;
    }
    if !procedures.is_empty() {
        bump_version(conn)?;
    }
    Ok(())
}

/// Fills `aliases` and `keywords` of rows stored before those columns existed
/// (migration step 4), from their bodies, so an upgraded device searches its
/// cached catalogue offline at once. A no-op once done. Errors: `storage`.
pub fn fill_search_columns(conn: &mut Connection) -> Result<(), Error> {
    let tx = conn
        .transaction()
        .map_err(Error::storage("fill search columns begin"))?;
    let rows: Vec<(String, Vec<u8>)> = {
        let mut stmt = tx
            .prepare(
                "SELECT p.code, b.body FROM procedures p JOIN procedure_packed b ON b.id = p.id \
                 WHERE p.keywords = ''",
            )
            .map_err(Error::storage("fill search columns prepare"))?;
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .and_then(|rows| rows.collect::<Result<_, _>>())
            .map_err(Error::storage("fill search columns read"))?
    };
    if rows.is_empty() {
        return Ok(());
    }
    let mut procedures = Vec::with_capacity(rows.len());
    for (code, body) in rows {
        match unpack(&body) {
            Ok(p) => procedures.push(p),
            // A body this binary cannot read is found by its code only, and
            // not looked at again on every open.
            Err(_) => {
                tx.execute(
                    "UPDATE procedures SET keywords = ?1 WHERE code = ?2",
                    params![fold(&code), code],
                )
                .map_err(Error::storage("fill search columns code only"))?;
            }
        }
    }
    upsert(&tx, &procedures)?;
    tx.commit()
        .map_err(Error::storage("fill search columns commit"))?;
    tracing::info!(count = procedures.len(), "filled search columns");
    Ok(())
}

/// What the search index needs of one procedure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchRow {
    /// Procedure code.
    pub code: String,
    /// Name as published.
    pub name: String,
    /// Colloquial names.
    pub aliases: Vec<String>,
    /// Folded keywords text.
    pub keywords: String,
    /// Levels.
    pub levels: Vec<String>,
    /// Field.
    pub field: String,
}

/// Every procedure as the search index needs it. A corrupt JSON cell only
/// loses that cell's aliases or levels. Errors: `storage`.
pub fn search_rows(conn: &Connection) -> Result<Vec<SearchRow>, Error> {
    let mut stmt = conn
        .prepare_cached("SELECT code, name, aliases, keywords, levels, field FROM procedures")
        .map_err(Error::storage("search rows prepare"))?;
    stmt.query_map([], |r| {
        let aliases: String = r.get(2)?;
        let levels: String = r.get(4)?;
        Ok(SearchRow {
            code: r.get(0)?,
            name: r.get(1)?,
            aliases: serde_json::from_str(&aliases).unwrap_or_default(),
            keywords: r.get(3)?,
            levels: serde_json::from_str(&levels).unwrap_or_default(),
            field: r.get(5)?,
        })
    })
    .and_then(|rows| rows.collect())
    .map_err(Error::storage("search rows"))
}

/// The list columns (code, name, field, levels) of the procedures with these
/// codes, in the order given; unknown codes are skipped. Errors: `storage`.
pub fn summaries(conn: &Connection, codes: &[String]) -> Result<Vec<Summary>, Error> {
    let mut stmt = conn
        .prepare_cached("SELECT code, name, field, levels FROM procedures WHERE code = ?1")
        .map_err(Error::storage("summaries prepare"))?;
    let mut out = Vec::with_capacity(codes.len());
    for code in codes {
        let row = stmt
            .query_row(params![code], summary)
            .optional()
            .map_err(Error::storage("summaries"))?;
        out.extend(row);
    }
    Ok(out)
}

/// Procedures passing the filters, by folded name, with their total; for the
/// list shown before anything is typed. Errors: `storage`.
pub fn browse(
    conn: &Connection,
    level: Option<&str>,
    field: Option<&str>,
    limit: u32,
) -> Result<(Vec<Summary>, u32), Error> {
    const FILTERS: &str = "(?1 IS NULL OR EXISTS (SELECT 1 FROM json_each(p.levels) j WHERE j.value = ?1)) \
                           AND (?2 IS NULL OR p.field = ?2)";
    let total: u32 = conn
        .prepare_cached(&format!(
            "SELECT count(*) FROM procedures p WHERE {FILTERS}"
        ))
        .and_then(|mut s| s.query_row(params![level, field], |r| r.get(0)))
        .map_err(Error::storage("browse count"))?;
    let mut stmt = conn
        .prepare_cached(&format!(
            "SELECT p.code, p.name, p.field, p.levels FROM procedures p \
             WHERE {FILTERS} ORDER BY p.sort_name, p.code LIMIT ?3"
        ))
        .map_err(Error::storage("browse prepare"))?;
    let rows = stmt
        .query_map(params![level, field, i64::from(limit)], summary)
        .and_then(|rows| rows.collect())
        .map_err(Error::storage("browse"))?;
    Ok((rows, total))
}

/// The columns a result list shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    /// Procedure code.
    pub code: String,
    /// Name as published.
    pub name: String,
    /// Field (lĩnh vực).
    pub field: String,
    /// Levels that carry it out.
    pub levels: Vec<String>,
}

/// Decodes `code, name, field, levels`; a corrupt levels cell only loses the badge.
fn summary(r: &rusqlite::Row<'_>) -> rusqlite::Result<Summary> {
    let levels: String = r.get(3)?;
    Ok(Summary {
        code: r.get(0)?,
        name: r.get(1)?,
        field: r.get(2)?,
        levels: serde_json::from_str(&levels).unwrap_or_default(),
    })
}

/// Deletes procedures by code (tombstones). The user's checklist, visits and
/// saved rows are left alone (user data). Errors: `storage`.
pub fn delete(conn: &Connection, codes: &[String]) -> Result<(), Error> {
    let mut stmt = conn
        .prepare_cached("DELETE FROM procedures WHERE code = ?1")
        .map_err(Error::storage("procedures delete prepare"))?;
    let mut deleted = 0;
    for code in codes {
        deleted += stmt
            .execute(params![code])
            .map_err(Error::storage("procedures delete"))?;
    }
    if deleted > 0 {
        bump_version(conn)?;
    }
    Ok(())
}

/// One full procedure by code. Errors: `storage`; a corrupt row is `storage` too.
pub fn get(conn: &Connection, code: &str) -> Result<Option<Procedure>, Error> {
    let body: Option<Vec<u8>> = conn
        .query_row(
            "SELECT b.body FROM procedures p JOIN procedure_packed b ON b.id = p.id WHERE p.code = ?1",
            params![code],
            |r| r.get(0),
        )
        .optional()
        .map_err(Error::storage("procedures get"))?;
    body.map(|b| unpack(&b)).transpose()
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
            aliases: Vec::new(),
        }
    }

    #[test]
    fn upsert_get_delete_move_the_version() {
        let db = db();
        assert_eq!(version(&db.conn).unwrap(), 0);
        let mut p = procedure(
            "1.000001",
            "Đăng ký khai sinh lưu động",
            "Hộ tịch",
            &["Cấp xã"],
        );
        p.aliases = vec!["giấy khai sinh".into()];
        upsert(&db.conn, std::slice::from_ref(&p)).unwrap();
        let v1 = version(&db.conn).unwrap();
        assert_ne!(v1, 0);
        assert_eq!(get(&db.conn, "1.000001").unwrap(), Some(p.clone()));
        let rows = search_rows(&db.conn).unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].aliases, ["giấy khai sinh"]);
        assert!(
            rows[0].keywords.starts_with("1.000001 ho tich"),
            "{}",
            rows[0].keywords
        );
        let mut renamed = p.clone();
        renamed.name = "Đăng ký kết hôn".into();
        upsert(&db.conn, &[renamed.clone()]).unwrap();
        assert_eq!(count(&db.conn).unwrap(), 1);
        assert_ne!(version(&db.conn).unwrap(), v1);
        assert_eq!(
            summaries(&db.conn, &["9.9".into(), "1.000001".into()]).unwrap()[0].name,
            "Đăng ký kết hôn"
        );
        let v2 = version(&db.conn).unwrap();
        delete(&db.conn, &["nope".into()]).unwrap();
        assert_eq!(
            version(&db.conn).unwrap(),
            v2,
            "deleting nothing changes nothing"
        );
        delete(&db.conn, &["1.000001".into()]).unwrap();
        assert_ne!(version(&db.conn).unwrap(), v2);
        assert_eq!(get(&db.conn, "1.000001").unwrap(), None);
        let bodies: i64 = db
            .conn
            .query_row("SELECT count(*) FROM procedure_packed", [], |r| r.get(0))
            .unwrap();
        assert_eq!(bodies, 0, "body deleted with its row");
    }

    #[test]
    fn text_bodies_are_packed_in_batches_and_read_back() {
        let mut db = db();
        let n = PACK_BATCH * 2 + 1;
        for i in 0..n {
            let p = procedure(
                &format!("9.{i}"),
                "Đăng ký khai sinh",
                "Hộ tịch",
                &["Cấp xã"],
            );
            db.conn
                .execute(
                    "INSERT INTO procedures (id, code, name, field, levels, sort_name, name_len) \
                     VALUES (?1, ?2, 'Đăng ký khai sinh', 'Hộ tịch', '[]', 'dang ky khai sinh', 17)",
                    params![i + 1, p.code],
                )
                .unwrap();
            db.conn
                .execute(
                    "INSERT INTO procedure_bodies (id, body) VALUES (?1, ?2)",
                    params![i + 1, serde_json::to_string(&p).unwrap()],
                )
                .unwrap();
        }
        pack_bodies(&mut db.conn).unwrap();
        let (text, packed): (i64, i64) = db
            .conn
            .query_row(
                "SELECT (SELECT count(*) FROM procedure_bodies), (SELECT count(*) FROM procedure_packed)",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert_eq!((text, packed), (0, n));
        for code in ["9.0", &format!("9.{}", n - 1)] {
            assert_eq!(get(&db.conn, code).unwrap().unwrap().code, code);
        }
        // A damaged frame is a corrupt row, not a panic.
        db.conn
            .execute(
                "UPDATE procedure_packed SET body = x'28b52ffd00' WHERE id = 1",
                [],
            )
            .unwrap();
        assert!(matches!(
            get(&db.conn, "9.0"),
            Err(Error::CorruptRow { .. })
        ));
    }

    #[test]
    fn rows_of_an_older_store_get_their_search_columns_at_open() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.sqlite");
        {
            // A store as version 3 left it: no aliases or keywords columns.
            let mut conn = rusqlite::Connection::open(&path).unwrap();
            crate::store::migrations::run_steps(
                &mut conn,
                &crate::store::migrations::MIGRATIONS[..3],
            )
            .unwrap();
            let body = serde_json::to_string(&procedure(
                "1.1",
                "Đăng ký khai sinh",
                "Hộ tịch",
                &["Cấp xã"],
            ))
            .unwrap();
            conn.execute_batch(&format!(
                "INSERT INTO procedures (id, code, name, field, levels, sort_name, name_len) \
                 VALUES (7, '1.1', 'Đăng ký khai sinh', 'Hộ tịch', '[\"Cấp xã\"]', 'dang ky khai sinh', 17); \
                 INSERT INTO procedure_bodies (id, body) VALUES (7, '{}');",
                body.replace('\'', "''")
            ))
            .unwrap();
        }
        let conn = crate::store::open(&path).unwrap();
        let rows = search_rows(&conn).unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(
            get(&conn, "1.1").unwrap().unwrap().name,
            "Đăng ký khai sinh"
        );
        let (text, packed): (i64, i64) = conn
            .query_row(
                "SELECT (SELECT count(*) FROM procedure_bodies), \
                        (SELECT count(*) FROM procedure_packed)",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert_eq!((text, packed), (0, 1), "the text body was packed at open");
        assert!(
            rows[0].keywords.starts_with("1.1 ho tich"),
            "{}",
            rows[0].keywords
        );
        assert_ne!(version(&conn).unwrap(), 0);
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
}
