//! `news`: cached news items of the home unit's feed (its own, its province's, national).

use congdan_protocol::NewsItem;
use rusqlite::{Connection, OptionalExtension, Row, params};

use super::{from_millis, to_millis};
use crate::Error;

/// Columns in the order [`from_row`] reads them.
const COLUMNS: &str = "id, unit, source, title, summary, body_html, link, image, published_ms";

/// Decodes one row selected with [`COLUMNS`].
fn from_row(row: &Row<'_>) -> rusqlite::Result<NewsItem> {
    let ms: i64 = row.get(8)?;
    Ok(NewsItem {
        id: row.get(0)?,
        unit: row.get(1)?,
        source: row.get(2)?,
        title: row.get(3)?,
        summary: row.get(4)?,
        body_html: row.get(5)?,
        link: row.get(6)?,
        image: row.get(7)?,
        published_at: from_millis(ms).unwrap_or_default(),
    })
}

/// Inserts or replaces items by id. Errors: `storage`.
pub fn upsert(conn: &Connection, items: &[NewsItem]) -> Result<(), Error> {
    let mut stmt = conn
        .prepare_cached(
            "INSERT OR REPLACE INTO news (id, unit, source, title, summary, body_html, link, image, published_ms) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        )
        .map_err(Error::storage("news upsert prepare"))?;
    for n in items {
        stmt.execute(params![
            n.id,
            n.unit,
            n.source,
            n.title,
            n.summary,
            n.body_html,
            n.link,
            n.image,
            to_millis(n.published_at)
        ])
        .map_err(Error::storage("news upsert"))?;
    }
    Ok(())
}

/// Deletes items by id (tombstones). Errors: `storage`.
pub fn delete(conn: &Connection, ids: &[String]) -> Result<(), Error> {
    let mut stmt = conn
        .prepare_cached("DELETE FROM news WHERE id = ?1")
        .map_err(Error::storage("news delete prepare"))?;
    for id in ids {
        stmt.execute(params![id])
            .map_err(Error::storage("news delete"))?;
    }
    Ok(())
}

/// Deletes every item (the home unit changed). Errors: `storage`.
pub fn clear(conn: &Connection) -> Result<(), Error> {
    conn.execute("DELETE FROM news", [])
        .map_err(Error::storage("news clear"))?;
    Ok(())
}

/// The newest `limit` items, newest first. Errors: `storage`.
pub fn latest(conn: &Connection, limit: u32) -> Result<Vec<NewsItem>, Error> {
    let mut stmt = conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM news ORDER BY published_ms DESC, id LIMIT ?1"
        ))
        .map_err(Error::storage("news latest prepare"))?;
    stmt.query_map(params![limit], from_row)
        .and_then(|rows| rows.collect())
        .map_err(Error::storage("news latest"))
}

/// One item by id. Errors: `storage`.
pub fn get(conn: &Connection, id: &str) -> Result<Option<NewsItem>, Error> {
    conn.query_row(
        &format!("SELECT {COLUMNS} FROM news WHERE id = ?1"),
        params![id],
        from_row,
    )
    .optional()
    .map_err(Error::storage("news get"))
}

/// News items looked at for images to cache, newest first.
const ITEMS_SCANNED: u32 = 500;

/// Image URLs of stored items that are not in `media` yet and did not fail
/// since `missed_since`: of each item (newest first) its lead image, then every
/// image of its body, so an article reads offline with all its pictures; at
/// most `limit`. Errors: `storage`.
pub fn images_missing_media(
    conn: &Connection,
    limit: u32,
    missed_since: chrono::DateTime<chrono::Utc>,
) -> Result<Vec<String>, Error> {
    let mut items = conn
        .prepare_cached("SELECT image, body_html FROM news ORDER BY published_ms DESC, id LIMIT ?1")
        .map_err(Error::storage("news images prepare"))?;
    let rows: Vec<(Option<String>, String)> = items
        .query_map(params![ITEMS_SCANNED], |r| Ok((r.get(0)?, r.get(1)?)))
        .and_then(|rows| rows.collect())
        .map_err(Error::storage("news images"))?;
    let mut wanted = conn
        .prepare_cached(
            "SELECT NOT EXISTS (SELECT 1 FROM media WHERE url = ?1) \
               AND NOT EXISTS (SELECT 1 FROM media_misses WHERE url = ?1 AND tried_ms >= ?2)",
        )
        .map_err(Error::storage("news images check prepare"))?;
    let since = super::to_millis(missed_since);
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    for (lead, body) in &rows {
        let urls = lead
            .iter()
            .filter(|url| !url.is_empty())
            .cloned()
            .chain(body_image_urls(body));
        for url in urls {
            if out.len() >= limit {
                return Ok(out);
            }
            if !seen.insert(url.clone()) {
                continue;
            }
            let missing: bool = wanted
                .query_row(params![url, since], |r| r.get(0))
                .map_err(Error::storage("news images check"))?;
            if missing {
                out.push(url);
            }
        }
    }
    Ok(out)
}

