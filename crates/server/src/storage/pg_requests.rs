//! [`RequestStorage`] over PostgreSQL: the service, request, update, media
//! link and idempotency tables, statement for statement as in
//! `sqlite_requests.rs` (read that file's doc for the rules). Each write runs
//! in one writing transaction (`PgStorage::write`); refusals roll back.
//!
//! An `Idempotency-Key` replayed on another server process finds the answer
//! recorded by the first, since the record is written in the transaction of the
//! change and writers take turns.

use chrono::{DateTime, Utc};
use congdan_protocol::open311::{
    DetailedStatus, RequestCreated, ServiceRequest, ServiceRequestUpdate,
};
use congdan_protocol::requests::{MyRequest, OfficerRequest, SupportAnswer, TimelineEntry};
use serde::Serialize;
use serde::de::DeserializeOwned;
use tokio_postgres::types::ToSql;
use tokio_postgres::{GenericClient, Transaction};

use super::audit::AuditRecord;
use super::pg::snapshot;
use super::pg_audit;
use super::request_rows::{
    self as rows, MyRequestRow, OfficerRow, Reader, apply_reopen, apply_route, apply_step,
    assign_note, detailed_statuses, may_follow_up, row_id, service_record, service_request_update,
    step_note, timeline_entry,
};
use super::requests::{
    AssignTarget, Assignment, Conflict, Idem, NewRequest, RequestFilter, RequestStorage,
    ServiceRecord, StatusStep, Written,
};
use super::sqlite_rows::{from_json, to_json, ts};
use super::{PgStorage, RawPage, StorageError, StorageFuture};

async fn next_seq(tx: &Transaction<'_>) -> Result<i64, StorageError> {
    Ok(tx
        .query_one("SELECT nextval('change_seq')", &[])
        .await?
        .try_get(0)?)
}

fn to_i64<T: TryInto<i64>>(value: T) -> i64 {
    value.try_into().unwrap_or(i64::MAX)
}

/// The recorded answer of an idempotency key, or a mismatch; `None` when the key is new.
async fn idem_replay<T: DeserializeOwned>(
    tx: &Transaction<'_>,
    idem: Option<&Idem>,
) -> Result<Option<Result<Written<T>, Conflict>>, StorageError> {
    let Some(idem) = idem else {
        return Ok(None);
    };
    let Some(row) = tx
        .query_opt(
            "SELECT fingerprint, answer FROM idempotency WHERE key = $1",
            &[&idem.key],
        )
        .await?
    else {
        return Ok(None);
    };
    let fingerprint: String = row.try_get(0)?;
    if fingerprint != idem.fingerprint {
        return Ok(Some(Err(Conflict::IdempotencyMismatch)));
    }
    let answer: String = row.try_get(1)?;
    let value = from_json("idempotency", &idem.key, &answer)?;
    Ok(Some(Ok(Written::Replayed(value))))
}

async fn idem_record<T: Serialize>(
    tx: &Transaction<'_>,
    idem: Option<&Idem>,
    status: u16,
    answer: &T,
    at: DateTime<Utc>,
) -> Result<(), StorageError> {
    if let Some(idem) = idem {
        tx.execute(
            "INSERT INTO idempotency (key, fingerprint, status, answer, created_at) \
             VALUES ($1, $2, $3, $4, $5)",
            &[
                &idem.key,
                &idem.fingerprint,
                &i64::from(status),
                &to_json("idempotency", &idem.key, answer)?,
                &ts(at),
            ],
        )
        .await?;
    }
    Ok(())
}

async fn load_body<C: GenericClient + Sync>(
    conn: &C,
    id: i64,
) -> Result<Option<ServiceRequest>, StorageError> {
    let Some(row) = conn
        .query_opt("SELECT body FROM requests WHERE id = $1", &[&id])
        .await?
    else {
        return Ok(None);
    };
    let body: String = row.try_get(0)?;
    Ok(Some(from_json("requests", &id.to_string(), &body)?))
}

