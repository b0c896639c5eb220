//! Sending the outbox: the user's writes leave in order, exactly once.
//!
//! Owns: the payload shapes ([`payload`]), the I/O-free decisions per row
//! ([`machine`]), upload chunk sizes that follow the link ([`chunks`], the
//! learned size kept in `settings` under `upload_chunk`), the clock/RNG seams
//! and the backoff schedule ([`clock`]), photo preparation ([`photo`]) and the
//! drain driver ([`drain`]) that feeds rows through the machine over a
//! [`Transport`] and records every outcome.
//! Does not own: writing rows (the api validates and calls `store::outbox`),
//! device registration (the api passes the credentials in).
//!
//! Drain rules:
//! - Rows go in `id` order. A transient failure (network, 5xx, 408/409/425/429)
//!   stops the drain: later rows wait behind the head, so the server sees the
//!   user's writes in the order they were made. The row gets `attempts + 1`
//!   and `next_attempt_at = now + backoff` (full jitter, 2 s base, 5 min cap).
//! - A permanent refusal (other 4xx) sets the row aside (`failed_permanent`,
//!   with the server's message) and the drain goes on; rows depending on it
//!   (a request whose photo was refused) are set aside too.
//! - Every attempt of a row uses the row's uuid as `Idempotency-Key`, and its
//!   body is rebuilt byte for byte from the stored payload, so a retry after a
//!   lost answer is replayed by the server instead of creating a duplicate.
//! - A row is marked done (with `synchronous=FULL`) only after the server's
//!   acknowledgement; a process killed at any point just resends the row.

pub mod chunks;
pub mod clock;
pub mod machine;
pub mod payload;
pub mod photo;

use std::sync::Mutex;
use std::time::Instant;

use congdan_protocol::ErrorBody;
use rusqlite::Connection;

use crate::api::models::{DrainProgress, DrainReport, OutboxKind, OutboxState};
use crate::store::outbox::{self as rows, OutboxRow};
use crate::store::{draft_photos, settings};
use crate::sync::{Call, Method, Transport};
use crate::{Error, ErrorCode};
use chunks::ChunkSize;
use clock::{Clock, Rng, backoff};
use machine::{Step, UploadMachine, judge_simple};
use payload::{
    AckPayload, DraftPayload, RatingPayload, ReopenPayload, RequestPayload, SupportPayload,
    UploadPayload,
};

/// How a drain treats retries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DrainPolicy {
    /// Skip (stop at) a head row whose `next_attempt_at` is in the future.
    /// False for drains the user asked for ("Gửi ngay", `congdan outbox --drain`).
    pub honour_schedule: bool,
    /// Transient failures of one row retried within this drain, waiting the
    /// backoff on the clock between them, before the drain gives up.
    pub inline_retries: u32,
}

impl Default for DrainPolicy {
    /// A user-initiated drain: try now, retry twice inline.
    fn default() -> DrainPolicy {
        DrainPolicy {
            honour_schedule: false,
            inline_retries: 2,
        }
    }
}

/// The device's credentials for calls that need them.
#[derive(Clone, PartialEq, Eq)]
pub struct DeviceCreds {
    /// Open311 `device_id`.
    pub device_id: String,
    /// Bearer token (secret).
    pub token: String,
}

/// Never prints the token.
impl std::fmt::Debug for DeviceCreds {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DeviceCreds")
            .field("device_id", &self.device_id)
            .finish_non_exhaustive()
    }
}

/// Everything a drain needs.
pub struct Env<'a, T: Transport> {
    /// The write connection.
    pub db: &'a Mutex<Connection>,
    /// The network.
    pub transport: &'a T,
    /// Time.
    pub clock: &'a dyn Clock,
    /// Jitter.
    pub rng: &'a Mutex<Rng>,
    /// Open311 api key (`None`: request rows wait, failing transiently with
    /// `not_configured`, until one is set).
    pub api_key: Option<String>,
    /// Device credentials (`None`: rows needing them fail transiently).
    pub device: Option<DeviceCreds>,
    /// The official's session token (`None`: draft rows wait for a login).
    pub session: Option<String>,
    /// The session token when the logged-in account is a resident's: an
    /// acknowledgement sent with it marks that household as reached (with the
    /// device token it is counted, but anonymous).
    pub resident_session: Option<String>,
}

