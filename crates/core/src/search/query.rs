//! Turning user text into a safe FTS5 query and running the ranked search.

use rusqlite::{Connection, params};

use super::fold;
use crate::Error;

/// Relative bm25 weight of the folded name column over the keywords column.
const NAME_WEIGHT: f64 = 10.0;
/// bm25 weight of the keywords column (field, agency, document names, code).
const KEYWORDS_WEIGHT: f64 = 1.0;
/// Up to this many matches, every match is read and ranked with bm25; above
/// it, matches are read in name-length order and the walk stops early, since
/// bm25 must read every match's statistics (milliseconds on broad queries)
/// and keyword-only hits sit below all name hits anyway.
const BM25_MAX_MATCHES: u32 = 100;

/// Optional filters of a procedure search; `None` means "any".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchFilter {
    /// Keep procedures whose levels contain this value exactly (e.g. "Cấp xã").
    pub level: Option<String>,
    /// Keep procedures of this field exactly (e.g. "Hộ tịch").
    pub field: Option<String>,
}

/// One ranked hit: the columns a result list shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    /// Procedure code.
    pub code: String,
    /// Name as published.
    pub name: String,
    /// Field (lĩnh vực).
    pub field: String,
    /// Levels that carry it out.
    pub levels: Vec<String>,
}

/// A page of hits plus the number of all matches (for "N kết quả").
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SearchResult {
    /// The best `limit` hits, best first.
    pub hits: Vec<Hit>,
    /// How many procedures match in total.
    pub total: u32,
}

/// Builds the FTS5 query for free user text: every folded word becomes a quoted
/// prefix term (`"word"*`) and the terms are AND-ed. Words are runs of letters
/// and digits, so quotes, `*`, `-`, parentheses, `NEAR` or `AND` typed by a
/// user can never reach FTS5 as syntax. Returns `None` when the text has no word.
pub fn fts_query(text: &str) -> Option<String> {
    let folded = fold(text);
    let terms: Vec<String> = folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| format!("\"{w}\"*"))
        .collect();
    if terms.is_empty() {
        None
    } else {
        Some(terms.join(" AND "))
    }
}

/// The filter clause shared by every query; `?L` is the level, `?F` the field.
const FILTERS: &str = "(?2 IS NULL OR EXISTS (SELECT 1 FROM json_each(p.levels) j WHERE j.value = ?2)) \
                       AND (?3 IS NULL OR p.field = ?3)";

/// Searches the stored procedures. With words: every word must prefix-match a
/// word of the name or keywords. Procedures whose name holds every word come
/// first, shorter names first; then the rest, by bm25 with the name column
/// weighted well above keywords when there are at most `BM25_MAX_MATCHES` (100)
/// matches, else by name length. Without words: every procedure passing the
/// filters, by name. Reads only; errors are `storage`.
///
/// Cost: one FTS count plus one FTS walk. Broad queries walk the index in
/// rowid order, which is name-length order (see `store::procedures::fts_key`),
/// and stop as soon as `limit` name matches are found, so even a one-letter
/// prefix over 50,000 procedures reads only a few dozen rows.
pub fn search_procedures(
    conn: &Connection,
    text: &str,
    filter: &SearchFilter,
    limit: u32,
) -> Result<SearchResult, Error> {
    let words = words(text);
    let Some(all) = fts_query(text) else {
        return browse(conn, filter, limit);
    };
    let total = count(conn, &all, filter)?;
    if total == 0 || limit == 0 {
        return Ok(SearchResult {
            hits: Vec::new(),
            total,
        });
    }
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    let (mut in_name, mut rest) = (Vec::new(), Vec::new());
    let order = if total <= BM25_MAX_MATCHES {
        "bm25(procedures_fts, ?4, ?5), f.rowid"
    } else {
        "f.rowid, ?4, ?5"
    };
    let sql = format!(
        "SELECT p.code, p.name, p.field, p.levels, p.sort_name, p.name_len FROM procedures_fts f \
         JOIN procedures p ON p.id = (f.rowid & 4294967295) \
         WHERE procedures_fts MATCH ?1 AND {FILTERS} ORDER BY {order}"
    );
    let mut stmt = conn
        .prepare_cached(&sql)
        .map_err(Error::storage("search prepare"))?;
    let mut rows = stmt
        .query(params![
            all,
            filter.level,
            filter.field,
            NAME_WEIGHT,
            KEYWORDS_WEIGHT
        ])
        .map_err(Error::storage("search query"))?;
    while let Some(row) = rows.next().map_err(Error::storage("search rows"))? {
        let folded_name: String = row.get(4).map_err(Error::storage("search row"))?;
        let name_len: i64 = row.get(5).map_err(Error::storage("search row"))?;
        let named = name_holds_all(&folded_name, &words);
        if !named && rest.len() >= limit {
            continue;
        }
        let hit = hit(row)?;
        if named {
            in_name.push((name_len, hit));
            if in_name.len() >= limit && total > BM25_MAX_MATCHES {
                break;
            }
        } else {
            rest.push(hit);
        }
    }
    // Stable: equal lengths keep their index order.
    in_name.sort_by_key(|(len, _)| *len);
    let hits = in_name
        .into_iter()
        .map(|(_, h)| h)
        .chain(rest)
        .take(limit)
        .collect();
    Ok(SearchResult { hits, total })
}

