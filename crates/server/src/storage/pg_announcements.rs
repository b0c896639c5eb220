//! [`AnnouncementStorage`] over PostgreSQL: `announcements`,
//! `announcement_units`, `announcement_media` and `announcement_acks`, as in
//! `sqlite_announcements.rs`.

use chrono::{DateTime, Utc};
use congdan_protocol::announcements::{AckCounts, AnnouncementStatus, UnitAcks};
use tokio_postgres::types::ToSql;
use tokio_postgres::{GenericClient, Transaction};

use super::announcements::{
    AckRow, AnnouncementConflict, AnnouncementRow, AnnouncementStorage, AttachmentRow, may_edit,
};
use super::audit::AuditRecord;
use super::pg_audit;
use super::sqlite_rows::{corrupt, parse_ts, ts};
use super::{PgStorage, StorageError, StorageFuture};

const COLUMNS: &str = "id, author, author_name, author_unit, title, body, event_start, \
                       event_place, status, return_comment, created_at, updated_at, published_at";

fn optional_ts(key: &str, text: Option<String>) -> Result<Option<DateTime<Utc>>, StorageError> {
    text.map(|t| parse_ts("announcements", key, &t)).transpose()
}

/// A row (selected with [`COLUMNS`]) with its units.
async fn decode<C: GenericClient + Sync>(
    conn: &C,
    row: &tokio_postgres::Row,
) -> Result<AnnouncementRow, StorageError> {
    let id: String = row.try_get(0)?;
    let status: String = row.try_get(8)?;
    let status = AnnouncementStatus::parse(&status)
        .ok_or_else(|| corrupt("announcements", &id, "unknown status"))?;
    let units = conn
        .query(
            "SELECT unit FROM announcement_units WHERE announcement_id = $1 ORDER BY unit",
            &[&id],
        )
        .await?
        .iter()
        .map(|row| row.try_get(0))
        .collect::<Result<Vec<String>, _>>()?;
    let attachments = conn
        .query(
            "SELECT m.upload_id, m.name, u.mime, octet_length(u.data) FROM announcement_media m \
             JOIN uploads u ON u.id = m.upload_id WHERE m.announcement_id = $1 ORDER BY m.position",
            &[&id],
        )
        .await?
        .iter()
        .map(|row| {
            Ok(AttachmentRow {
                upload: row.try_get(0)?,
                name: row.try_get(1)?,
                mime: row.try_get(2)?,
                bytes: u64::try_from(row.try_get::<_, i32>(3)?).unwrap_or(0),
            })
        })
        .collect::<Result<Vec<_>, tokio_postgres::Error>>()?;
    let created_at: String = row.try_get(10)?;
    let updated_at: String = row.try_get(11)?;
    Ok(AnnouncementRow {
        event_start: optional_ts(&id, row.try_get(6)?)?,
        created_at: parse_ts("announcements", &id, &created_at)?,
        updated_at: parse_ts("announcements", &id, &updated_at)?,
        published_at: optional_ts(&id, row.try_get(12)?)?,
        author: row.try_get(1)?,
        author_name: row.try_get(2)?,
        author_unit: row.try_get(3)?,
        title: row.try_get(4)?,
        body: row.try_get(5)?,
        units,
        event_place: row.try_get(7)?,
        status,
        return_comment: row.try_get(9)?,
        attachments,
        id,
    })
}

async fn load<C: GenericClient + Sync>(
    conn: &C,
    id: &str,
) -> Result<Option<AnnouncementRow>, StorageError> {
    let sql = format!("SELECT {COLUMNS} FROM announcements WHERE id = $1");
    match conn.query_opt(&sql, &[&id]).await? {
        Some(row) => Ok(Some(decode(conn, &row).await?)),
        None => Ok(None),
    }
}

async fn many<C: GenericClient + Sync>(
    conn: &C,
    sql: &str,
    params: &[&(dyn ToSql + Sync)],
) -> Result<Vec<AnnouncementRow>, StorageError> {
    let rows = conn.query(sql, params).await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in &rows {
        out.push(decode(conn, row).await?);
    }
    Ok(out)
}