/// Locks the write connection (a poisoned lock still guards a consistent file).
fn lock(db: &Mutex<Connection>) -> std::sync::MutexGuard<'_, Connection> {
    db.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// How one attempt of a row ended.
#[derive(Debug)]
enum Outcome {
    /// Acknowledged.
    Ack(Option<String>),
    /// Try again later.
    Transient(Error),
    /// Refused for good.
    Permanent(ErrorBody),
}

/// Sends unsent rows in order. Order is kept only where it matters: a row
/// waits for the rows it depends on (a request for its photos, a rating for
/// its request), while one stuck row does not hold back unrelated ones. A
/// row not due yet (with `honour_schedule`) or failing for its own reasons
/// is passed over; the drain stops only when the server cannot be reached at
/// all. A 401/403 about the device forgets the device, so the next attempt
/// registers it again; a second one for the same row sets the row aside.
/// Network problems are reported in [`DrainReport::last_error`], not as `Err`.
/// Errors: `storage` (and `storage` for a corrupt payload).
pub async fn drain<T: Transport>(
    env: &Env<'_, T>,
    policy: DrainPolicy,
    progress: &(dyn Fn(DrainProgress) + Send + Sync),
) -> Result<DrainReport, Error> {
    let todo = rows::unsent(&lock(env.db))?;
    let total = u32::try_from(todo.len()).unwrap_or(u32::MAX);
    let mut report = DrainReport::default();
    let mut finished = 0u32;
    'rows: for row in todo {
        let deps = dependencies(env.db, &row)?;
        if let Some(refused) = deps
            .iter()
            .find(|d| d.state == OutboxState::FailedPermanent)
        {
            let why = refused
                .last_error
                .as_ref()
                .map(|e| format!(" ({})", e.message.trim_end_matches('.')))
                .unwrap_or_default();
            let (resource, message) = if row.kind == OutboxKind::Draft {
                (
                    "draft",
                    format!(
                        "Tệp đính kèm bị máy chủ từ chối{why} nên thông báo chưa được gửi. \
                         Hãy soạn lại với tệp khác."
                    ),
                )
            } else {
                (
                    "request",
                    format!(
                        "Ảnh đính kèm bị máy chủ từ chối{why} nên phản ánh chưa được gửi. \
                         Hãy tạo lại phản ánh với ảnh khác."
                    ),
                )
            };
            let body = Error::Rejected {
                resource,
                status: 0,
                message,
            }
            .to_body();
            let now = env.clock.now();
            rows::durably(&mut lock(env.db), |c| {
                rows::mark_failed(c, row.id, &body, now)
            })?;
            report.failed_permanent += 1;
            finished += 1;
            continue;
        }
        if deps.iter().any(|d| d.state != OutboxState::Done) {
            // What it depends on is still unsent: it waits, the others go on.
            continue;
        }
        if policy.honour_schedule && row.next_attempt_at.is_some_and(|due| due > env.clock.now()) {
            continue;
        }
        let mut attempts = row.attempts;
        let mut inline = 0u32;
        loop {
            rows::mark_sending(&lock(env.db), row.id)?;
            let outcome = attempt(env, &row, &deps, finished, total, progress).await?;
            let now = env.clock.now();
            match outcome {
                Outcome::Ack(remote_id) => {
                    rows::durably(&mut lock(env.db), |c| {
                        rows::mark_done(c, row.id, remote_id.as_deref(), now)?;
                        if row.kind == OutboxKind::Request {
                            let p: RequestPayload = payload::decode(&row.payload)?;
                            draft_photos::delete(c, &p.photo_ids)?;
                        }
                        if row.kind == OutboxKind::Draft {
                            let p: DraftPayload = payload::decode(&row.payload)?;
                            let ids: Vec<String> = p.files.into_iter().map(|f| f.file_id).collect();
                            draft_photos::delete(c, &ids)?;
                        }
                        Ok(())
                    })?;
                    tracing::info!(
                        row = row.id,
                        kind = rows::kind_str(row.kind),
                        "outbox row sent"
                    );
                    report.sent += 1;
                    finished += 1;
                    progress(DrainProgress::rows(finished, total, row.kind));
                    continue 'rows;
                }
                Outcome::Permanent(body) => {
                    rows::durably(&mut lock(env.db), |c| {
                        rows::mark_failed(c, row.id, &body, now)
                    })?;
                    tracing::warn!(
                        row = row.id,
                        kind = rows::kind_str(row.kind),
                        "outbox row refused"
                    );
                    report.failed_permanent += 1;
                    finished += 1;
                    progress(DrainProgress::rows(finished, total, row.kind));
                    continue 'rows;
                }
                Outcome::Transient(err)
                    if err.code() == ErrorCode::Unauthorized
                        && row
                            .last_error
                            .as_ref()
                            .is_some_and(|e| e.code == ErrorCode::Unauthorized.as_str()) =>
                {
                    // Refused again after registering anew: the server will not
                    // let this device do it (e.g. rate another device's report).
                    let body = Error::Rejected {
                        resource: rows::kind_str(row.kind),
                        status: 403,
                        message: "Máy chủ không cho thiết bị này thực hiện việc này (thiết bị \
                                  đã được đăng ký lại). Hãy liên hệ UBND xã/phường."
                            .into(),
                    }
                    .to_body();
                    rows::durably(&mut lock(env.db), |c| {
                        rows::mark_failed(c, row.id, &body, now)
                    })?;
                    report.failed_permanent += 1;
                    finished += 1;
                    continue 'rows;
                }
                Outcome::Transient(err) => {
                    if err.code() == ErrorCode::Unauthorized {
                        // The next drain registers the device again.
                        settings::delete(&lock(env.db), settings::DEVICE_ID)?;
                        tracing::info!(
                            row = row.id,
                            "device not known to the server; re-registering"
                        );
                    }
                    attempts = attempts.saturating_add(1);
                    let delay = backoff(
                        attempts,
                        &mut env
                            .rng
                            .lock()
                            .unwrap_or_else(std::sync::PoisonError::into_inner),
                    );
                    let due =
                        now + chrono::Duration::from_std(delay).unwrap_or(chrono::Duration::MAX);
                    let body = err.to_body();
                    rows::mark_retry(&lock(env.db), row.id, attempts, due, &body)?;
                    tracing::info!(
                        row = row.id,
                        attempts,
                        delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
                        code = body.code,
                        "outbox row will be retried"
                    );
                    if inline < policy.inline_retries && err.code() != ErrorCode::Unauthorized {
                        inline += 1;
                        env.clock.sleep(delay).await;
                        continue;
                    }
                    let unreachable = err.code() == ErrorCode::Offline;
                    report.last_error = Some(body);
                    if unreachable {
                        // Nothing else can get through either.
                        break 'rows;
                    }
                    continue 'rows;
                }
            }
        }
    }
    report.pending = rows::unsent_count(&lock(env.db))?;
    Ok(report)
}

