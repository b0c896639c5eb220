//! Announcements (thông báo) under `/api/v1`: a village head, officer or admin
//! drafts (`PUT /official/announcements/{id}`, the client's UUID makes a retry
//! harmless) and submits; an editor or admin whose unit covers every target
//! unit approves or returns it with a comment; residents get the published
//! ones of their unit and its ancestors (`GET /announcements?unit=`) and
//! acknowledge from their device; officials record acknowledgements on behalf
//! of households without a smartphone. Every official write leaves an audit
//! record in the same transaction.
//!
//! Role and unit checks come first ([`crate::authz`]); the storage only
//! refuses impossible state changes.

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use congdan_protocol::announcements::{
    AckCounts, AckInput, AckKind, Announcement, AnnouncementDraft, AnnouncementStatus, Attachment,
    AttachmentInput, MAX_ATTACHMENTS, MAX_BODY_CHARS, MAX_NOTE_CHARS, MAX_TITLE_CHARS, MAX_UNITS,
    OfficialAnnouncement, ReturnInput, UnitHouseholds, attachment_name,
};
use congdan_protocol::requests::Role;
use serde::Deserialize;
use tower_http::limit::RequestBodyLimitLayer;

use crate::AppState;
use crate::authz;
use crate::error::AppError;
use crate::routes::Routes;
use crate::storage::accounts::Account;
use crate::storage::announcements::{AckRow, AnnouncementConflict, AnnouncementRow, AttachmentRow};

/// Body limit of a draft (title, text, units, event).
pub const DRAFT_BODY_LIMIT: usize = 64 * 1024;
/// Body limit of an acknowledgement or a return comment.
pub const SMALL_BODY_LIMIT: usize = 8 * 1024;
/// Most announcements in one list.
pub const LIST_LIMIT: u32 = 500;

/// Routes of this module, each with its own body limit (docs/PROTOCOL.md).
pub fn router() -> Routes {
    Routes::new()
        .route(
            "/announcements",
            get(published).layer(axum::middleware::from_fn(crate::revalidate::etag_from_body)),
        )
        .route(
            "/announcements/{id}",
            get(one_published).layer(axum::middleware::from_fn(crate::revalidate::etag_from_body)),
        )
        .route(
            "/announcements/{id}/ack",
            put(device_ack).layer(RequestBodyLimitLayer::new(SMALL_BODY_LIMIT)),
        )
        .route("/units/{code}/villages", get(villages))
        .route("/official/announcements", get(official_list))
        .route(
            "/official/announcements/{id}",
            put(save_draft).layer(RequestBodyLimitLayer::new(DRAFT_BODY_LIMIT)),
        )
        .route(
            "/official/announcements/{id}/submit",
            post(submit).layer(RequestBodyLimitLayer::new(SMALL_BODY_LIMIT)),
        )
        .route(
            "/official/announcements/{id}/approve",
            post(approve).layer(RequestBodyLimitLayer::new(SMALL_BODY_LIMIT)),
        )
        .route(
            "/official/announcements/{id}/return",
            post(send_back).layer(RequestBodyLimitLayer::new(SMALL_BODY_LIMIT)),
        )
        .route(
            "/official/announcements/{id}/acks",
            put(proxy_ack).layer(RequestBodyLimitLayer::new(SMALL_BODY_LIMIT)),
        )
        .route("/official/announcements/{id}/households", get(households))
}

/// `text` trimmed, refused when blank or longer than `max` characters.
fn required(text: &str, max: usize, message: &'static str) -> Result<String, AppError> {
    let text = text.trim();
    if text.is_empty() || text.chars().count() > max {
        return Err(AppError::Invalid(message));
    }
    Ok(text.to_owned())
}

/// `text` trimmed, `None` when blank, refused when too long.
fn optional(text: Option<&str>, message: &'static str) -> Result<Option<String>, AppError> {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        Some(t) if t.chars().count() > MAX_NOTE_CHARS => Err(AppError::Invalid(message)),
        other => Ok(other.map(str::to_owned)),
    }
}

fn check_id(id: &str) -> Result<(), AppError> {
    uuid::Uuid::parse_str(id)
        .map(|_| ())
        .map_err(|_| AppError::Invalid("Mã thông báo phải là một UUID."))
}