/// Apply `change` to a request's public body and give it a new `seq`.
async fn touch(
    tx: &Transaction<'_>,
    id: i64,
    at: DateTime<Utc>,
    change: impl FnOnce(&mut ServiceRequest),
) -> Result<Option<ServiceRequest>, StorageError> {
    let Some(mut body) = load_body(tx, id).await? else {
        return Ok(None);
    };
    change(&mut body);
    body.updated_datetime = at;
    let seq = next_seq(tx).await?;
    tx.execute(
        "UPDATE requests SET body = $2, seq = $3, updated_at = $4, detailed_status = $5 \
         WHERE id = $1",
        &[
            &id,
            &to_json("requests", &id.to_string(), &body)?,
            &seq,
            &ts(at),
            &body.detailed_status.as_str(),
        ],
    )
    .await?;
    Ok(Some(body))
}

async fn add_update(
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
         VALUES ($1, $2, $3, $4, $5, $6)",
        &[&id, &status.as_str(), &ts(at), &note, &officer, &public],
    )
    .await?;
    Ok(())
}

async fn timeline_of<C: GenericClient + Sync>(
    conn: &C,
    id: i64,
    reader: Reader,
) -> Result<Vec<TimelineEntry>, StorageError> {
    let rows = conn
        .query(
            "SELECT id, detailed_status, at, note, officer, public FROM request_updates \
             WHERE request_id = $1 ORDER BY id",
            &[&id],
        )
        .await?;
    rows.iter()
        .map(|row| {
            let status: String = row.try_get(1)?;
            let at: String = row.try_get(2)?;
            timeline_entry(
                row.try_get(0)?,
                &status,
                &at,
                row.try_get(3)?,
                row.try_get(4)?,
                row.try_get(5)?,
                reader,
            )
        })
        .collect()
}

async fn my_request<C: GenericClient + Sync>(
    conn: &C,
    id: i64,
) -> Result<Option<MyRequest>, StorageError> {
    let Some(row) = conn
        .query_opt(
            "SELECT body, answer, reopen_count FROM requests WHERE id = $1",
            &[&id],
        )
        .await?
    else {
        return Ok(None);
    };
    let key = id.to_string();
    let rating = conn
        .query_opt(
            "SELECT stars, comment, at FROM ratings WHERE request_id = $1",
            &[&id],
        )
        .await?;
    let rating = match rating {
        Some(r) => {
            let at: String = r.try_get(2)?;
            Some(rows::rating(&key, r.try_get(0)?, r.try_get(1)?, &at)?)
        }
        None => None,
    };
    let row = MyRequestRow {
        body: row.try_get(0)?,
        answer: row.try_get(1)?,
        reopen_count: row.try_get(2)?,
        rating,
        timeline: timeline_of(conn, id, Reader::Resident).await?,
    };
    rows::my_request(id, row).map(Some)
}

async fn officer_view<C: GenericClient + Sync>(
    conn: &C,
    id: i64,
) -> Result<Option<OfficerRequest>, StorageError> {
    let Some(row) = conn
        .query_opt(
            "SELECT r.body, r.private, r.triage, r.assignee, a.name FROM requests r \
             LEFT JOIN accounts a ON a.username = r.assignee WHERE r.id = $1",
            &[&id],
        )
        .await?
    else {
        return Ok(None);
    };
    let row = OfficerRow {
        body: row.try_get(0)?,
        private: row.try_get(1)?,
        triage: row.try_get(2)?,
        assignee: row.try_get(3)?,
        assignee_name: row.try_get(4)?,
        timeline: timeline_of(conn, id, Reader::Officer).await?,
    };
    rows::officer_request(id, row).map(Some)
}

/// The device's request `id`, or `None` when it is not the device's.
async fn owned(
    tx: &Transaction<'_>,
    id: &str,
    device_id: &str,
) -> Result<Option<i64>, StorageError> {
    let Some(id) = row_id(id) else {
        return Ok(None);
    };
    let row = tx
        .query_opt(
            "SELECT id FROM requests WHERE id = $1 AND device_id = $2",
            &[&id, &device_id],
        )
        .await?;
    Ok(row.map(|row| row.try_get(0)).transpose()?)
}

fn service_from_row(row: &tokio_postgres::Row, code: &str) -> Result<ServiceRecord, StorageError> {
    let body: String = row.try_get("body")?;
    let definition: String = row.try_get("definition")?;
    service_record(
        code,
        &body,
        &definition,
        row.try_get("deadline_hours")?,
        row.try_get("agency")?,
    )
}