/// The rows `row` depends on (missing ones count as refused).
fn dependencies(db: &Mutex<Connection>, row: &OutboxRow) -> Result<Vec<OutboxRow>, Error> {
    let conn = lock(db);
    let mut deps = Vec::with_capacity(row.depends_on.len());
    for id in &row.depends_on {
        match rows::get(&conn, *id)? {
            Some(d) => deps.push(d),
            None => {
                return Err(Error::CorruptRow {
                    what: "outbox depends_on",
                    reason: format!("row {} needs missing row {id}", row.id),
                });
            }
        }
    }
    Ok(deps)
}

/// The `Authorization` header value, or a transient error when there is no device yet.
fn bearer<'e, T: Transport>(env: &'e Env<'_, T>) -> Result<(String, &'e DeviceCreds), Error> {
    match &env.device {
        Some(d) => Ok((format!("Bearer {}", d.token), d)),
        None => Err(Error::NotConfigured { what: "device" }),
    }
}

/// One attempt of one row: runs the row's machine over the transport.
async fn attempt<T: Transport>(
    env: &Env<'_, T>,
    row: &OutboxRow,
    deps: &[OutboxRow],
    finished: u32,
    total: u32,
    progress: &(dyn Fn(DrainProgress) + Send + Sync),
) -> Result<Outcome, Error> {
    if row.kind == OutboxKind::Upload {
        return upload(env, row, finished, total, progress).await;
    }
    if row.kind == OutboxKind::Draft {
        return draft(env, row, deps).await;
    }
    let (auth, device) = match bearer(env) {
        Ok(b) => b,
        Err(e) => return Ok(Outcome::Transient(e)),
    };
    let json = ("content-type", "application/json".to_string());
    let key = ("idempotency-key", row.uuid.clone());
    let (resource, call) = match row.kind {
        OutboxKind::Request => {
            let p: RequestPayload = payload::decode(&row.payload)?;
            let media_ids: Vec<String> = deps
                .iter()
                .filter(|d| d.kind == OutboxKind::Upload)
                .filter_map(|d| d.remote_id.clone())
                .collect();
            let Some(api_key) = env.api_key.as_deref() else {
                return Ok(Outcome::Transient(Error::NotConfigured { what: "api_key" }));
            };
            let body = payload::request_form(&p, api_key, Some(&device.device_id), &media_ids);
            (
                "request",
                Call {
                    resource: "request",
                    method: Method::Post,
                    path: "/open311/v2/requests.json".into(),
                    headers: vec![
                        key,
                        ("authorization", auth),
                        ("content-type", "application/x-www-form-urlencoded".into()),
                    ],
                    body,
                },
            )
        }
        OutboxKind::Rating => {
            let p: RatingPayload = payload::decode(&row.payload)?;
            let body = payload::encode(&congdan_protocol::requests::RatingInput {
                stars: p.stars,
                comment: p.comment.clone(),
            })?;
            let path = format!("/api/v1/my/requests/{}/rating", segment(&p.request_id));
            ("rating", json_call("rating", path, key, auth, json, body))
        }
        OutboxKind::Reopen => {
            let p: ReopenPayload = payload::decode(&row.payload)?;
            let body = payload::encode(&congdan_protocol::requests::ReopenInput {
                reason: p.reason.clone(),
            })?;
            let path = format!("/api/v1/my/requests/{}/reopen", segment(&p.request_id));
            ("reopen", json_call("reopen", path, key, auth, json, body))
        }
        OutboxKind::Support => {
            let p: SupportPayload = payload::decode(&row.payload)?;
            let path = format!("/api/v1/requests/{}/support", segment(&p.request_id));
            (
                "support",
                json_call("support", path, key, auth, json, String::new()),
            )
        }
        OutboxKind::Ack => {
            let p: AckPayload = payload::decode(&row.payload)?;
            let body = payload::encode(&congdan_protocol::announcements::AckInput {
                kind: p.kind,
                reason: p.reason.clone(),
                unit: Some(p.unit.clone()),
                household: None,
            })?;
            let path = format!("/api/v1/announcements/{}/ack", segment(&p.announcement_id));
            let auth = env
                .resident_session
                .as_ref()
                .map_or(auth, |token| format!("Bearer {token}"));
            let mut call = json_call("ack", path, key, auth, json, body);
            call.method = Method::Put;
            ("ack", call)
        }
        OutboxKind::Upload | OutboxKind::Draft => unreachable_upload()?,
    };
    let answer = match env.transport.send(&call).await {
        Ok(a) => a,
        Err(e) => return Ok(Outcome::Transient(e)),
    };
    Ok(match judge_simple(resource, &answer) {
        Step::Ack { remote_id } => Outcome::Ack(remote_id),
        Step::Permanent(body) => Outcome::Permanent(body),
        Step::Transient(e) => Outcome::Transient(e),
        Step::Send(_) => Outcome::Transient(Error::Internal {
            reason: "single-call row asked for a second call".into(),
        }),
    })
}

