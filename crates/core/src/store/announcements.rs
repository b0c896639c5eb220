//! `announcements`: the published announcements of the resident's household
//! unit (home village or commune, with the units above it), so they read
//! offline. Cache: replaced per scope by each changed fetch. Their photos and
//! PDFs are cached in `media` by link.

use congdan_protocol::announcements::Announcement;
use rusqlite::{Connection, params};

use crate::Error;

/// Replaces the cached announcements of `scope` (server order kept). Errors: `storage`.
pub fn replace(conn: &Connection, scope: &str, items: &[Announcement]) -> Result<(), Error> {
    conn.execute("DELETE FROM announcements WHERE scope = ?1", params![scope])
        .map_err(Error::storage("announcements clear"))?;
    for (position, item) in items.iter().enumerate() {
        let body = serde_json::to_string(item).map_err(|e| Error::Internal {
            reason: format!("encode announcement: {e}"),
        })?;
        conn.execute(
            "INSERT OR REPLACE INTO announcements (scope, id, position, body) VALUES (?1, ?2, ?3, ?4)",
            params![scope, item.id, i64::try_from(position).unwrap_or(i64::MAX), body],
        )
        .map_err(Error::storage("announcements insert"))?;
    }
    Ok(())
}

/// The cached announcements of `scope`, newest first. Errors: `storage`.
pub fn of_scope(conn: &Connection, scope: &str) -> Result<Vec<Announcement>, Error> {
    let mut stmt = conn
        .prepare_cached("SELECT body FROM announcements WHERE scope = ?1 ORDER BY position")
        .map_err(Error::storage("announcements prepare"))?;
    let bodies: Vec<String> = stmt
        .query_map(params![scope], |r| r.get(0))
        .and_then(|rows| rows.collect())
        .map_err(Error::storage("announcements of scope"))?;
    bodies
        .iter()
        .map(|b| {
            serde_json::from_str(b).map_err(|e| Error::CorruptRow {
                what: "announcements",
                reason: e.to_string(),
            })
        })
        .collect()
}

/// Links of the attachments of cached announcements that are neither in
/// `media` nor failed since `missed_since`, newest announcement first.
/// Errors: `storage`.
pub fn files_missing_media(
    conn: &Connection,
    missed_since: chrono::DateTime<chrono::Utc>,
) -> Result<Vec<String>, Error> {
    let mut stmt = conn
        .prepare_cached(
            "WITH files AS (SELECT json_extract(f.value, '$.url') AS link, a.position AS p, \
                                   f.key AS k \
                            FROM announcements a, json_each(a.body, '$.attachments') f) \
             SELECT link FROM files WHERE link IS NOT NULL \
               AND NOT EXISTS (SELECT 1 FROM media m WHERE m.url = files.link) \
               AND NOT EXISTS (SELECT 1 FROM media_misses x \
                               WHERE x.url = files.link AND x.tried_ms >= ?1) \
             ORDER BY p, k",
        )
        .map_err(Error::storage("announcement files prepare"))?;
    let urls: Vec<String> = stmt
        .query_map(params![super::to_millis(missed_since)], |r| r.get(0))
        .and_then(|rows| rows.collect())
        .map_err(Error::storage("announcement files"))?;
    let mut seen = std::collections::HashSet::new();
    Ok(urls
        .into_iter()
        .filter(|u| seen.insert(u.clone()))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::test_support::db;
    use chrono::{TimeZone, Utc};

    fn item(id: &str) -> Announcement {
        Announcement {
            id: id.into(),
            title: format!("Thông báo {id}"),
            body: "Nội dung".into(),
            units: vec!["00004-01".into()],
            event_start: None,
            event_place: None,
            author_name: "Tổ trưởng".into(),
            author_unit: "00004-01".into(),
            published_at: Utc.with_ymd_and_hms(2026, 12, 5, 1, 0, 0).unwrap(),
            attachments: Vec::new(),
        }
    }

    #[test]
    fn replace_per_scope_keeps_order_and_other_scopes() {
        let db = db();
        replace(&db.conn, "00004-01", &[item("b"), item("a")]).unwrap();
        replace(&db.conn, "00004", &[item("c")]).unwrap();
        let ids: Vec<String> = of_scope(&db.conn, "00004-01")
            .unwrap()
            .into_iter()
            .map(|a| a.id)
            .collect();
        assert_eq!(ids, ["b", "a"]);
        replace(&db.conn, "00004-01", &[]).unwrap();
        assert!(of_scope(&db.conn, "00004-01").unwrap().is_empty());
        assert_eq!(of_scope(&db.conn, "00004").unwrap().len(), 1);
    }

    #[test]
    fn files_not_cached_and_not_recently_missed_are_listed_once() {
        use congdan_protocol::announcements::Attachment;
        let db = db();
        let file = |url: &str| Attachment {
            url: url.into(),
            name: "f".into(),
            mime: "application/pdf".into(),
            bytes: 1,
        };
        let mut a = item("a");
        a.attachments = vec![
            file("http://s/m/1"),
            file("http://s/m/2"),
            file("http://s/m/3"),
        ];
        let mut b = item("b");
        b.attachments = vec![file("http://s/m/1")];
        replace(&db.conn, "00004-01", &[a, b]).unwrap();
        let now = Utc.with_ymd_and_hms(2026, 12, 5, 8, 0, 0).unwrap();
        super::super::media::put(&db.conn, "http://s/m/2", "application/pdf", b"%PDF-").unwrap();
        super::super::media::record_miss(&db.conn, "http://s/m/3", now).unwrap();
        let since = now - chrono::Duration::hours(6);
        assert_eq!(
            files_missing_media(&db.conn, since).unwrap(),
            ["http://s/m/1"]
        );
        let later = now + chrono::Duration::hours(1);
        assert_eq!(
            files_missing_media(&db.conn, later).unwrap(),
            ["http://s/m/1", "http://s/m/3"],
            "a miss older than the window is tried again"
        );
    }
}