async fn insert_request(
    tx: &Transaction<'_>,
    new: NewRequest,
    idem: Option<&Idem>,
) -> Result<Result<Written<RequestCreated>, Conflict>, StorageError> {
    if let Some(replay) = idem_replay(tx, idem).await? {
        return Ok(replay);
    }
    for media in &new.media_ids {
        let usable = tx
            .query_opt(
                "SELECT 1 FROM uploads u WHERE u.id = $1 AND u.complete \
                 AND u.mime <> 'application/pdf' \
                 AND NOT EXISTS (SELECT 1 FROM request_media m WHERE m.upload_id = u.id) \
                 AND NOT EXISTS (SELECT 1 FROM announcement_media a WHERE a.upload_id = u.id)",
                &[media],
            )
            .await?;
        if usable.is_none() {
            return Ok(Err(Conflict::UnknownMedia(media.clone())));
        }
    }
    let at = new.public.requested_datetime;
    let seq = next_seq(tx).await?;
    let id: i64 = tx
        .query_one(
            "INSERT INTO requests (service_code, token, device_id, unit, detailed_status, \
             requested_at, updated_at, seq, body, private, claim_hash, triage) \
             VALUES ($1, $2, $3, $4, $5, $6, $6, $7, '{}', $8, $9, $10) RETURNING id",
            &[
                &new.public.service_code,
                &new.token,
                &new.device_id,
                &new.public.unit,
                &DetailedStatus::Submitted.as_str(),
                &ts(at),
                &seq,
                &to_json("requests", "new", &new.private)?,
                &new.claim_hash,
                &new.triage,
            ],
        )
        .await?
        .try_get(0)?;
    let mut media_ids = new.media_ids;
    for (mime, bytes) in new.inline_media {
        let upload_id = uuid::Uuid::new_v4().simple().to_string();
        tx.execute(
            "INSERT INTO uploads (id, idempotency_key, mime, length, data, complete, created_at) \
             VALUES ($1, NULL, $2, $3, $4, TRUE, $5)",
            &[&upload_id, &mime, &to_i64(bytes.len()), &bytes, &ts(at)],
        )
        .await?;
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
            "INSERT INTO request_media (request_id, position, upload_id) VALUES ($1, $2, $3)",
            &[&id, &to_i64(position), media],
        )
        .await?;
    }
    tx.execute(
        "UPDATE requests SET body = $2 WHERE id = $1",
        &[&id, &to_json("requests", &id.to_string(), &public)?],
    )
    .await?;
    add_update(tx, id, DetailedStatus::Submitted, at, "", None, true).await?;
    idem_record(tx, idem, 201, &created, at).await?;
    Ok(Ok(Written::Fresh(created)))
}

async fn find<C: GenericClient + Sync>(
    conn: &C,
    filter: &RequestFilter,
) -> Result<Vec<ServiceRequest>, StorageError> {
    let mut sql = String::from("SELECT id, body FROM requests WHERE TRUE");
    let mut values: Vec<Box<dyn ToSql + Sync + Send>> = Vec::new();
    // An empty list matches nothing, as `IN ()` would.
    let mut push = |sql: &mut String, condition: &str, value: Box<dyn ToSql + Sync + Send>| {
        values.push(value);
        sql.push_str(&condition.replace("$$", &format!("${}", values.len())));
    };
    if let Some(ids) = &filter.ids {
        let ids: Vec<i64> = ids.iter().filter_map(|id| row_id(id)).collect();
        push(&mut sql, " AND id = ANY($$)", Box::new(ids));
    }
    if let Some(codes) = &filter.service_codes {
        push(
            &mut sql,
            " AND service_code = ANY($$)",
            Box::new(codes.clone()),
        );
    }
    if let Some(units) = &filter.units {
        let mut items = units.clone();
        let condition = if filter.national {
            // The national queue is "no unit"; no unit code is empty.
            items.push(String::new());
            " AND COALESCE(unit, '') = ANY($$)"
        } else {
            " AND unit = ANY($$)"
        };
        push(&mut sql, condition, Box::new(items));
    }
    if let Some(detailed) = detailed_statuses(filter) {
        let names: Vec<String> = detailed.iter().map(|s| s.as_str().to_owned()).collect();
        push(&mut sql, " AND detailed_status = ANY($$)", Box::new(names));
    }
    if let Some(start) = filter.start {
        push(&mut sql, " AND requested_at >= $$", Box::new(ts(start)));
    }
    if let Some(end) = filter.end {
        push(&mut sql, " AND requested_at <= $$", Box::new(ts(end)));
    }
    push(
        &mut sql,
        // Along `requests_requested` or `requests_unit_requested` (step 4).
        " ORDER BY requested_at DESC, id DESC LIMIT $$",
        Box::new(i64::from(filter.limit)),
    );
    let params: Vec<&(dyn ToSql + Sync)> = values
        .iter()
        .map(|v| v.as_ref() as &(dyn ToSql + Sync))
        .collect();
    let rows = conn.query(&sql, &params).await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let id: i64 = row.try_get(0)?;
        let body: String = row.try_get(1)?;
        out.push(from_json("requests", &id.to_string(), &body)?);
    }
    Ok(out)
}

