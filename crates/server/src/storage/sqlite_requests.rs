//! [`RequestStorage`] over SQLite: the SQL of the service, request, update,
//! media link and idempotency tables (see `migrations.rs`). Photos sent inline
//! with a request are stored as finished uploads in the same transaction.
//!
//! Each write runs in one immediate transaction; refusals roll back. Every change
//! to a request rewrites its public JSON and gives it a new `seq` from the
//! server-wide counter, which is what the "my requests" feed pages on.

use chrono::{DateTime, Utc};
use congdan_protocol::open311::{
    DetailedStatus, RequestCreated, ServiceRequest, ServiceRequestUpdate,
};
use congdan_protocol::requests::{MyRequest, OfficerRequest, SupportAnswer, TimelineEntry};
use rusqlite::{Connection, OptionalExtension, Transaction, params};
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::audit::AuditRecord;
use super::request_rows::{
    self as rows, MyRequestRow, OfficerRow, Reader, apply_reopen, apply_route, apply_step,
    assign_note, detailed_statuses, may_follow_up, row_id, service_record, service_request_update,
    step_note, timeline_entry,
};
use super::requests::{
    AssignTarget, Assignment, Conflict, Idem, NewRequest, RequestFilter, RequestStorage,
    ServiceRecord, StatusStep, Written,
};
use super::sqlite_audit;
use super::sqlite_rows::{from_json, to_json, ts};
use super::{RawPage, SqliteStorage, StorageError, StorageFuture};

fn next_seq(tx: &Transaction<'_>) -> Result<i64, StorageError> {
    Ok(tx.query_row(
        "UPDATE counters SET value = value + 1 WHERE name = 'seq' RETURNING value",
        [],
        |row| row.get(0),
    )?)
}

/// The recorded answer of an idempotency key, or a mismatch; `None` when the key is new.
fn idem_replay<T: DeserializeOwned>(
    tx: &Transaction<'_>,
    idem: Option<&Idem>,
) -> Result<Option<Result<Written<T>, Conflict>>, StorageError> {
    let Some(idem) = idem else {
        return Ok(None);
    };
    let found: Option<(String, String)> = tx
        .query_row(
            "SELECT fingerprint, answer FROM idempotency WHERE key = ?1",
            [&idem.key],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .optional()?;
    let Some((fingerprint, answer)) = found else {
        return Ok(None);
    };
    if fingerprint != idem.fingerprint {
        return Ok(Some(Err(Conflict::IdempotencyMismatch)));
    }
    let value = from_json("idempotency", &idem.key, &answer)?;
    Ok(Some(Ok(Written::Replayed(value))))
}

fn idem_record<T: Serialize>(
    tx: &Transaction<'_>,
    idem: Option<&Idem>,
    status: u16,
    answer: &T,
    at: DateTime<Utc>,
) -> Result<(), StorageError> {
    if let Some(idem) = idem {
        tx.execute(
            "INSERT INTO idempotency (key, fingerprint, status, answer, created_at) \
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                idem.key,
                idem.fingerprint,
                status,
                to_json("idempotency", &idem.key, answer)?,
                ts(at)
            ],
        )?;
    }
    Ok(())
}

fn load_body(conn: &Connection, id: i64) -> Result<Option<ServiceRequest>, StorageError> {
    let body: Option<String> = conn
        .query_row("SELECT body FROM requests WHERE id = ?1", [id], |row| {
            row.get(0)
        })
        .optional()?;
    body.map(|body| from_json("requests", &id.to_string(), &body))
        .transpose()
}

/// Apply `change` to a request's public body and give it a new `seq`.
fn touch(
    tx: &Transaction<'_>,
    id: i64,
    at: DateTime<Utc>,
    change: impl FnOnce(&mut ServiceRequest),
) -> Result<Option<ServiceRequest>, StorageError> {
    let Some(mut body) = load_body(tx, id)? else {
        return Ok(None);
    };
    change(&mut body);
    body.updated_datetime = at;
    let seq = next_seq(tx)?;
    tx.execute(
        "UPDATE requests SET body = ?2, seq = ?3, updated_at = ?4, detailed_status = ?5 WHERE id = ?1",
        params![
            id,
            to_json("requests", &id.to_string(), &body)?,
            seq,
            ts(at),
            body.detailed_status.as_str()
        ],
    )?;
    Ok(Some(body))
}