/// The checked attachments of a draft: at most [`MAX_ATTACHMENTS`], each
/// named (the last path segment of what was sent, without control
/// characters). Whether each upload is usable is checked by the storage, in
/// the transaction that attaches it.
fn attachments(input: &[AttachmentInput]) -> Result<Vec<AttachmentRow>, AppError> {
    if input.len() > MAX_ATTACHMENTS {
        return Err(AppError::Invalid(
            "Tối đa 6 ảnh hoặc tệp PDF cho một thông báo.",
        ));
    }
    input
        .iter()
        .map(|file| {
            let name = attachment_name(&file.name).ok_or(AppError::Invalid(
                "Tên tệp đính kèm không hợp lệ (tối đa 120 ký tự).",
            ))?;
            Ok(AttachmentRow {
                upload: file.upload.clone(),
                name,
                mime: String::new(),
                bytes: 0,
            })
        })
        .collect()
}

/// Attachments as clients get them, with absolute links to the bytes.
fn attachment_views(state: &AppState, rows: Vec<AttachmentRow>) -> Vec<Attachment> {
    rows.into_iter()
        .map(|file| Attachment {
            url: state.config.public_url.join(&format!(
                "{}/media/{}",
                crate::open311::OPEN311_PREFIX,
                file.upload
            )),
            name: file.name,
            mime: file.mime,
            bytes: file.bytes,
        })
        .collect()
}

/// The stored announcement, or 404.
async fn load(state: &AppState, id: &str) -> Result<AnnouncementRow, AppError> {
    state
        .storage
        .announcement(id.to_owned())
        .await?
        .ok_or(AppError::Announcement(AnnouncementConflict::NotFound))
}

/// 403 unless the account covers every unit the announcement goes to.
async fn require_all_units(
    state: &AppState,
    account: &Account,
    units: &[String],
) -> Result<(), AppError> {
    for unit in units {
        authz::require_unit(state, account, unit).await?;
    }
    Ok(())
}

/// Whether the announcement reaches households of `unit` (one of its units
/// is `unit` or an ancestor of it).
async fn reaches(state: &AppState, row: &AnnouncementRow, unit: &str) -> Result<bool, AppError> {
    let chain = authz::unit_chain(state, unit).await?;
    Ok(row.units.iter().any(|u| chain.contains(u)))
}

async fn official_view(
    state: &AppState,
    row: AnnouncementRow,
) -> Result<OfficialAnnouncement, AppError> {
    let acks_by_unit = state.storage.ack_counts(row.id.clone()).await?;
    let acks = acks_by_unit
        .iter()
        .fold(AckCounts::default(), |sum, u| AckCounts {
            seen: sum.seen + u.counts.seen,
            going: sum.going + u.counts.going,
            not_going: sum.not_going + u.counts.not_going,
            by_proxy: sum.by_proxy + u.counts.by_proxy,
        });
    Ok(OfficialAnnouncement {
        id: row.id,
        title: row.title,
        body: row.body,
        units: row.units,
        event_start: row.event_start,
        event_place: row.event_place,
        status: row.status,
        author: row.author,
        author_name: row.author_name,
        author_unit: row.author_unit,
        return_comment: row.return_comment,
        updated_at: row.updated_at,
        published_at: row.published_at,
        attachments: attachment_views(state, row.attachments),
        acks,
        acks_by_unit,
    })
}