async fn updates_in<C: GenericClient + Sync>(
    conn: &C,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    limit: u32,
) -> Result<Vec<ServiceRequestUpdate>, StorageError> {
    let rows = conn
        .query(
            "SELECT u.id, u.request_id, u.detailed_status, u.at, \
             CASE WHEN u.public THEN u.note ELSE '' END, \
             (SELECT m.upload_id FROM request_media m WHERE m.request_id = u.request_id \
              ORDER BY position LIMIT 1) \
             FROM request_updates u WHERE u.at >= $1 AND u.at <= $2 ORDER BY u.id LIMIT $3",
            &[&ts(start), &ts(end), &i64::from(limit)],
        )
        .await?;
    rows.iter()
        .map(|row| {
            let status: String = row.try_get(2)?;
            let at: String = row.try_get(3)?;
            service_request_update(
                row.try_get(0)?,
                row.try_get(1)?,
                &status,
                &at,
                row.try_get(4)?,
                row.try_get(5)?,
            )
        })
        .collect()
}

async fn my_page(
    client: &mut deadpool_postgres::Client,
    device_id: &str,
    since: u64,
    limit: u32,
) -> Result<RawPage, StorageError> {
    let tx = snapshot(client).await?;
    let since = i64::try_from(since).unwrap_or(i64::MAX);
    let rows = tx
        .query(
            "SELECT id, seq FROM requests WHERE device_id = $1 AND seq > $2 ORDER BY seq LIMIT $3",
            &[&device_id, &since, &(i64::from(limit) + 1)],
        )
        .await?;
    let mut ids = rows
        .iter()
        .map(|row| Ok((row.try_get::<_, i64>(0)?, row.try_get::<_, i64>(1)?)))
        .collect::<Result<Vec<_>, tokio_postgres::Error>>()?;
    let head: i64 = tx
        .query_one(
            "SELECT COALESCE(MAX(seq), 0) FROM requests WHERE device_id = $1",
            &[&device_id],
        )
        .await?
        .try_get(0)?;
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    let more = ids.len() > limit;
    ids.truncate(limit);
    let mut page = RawPage {
        more,
        head: u64::try_from(head).unwrap_or(0),
        ..RawPage::default()
    };
    for (id, seq) in ids {
        if let Some(item) = my_request(&*tx, id).await? {
            page.items
                .push(to_json("requests", &id.to_string(), &item)?);
        }
        page.last_seq = Some(u64::try_from(seq).unwrap_or(0));
    }
    tx.commit().await?;
    Ok(page)
}

/// What a resident's follow-up on an answered request (rating, reopening)
/// does next: act on the request, or answer at once (a replay or a refusal).
enum FollowUp {
    Act(i64),
    Done(Box<Result<Written<MyRequest>, Conflict>>),
}

/// The shared checks of a follow-up: replay a known idempotency key, check the
/// device owns the request and that it was answered or closed.
async fn follow_up_gate(
    tx: &Transaction<'_>,
    id: &str,
    device_id: &str,
    idem: Option<&Idem>,
) -> Result<FollowUp, StorageError> {
    if let Some(replay) = idem_replay(tx, idem).await? {
        return Ok(FollowUp::Done(Box::new(replay)));
    }
    let Some(id) = owned(tx, id, device_id).await? else {
        return Ok(FollowUp::Done(Box::new(Err(Conflict::NotFound))));
    };
    let Some(body) = load_body(tx, id).await? else {
        return Ok(FollowUp::Done(Box::new(Err(Conflict::NotFound))));
    };
    if let Err(refused) = may_follow_up(&body) {
        return Ok(FollowUp::Done(Box::new(Err(refused))));
    }
    Ok(FollowUp::Act(id))
}