fn add_update(
    tx: &Transaction<'_>,
    id: i64,
    status: DetailedStatus,
    at: DateTime<Utc>,
    note: &str,
    officer: Option<&str>,
    public: bool,
) -> Result<(), StorageError> {
    tx.execute(
        "INSERT INTO request_updates (request_id, detailed_status, at, note, officer, public) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![id, status.as_str(), ts(at), note, officer, public],
    )?;
    Ok(())
}

fn timeline_of(
    conn: &Connection,
    id: i64,
    reader: Reader,
) -> Result<Vec<TimelineEntry>, StorageError> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, detailed_status, at, note, officer, public FROM request_updates \
         WHERE request_id = ?1 ORDER BY id",
    )?;
    let mut rows = stmt.query([id])?;
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        let status: String = row.get(1)?;
        let at: String = row.get(2)?;
        out.push(timeline_entry(
            row.get(0)?,
            &status,
            &at,
            row.get(3)?,
            row.get(4)?,
            row.get(5)?,
            reader,
        )?);
    }
    Ok(out)
}

fn my_request(conn: &Connection, id: i64) -> Result<Option<MyRequest>, StorageError> {
    let row: Option<(String, Option<String>, i64)> = conn
        .query_row(
            "SELECT body, answer, reopen_count FROM requests WHERE id = ?1",
            [id],
            |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
        )
        .optional()?;
    let Some((body, answer, reopen_count)) = row else {
        return Ok(None);
    };
    let key = id.to_string();
    let rating: Option<(i64, Option<String>, String)> = conn
        .query_row(
            "SELECT stars, comment, at FROM ratings WHERE request_id = ?1",
            [id],
            |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
        )
        .optional()?;
    let rating = rating
        .map(|(stars, comment, at)| rows::rating(&key, stars, comment, &at))
        .transpose()?;
    let row = MyRequestRow {
        body,
        answer,
        reopen_count,
        rating,
        timeline: timeline_of(conn, id, Reader::Resident)?,
    };
    rows::my_request(id, row).map(Some)
}

fn officer_view(conn: &Connection, id: i64) -> Result<Option<OfficerRequest>, StorageError> {
    type Row = (String, String, bool, Option<String>, Option<String>);
    let row: Option<Row> = conn
        .query_row(
            "SELECT r.body, r.private, r.triage, r.assignee, a.name FROM requests r \
             LEFT JOIN accounts a ON a.username = r.assignee WHERE r.id = ?1",
            [id],
            |row| {
                Ok((
                    row.get(0)?,
                    row.get(1)?,
                    row.get(2)?,
                    row.get(3)?,
                    row.get(4)?,
                ))
            },
        )
        .optional()?;
    let Some((body, private, triage, assignee, assignee_name)) = row else {
        return Ok(None);
    };
    let row = OfficerRow {
        body,
        private,
        triage,
        assignee,
        assignee_name,
        timeline: timeline_of(conn, id, Reader::Officer)?,
    };
    rows::officer_request(id, row).map(Some)
}

/// The device's request `id`, or `NotFound` when it is not the device's.
fn owned(tx: &Transaction<'_>, id: &str, device_id: &str) -> Result<Option<i64>, StorageError> {
    let Some(id) = row_id(id) else {
        return Ok(None);
    };
    Ok(tx
        .query_row(
            "SELECT id FROM requests WHERE id = ?1 AND device_id = ?2",
            params![id, device_id],
            |row| row.get(0),
        )
        .optional()?)
}