/// Replaces the attachments of `id`; `Err(upload)` names the first one that
/// is not a complete upload or already belongs to a request or to another
/// announcement (the caller's transaction then rolls back).
async fn write_media(
    tx: &Transaction<'_>,
    id: &str,
    attachments: &[AttachmentRow],
) -> Result<Result<(), String>, StorageError> {
    tx.execute(
        "DELETE FROM announcement_media WHERE announcement_id = $1",
        &[&id],
    )
    .await?;
    for (position, file) in attachments.iter().enumerate() {
        let usable: bool = tx
            .query_one(
                "SELECT EXISTS (SELECT 1 FROM uploads WHERE id = $1 AND complete) \
                 AND NOT EXISTS (SELECT 1 FROM request_media WHERE upload_id = $1) \
                 AND NOT EXISTS (SELECT 1 FROM announcement_media WHERE upload_id = $1)",
                &[&file.upload],
            )
            .await?
            .try_get(0)?;
        if !usable {
            return Ok(Err(file.upload.clone()));
        }
        tx.execute(
            "INSERT INTO announcement_media (upload_id, announcement_id, position, name) \
             VALUES ($1, $2, $3, $4)",
            &[
                &file.upload,
                &id,
                &i64::try_from(position).unwrap_or(i64::MAX),
                &file.name,
            ],
        )
        .await?;
    }
    Ok(Ok(()))
}

async fn write_units(tx: &Transaction<'_>, id: &str, units: &[String]) -> Result<(), StorageError> {
    tx.execute(
        "DELETE FROM announcement_units WHERE announcement_id = $1",
        &[&id],
    )
    .await?;
    for unit in units {
        tx.execute(
            "INSERT INTO announcement_units (announcement_id, unit) VALUES ($1, $2) \
             ON CONFLICT DO NOTHING",
            &[&id, unit],
        )
        .await?;
    }
    Ok(())
}

async fn save_draft_in(
    tx: &Transaction<'_>,
    row: &AnnouncementRow,
    audit: &AuditRecord,
) -> Result<Result<AnnouncementRow, AnnouncementConflict>, StorageError> {
    let event_start = row.event_start.map(ts);
    if let Some(found) = load(tx, &row.id).await? {
        if let Err(refused) = may_edit(&found, &row.author) {
            return Ok(Err(refused));
        }
        tx.execute(
            "UPDATE announcements SET title = $2, body = $3, event_start = $4, \
             event_place = $5, status = 'draft', updated_at = $6 WHERE id = $1",
            &[
                &row.id,
                &row.title,
                &row.body,
                &event_start,
                &row.event_place,
                &ts(row.updated_at),
            ],
        )
        .await?;
    } else {
        tx.execute(
            "INSERT INTO announcements (id, author, author_name, author_unit, title, \
             body, event_start, event_place, status, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'draft', $9, $9)",
            &[
                &row.id,
                &row.author,
                &row.author_name,
                &row.author_unit,
                &row.title,
                &row.body,
                &event_start,
                &row.event_place,
                &ts(row.updated_at),
            ],
        )
        .await?;
    }
    write_units(tx, &row.id, &row.units).await?;
    if let Err(upload) = write_media(tx, &row.id, &row.attachments).await? {
        return Ok(Err(AnnouncementConflict::Attachment(upload)));
    }
    pg_audit::insert(tx, audit).await?;
    let stored = load(tx, &row.id)
        .await?
        .ok_or_else(|| corrupt("announcements", &row.id, "vanished while saving"))?;
    Ok(Ok(stored))
}

async fn move_in(
    tx: &Transaction<'_>,
    id: &str,
    from: &[AnnouncementStatus],
    to: AnnouncementStatus,
    comment: Option<String>,
    audit: &AuditRecord,
) -> Result<Result<AnnouncementRow, AnnouncementConflict>, StorageError> {
    let Some(found) = load(tx, id).await? else {
        return Ok(Err(AnnouncementConflict::NotFound));
    };
    if !from.contains(&found.status) {
        return Ok(Err(AnnouncementConflict::WrongState(found.status)));
    }
    let at = ts(audit.at);
    let published = (to == AnnouncementStatus::Published).then(|| at.clone());
    tx.execute(
        "UPDATE announcements SET status = $2, return_comment = $3, updated_at = $4, \
         published_at = COALESCE($5, published_at) WHERE id = $1",
        &[&id, &to.as_str(), &comment, &at, &published],
    )
    .await?;
    pg_audit::insert(tx, audit).await?;
    let stored = load(tx, id)
        .await?
        .ok_or_else(|| corrupt("announcements", id, "vanished"))?;
    Ok(Ok(stored))
}

fn count(table: &'static str, key: &str, raw: i64) -> Result<u32, StorageError> {
    u32::try_from(raw).map_err(|e| corrupt(table, key, e))
}

