//! [`AnnouncementStorage`] over SQLite: `announcements`, `announcement_units`,
//! `announcement_media` and `announcement_acks` (see `migrations.rs`).

use chrono::{DateTime, Utc};
use congdan_protocol::announcements::{AckCounts, AnnouncementStatus, UnitAcks};
use rusqlite::{Connection, OptionalExtension, Transaction, params, params_from_iter};

use super::announcements::{
    AckRow, AnnouncementConflict, AnnouncementRow, AnnouncementStorage, AttachmentRow, may_edit,
};
use super::audit::AuditRecord;
use super::sqlite_audit;
use super::sqlite_rows::{corrupt, parse_ts, ts};
use super::{SqliteStorage, StorageError, StorageFuture};

const COLUMNS: &str = "id, author, author_name, author_unit, title, body, event_start, \
                       event_place, status, return_comment, created_at, updated_at, published_at";

type RawRow = (
    String,
    String,
    String,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    String,
    Option<String>,
    String,
    String,
    Option<String>,
);

fn raw(row: &rusqlite::Row<'_>) -> rusqlite::Result<RawRow> {
    Ok((
        row.get(0)?,
        row.get(1)?,
        row.get(2)?,
        row.get(3)?,
        row.get(4)?,
        row.get(5)?,
        row.get(6)?,
        row.get(7)?,
        row.get(8)?,
        row.get(9)?,
        row.get(10)?,
        row.get(11)?,
        row.get(12)?,
    ))
}

fn optional_ts(key: &str, text: Option<String>) -> Result<Option<DateTime<Utc>>, StorageError> {
    text.map(|t| parse_ts("announcements", key, &t)).transpose()
}