fn insert_request(
    tx: &Transaction<'_>,
    new: NewRequest,
    idem: Option<&Idem>,
) -> Result<Result<Written<RequestCreated>, Conflict>, StorageError> {
    if let Some(replay) = idem_replay(tx, idem)? {
        return Ok(replay);
    }
    for media in &new.media_ids {
        let usable: Option<i64> = tx
            .query_row(
                "SELECT 1 FROM uploads u WHERE u.id = ?1 AND u.complete = 1 \
                 AND u.mime <> 'application/pdf' \
                 AND NOT EXISTS (SELECT 1 FROM request_media m WHERE m.upload_id = u.id) \
                 AND NOT EXISTS (SELECT 1 FROM announcement_media a WHERE a.upload_id = u.id)",
                [media],
                |row| row.get(0),
            )
            .optional()?;
        if usable.is_none() {
            return Ok(Err(Conflict::UnknownMedia(media.clone())));
        }
    }
    let at = new.public.requested_datetime;
    let seq = next_seq(tx)?;
    tx.execute(
        "INSERT INTO requests (service_code, token, device_id, unit, detailed_status, \
         requested_at, updated_at, seq, body, private, claim_hash, triage) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6, ?7, '{}', ?8, ?9, ?10)",
        params![
            new.public.service_code,
            new.token,
            new.device_id,
            new.public.unit,
            DetailedStatus::Submitted.as_str(),
            ts(at),
            seq,
            to_json("requests", "new", &new.private)?,
            new.claim_hash,
            new.triage,
        ],
    )?;
    let id = tx.last_insert_rowid();
    let mut media_ids = new.media_ids;
    for (mime, bytes) in new.inline_media {
        let upload_id = uuid::Uuid::new_v4().simple().to_string();
        let length = i64::try_from(bytes.len()).unwrap_or(i64::MAX);
        tx.execute(
            "INSERT INTO uploads (id, idempotency_key, mime, length, data, complete, created_at) \
             VALUES (?1, NULL, ?2, ?3, ?4, 1, ?5)",
            params![upload_id, mime, length, bytes, ts(at)],
        )?;
        media_ids.push(upload_id);
    }
    let (public, created) = rows::created(
        id,
        new.public,
        &media_ids,
        &new.media_base,
        new.private.account_id.clone(),
    );
    for (position, media) in media_ids.iter().enumerate() {
        tx.execute(
            "INSERT INTO request_media (request_id, position, upload_id) VALUES (?1, ?2, ?3)",
            params![id, i64::try_from(position).unwrap_or(i64::MAX), media],
        )?;
    }
    tx.execute(
        "UPDATE requests SET body = ?2 WHERE id = ?1",
        params![id, to_json("requests", &id.to_string(), &public)?],
    )?;
    add_update(tx, id, DetailedStatus::Submitted, at, "", None, true)?;
    idem_record(tx, idem, 201, &created, at)?;
    Ok(Ok(Written::Fresh(created)))
}

/// The SQL of [`find`] and its parameters.
fn find_query(filter: &RequestFilter) -> (String, Vec<rusqlite::types::Value>) {
    let mut sql = String::from("SELECT id, body FROM requests WHERE 1");
    let mut values: Vec<rusqlite::types::Value> = Vec::new();
    let mut list = |sql: &mut String, column: &str, items: Vec<rusqlite::types::Value>| {
        if items.is_empty() {
            sql.push_str(" AND 0");
            return;
        }
        let marks: Vec<String> = items
            .into_iter()
            .map(|item| {
                values.push(item);
                format!("?{}", values.len())
            })
            .collect();
        sql.push_str(&format!(" AND {column} IN ({})", marks.join(", ")));
    };
    if let Some(ids) = &filter.ids {
        list(
            &mut sql,
            "id",
            ids.iter()
                .filter_map(|id| row_id(id))
                .map(Into::into)
                .collect(),
        );
    }
    if let Some(codes) = &filter.service_codes {
        list(
            &mut sql,
            "service_code",
            codes.iter().cloned().map(Into::into).collect(),
        );
    }
    if let Some(units) = &filter.units {
        let mut items: Vec<rusqlite::types::Value> =
            units.iter().cloned().map(Into::into).collect();
        let column = if filter.national {
            // The national queue is "no unit"; no unit code is empty.
            items.push(String::new().into());
            "IFNULL(unit, '')"
        } else {
            "unit"
        };
        list(&mut sql, column, items);
    }
    if let Some(detailed) = detailed_statuses(filter) {
        list(
            &mut sql,
            "detailed_status",
            detailed
                .iter()
                .map(|s| s.as_str().to_owned().into())
                .collect(),
        );
    }
    if let Some(start) = filter.start {
        values.push(ts(start).into());
        sql.push_str(&format!(" AND requested_at >= ?{}", values.len()));
    }
    if let Some(end) = filter.end {
        values.push(ts(end).into());
        sql.push_str(&format!(" AND requested_at <= ?{}", values.len()));
    }
    values.push(i64::from(filter.limit).into());
    // Newest first along `requests_requested` or `requests_unit_requested`
    // (migrations.rs, step 15), so the scan stops after `limit` rows.
    sql.push_str(&format!(
        " ORDER BY requested_at DESC, id DESC LIMIT ?{}",
        values.len()
    ));
    (sql, values)
}