/// The `http(s)` image URLs of an article body, in order. The body is the
/// server's sanitized HTML (double-quoted attributes, `&amp;` escapes), so
/// reading `src="…"` inside `<img …>` tags is enough.
fn body_image_urls(html: &str) -> impl Iterator<Item = String> + '_ {
    html.match_indices("<img").filter_map(move |(start, _)| {
        let tag = &html[start..];
        let tag = &tag[..tag.find('>')?];
        let value = tag.split(" src=\"").nth(1)?;
        let value = &value[..value.find('"')?];
        let url = value.replace("&amp;", "&");
        (url.starts_with("https://") || url.starts_with("http://")).then_some(url)
    })
}

/// Number of stored items. Errors: `storage`.
pub fn count(conn: &Connection) -> Result<u32, Error> {
    conn.query_row("SELECT count(*) FROM news", [], |r| r.get(0))
        .map_err(Error::storage("news count"))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::store::test_support::db;
    use chrono::{TimeZone, Utc};

    #[test]
    fn body_images_are_read_from_img_tags_only() {
        let html = r#"<p>Ảnh <a href="https://x/a.jpg">link</a></p><img alt="x" src="https://img/1.jpg?a=1&amp;b=2"><img src="data:image/png;base64,AA"><img src="http://img/2.png" />"#;
        let urls: Vec<String> = body_image_urls(html).collect();
        assert_eq!(urls, ["https://img/1.jpg?a=1&b=2", "http://img/2.png"]);
        assert_eq!(
            body_image_urls("<img src=\"https://unterminated").count(),
            0
        );
    }

    pub(crate) fn item(id: &str, day: u32, image: Option<&str>) -> NewsItem {
        NewsItem {
            id: id.into(),
            unit: "00004".into(),
            source: "Nguồn".into(),
            title: format!("Tiêu đề {id}"),
            summary: "Tóm tắt".into(),
            body_html: "<p>Nội dung</p>".into(),
            link: Some("https://example.invalid/a".into()),
            image: image.map(Into::into),
            published_at: Utc.with_ymd_and_hms(2026, 1, day, 8, 0, 0).unwrap(),
        }
    }

    #[test]
    fn newest_first_round_trip_and_delete() {
        let db = db();
        let a = item("a", 1, Some("http://img/a.jpg"));
        let b = item("b", 3, None);
        let c = item("c", 2, Some("http://img/c.jpg"));
        upsert(&db.conn, &[a.clone(), b.clone(), c.clone()]).unwrap();
        let ids: Vec<_> = latest(&db.conn, 10)
            .unwrap()
            .into_iter()
            .map(|n| n.id)
            .collect();
        assert_eq!(ids, ["b", "c", "a"]);
        assert_eq!(get(&db.conn, "a").unwrap(), Some(a));
        assert_eq!(latest(&db.conn, 1).unwrap().len(), 1);
        let now = Utc::now();
        let hour_ago = now - chrono::Duration::hours(1);
        assert_eq!(
            images_missing_media(&db.conn, 10, hour_ago).unwrap(),
            ["http://img/c.jpg", "http://img/a.jpg"]
        );
        // A recent miss is left alone; an old one is tried again.
        crate::store::media::record_miss(&db.conn, "http://img/c.jpg", now).unwrap();
        assert_eq!(
            images_missing_media(&db.conn, 10, hour_ago).unwrap(),
            ["http://img/a.jpg"]
        );
        assert_eq!(
            images_missing_media(&db.conn, 10, now + chrono::Duration::seconds(1)).unwrap(),
            ["http://img/c.jpg", "http://img/a.jpg"]
        );
        delete(&db.conn, &["b".into()]).unwrap();
        assert_eq!(count(&db.conn).unwrap(), 2);
        clear(&db.conn).unwrap();
        assert_eq!(count(&db.conn).unwrap(), 0);
    }
}