/// The folded words of a query, as [`fts_query`] splits them.
fn words(text: &str) -> Vec<String> {
    fold(text)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// True when every query word prefixes some word of the folded name.
fn name_holds_all(folded_name: &str, words: &[String]) -> bool {
    words.iter().all(|w| {
        folded_name
            .split(|c: char| !c.is_alphanumeric())
            .any(|n| n.starts_with(w.as_str()))
    })
}

/// Decodes the `code, name, field, levels` columns of a row.
fn hit(row: &rusqlite::Row<'_>) -> Result<Hit, Error> {
    let levels_json: String = row.get(3).map_err(Error::storage("search row"))?;
    Ok(Hit {
        code: row.get(0).map_err(Error::storage("search row"))?,
        name: row.get(1).map_err(Error::storage("search row"))?,
        field: row.get(2).map_err(Error::storage("search row"))?,
        // A corrupt levels cell only loses the badge, not the hit.
        levels: serde_json::from_str(&levels_json).unwrap_or_default(),
    })
}

/// All procedures passing the filters, by folded name.
fn browse(conn: &Connection, filter: &SearchFilter, limit: u32) -> Result<SearchResult, Error> {
    let total: i64 = conn
        .prepare_cached(&format!(
            "SELECT count(*) FROM procedures p WHERE ?1 IS NULL AND {FILTERS}"
        ))
        .and_then(|mut s| {
            s.query_row(
                params![Option::<String>::None, filter.level, filter.field],
                |r| r.get(0),
            )
        })
        .map_err(Error::storage("browse count"))?;
    let mut hits = Vec::new();
    collect(
        conn,
        &format!(
            "SELECT p.code, p.name, p.field, p.levels FROM procedures p \
             WHERE ?1 IS NULL AND {FILTERS} ORDER BY p.sort_name, p.code LIMIT ?4"
        ),
        params![
            Option::<String>::None,
            filter.level,
            filter.field,
            i64::from(limit)
        ],
        &mut hits,
    )?;
    Ok(SearchResult {
        hits,
        total: u32::try_from(total).unwrap_or(u32::MAX),
    })
}

/// Number of procedures matching the FTS query `all` and the filters.
fn count(conn: &Connection, all: &str, filter: &SearchFilter) -> Result<u32, Error> {
    let sql = if filter.level.is_none() && filter.field.is_none() {
        "SELECT count(*) FROM procedures_fts WHERE procedures_fts MATCH ?1 \
         AND ?2 IS NULL AND ?3 IS NULL"
            .to_string()
    } else {
        format!(
            "SELECT count(*) FROM procedures_fts f JOIN procedures p ON p.id = (f.rowid & 4294967295) \
             WHERE procedures_fts MATCH ?1 AND {FILTERS}"
        )
    };
    let n: i64 = conn
        .prepare_cached(&sql)
        .and_then(|mut s| s.query_row(params![all, filter.level, filter.field], |r| r.get(0)))
        .map_err(Error::storage("search count"))?;
    Ok(u32::try_from(n).unwrap_or(u32::MAX))
}

/// Runs a `code, name, field, levels` query and appends its rows as hits.
fn collect(
    conn: &Connection,
    sql: &str,
    args: impl rusqlite::Params,
    hits: &mut Vec<Hit>,
) -> Result<(), Error> {
    let mut stmt = conn
        .prepare_cached(sql)
        .map_err(Error::storage("search prepare"))?;
    let mut rows = stmt.query(args).map_err(Error::storage("search query"))?;
    while let Some(row) = rows.next().map_err(Error::storage("search rows"))? {
        hits.push(hit(row)?);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_is_prefix_terms_anded() {
        assert_eq!(
            fts_query("Cấp lại căn cước").as_deref(),
            Some("\"cap\"* AND \"lai\"* AND \"can\"* AND \"cuoc\"*")
        );
        assert_eq!(fts_query("  ").as_deref(), None);
        assert_eq!(fts_query("\"*-()").as_deref(), None);
    }

    #[test]
    fn fts_syntax_is_neutralised() {
        let q = fts_query("NEAR(\"a\" b) -c* OR d:e ^f").unwrap();
        assert_eq!(
            q,
            "\"near\"* AND \"a\"* AND \"b\"* AND \"c\"* AND \"or\"* AND \"d\"* AND \"e\"* AND \"f\"*"
        );
    }

    use crate::store::procedures::{tests::procedure, upsert};
    use crate::store::test_support::{TestDb, db};

    fn catalogue() -> TestDb {
        let db = db();
        let bare = |code, name, field, levels: &[&str]| {
            let mut p = procedure(code, name, field, levels);
            p.documents.clear();
            p
        };
        let mut by_keywords = procedure(
            "9.000001",
            "Thủ tục kiểm tra hàng hóa",
            "Hải quan",
            &["Cấp bộ"],
        );
        by_keywords.agency = "Chi cục Hải quan khu vực".into();
        by_keywords.documents.clear();
        upsert(
            &db.conn,
            &[
                bare("1.000001", "Đăng ký khai sinh", "Hộ tịch", &["Cấp xã"]),
                bare(
                    "1.000002",
                    "Đăng ký khai sinh có yếu tố nước ngoài",
                    "Hộ tịch",
                    &["Cấp tỉnh", "Cấp xã"],
                ),
                bare(
                    "1.000003",
                    "Cấp lại thẻ Căn cước",
                    "Cấp, quản lý căn cước",
                    &["Cấp tỉnh"],
                ),
                bare(
                    "1.000004",
                    "Cấp lại căn cước",
                    "Cấp, quản lý căn cước",
                    &["Cấp xã"],
                ),
                bare(
                    "1.000005",
                    "Cấp giấy phép khai thác tài nguyên nước thủy lợi",
                    "Thủy lợi",
                    &["Cấp tỉnh"],
                ),
                bare("1.000006", "Huỷ tài khoản điện tử", "Căn cước", &["Cấp bộ"]),
                bare(
                    "1.000007",
                    "Thủ tục hải quan đối với hàng xuất khẩu",
                    "Hải quan",
                    &["Cấp bộ"],
                ),
                by_keywords,
            ],
        )
        .unwrap();
        db
    }

    fn codes(db: &TestDb, text: &str, filter: &SearchFilter) -> Vec<String> {
        search_procedures(&db.conn, text, filter, 50)
            .unwrap()
            .hits
            .into_iter()
            .map(|h| h.code)
            .collect()
    }

    #[test]
    fn finds_without_diacritics_and_ranks_short_names_first() {
        let db = catalogue();
        let any = SearchFilter::default();
        assert_eq!(
            codes(&db, "cap lai can cuoc", &any),
            ["1.000004", "1.000003"]
        );
        assert_eq!(
            codes(&db, "dang ky khai sinh", &any),
            ["1.000001", "1.000002"]
        );
        assert_eq!(codes(&db, "ĐĂNG KÝ khai", &any), ["1.000001", "1.000002"]);
        assert_eq!(
            codes(&db, "dang k", &any),
            ["1.000001", "1.000002"],
            "prefixes"
        );
        assert!(
            codes(&db, "khai sinh ket hon", &any).is_empty(),
            "all words must match"
        );
    }

    #[test]
    fn tone_placement_variants_match_each_other() {
        let db = catalogue();
        let any = SearchFilter::default();
        assert_eq!(codes(&db, "thuỷ lợi", &any), ["1.000005"]);
        assert_eq!(codes(&db, "thủy lợi", &any), ["1.000005"]);
        assert_eq!(codes(&db, "hủy tài khoản", &any), ["1.000006"]);
    }

    #[test]
    fn name_matches_rank_above_keyword_matches() {
        let db = catalogue();
        assert_eq!(
            codes(&db, "hai quan", &SearchFilter::default()),
            ["1.000007", "9.000001"]
        );
    }

    #[test]
    fn filters_and_total() {
        let db = catalogue();
        let xa = SearchFilter {
            level: Some("Cấp xã".into()),
            field: None,
        };
        assert_eq!(codes(&db, "khai sinh", &xa), ["1.000001", "1.000002"]);
        let tinh = SearchFilter {
            level: Some("Cấp tỉnh".into()),
            field: Some("Hộ tịch".into()),
        };
        assert_eq!(codes(&db, "khai sinh", &tinh), ["1.000002"]);
        assert_eq!(codes(&db, "", &tinh), ["1.000002"]);
        let r = search_procedures(&db.conn, "cap", &SearchFilter::default(), 1).unwrap();
        assert_eq!(r.hits.len(), 1);
        // "cap" is in three names and in the agency "Ủy ban nhân dân cấp xã" of six more.
        assert_eq!(r.total, 7);
        assert_eq!(r.hits[0].code, "1.000004", "name match, shortest name");
        let r = search_procedures(&db.conn, "cap", &SearchFilter::default(), 0).unwrap();
        assert_eq!((r.hits.len(), r.total), (0, 7));
        let all = search_procedures(&db.conn, "", &SearchFilter::default(), 100).unwrap();
        assert_eq!(all.total, 8);
    }

    #[test]
    fn any_user_input_is_safe() {
        let db = catalogue();
        for q in [
            "\"",
            "*",
            "-",
            "(",
            ")",
            "NEAR(a b)",
            "a OR b",
            "NOT",
            "AND",
            "^x",
            "x:y",
            "'; DROP TABLE procedures; --",
            "\u{0}",
            "{name}: x",
            "\"khai\" -sinh*",
            "căn-cước",
            "1.000001",
        ] {
            search_procedures(&db.conn, q, &SearchFilter::default(), 10).unwrap();
        }
        assert_eq!(
            codes(&db, "1.000001", &SearchFilter::default())[0],
            "1.000001"
        );
    }

    #[test]
    fn broad_queries_stop_early_and_still_put_names_first() {
        let db = db();
        let mut many: Vec<_> = (0..600)
            .map(|i| {
                let mut p = procedure(
                    &format!("5.{i:06}"),
                    &format!("Thủ tục số {i}"),
                    "Xây dựng",
                    &["Cấp tỉnh"],
                );
                p.documents.clear();
                p.agency = "Sở Xây dựng".into();
                p
            })
            .collect();
        let mut named = procedure(
            "1.999999",
            "Cấp giấy phép xây dựng có thời hạn cho công trình",
            "Xây dựng",
            &["Cấp xã"],
        );
        named.documents.clear();
        many.push(named);
        let mut short = procedure("1.999998", "Giấy phép xây dựng", "Xây dựng", &["Cấp xã"]);
        short.documents.clear();
        many.push(short);
        upsert(&db.conn, &many).unwrap();
        let r = search_procedures(&db.conn, "xay dung", &SearchFilter::default(), 5).unwrap();
        assert_eq!(r.total, 602);
        assert!(r.total > BM25_MAX_MATCHES);
        let got: Vec<_> = r.hits.iter().map(|h| h.code.as_str()).collect();
        assert_eq!(&got[..2], ["1.999998", "1.999999"]);
        assert_eq!(got.len(), 5);
    }
}