fn find(conn: &Connection, filter: &RequestFilter) -> Result<Vec<ServiceRequest>, StorageError> {
    let (sql, values) = find_query(filter);
    let mut stmt = conn.prepare(&sql)?;
    let mut rows = stmt.query(rusqlite::params_from_iter(values))?;
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        let id: i64 = row.get(0)?;
        let body: String = row.get(1)?;
        out.push(from_json("requests", &id.to_string(), &body)?);
    }
    Ok(out)
}

fn updates_in(
    conn: &Connection,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    limit: u32,
) -> Result<Vec<ServiceRequestUpdate>, StorageError> {
    let mut stmt = conn.prepare_cached(
        "SELECT u.id, u.request_id, u.detailed_status, u.at, \
         CASE WHEN u.public = 1 THEN u.note ELSE '' END, \
         (SELECT m.upload_id FROM request_media m WHERE m.request_id = u.request_id ORDER BY position LIMIT 1) \
         FROM request_updates u WHERE u.at >= ?1 AND u.at <= ?2 ORDER BY u.id LIMIT ?3",
    )?;
    let mut rows = stmt.query(params![ts(start), ts(end), i64::from(limit)])?;
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        let status: String = row.get(2)?;
        let at: String = row.get(3)?;
        out.push(service_request_update(
            row.get(0)?,
            row.get(1)?,
            &status,
            &at,
            row.get(4)?,
            row.get(5)?,
        )?);
    }
    Ok(out)
}

fn my_page(
    conn: &mut Connection,
    device_id: &str,
    since: u64,
    limit: u32,
) -> Result<RawPage, StorageError> {
    let tx = conn.transaction()?;
    let since = i64::try_from(since).unwrap_or(i64::MAX);
    let mut ids: Vec<(i64, i64)> = Vec::new();
    {
        let mut stmt = tx.prepare_cached(
            "SELECT id, seq FROM requests WHERE device_id = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3",
        )?;
        let mut rows = stmt.query(params![device_id, since, i64::from(limit) + 1])?;
        while let Some(row) = rows.next()? {
            ids.push((row.get(0)?, row.get(1)?));
        }
    }
    let head: i64 = tx.query_row(
        "SELECT COALESCE(MAX(seq), 0) FROM requests WHERE device_id = ?1",
        [device_id],
        |row| row.get(0),
    )?;
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    let more = ids.len() > limit;
    ids.truncate(limit);
    let mut page = RawPage {
        more,
        head: u64::try_from(head).unwrap_or(0),
        ..RawPage::default()
    };
    for (id, seq) in ids {
        if let Some(item) = my_request(&tx, id)? {
            page.items
                .push(to_json("requests", &id.to_string(), &item)?);
        }
        page.last_seq = Some(u64::try_from(seq).unwrap_or(0));
    }
    tx.commit()?;
    Ok(page)
}

/// The shared shape of a resident's follow-up on an answered request (rating,
/// reopening): replay a known idempotency key, check the device owns the request
/// and that it was answered or closed, apply `act`, answer with the request.
fn follow_up_answered(
    tx: &Transaction<'_>,
    id: &str,
    device_id: &str,
    at: DateTime<Utc>,
    idem: Option<&Idem>,
    act: impl FnOnce(i64) -> Result<(), StorageError>,
) -> Result<Result<Written<MyRequest>, Conflict>, StorageError> {
    if let Some(replay) = idem_replay(tx, idem)? {
        return Ok(replay);
    }
    let Some(id) = owned(tx, id, device_id)? else {
        return Ok(Err(Conflict::NotFound));
    };
    let Some(body) = load_body(tx, id)? else {
        return Ok(Err(Conflict::NotFound));
    };
    if let Err(refused) = may_follow_up(&body) {
        return Ok(Err(refused));
    }
    act(id)?;
    let answer = my_request(tx, id)?.ok_or(StorageError::Worker("request vanished".into()))?;
    idem_record(tx, idem, 200, &answer, at)?;
    Ok(Ok(Written::Fresh(answer)))
}