/// `GET /units/{code}/villages`: the villages a commune's admin added, for
/// residents choosing a home village (404 for an unknown commune).
async fn villages(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> Result<Json<Vec<congdan_protocol::Unit>>, AppError> {
    if state.storage.unit(code.clone()).await?.is_none() {
        return Err(AppError::UnknownUnit);
    }
    Ok(Json(state.storage.villages(code).await?))
}

/// Query of `GET /announcements`.
#[derive(Debug, Deserialize)]
struct UnitQuery {
    unit: Option<String>,
}

/// `GET /announcements?unit=CODE`: published announcements going to the unit
/// or any unit above it (a village's resident also gets the commune's).
async fn published(
    State(state): State<AppState>,
    Query(query): Query<UnitQuery>,
) -> Result<Json<Vec<Announcement>>, AppError> {
    let unit = query
        .unit
        .filter(|u| !u.trim().is_empty())
        .ok_or(AppError::BadParam { param: "unit" })?;
    if authz::find_unit(&state, &unit).await?.is_none() {
        return Err(AppError::UnknownUnit);
    }
    let chain = authz::unit_chain(&state, &unit).await?;
    let rows = state
        .storage
        .published_announcements(chain, LIST_LIMIT)
        .await?;
    Ok(Json(
        rows.into_iter()
            .filter_map(|row| public_view(&state, row))
            .collect(),
    ))
}

/// What residents and the public see of a row: only a published one.
fn public_view(state: &AppState, row: AnnouncementRow) -> Option<Announcement> {
    if row.status != AnnouncementStatus::Published {
        return None;
    }
    Some(Announcement {
        published_at: row.published_at?,
        id: row.id,
        title: row.title,
        body: row.body,
        units: row.units,
        event_start: row.event_start,
        event_place: row.event_place,
        author_name: row.author_name,
        author_unit: row.author_unit,
        attachments: attachment_views(state, row.attachments),
    })
}

/// `GET /announcements/{id}`: one published announcement, for anyone (the
/// link and QR code an announcement is shared with): JSON, or the page of
/// [`crate::announcement_page`] for a browser (`Accept: text/html`); 404 for
/// any other state, so drafts and announcements under review never leak.
async fn one_published(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    check_id(&id)?;
    let row = load(&state, &id).await?;
    let item =
        public_view(&state, row).ok_or(AppError::Announcement(AnnouncementConflict::NotFound))?;
    let wants_page = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.contains("text/html"));
    let vary = [(header::VARY, HeaderValue::from_static("accept"))];
    if !wants_page {
        return Ok((vary, Json(item)).into_response());
    }
    Ok((
        vary,
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            ),
            (
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_str(&crate::announcement_page::page_csp(
                    state.config.public_url.as_str(),
                ))
                .unwrap_or(HeaderValue::from_static("default-src 'none'")),
            ),
        ],
        crate::announcement_page::render(&item),
    )
        .into_response())
}

/// The checked acknowledgement of `input`.
fn ack_fields(input: &AckInput) -> Result<Option<String>, AppError> {
    let reason = optional(
        input.reason.as_deref(),
        "Lý do quá dài (tối đa 1.000 ký tự).",
    )?;
    if input.kind == AckKind::NotGoing && reason.is_none() {
        return Err(AppError::Invalid("Cần ghi lý do khi không tham gia được."));
    }
    Ok(reason)
}

/// The acknowledgement key of a household recorded by proxy; a resident
/// account named `name` in `unit` counts as reached by it.
fn household_key(unit: &str, name: &str) -> String {
    format!("household:{unit}:{}", name.to_lowercase())
}

/// The acknowledgement key of a resident account (a household with the app).
fn account_key(username: &str) -> String {
    format!("account:{username}")
}

/// Who answers on `PUT /announcements/{id}/ack`: a device (anonymous, for
/// the household of the unit it names) or a logged-in resident account (the
/// household of the account's unit, so the author sees it reached).
async fn acknowledger(
    state: &AppState,
    headers: &HeaderMap,
    unit: Option<&str>,
) -> Result<(String, String), AppError> {
    let unit = unit.map(str::trim).filter(|u| !u.is_empty());
    match crate::residents::device(state, headers).await {
        Ok(device) => Ok((
            format!("device:{device}"),
            unit.ok_or(AppError::BadParam { param: "unit" })?.to_owned(),
        )),
        Err(AppError::Unauthorized) => {
            let account = authz::official(state, headers, |role| role == Role::Resident).await?;
            Ok((account_key(&account.username), account.unit))
        }
        Err(other) => Err(other),
    }
}