/// An official's draft: PUT with the session token, its attachments being
/// the uploads of the rows it depends on. Without a session, or when the
/// server no longer knows it (401), the row waits for a login (never
/// touching the device); a role or unit refusal (403) or a state that no
/// longer allows it (409) sets it aside with the server's reason.
async fn draft<T: Transport>(
    env: &Env<'_, T>,
    row: &OutboxRow,
    deps: &[OutboxRow],
) -> Result<Outcome, Error> {
    let not_logged_in = || Error::Official {
        resource: "announcement",
        status: 401,
        code: ErrorCode::NotLoggedIn,
        message: String::new(),
    };
    let Some(token) = env.session.as_deref() else {
        return Ok(Outcome::Transient(not_logged_in()));
    };
    let mut p: DraftPayload = payload::decode(&row.payload)?;
    if !p.files.is_empty() {
        p.draft.attachments = Some(draft_attachments(&p, deps)?);
    }
    let call = Call {
        resource: "draft",
        method: Method::Put,
        path: format!("/api/v1/official/announcements/{}", segment(&p.id)),
        headers: vec![
            ("idempotency-key", row.uuid.clone()),
            ("authorization", format!("Bearer {token}")),
            ("content-type", "application/json".to_string()),
        ],
        body: payload::encode(&p.draft)?.into_bytes(),
    };
    let answer = match env.transport.send(&call).await {
        Ok(a) => a,
        Err(e) => return Ok(Outcome::Transient(e)),
    };
    Ok(match answer.status {
        401 => Outcome::Transient(not_logged_in()),
        403 => Outcome::Permanent(
            Error::Rejected {
                resource: "draft",
                status: 403,
                message: machine::server_message(&answer).unwrap_or_default(),
            }
            .to_body(),
        ),
        _ => match judge_simple("draft", &answer) {
            Step::Ack { .. } => Outcome::Ack(Some(p.id)),
            Step::Permanent(body) => Outcome::Permanent(body),
            Step::Transient(e) => Outcome::Transient(e),
            Step::Send(_) => Outcome::Transient(Error::Internal {
                reason: "draft row asked for a second call".into(),
            }),
        },
    })
}