fn rate_in(
    tx: &Transaction<'_>,
    id: &str,
    device_id: &str,
    stars: u8,
    comment: Option<String>,
    at: DateTime<Utc>,
    idem: Option<&Idem>,
) -> Result<Result<Written<MyRequest>, Conflict>, StorageError> {
    follow_up_answered(tx, id, device_id, at, idem, |id| {
        tx.execute(
            "INSERT OR REPLACE INTO ratings (request_id, stars, comment, at) VALUES (?1, ?2, ?3, ?4)",
            params![id, stars, comment, ts(at)],
        )?;
        touch(tx, id, at, |_| {})?;
        Ok(())
    })
}

fn reopen_in(
    tx: &Transaction<'_>,
    id: &str,
    device_id: &str,
    reason: &str,
    at: DateTime<Utc>,
    idem: Option<&Idem>,
) -> Result<Result<Written<MyRequest>, Conflict>, StorageError> {
    follow_up_answered(tx, id, device_id, at, idem, |id| {
        add_update(tx, id, DetailedStatus::Submitted, at, reason, None, true)?;
        tx.execute(
            "UPDATE requests SET reopen_count = reopen_count + 1 WHERE id = ?1",
            [id],
        )?;
        touch(tx, id, at, apply_reopen)?;
        Ok(())
    })
}

fn support_in(
    tx: &Transaction<'_>,
    id: &str,
    device_id: &str,
    at: DateTime<Utc>,
    idem: Option<&Idem>,
) -> Result<Result<Written<SupportAnswer>, Conflict>, StorageError> {
    if let Some(replay) = idem_replay(tx, idem)? {
        return Ok(replay);
    }
    let Some(row) = row_id(id) else {
        return Ok(Err(Conflict::NotFound));
    };
    if load_body(tx, row)?.is_none() {
        return Ok(Err(Conflict::NotFound));
    }
    let inserted = tx.execute(
        "INSERT OR IGNORE INTO supports (request_id, device_id, at) VALUES (?1, ?2, ?3)",
        params![row, device_id, ts(at)],
    )?;
    if inserted == 0 {
        return Ok(Err(Conflict::AlreadySupported));
    }
    let count: i64 = tx.query_row(
        "SELECT COUNT(*) FROM supports WHERE request_id = ?1",
        [row],
        |r| r.get(0),
    )?;
    let count = u32::try_from(count).unwrap_or(u32::MAX);
    touch(tx, row, at, |request| request.support_count = count)?;
    let answer = SupportAnswer {
        service_request_id: row.to_string(),
        support_count: count,
    };
    idem_record(tx, idem, 200, &answer, at)?;
    Ok(Ok(Written::Fresh(answer)))
}

fn change_status_in(
    tx: &Transaction<'_>,
    id: &str,
    step: StatusStep,
    audit: &AuditRecord,
) -> Result<Result<OfficerRequest, Conflict>, StorageError> {
    let Some(row) = row_id(id) else {
        return Ok(Err(Conflict::NotFound));
    };
    let (note, public) = step_note(&step);
    let Some(_) = touch(tx, row, step.at, |request| {
        apply_step(request, &step, &note, public);
    })?
    else {
        return Ok(Err(Conflict::NotFound));
    };
    if let Some(answer) = &step.answer {
        tx.execute(
            "UPDATE requests SET answer = ?2 WHERE id = ?1",
            params![row, answer],
        )?;
    }
    add_update(
        tx,
        row,
        step.status,
        step.at,
        &note,
        Some(&step.officer),
        public,
    )?;
    sqlite_audit::insert(tx, audit)?;
    officer_view(tx, row).map(|view| view.ok_or(Conflict::NotFound))
}