impl AnnouncementStorage for PgStorage {
    fn announcement(&self, id: String) -> StorageFuture<'_, Option<AnnouncementRow>> {
        Box::pin(async move { load(&**self.client().await?, &id).await })
    }

    fn save_draft(
        &self,
        row: AnnouncementRow,
        audit: AuditRecord,
    ) -> StorageFuture<'_, Result<AnnouncementRow, AnnouncementConflict>> {
        self.write_or_refuse(move |tx| {
            Box::pin(async move { save_draft_in(tx, &row, &audit).await })
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
            Box::pin(async move { move_in(tx, &id, &from, to, comment, &audit).await })
        })
    }

    fn official_announcements(
        &self,
        author: String,
        limit: u32,
    ) -> StorageFuture<'_, Vec<AnnouncementRow>> {
        Box::pin(async move {
            let sql = format!(
                "SELECT {COLUMNS} FROM announcements WHERE author = $1 OR status != 'draft' \
                 ORDER BY updated_at DESC, id LIMIT $2"
            );
            many(&**self.client().await?, &sql, &[&author, &i64::from(limit)]).await
        })
    }

    fn published_announcements(
        &self,
        units: Vec<String>,
        limit: u32,
    ) -> StorageFuture<'_, Vec<AnnouncementRow>> {
        Box::pin(async move {
            let sql = format!(
                "SELECT {COLUMNS} FROM announcements a WHERE status = 'published' AND EXISTS \
                 (SELECT 1 FROM announcement_units u WHERE u.announcement_id = a.id \
                  AND u.unit = ANY($1)) ORDER BY published_at DESC, id LIMIT $2"
            );
            many(&**self.client().await?, &sql, &[&units, &i64::from(limit)]).await
        })
    }

    fn put_ack(&self, ack: AckRow, audit: Option<AuditRecord>) -> StorageFuture<'_, ()> {
        self.write(move |tx| {
            Box::pin(async move {
                tx.execute(
                    "INSERT INTO announcement_acks (announcement_id, ack_key, unit, kind, reason, \
                     by_proxy, household, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
                     ON CONFLICT (announcement_id, ack_key) DO UPDATE SET unit = excluded.unit, \
                     kind = excluded.kind, reason = excluded.reason, by_proxy = excluded.by_proxy, \
                     household = excluded.household, at = excluded.at",
                    &[
                        &ack.announcement_id,
                        &ack.key,
                        &ack.unit,
                        &ack.kind.as_str(),
                        &ack.reason,
                        &ack.by_proxy,
                        &ack.household,
                        &ts(ack.at),
                    ],
                )
                .await?;
                if let Some(audit) = &audit {
                    pg_audit::insert(tx, audit).await?;
                }
                Ok(())
            })
        })
    }

    fn ack_keys(&self, id: String) -> StorageFuture<'_, Vec<String>> {
        Box::pin(async move {
            let client = self.client().await?;
            let rows = client
                .query(
                    "SELECT ack_key FROM announcement_acks WHERE announcement_id = $1",
                    &[&id],
                )
                .await?;
            Ok(rows
                .iter()
                .map(|row| row.try_get(0))
                .collect::<Result<_, _>>()?)
        })
    }

    fn ack_counts(&self, id: String) -> StorageFuture<'_, Vec<UnitAcks>> {
        Box::pin(async move {
            let client = self.client().await?;
            let rows = client
                .query(
                    "SELECT unit, \
                       COUNT(*) FILTER (WHERE kind = 'seen'), \
                       COUNT(*) FILTER (WHERE kind = 'going'), \
                       COUNT(*) FILTER (WHERE kind = 'not_going'), \
                       COUNT(*) FILTER (WHERE by_proxy) \
                     FROM announcement_acks WHERE announcement_id = $1 GROUP BY unit ORDER BY unit",
                    &[&id],
                )
                .await?;
            rows.iter()
                .map(|row| {
                    let unit: String = row.try_get(0)?;
                    let n = |i: usize| -> Result<u32, StorageError> {
                        count("announcement_acks", &id, row.try_get(i)?)
                    };
                    Ok(UnitAcks {
                        counts: AckCounts {
                            seen: n(1)?,
                            going: n(2)?,
                            not_going: n(3)?,
                            by_proxy: n(4)?,
                        },
                        unit,
                    })
                })
                .collect()
        })
    }
}