/// Answer a follow-up that acted on request `id`, recording the answer for its key.
async fn follow_up_answer(
    tx: &Transaction<'_>,
    id: i64,
    at: DateTime<Utc>,
    idem: Option<&Idem>,
) -> Result<Result<Written<MyRequest>, Conflict>, StorageError> {
    let answer = my_request(tx, id)
        .await?
        .ok_or(StorageError::Worker("request vanished".into()))?;
    idem_record(tx, idem, 200, &answer, at).await?;
    Ok(Ok(Written::Fresh(answer)))
}

async fn rate_in(
    tx: &Transaction<'_>,
    id: &str,
    device_id: &str,
    stars: u8,
    comment: Option<String>,
    at: DateTime<Utc>,
    idem: Option<&Idem>,
) -> Result<Result<Written<MyRequest>, Conflict>, StorageError> {
    let id = match follow_up_gate(tx, id, device_id, idem).await? {
        FollowUp::Act(id) => id,
        FollowUp::Done(answer) => return Ok(*answer),
    };
    tx.execute(
        "INSERT INTO ratings (request_id, stars, comment, at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (request_id) DO UPDATE \
         SET stars = EXCLUDED.stars, comment = EXCLUDED.comment, at = EXCLUDED.at",
        &[&id, &i64::from(stars), &comment, &ts(at)],
    )
    .await?;
    touch(tx, id, at, |_| {}).await?;
    follow_up_answer(tx, id, at, idem).await
}

async fn reopen_in(
    tx: &Transaction<'_>,
    id: &str,
    device_id: &str,
    reason: &str,
    at: DateTime<Utc>,
    idem: Option<&Idem>,
) -> Result<Result<Written<MyRequest>, Conflict>, StorageError> {
    let id = match follow_up_gate(tx, id, device_id, idem).await? {
        FollowUp::Act(id) => id,
        FollowUp::Done(answer) => return Ok(*answer),
    };
    add_update(tx, id, DetailedStatus::Submitted, at, reason, None, true).await?;
    tx.execute(
        "UPDATE requests SET reopen_count = reopen_count + 1 WHERE id = $1",
        &[&id],
    )
    .await?;
    touch(tx, id, at, apply_reopen).await?;
    follow_up_answer(tx, id, at, idem).await
}

async fn support_in(
    tx: &Transaction<'_>,
    id: &str,
    device_id: &str,
    at: DateTime<Utc>,
    idem: Option<&Idem>,
) -> Result<Result<Written<SupportAnswer>, Conflict>, StorageError> {
    if let Some(replay) = idem_replay(tx, idem).await? {
        return Ok(replay);
    }
    let Some(row) = row_id(id) else {
        return Ok(Err(Conflict::NotFound));
    };
    if load_body(tx, row).await?.is_none() {
        return Ok(Err(Conflict::NotFound));
    }
    let inserted = tx
        .execute(
            "INSERT INTO supports (request_id, device_id, at) VALUES ($1, $2, $3) \
             ON CONFLICT DO NOTHING",
            &[&row, &device_id, &ts(at)],
        )
        .await?;
    if inserted == 0 {
        return Ok(Err(Conflict::AlreadySupported));
    }
    let count: i64 = tx
        .query_one(
            "SELECT COUNT(*) FROM supports WHERE request_id = $1",
            &[&row],
        )
        .await?
        .try_get(0)?;
    let count = u32::try_from(count).unwrap_or(u32::MAX);
    touch(tx, row, at, |request| request.support_count = count).await?;
    let answer = SupportAnswer {
        service_request_id: row.to_string(),
        support_count: count,
    };
    idem_record(tx, idem, 200, &answer, at).await?;
    Ok(Ok(Written::Fresh(answer)))
}