fn assign_in(
    tx: &Transaction<'_>,
    id: &str,
    assignment: Assignment,
    audit: &AuditRecord,
) -> Result<Result<OfficerRequest, Conflict>, StorageError> {
    let Some(row) = row_id(id) else {
        return Ok(Err(Conflict::NotFound));
    };
    let Some(current) = load_body(tx, row)? else {
        return Ok(Err(Conflict::NotFound));
    };
    match &assignment.target {
        AssignTarget::Unit { code, agency } => {
            touch(tx, row, assignment.at, |request| {
                apply_route(request, code, agency);
            })?;
            tx.execute(
                "UPDATE requests SET unit = ?2, triage = 0, assignee = NULL WHERE id = ?1",
                params![row, code],
            )?;
        }
        AssignTarget::Person { username, .. } => {
            tx.execute(
                "UPDATE requests SET triage = 0, assignee = ?2 WHERE id = ?1",
                params![row, username],
            )?;
        }
    }
    let note = assign_note(&assignment.target);
    add_update(
        tx,
        row,
        current.detailed_status,
        assignment.at,
        &note,
        Some(&assignment.officer),
        false,
    )?;
    sqlite_audit::insert(tx, audit)?;
    officer_view(tx, row).map(|view| view.ok_or(Conflict::NotFound))
}

impl RequestStorage for SqliteStorage {
    fn put_services(&self, services: Vec<ServiceRecord>) -> StorageFuture<'_, usize> {
        self.write(move |tx| {
            let mut stmt = tx.prepare_cached(
                "INSERT OR REPLACE INTO services (code, position, body, definition, deadline_hours, agency) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?;
            for (position, record) in services.iter().enumerate() {
                let code = &record.service.service_code;
                stmt.execute(params![
                    code,
                    i64::try_from(position).unwrap_or(i64::MAX),
                    to_json("services", code, &record.service)?,
                    to_json("services", code, &record.definition)?,
                    record.deadline_hours,
                    record.agency,
                ])?;
            }
            Ok(services.len())
        })
    }