/// The draft's attachments: for each file, the server id of the upload row
/// that sent its bytes (all of them done, or the draft would not be sent).
fn draft_attachments(
    p: &DraftPayload,
    deps: &[OutboxRow],
) -> Result<Vec<congdan_protocol::announcements::AttachmentInput>, Error> {
    let mut uploads = Vec::with_capacity(deps.len());
    for dep in deps.iter().filter(|d| d.kind == OutboxKind::Upload) {
        let upload: UploadPayload = payload::decode(&dep.payload)?;
        uploads.push((upload.photo_id, dep.remote_id.clone()));
    }
    p.files
        .iter()
        .map(|file| {
            let remote = uploads
                .iter()
                .find(|(id, _)| *id == file.file_id)
                .and_then(|(_, remote)| remote.clone())
                .ok_or_else(|| Error::CorruptRow {
                    what: "outbox draft",
                    reason: format!("no finished upload for file {}", file.file_id),
                })?;
            Ok(congdan_protocol::announcements::AttachmentInput {
                upload: remote,
                name: file.name.clone(),
            })
        })
        .collect()
}

/// Uploads and drafts are dispatched before the match; reaching it is a bug.
fn unreachable_upload() -> Result<(&'static str, Call), Error> {
    Err(Error::Internal {
        reason: "upload row in the single-call path".into(),
    })
}