/// `PUT /announcements/{id}/ack`: a resident's device, or a resident
/// account's session, answers; its last answer counts, so a retry from the
/// outbox changes nothing.
async fn device_ack(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Result<Json<AckInput>, JsonRejection>,
) -> Result<StatusCode, AppError> {
    let input = crate::error::json_body(body)?;
    let (key, unit) = acknowledger(&state, &headers, input.unit.as_deref()).await?;
    let reason = ack_fields(&input)?;
    let row = load(&state, &id).await?;
    if row.status != AnnouncementStatus::Published {
        return Err(AppError::Announcement(AnnouncementConflict::NotFound));
    }
    if !reaches(&state, &row, &unit).await? {
        return Err(AppError::Invalid("Thông báo không gửi tới đơn vị này."));
    }
    state
        .storage
        .put_ack(
            AckRow {
                announcement_id: id,
                key,
                unit,
                kind: input.kind,
                reason,
                by_proxy: false,
                household: None,
                at: (state.clock)(),
            },
            None,
        )
        .await?;
    tracing::info!(kind = input.kind.as_str(), "acknowledgement stored");
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /official/announcements`: the account's own announcements, and the
/// submitted, returned and published ones going to a unit it covers.
async fn official_list(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<Vec<OfficialAnnouncement>>, AppError> {
    let account = authz::official(&state, &headers, Role::is_official).await?;
    let rows = state
        .storage
        .official_announcements(account.username.clone(), LIST_LIMIT)
        .await?;
    let mut out = Vec::new();
    for row in rows {
        let mut visible = row.author == account.username;
        if !visible && row.status != AnnouncementStatus::Draft {
            for unit in &row.units {
                if authz::covers(&state, &account.unit, unit).await? {
                    visible = true;
                    break;
                }
            }
        }
        if visible {
            out.push(official_view(&state, row).await?);
        }
    }
    Ok(Json(out))
}

/// `PUT /official/announcements/{id}`: create or change the author's draft
/// (a returned one becomes a draft again).
async fn save_draft(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Result<Json<AnnouncementDraft>, JsonRejection>,
) -> Result<Json<OfficialAnnouncement>, AppError> {
    let account = authz::official(&state, &headers, Role::drafts_announcements).await?;
    let draft = crate::error::json_body(body)?;
    check_id(&id)?;
    let title = required(
        &draft.title,
        MAX_TITLE_CHARS,
        "Tiêu đề không được để trống (tối đa 200 ký tự).",
    )?;
    let text = required(
        &draft.body,
        MAX_BODY_CHARS,
        "Nội dung không được để trống (tối đa 10.000 ký tự).",
    )?;
    let event_place = optional(
        draft.event_place.as_deref(),
        "Địa điểm quá dài (tối đa 1.000 ký tự).",
    )?;
    let mut units: Vec<String> = draft
        .units
        .iter()
        .map(|u| u.trim().to_owned())
        .filter(|u| !u.is_empty())
        .collect();
    units.sort();
    units.dedup();
    if units.is_empty() || units.len() > MAX_UNITS {
        return Err(AppError::Invalid(
            "Cần chọn từ 1 đến 50 đơn vị nhận thông báo.",
        ));
    }
    for unit in &units {
        if authz::find_unit(&state, unit).await?.is_none() {
            return Err(AppError::UnknownUnit);
        }
    }
    require_all_units(&state, &account, &units).await?;
    let files = match &draft.attachments {
        Some(list) => attachments(list)?,
        // Left out: the draft keeps the files it has (rewritten as they are).
        None => match state.storage.announcement(id.clone()).await? {
            Some(existing) if existing.author == account.username => existing.attachments,
            _ => Vec::new(),
        },
    };
    let now = (state.clock)();
    let record = authz::audit(&state, &account, "announcement.draft", &id, "");
    let stored = state
        .storage
        .save_draft(
            AnnouncementRow {
                id,
                author: account.username.clone(),
                author_name: account.name.clone(),
                author_unit: account.unit.clone(),
                title,
                body: text,
                units,
                event_start: draft.event_start,
                event_place,
                status: AnnouncementStatus::Draft,
                return_comment: None,
                created_at: now,
                updated_at: now,
                published_at: None,
                attachments: files,
            },
            record,
        )
        .await??;
    tracing::info!("announcement draft saved");
    Ok(Json(official_view(&state, stored).await?))
}

/// `POST /official/announcements/{id}/submit`: the author sends it for review.
async fn submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Json<OfficialAnnouncement>, AppError> {
    let account = authz::official(&state, &headers, Role::drafts_announcements).await?;
    let row = load(&state, &id).await?;
    if row.author != account.username {
        return Err(AppError::Announcement(AnnouncementConflict::OtherAuthor));
    }
    let record = authz::audit(&state, &account, "announcement.submit", &id, "");
    let moved = state
        .storage
        .move_announcement(
            id,
            vec![AnnouncementStatus::Draft, AnnouncementStatus::Returned],
            AnnouncementStatus::Submitted,
            None,
            record,
        )
        .await??;
    Ok(Json(official_view(&state, moved).await?))
}

/// A reviewer's decision on a submitted announcement of units they cover.
async fn review(
    state: &AppState,
    headers: &HeaderMap,
    id: String,
    to: AnnouncementStatus,
    comment: Option<String>,
) -> Result<Json<OfficialAnnouncement>, AppError> {
    let account = authz::official(state, headers, Role::reviews_announcements).await?;
    let row = load(state, &id).await?;
    require_all_units(state, &account, &row.units).await?;
    let action = if to == AnnouncementStatus::Published {
        "announcement.approve"
    } else {
        "announcement.return"
    };
    let record = authz::audit(state, &account, action, &id, "");
    let moved = state
        .storage
        .move_announcement(id, vec![AnnouncementStatus::Submitted], to, comment, record)
        .await??;
    tracing::info!(status = to.as_str(), "announcement reviewed");
    Ok(Json(official_view(state, moved).await?))
}

/// `POST /official/announcements/{id}/approve`: published to residents.
async fn approve(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Json<OfficialAnnouncement>, AppError> {
    review(&state, &headers, id, AnnouncementStatus::Published, None).await
}

/// `POST /official/announcements/{id}/return`: back to the author with a comment.
async fn send_back(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Result<Json<ReturnInput>, JsonRejection>,
) -> Result<Json<OfficialAnnouncement>, AppError> {
    // Role first, so a refused caller learns nothing about the body rules.
    authz::official(&state, &headers, Role::reviews_announcements).await?;
    let input = crate::error::json_body(body)?;
    let comment = required(
        &input.comment,
        MAX_NOTE_CHARS,
        "Cần ghi nhận xét khi trả lại (tối đa 1.000 ký tự).",
    )?;
    review(
        &state,
        &headers,
        id,
        AnnouncementStatus::Returned,
        Some(comment),
    )
    .await
}

/// `PUT /official/announcements/{id}/acks`: an official records a household's
/// answer on its behalf (marked as such, audited). The household's unit
/// defaults to the official's and must be covered by it.
async fn proxy_ack(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Result<Json<AckInput>, JsonRejection>,
) -> Result<Json<OfficialAnnouncement>, AppError> {
    let account = authz::official(&state, &headers, Role::drafts_announcements).await?;
    let input = crate::error::json_body(body)?;
    let unit = input
        .unit
        .as_deref()
        .map(str::trim)
        .filter(|u| !u.is_empty())
        .unwrap_or(&account.unit)
        .to_owned();
    authz::require_unit(&state, &account, &unit).await?;
    let reason = ack_fields(&input)?;
    let household = optional(
        input.household.as_deref(),
        "Tên hộ quá dài (tối đa 1.000 ký tự).",
    )?
    .ok_or(AppError::Invalid(
        "Cần ghi tên hộ gia đình được ghi nhận thay.",
    ))?;
    let row = load(&state, &id).await?;
    if row.status != AnnouncementStatus::Published {
        return Err(AppError::Announcement(AnnouncementConflict::WrongState(
            row.status,
        )));
    }
    if !reaches(&state, &row, &unit).await? {
        return Err(AppError::Invalid("Thông báo không gửi tới đơn vị này."));
    }
    let record = authz::audit(
        &state,
        &account,
        "announcement.ack_by_proxy",
        &id,
        input.kind.as_str(),
    );
    state
        .storage
        .put_ack(
            AckRow {
                announcement_id: id,
                key: household_key(&unit, &household),
                unit,
                kind: input.kind,
                reason,
                by_proxy: true,
                household: Some(household),
                at: (state.clock)(),
            },
            Some(record),
        )
        .await?;
    Ok(Json(official_view(&state, row).await?))
}

/// `GET /official/announcements/{id}/households`: for its author, per unit
/// it reaches (each target and every unit below it), the households
/// (resident accounts of that unit) and those that have not acknowledged,
/// neither from the app nor by proxy under their name.
async fn households(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Json<Vec<UnitHouseholds>>, AppError> {
    let account = authz::official(&state, &headers, Role::drafts_announcements).await?;
    check_id(&id)?;
    let row = load(&state, &id).await?;
    if row.author != account.username {
        return Err(AppError::Forbidden);
    }
    let mut units: Vec<String> = Vec::new();
    for target in &row.units {
        for unit in authz::descendants(&state, target).await? {
            if !units.contains(&unit) {
                units.push(unit);
            }
        }
    }
    let keys: std::collections::HashSet<String> =
        state.storage.ack_keys(id).await?.into_iter().collect();
    let mut out: Vec<UnitHouseholds> = Vec::new();
    for resident in state.storage.residents_of(units).await? {
        let reached = keys.contains(&account_key(&resident.username))
            || keys.contains(&household_key(&resident.unit, &resident.name));
        let entry = match out.iter_mut().find(|u| u.unit == resident.unit) {
            Some(entry) => entry,
            None => {
                out.push(UnitHouseholds {
                    unit: resident.unit.clone(),
                    households: 0,
                    not_reached: Vec::new(),
                });
                out.last_mut().ok_or(AppError::NotFound)?
            }
        };
        entry.households += 1;
        if !reached {
            entry.not_reached.push(resident.name);
        }
    }
    Ok(Json(out))
}