/// A row with its units.
fn decode(conn: &Connection, raw: RawRow) -> Result<AnnouncementRow, StorageError> {
    let (
        id,
        author,
        author_name,
        author_unit,
        title,
        body,
        event_start,
        event_place,
        status,
        return_comment,
        created_at,
        updated_at,
        published_at,
    ) = raw;
    let status = AnnouncementStatus::parse(&status)
        .ok_or_else(|| corrupt("announcements", &id, "unknown status"))?;
    let mut stmt = conn.prepare_cached(
        "SELECT unit FROM announcement_units WHERE announcement_id = ?1 ORDER BY unit",
    )?;
    let units = stmt
        .query_map([&id], |row| row.get(0))?
        .collect::<Result<Vec<String>, _>>()?;
    let mut stmt = conn.prepare_cached(
        "SELECT m.upload_id, m.name, u.mime, length(u.data) FROM announcement_media m \
         JOIN uploads u ON u.id = m.upload_id WHERE m.announcement_id = ?1 ORDER BY m.position",
    )?;
    let attachments = stmt
        .query_map([&id], |row| {
            Ok(AttachmentRow {
                upload: row.get(0)?,
                name: row.get(1)?,
                mime: row.get(2)?,
                bytes: u64::try_from(row.get::<_, i64>(3)?).unwrap_or(0),
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(AnnouncementRow {
        attachments,
        event_start: optional_ts(&id, event_start)?,
        created_at: parse_ts("announcements", &id, &created_at)?,
        updated_at: parse_ts("announcements", &id, &updated_at)?,
        published_at: optional_ts(&id, published_at)?,
        id,
        author,
        author_name,
        author_unit,
        title,
        body,
        units,
        event_place,
        status,
        return_comment,
    })
}

fn load(conn: &Connection, id: &str) -> Result<Option<AnnouncementRow>, StorageError> {
    let sql = format!("SELECT {COLUMNS} FROM announcements WHERE id = ?1");
    conn.query_row(&sql, [id], raw)
        .optional()?
        .map(|row| decode(conn, row))
        .transpose()
}

fn many(
    conn: &Connection,
    sql: &str,
    args: &[String],
) -> Result<Vec<AnnouncementRow>, StorageError> {
    let mut stmt = conn.prepare(sql)?;
    let rows = stmt
        .query_map(params_from_iter(args.iter()), raw)?
        .collect::<Result<Vec<_>, _>>()?;
    rows.into_iter().map(|row| decode(conn, row)).collect()
}

fn write_units(tx: &Transaction<'_>, id: &str, units: &[String]) -> Result<(), StorageError> {
    tx.execute(
        "DELETE FROM announcement_units WHERE announcement_id = ?1",
        [id],
    )?;
    for unit in units {
        tx.execute(
            "INSERT OR IGNORE INTO announcement_units (announcement_id, unit) VALUES (?1, ?2)",
            params![id, unit],
        )?;
    }
    Ok(())
}

/// Replaces the attachments of `id`; `Err(upload)` names the first one that
/// is not a complete upload or already belongs to a request or to another
/// announcement (nothing is written then: the caller's transaction rolls back).
fn write_media(
    tx: &Transaction<'_>,
    id: &str,
    attachments: &[AttachmentRow],
) -> Result<Result<(), String>, StorageError> {
    tx.execute(
        "DELETE FROM announcement_media WHERE announcement_id = ?1",
        [id],
    )?;
    for (position, file) in attachments.iter().enumerate() {
        let usable: bool = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM uploads WHERE id = ?1 AND complete = 1) \
             AND NOT EXISTS (SELECT 1 FROM request_media WHERE upload_id = ?1) \
             AND NOT EXISTS (SELECT 1 FROM announcement_media WHERE upload_id = ?1)",
            [&file.upload],
            |row| row.get(0),
        )?;
        if !usable {
            return Ok(Err(file.upload.clone()));
        }
        tx.execute(
            "INSERT INTO announcement_media (upload_id, announcement_id, position, name) \
             VALUES (?1, ?2, ?3, ?4)",
            params![
                file.upload,
                id,
                i64::try_from(position).unwrap_or(i64::MAX),
                file.name
            ],
        )?;
    }
    Ok(Ok(()))
}

impl AnnouncementStorage for SqliteStorage {
    fn announcement(&self, id: String) -> StorageFuture<'_, Option<AnnouncementRow>> {
        self.read(move |conn| load(conn, &id))
    }

    fn save_draft(
        &self,
        row: AnnouncementRow,
        audit: AuditRecord,
    ) -> StorageFuture<'_, Result<AnnouncementRow, AnnouncementConflict>> {
        self.write_or_refuse(move |tx| {
            if let Some(found) = load(tx, &row.id)? {
                if let Err(refused) = may_edit(&found, &row.author) {
                    return Ok(Err(refused));
                }
                tx.execute(
                    "UPDATE announcements SET title = ?2, body = ?3, event_start = ?4, \
                     event_place = ?5, status = 'draft', updated_at = ?6 WHERE id = ?1",
                    params![
                        row.id,
                        row.title,
                        row.body,
                        row.event_start.map(ts),
                        row.event_place,
                        ts(row.updated_at)
                    ],
                )?;
            } else {
                tx.execute(
                    "INSERT INTO announcements (id, author, author_name, author_unit, title, \
                     body, event_start, event_place, status, created_at, updated_at) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'draft', ?9, ?9)",
                    params![
                        row.id,
                        row.author,
                        row.author_name,
                        row.author_unit,
                        row.title,
                        row.body,
                        row.event_start.map(ts),
                        row.event_place,
                        ts(row.updated_at)
                    ],
                )?;
            }
            write_units(tx, &row.id, &row.units)?;
            if let Err(upload) = write_media(tx, &row.id, &row.attachments)? {
                return Ok(Err(AnnouncementConflict::Attachment(upload)));
            }
            sqlite_audit::insert(tx, &audit)?;
            let stored = load(tx, &row.id)?
                .ok_or_else(|| corrupt("announcements", &row.id, "vanished while saving"))?;
            Ok(Ok(stored))
        })
    }

    fn move_announcement(
        &self,
        id: String,
        from: Vec<AnnouncementStatus>,
        to: AnnouncementStatus,
        comment: Option<String>,
        audit: AuditRecord,
    ) -> StorageFuture<'_, Result<AnnouncementRow, AnnouncementConflict>> {
        self.write_or_refuse(move |tx| {
            let Some(found) = load(tx, &id)? else {
                return Ok(Err(AnnouncementConflict::NotFound));
            };
            if !from.contains(&found.status) {
                return Ok(Err(AnnouncementConflict::WrongState(found.status)));
            }
            let at = ts(audit.at);
            let published = (to == AnnouncementStatus::Published).then(|| at.clone());
            tx.execute(
                "UPDATE announcements SET status = ?2, return_comment = ?3, updated_at = ?4, \
                 published_at = COALESCE(?5, published_at) WHERE id = ?1",
                params![id, to.as_str(), comment, at, published],
            )?;
            sqlite_audit::insert(tx, &audit)?;
            let stored = load(tx, &id)?.ok_or_else(|| corrupt("announcements", &id, "vanished"))?;
            Ok(Ok(stored))
        })
    }

    fn official_announcements(
        &self,
        author: String,
        limit: u32,
    ) -> StorageFuture<'_, Vec<AnnouncementRow>> {
        self.read(move |conn| {
            let sql = format!(
                "SELECT {COLUMNS} FROM announcements WHERE author = ?1 OR status != 'draft' \
                 ORDER BY updated_at DESC, id LIMIT {limit}"
            );
            many(conn, &sql, &[author])
        })
    }

    fn published_announcements(
        &self,
        units: Vec<String>,
        limit: u32,
    ) -> StorageFuture<'_, Vec<AnnouncementRow>> {
        self.read(move |conn| {
            if units.is_empty() {
                return Ok(Vec::new());
            }
            let marks = vec!["?"; units.len()].join(", ");
            let sql = format!(
                "SELECT {COLUMNS} FROM announcements a WHERE status = 'published' AND EXISTS \
                 (SELECT 1 FROM announcement_units u WHERE u.announcement_id = a.id \
                  AND u.unit IN ({marks})) ORDER BY published_at DESC, id LIMIT {limit}"
            );
            many(conn, &sql, &units)
        })
    }

    fn put_ack(&self, ack: AckRow, audit: Option<AuditRecord>) -> StorageFuture<'_, ()> {
        self.write(move |tx| {
            tx.execute(
                "INSERT INTO announcement_acks (announcement_id, ack_key, unit, kind, reason, \
                 by_proxy, household, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) \
                 ON CONFLICT (announcement_id, ack_key) DO UPDATE SET unit = excluded.unit, \
                 kind = excluded.kind, reason = excluded.reason, by_proxy = excluded.by_proxy, \
                 household = excluded.household, at = excluded.at",
                params![
                    ack.announcement_id,
                    ack.key,
                    ack.unit,
                    ack.kind.as_str(),
                    ack.reason,
                    ack.by_proxy,
                    ack.household,
                    ts(ack.at)
                ],
            )?;
            if let Some(audit) = &audit {
                sqlite_audit::insert(tx, audit)?;
            }
            Ok(())
        })
    }

    fn ack_keys(&self, id: String) -> StorageFuture<'_, Vec<String>> {
        self.read(move |conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT ack_key FROM announcement_acks WHERE announcement_id = ?1",
            )?;
            let rows = stmt.query_map([&id], |row| row.get(0))?;
            Ok(rows.collect::<Result<Vec<String>, _>>()?)
        })
    }

    fn ack_counts(&self, id: String) -> StorageFuture<'_, Vec<UnitAcks>> {
        self.read(move |conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT unit, \
                   SUM(kind = 'seen'), SUM(kind = 'going'), SUM(kind = 'not_going'), \
                   SUM(by_proxy) \
                 FROM announcement_acks WHERE announcement_id = ?1 GROUP BY unit ORDER BY unit",
            )?;
            let rows = stmt.query_map([&id], |row| {
                Ok(UnitAcks {
                    unit: row.get(0)?,
                    counts: AckCounts {
                        seen: row.get(1)?,
                        going: row.get(2)?,
                        not_going: row.get(3)?,
                        by_proxy: row.get(4)?,
                    },
                })
            })?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }
}
