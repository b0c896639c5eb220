//! `draft_photos`: photos the user attached to a request not yet sent, already
//! resized and re-encoded (no EXIF). User data: an outbox upload row points at
//! its photo by id; the photo is deleted once its request is acknowledged.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};

use super::to_millis;
use crate::Error;

/// One stored photo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DraftPhoto {
    /// Client id (UUID).
    pub id: String,
    /// MIME type (always `image/jpeg` today).
    pub mime: String,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// Encoded bytes.
    pub bytes: Vec<u8>,
}

/// Stores a photo (with `synchronous=FULL` from the caller when it matters). Errors: `storage`.
pub fn put(conn: &Connection, photo: &DraftPhoto, now: DateTime<Utc>) -> Result<(), Error> {
    conn.execute(
        "INSERT OR REPLACE INTO draft_photos (id, mime, width, height, bytes, created_ms) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            photo.id,
            photo.mime,
            photo.width,
            photo.height,
            photo.bytes,
            to_millis(now)
        ],
    )
    .map_err(Error::storage("draft photo put"))?;
    Ok(())
}

/// One photo by id. Errors: `storage`.
pub fn get(conn: &Connection, id: &str) -> Result<Option<DraftPhoto>, Error> {
    conn.query_row(
        "SELECT id, mime, width, height, bytes FROM draft_photos WHERE id = ?1",
        params![id],
        |r| {
            Ok(DraftPhoto {
                id: r.get(0)?,
                mime: r.get(1)?,
                width: r.get(2)?,
                height: r.get(3)?,
                bytes: r.get(4)?,
            })
        },
    )
    .optional()
    .map_err(Error::storage("draft photo get"))
}

/// Byte length of a photo, without loading it. Errors: `storage`.
pub fn len(conn: &Connection, id: &str) -> Result<Option<u64>, Error> {
    conn.query_row(
        "SELECT length(bytes) FROM draft_photos WHERE id = ?1",
        params![id],
        |r| r.get::<_, i64>(0),
    )
    .optional()
    .map(|n| n.map(|n| u64::try_from(n).unwrap_or(0)))
    .map_err(Error::storage("draft photo len"))
}

/// How long a prepared file no outbox row waits for may stay: long enough
/// for a form left open over a weekend, short enough that picked-and-dropped
/// photos and PDFs (up to 8 MB each) do not pile up on a phone.
pub const ABANDONED_AFTER: chrono::Duration = chrono::Duration::days(7);

/// Deletes files prepared before `before` that no unsent or refused outbox
/// row names (a refused one may still be retried); the number deleted.
/// Errors: `storage`.
pub fn sweep(conn: &Connection, before: DateTime<Utc>) -> Result<usize, Error> {
    conn.execute(
        "DELETE FROM draft_photos WHERE created_ms < ?1 AND NOT EXISTS \
           (SELECT 1 FROM outbox o WHERE o.state <> 'done' AND instr(o.payload, draft_photos.id) > 0)",
        params![to_millis(before)],
    )
    .map_err(Error::storage("draft photo sweep"))
}

/// Deletes photos by id. Errors: `storage`.
pub fn delete(conn: &Connection, ids: &[String]) -> Result<(), Error> {
    for id in ids {
        conn.execute("DELETE FROM draft_photos WHERE id = ?1", params![id])
            .map_err(Error::storage("draft photo delete"))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::test_support::db;

    #[test]
    fn put_get_len_delete() {
        let db = db();
        let p = DraftPhoto {
            id: "p1".into(),
            mime: "image/jpeg".into(),
            width: 2,
            height: 1,
            bytes: vec![1, 2, 3],
        };
        put(&db.conn, &p, Utc::now()).unwrap();
        assert_eq!(get(&db.conn, "p1").unwrap(), Some(p));
        assert_eq!(len(&db.conn, "p1").unwrap(), Some(3));
        delete(&db.conn, &["p1".into()]).unwrap();
        assert_eq!(get(&db.conn, "p1").unwrap(), None);
    }

    #[test]
    fn a_sweep_keeps_what_the_outbox_still_needs_and_new_files() {
        let db = db();
        let file = |id: &str| DraftPhoto {
            id: id.into(),
            mime: "application/pdf".into(),
            width: 0,
            height: 0,
            bytes: b"%PDF-".to_vec(),
        };
        let old = Utc::now() - chrono::Duration::days(30);
        for id in ["queued", "refused", "sent", "dropped"] {
            put(&db.conn, &file(id), old).unwrap();
        }
        put(&db.conn, &file("new"), Utc::now()).unwrap();
        for (uuid, state, photo) in [
            ("a", "pending", "queued"),
            ("b", "failed_permanent", "refused"),
            ("c", "done", "sent"),
        ] {
            db.conn
                .execute(
                    "INSERT INTO outbox (uuid, kind, payload, state, created_ms) VALUES (?1, 'upload', ?2, ?3, 1)",
                    params![uuid, format!("{{\"photo_id\":\"{photo}\"}}"), state],
                )
                .unwrap();
        }
        let swept = sweep(&db.conn, Utc::now() - ABANDONED_AFTER).unwrap();
        assert_eq!(swept, 2, "the sent one and the dropped one");
        for (id, kept) in [
            ("queued", true),
            ("refused", true),
            ("sent", false),
            ("dropped", false),
            ("new", true),
        ] {
            assert_eq!(get(&db.conn, id).unwrap().is_some(), kept, "{id}");
        }
    }
}