    fn services(&self) -> StorageFuture<'_, Vec<ServiceRecord>> {
        self.read(|conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT code, body, definition, deadline_hours, agency FROM services ORDER BY position, code",
            )?;
            let mut rows = stmt.query([])?;
            let mut out = Vec::new();
            while let Some(row) = rows.next()? {
                let code: String = row.get(0)?;
                let body: String = row.get(1)?;
                let definition: String = row.get(2)?;
                out.push(service_record(&code, &body, &definition, row.get(3)?, row.get(4)?)?);
            }
            Ok(out)
        })
    }

    fn service(&self, code: String) -> StorageFuture<'_, Option<ServiceRecord>> {
        self.read(move |conn| {
            let row: Option<(String, String, i64, String)> = conn
                .query_row(
                    "SELECT body, definition, deadline_hours, agency FROM services WHERE code = ?1",
                    [&code],
                    |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?)),
                )
                .optional()?;
            row.map(|(body, definition, hours, agency)| {
                service_record(&code, &body, &definition, hours, agency)
            })
            .transpose()
        })
    }

    fn create_request(
        &self,
        request: NewRequest,
        idem: Option<Idem>,
    ) -> StorageFuture<'_, Result<Written<RequestCreated>, Conflict>> {
        self.write_or_refuse(move |tx| insert_request(tx, request, idem.as_ref()))
    }

    fn find_requests(&self, filter: RequestFilter) -> StorageFuture<'_, Vec<ServiceRequest>> {
        self.read(move |conn| find(conn, &filter))
    }

    fn officer_request(&self, id: String) -> StorageFuture<'_, Option<OfficerRequest>> {
        self.read(move |conn| match row_id(&id) {
            Some(row) => officer_view(conn, row),
            None => Ok(None),
        })
    }

    fn request_by_token(&self, token: String) -> StorageFuture<'_, Option<String>> {
        self.read(move |conn| {
            let id: Option<i64> = conn
                .query_row(
                    "SELECT id FROM requests WHERE token = ?1",
                    [&token],
                    |row| row.get(0),
                )
                .optional()?;
            Ok(id.map(|id| id.to_string()))
        })
    }

    fn updates(
        &self,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
        limit: u32,
    ) -> StorageFuture<'_, Vec<ServiceRequestUpdate>> {
        self.read(move |conn| updates_in(conn, start, end, limit))
    }

    fn timeline(&self, id: String) -> StorageFuture<'_, Vec<TimelineEntry>> {
        self.read(move |conn| match row_id(&id) {
            Some(row) => timeline_of(conn, row, Reader::Resident),
            None => Ok(Vec::new()),
        })
    }

    fn change_status(
        &self,
        id: String,
        step: StatusStep,
        audit: AuditRecord,
    ) -> StorageFuture<'_, Result<OfficerRequest, Conflict>> {
        self.write_or_refuse(move |tx| change_status_in(tx, &id, step, &audit))
    }

    fn assign_request(
        &self,
        id: String,
        assignment: Assignment,
        audit: AuditRecord,
    ) -> StorageFuture<'_, Result<OfficerRequest, Conflict>> {
        self.write_or_refuse(move |tx| assign_in(tx, &id, assignment, &audit))
    }

    fn my_changes(&self, device_id: String, since: u64, limit: u32) -> StorageFuture<'_, RawPage> {
        self.read(move |conn| my_page(conn, &device_id, since, limit))
    }

    fn rate(
        &self,
        id: String,
        device_id: String,
        stars: u8,
        comment: Option<String>,
        at: DateTime<Utc>,
        idem: Option<Idem>,
    ) -> StorageFuture<'_, Result<Written<MyRequest>, Conflict>> {
        self.write_or_refuse(move |tx| {
            rate_in(tx, &id, &device_id, stars, comment, at, idem.as_ref())
        })
    }

    fn reopen(
        &self,
        id: String,
        device_id: String,
        reason: String,
        at: DateTime<Utc>,
        idem: Option<Idem>,
    ) -> StorageFuture<'_, Result<Written<MyRequest>, Conflict>> {
        self.write_or_refuse(move |tx| reopen_in(tx, &id, &device_id, &reason, at, idem.as_ref()))
    }

    fn claim_requests(
        &self,
        device_id: String,
        claims: Vec<(String, String)>,
    ) -> StorageFuture<'_, Vec<String>> {
        self.write(move |tx| {
            let mut claimed = Vec::new();
            for (id, claim_hash) in claims {
                let Some(row) = row_id(&id) else { continue };
                let matches: Option<i64> = tx
                    .query_row(
                        "SELECT 1 FROM requests WHERE id = ?1 AND claim_hash = ?2",
                        params![row, claim_hash],
                        |r| r.get(0),
                    )
                    .optional()?;
                if matches.is_none() {
                    continue;
                }
                // Only a claimed request takes a sequence number.
                let seq = next_seq(tx)?;
                tx.execute(
                    "UPDATE requests SET device_id = ?2, seq = ?3 WHERE id = ?1",
                    params![row, device_id, seq],
                )?;
                claimed.push(id);
            }
            Ok(claimed)
        })
    }

    fn support(
        &self,
        id: String,
        device_id: String,
        at: DateTime<Utc>,
        idem: Option<Idem>,
    ) -> StorageFuture<'_, Result<Written<SupportAnswer>, Conflict>> {
        self.write_or_refuse(move |tx| support_in(tx, &id, &device_id, at, idem.as_ref()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    /// The lists of a province's year (docs/BENCHMARKS.md) read along an
    /// index in the order asked for, never sorting the window first.
    #[test]
    fn request_lists_read_newest_first_along_an_index() {
        let mut conn = Connection::open_in_memory().unwrap();
        super::super::migrations::run(&mut conn).unwrap();
        let now = Utc::now();
        let window = RequestFilter {
            start: Some(now - Duration::days(90)),
            end: Some(now),
            limit: 1000,
            ..RequestFilter::default()
        };
        let filters = [
            window.clone(),
            RequestFilter {
                units: Some(vec!["00004".into()]),
                ..window.clone()
            },
            RequestFilter {
                service_codes: Some(vec!["s".into()]),
                status: Some(congdan_protocol::open311::Status::Open),
                ..window
            },
            RequestFilter {
                units: Some(vec!["00004".into()]),
                detailed: Some(vec![DetailedStatus::Received]),
                limit: 1000,
                ..RequestFilter::default()
            },
        ];
        for filter in filters {
            let (sql, values) = find_query(&filter);
            let plan: Vec<String> = conn
                .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
                .unwrap()
                .query_map(rusqlite::params_from_iter(values), |row| row.get(3))
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap();
            let plan = plan.join("; ");
            assert!(plan.contains("USING INDEX requests_"), "{filter:?}: {plan}");
            assert!(!plan.contains("TEMP B-TREE"), "{filter:?}: {plan}");
        }
    }
}