async fn change_status_in(
    tx: &Transaction<'_>,
    id: &str,
    step: StatusStep,
    audit: &AuditRecord,
) -> Result<Result<OfficerRequest, Conflict>, StorageError> {
    let Some(row) = row_id(id) else {
        return Ok(Err(Conflict::NotFound));
    };
    let (note, public) = step_note(&step);
    let touched = touch(tx, row, step.at, |request| {
        apply_step(request, &step, &note, public);
    })
    .await?;
    if touched.is_none() {
        return Ok(Err(Conflict::NotFound));
    }
    if let Some(answer) = &step.answer {
        tx.execute(
            "UPDATE requests SET answer = $2 WHERE id = $1",
            &[&row, answer],
        )
        .await?;
    }
    add_update(
        tx,
        row,
        step.status,
        step.at,
        &note,
        Some(&step.officer),
        public,
    )
    .await?;
    pg_audit::insert(tx, audit).await?;
    Ok(officer_view(tx, row).await?.ok_or(Conflict::NotFound))
}

async fn assign_in(
    tx: &Transaction<'_>,
    id: &str,
    assignment: Assignment,
    audit: &AuditRecord,
) -> Result<Result<OfficerRequest, Conflict>, StorageError> {
    let Some(row) = row_id(id) else {
        return Ok(Err(Conflict::NotFound));
    };
    let Some(current) = load_body(tx, row).await? else {
        return Ok(Err(Conflict::NotFound));
    };
    match &assignment.target {
        AssignTarget::Unit { code, agency } => {
            touch(tx, row, assignment.at, |request| {
                apply_route(request, code, agency);
            })
            .await?;
            tx.execute(
                "UPDATE requests SET unit = $2, triage = FALSE, assignee = NULL WHERE id = $1",
                &[&row, code],
            )
            .await?;
        }
        AssignTarget::Person { username, .. } => {
            tx.execute(
                "UPDATE requests SET triage = FALSE, assignee = $2 WHERE id = $1",
                &[&row, username],
            )
            .await?;
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
    )
    .await?;
    pg_audit::insert(tx, audit).await?;
    Ok(officer_view(tx, row).await?.ok_or(Conflict::NotFound))
}

impl RequestStorage for PgStorage {
    fn put_services(&self, services: Vec<ServiceRecord>) -> StorageFuture<'_, usize> {
        self.write(move |tx| {
            Box::pin(async move {
                let stmt = tx
                    .prepare_cached(
                        "INSERT INTO services (code, position, body, definition, deadline_hours, agency) \
                         VALUES ($1, $2, $3, $4, $5, $6) \
                         ON CONFLICT (code) DO UPDATE SET position = EXCLUDED.position, \
                         body = EXCLUDED.body, definition = EXCLUDED.definition, \
                         deadline_hours = EXCLUDED.deadline_hours, agency = EXCLUDED.agency",
                    )
                    .await?;
                for (position, record) in services.iter().enumerate() {
                    let code = &record.service.service_code;
                    tx.execute(
                        &stmt,
                        &[
                            code,
                            &to_i64(position),
                            &to_json("services", code, &record.service)?,
                            &to_json("services", code, &record.definition)?,
                            &i64::from(record.deadline_hours),
                            &record.agency,
                        ],
                    )
                    .await?;
                }
                Ok(services.len())
            })
        })
    }

    fn services(&self) -> StorageFuture<'_, Vec<ServiceRecord>> {
        Box::pin(async move {
            let client = self.client().await?;
            let rows = client
                .query(
                    "SELECT code, body, definition, deadline_hours, agency FROM services \
                     ORDER BY position, code",
                    &[],
                )
                .await?;
            rows.iter()
                .map(|row| {
                    let code: String = row.try_get("code")?;
                    service_from_row(row, &code)
                })
                .collect()
        })
    }

    fn service(&self, code: String) -> StorageFuture<'_, Option<ServiceRecord>> {
        Box::pin(async move {
            let client = self.client().await?;
            let row = client
                .query_opt(
                    "SELECT body, definition, deadline_hours, agency FROM services WHERE code = $1",
                    &[&code],
                )
                .await?;
            row.map(|row| service_from_row(&row, &code)).transpose()
        })
    }

    fn create_request(
        &self,
        request: NewRequest,
        idem: Option<Idem>,
    ) -> StorageFuture<'_, Result<Written<RequestCreated>, Conflict>> {
        self.write_or_refuse(move |tx| {
            Box::pin(async move { insert_request(tx, request, idem.as_ref()).await })
        })
    }

    fn find_requests(&self, filter: RequestFilter) -> StorageFuture<'_, Vec<ServiceRequest>> {
        Box::pin(async move { find(&**self.client().await?, &filter).await })
    }

    fn officer_request(&self, id: String) -> StorageFuture<'_, Option<OfficerRequest>> {
        Box::pin(async move {
            match row_id(&id) {
                Some(row) => officer_view(&**self.client().await?, row).await,
                None => Ok(None),
            }
        })
    }

    fn request_by_token(&self, token: String) -> StorageFuture<'_, Option<String>> {
        Box::pin(async move {
            let client = self.client().await?;
            let row = client
                .query_opt("SELECT id FROM requests WHERE token = $1", &[&token])
                .await?;
            Ok(match row {
                Some(row) => Some(row.try_get::<_, i64>(0)?.to_string()),
                None => None,
            })
        })
    }

    fn updates(
        &self,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
        limit: u32,
    ) -> StorageFuture<'_, Vec<ServiceRequestUpdate>> {
        Box::pin(async move { updates_in(&**self.client().await?, start, end, limit).await })
    }

    fn timeline(&self, id: String) -> StorageFuture<'_, Vec<TimelineEntry>> {
        Box::pin(async move {
            match row_id(&id) {
                Some(row) => timeline_of(&**self.client().await?, row, Reader::Resident).await,
                None => Ok(Vec::new()),
            }
        })
    }

    fn change_status(
        &self,
        id: String,
        step: StatusStep,
        audit: AuditRecord,
    ) -> StorageFuture<'_, Result<OfficerRequest, Conflict>> {
        self.write_or_refuse(move |tx| {
            Box::pin(async move { change_status_in(tx, &id, step, &audit).await })
        })
    }

    fn assign_request(
        &self,
        id: String,
        assignment: Assignment,
        audit: AuditRecord,
    ) -> StorageFuture<'_, Result<OfficerRequest, Conflict>> {
        self.write_or_refuse(move |tx| {
            Box::pin(async move { assign_in(tx, &id, assignment, &audit).await })
        })
    }

    fn my_changes(&self, device_id: String, since: u64, limit: u32) -> StorageFuture<'_, RawPage> {
        Box::pin(async move {
            let mut client = self.client().await?;
            my_page(&mut client, &device_id, since, limit).await
        })
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
            Box::pin(async move {
                rate_in(tx, &id, &device_id, stars, comment, at, idem.as_ref()).await
            })
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
        self.write_or_refuse(move |tx| {
            Box::pin(
                async move { reopen_in(tx, &id, &device_id, &reason, at, idem.as_ref()).await },
            )
        })
    }

    fn claim_requests(
        &self,
        device_id: String,
        claims: Vec<(String, String)>,
    ) -> StorageFuture<'_, Vec<String>> {
        self.write(move |tx| {
            Box::pin(async move {
                let mut claimed = Vec::new();
                for (id, claim_hash) in claims {
                    let Some(row) = row_id(&id) else { continue };
                    let matches = tx
                        .query_opt(
                            "SELECT 1 FROM requests WHERE id = $1 AND claim_hash = $2",
                            &[&row, &claim_hash],
                        )
                        .await?;
                    if matches.is_none() {
                        continue;
                    }
                    // Only a claimed request takes a sequence number.
                    let seq = next_seq(tx).await?;
                    tx.execute(
                        "UPDATE requests SET device_id = $2, seq = $3 WHERE id = $1",
                        &[&row, &device_id, &seq],
                    )
                    .await?;
                    claimed.push(id);
                }
                Ok(claimed)
            })
        })
    }

    fn support(
        &self,
        id: String,
        device_id: String,
        at: DateTime<Utc>,
        idem: Option<Idem>,
    ) -> StorageFuture<'_, Result<Written<SupportAnswer>, Conflict>> {
        self.write_or_refuse(move |tx| {
            Box::pin(async move { support_in(tx, &id, &device_id, at, idem.as_ref()).await })
        })
    }
}