/// A JSON POST with key and bearer.
fn json_call(
    resource: &'static str,
    path: String,
    key: (&'static str, String),
    auth: String,
    json: (&'static str, String),
    body: String,
) -> Call {
    Call {
        resource,
        method: Method::Post,
        path,
        headers: vec![key, ("authorization", auth), json],
        body: body.into_bytes(),
    }
}

/// A request id made safe as one path segment.
fn segment(id: &str) -> String {
    url::form_urlencoded::byte_serialize(id.as_bytes()).collect()
}

/// Settings key of the upload chunk size the profile learned.
const CHUNK_KEY: &str = "upload_chunk";

/// One attempt of an upload row: HEAD/POST, then PATCH chunks to the end, each
/// chunk sized from the throughput the ones before it measured.
async fn upload<T: Transport>(
    env: &Env<'_, T>,
    row: &OutboxRow,
    finished: u32,
    total: u32,
    progress: &(dyn Fn(DrainProgress) + Send + Sync),
) -> Result<Outcome, Error> {
    let p: UploadPayload = payload::decode(&row.payload)?;
    let Some(photo) = draft_photos::get(&lock(env.db), &p.photo_id)? else {
        return Ok(Outcome::Permanent(
            Error::Rejected {
                resource: "upload",
                status: 0,
                message: "Ảnh đính kèm không còn trên máy.".into(),
            }
            .to_body(),
        ));
    };
    // The server takes uploads only from a registered device (or an app key).
    let auth = match bearer(env) {
        Ok((auth, _)) => auth,
        Err(e) => return Ok(Outcome::Transient(e)),
    };
    let mut size = ChunkSize::start(settings::learned(&lock(env.db), CHUNK_KEY));
    let mut machine = UploadMachine::new(
        &row.uuid,
        &p.mime,
        photo.bytes,
        row.remote_id.clone(),
        size.bytes(),
    );
    let mut known_id = row.remote_id.clone();
    // Enough calls for the smallest chunks, answered 409 or cut now and then.
    let most_chunks = machine.length() / chunks::MIN_CHUNK as u64 + 1;
    let mut budget = most_chunks * 3 + 10;
    let mut step = machine.start();
    loop {
        match step {
            Step::Send(mut call) => {
                call.headers.push(("authorization", auth.clone()));
                if budget == 0 {
                    return Ok(Outcome::Transient(Error::BadResponse {
                        resource: "upload".into(),
                        reason: "upload does not progress".into(),
                    }));
                }
                budget -= 1;
                let sent = Instant::now();
                let answer = match env.transport.send(&call).await {
                    Ok(a) => a,
                    // A chunk cut in flight: the server kept what came, and the
                    // next attempt resumes from there with the same chunk size.
                    Err(e) => return Ok(Outcome::Transient(e)),
                };
                if call.method == Method::Patch
                    && (200..300).contains(&answer.status)
                    && size.after_chunk(call.body.len(), sent.elapsed())
                {
                    settings::keep_learned(&lock(env.db), CHUNK_KEY, size.bytes());
                    machine.set_chunk(size.bytes());
                }
                step = machine.on_answer(&answer);
                if machine.remote_id().map(str::to_string) != known_id {
                    known_id = machine.remote_id().map(str::to_string);
                    if let Some(id) = &known_id {
                        rows::set_remote_id(&lock(env.db), row.id, id)?;
                    }
                }
                progress(DrainProgress {
                    done: finished,
                    total,
                    kind: OutboxKind::Upload,
                    uploaded_bytes: machine.offset(),
                    total_bytes: machine.length(),
                });
            }
            Step::Ack { remote_id } => return Ok(Outcome::Ack(remote_id)),
            Step::Transient(e) => return Ok(Outcome::Transient(e)),
            Step::Permanent(body) => return Ok(Outcome::Permanent(body)),
        }
    }
}
