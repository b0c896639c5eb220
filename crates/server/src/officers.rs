//! Officials under `/api/v1`: login (limited per username and address),
//! logout, their unit's requests, status changes (each writes a
//! `servicerequestupdates` entry, bumps the request's `seq` and leaves an
//! audit record in the same transaction), routing a request to another unit
//! or assigning it to an officer (also audited in the same transaction), and
//! the audit log itself.
//!
//! Every call is checked by [`crate::authz`]: an officer of a commune sees and
//! changes only that commune's requests (and its villages'); an account of a
//! province also covers the province's communes.

use axum::Json;
use axum::extract::rejection::JsonRejection;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use axum::extract::connect_info::ConnectInfo;
use axum::extract::{Extension, Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use congdan_protocol::announcements::AuditEntry;
use congdan_protocol::open311::DetailedStatus;
use congdan_protocol::requests::{
    AssignInput, LoginInput, OfficerRequest, Role, Session, StatusChange,
};
use tower_http::limit::RequestBodyLimitLayer;

use crate::AppState;
use crate::authz;
use crate::error::AppError;
use crate::login_limits::{MAX_FAILURES_PER_ACCOUNT, MAX_FAILURES_PER_ADDRESS, addr_key, user_key};
use crate::routes::Routes;
use crate::secrets::hash_token;
use crate::storage::requests::{AssignTarget, Assignment, RequestFilter, StatusStep};

/// Body limit of a login (username and password).
pub const LOGIN_BODY_LIMIT: usize = 4 * 1024;
/// Body limit of a status change (note and answer).
pub const STATUS_BODY_LIMIT: usize = 64 * 1024;

/// Routes of this module, each with its own body limit (docs/PROTOCOL.md).
pub fn router() -> Routes {
    Routes::new()
        .route(
            "/auth/login",
            post(login).layer(RequestBodyLimitLayer::new(LOGIN_BODY_LIMIT)),
        )
        .route(
            "/auth/logout",
            post(logout).layer(RequestBodyLimitLayer::new(LOGIN_BODY_LIMIT)),
        )
        .route("/official/audit", get(audit_log))
        .route("/official/reach", get(crate::reach::reach))
        .route("/officer/requests", get(list))
        .route(
            "/officer/requests/{id}/status",
            post(change_status).layer(RequestBodyLimitLayer::new(STATUS_BODY_LIMIT)),
        )
        .route(
            "/officer/requests/{id}/assign",
            post(assign).layer(RequestBodyLimitLayer::new(LOGIN_BODY_LIMIT)),
        )
}

/// `POST /auth/login`: refused with 429 and `Retry-After` while the username
/// or the client address is locked ([`crate::login_limits`]), before any hashing.
async fn login(
    State(state): State<AppState>,
    peer: Option<Extension<ConnectInfo<SocketAddr>>>,
    body: Result<Json<LoginInput>, JsonRejection>,
) -> Result<Json<Session>, AppError> {
    let input = crate::error::json_body(body)?;
    let addr = peer.map_or(
        IpAddr::V4(Ipv4Addr::UNSPECIFIED),
        |Extension(ConnectInfo(addr))| addr.ip(),
    );
    let (user, from) = (user_key(&input.username), addr_key(addr));
    let now = (state.clock)();
    state
        .storage
        .login_locked(vec![user.clone(), from.clone()], now)
        .await?
        .map_err(|wait| {
            tracing::info!("login refused by the failure limit");
            AppError::LoginLocked(wait)
        })?;
    let session = crate::accounts::login(
        state.storage.as_ref(),
        &state.hashing,
        &input.username,
        &input.password,
        now,
    )
    .await
    .map_err(|e| {
        tracing::error!(error = %e, "login failed");
        match e {
            crate::accounts::AccountError::Storage(s) => AppError::Storage(s),
            _ => AppError::BadCredentials,
        }
    })?;
    match session {
        Some(session) => {
            state.storage.login_cleared(user).await?;
            tracing::info!(role = session.role.as_str(), "official logged in");
            Ok(Json(session))
        }
        None => {
            let now = (state.clock)();
            state
                .storage
                .login_failed(
                    vec![
                        (user, MAX_FAILURES_PER_ACCOUNT),
                        (from, MAX_FAILURES_PER_ADDRESS),
                    ],
                    now,
                )
                .await?;
            Err(AppError::BadCredentials)
        }
    }
}

/// `POST /auth/logout`: ends the bearer's session (204; 401 when it is not live).
async fn logout(State(state): State<AppState>, headers: HeaderMap) -> Result<StatusCode, AppError> {
    let token = crate::accounts::bearer(&headers).ok_or(AppError::Unauthorized)?;
    if state.storage.delete_session(hash_token(token)).await? {
        tracing::info!("official logged out");
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(AppError::Unauthorized)
    }
}

/// `GET /official/audit`: the newest audit records made from the admin's unit
/// or below it.
async fn audit_log(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<Vec<AuditEntry>>, AppError> {
    let account = authz::official(&state, &headers, |role| role == Role::Admin).await?;
    let units = authz::descendants(&state, &account.unit).await?;
    Ok(Json(state.storage.audit(units, 500).await?))
}

/// Whether `unit` lies within the account's scope; a request without a unit
/// (the national triage queue, [`crate::open311::triage`]) is every admin's.
async fn in_scope(
    state: &AppState,
    account: &crate::storage::accounts::Account,
    unit: Option<&str>,
) -> Result<bool, AppError> {
    match unit {
        Some(unit) => authz::covers(state, &account.unit, unit).await,
        None => Ok(account.role == Role::Admin),
    }
}

async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Result<Json<Vec<OfficerRequest>>, AppError> {
    let account = authz::official(&state, &headers, Role::handles_requests).await?;
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(raw.as_deref().unwrap_or(""))
        .map_err(|_| AppError::Invalid("Chuỗi tham số không hợp lệ."))?;
    let get = |name: &str| {
        pairs
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
            .filter(|value| !value.is_empty())
    };
    let asked = get("unit");
    let unit = asked.unwrap_or(&account.unit).to_owned();
    if !in_scope(&state, &account, Some(&unit)).await? {
        return Err(AppError::Forbidden);
    }
    let detailed = match get("status") {
        None => None,
        Some(text) => Some(vec![
            DetailedStatus::parse(text).ok_or(AppError::BadParam { param: "status" })?,
        ]),
    };
    let found = state
        .storage
        .find_requests(RequestFilter {
            units: Some(vec![unit]),
            // An admin's own inbox also shows the national triage queue.
            national: asked.is_none() && account.role == Role::Admin,
            detailed,
            limit: 1000,
            ..RequestFilter::default()
        })
        .await?;
    let mut out = Vec::with_capacity(found.len());
    for request in found {
        if let Some(view) = state
            .storage
            .officer_request(request.service_request_id)
            .await?
        {
            out.push(view);
        }
    }
    Ok(Json(out))
}

async fn change_status(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Result<Json<StatusChange>, JsonRejection>,
) -> Result<Json<OfficerRequest>, AppError> {
    let account = authz::official(&state, &headers, Role::handles_requests).await?;
    let change = crate::error::json_body(body)?;
    if change.status == DetailedStatus::Submitted {
        return Err(AppError::Invalid("Không thể chuyển về trạng thái đã gửi."));
    }
    let answer = change
        .answer
        .map(|a| a.trim().to_owned())
        .filter(|a| !a.is_empty());
    if change.status == DetailedStatus::Answered && answer.is_none() {
        return Err(AppError::Invalid(
            "Cần nội dung trả lời khi chuyển sang đã trả lời.",
        ));
    }
    let current = state
        .storage
        .officer_request(id.clone())
        .await?
        .ok_or(AppError::NotFound)?;
    if !in_scope(&state, &account, current.request.unit.as_deref()).await? {
        return Err(AppError::Forbidden);
    }
    let step = StatusStep {
        status: change.status,
        note: change.note.unwrap_or_default().trim().to_owned(),
        note_public: change.note_public,
        answer,
        officer: account.name.clone(),
        at: (state.clock)(),
    };
    let record = authz::audit(
        &state,
        &account,
        "request.status",
        &id,
        change.status.as_str(),
    );
    let updated = state.storage.change_status(id, step, record).await??;
    tracing::info!(
        request = %updated.request.service_request_id,
        status = change.status.as_str(),
        "status changed"
    );
    Ok(Json(updated))
}

/// `POST /officer/requests/{id}/assign`: route a request in the officer's
/// scope to any unit (triage sends requests on to whoever covers them), or
/// give it to an officer account whose unit covers the request's unit.
async fn assign(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Result<Json<AssignInput>, JsonRejection>,
) -> Result<Json<OfficerRequest>, AppError> {
    let account = authz::official(&state, &headers, Role::handles_requests).await?;
    let input = crate::error::json_body(body)?;
    let current = state
        .storage
        .officer_request(id.clone())
        .await?
        .ok_or(AppError::NotFound)?;
    let unit = current.request.unit.clone();
    if !in_scope(&state, &account, unit.as_deref()).await? {
        return Err(AppError::Forbidden);
    }
    let trimmed =
        |text: Option<String>| text.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty());
    let (target, detail) = match (trimmed(input.unit), trimmed(input.assignee)) {
        (Some(code), None) => {
            let found = authz::find_unit(&state, &code)
                .await?
                .ok_or(AppError::Invalid("Mã đơn vị không tồn tại."))?;
            let detail = format!("unit:{code}");
            let agency = crate::open311::agency_name(&found.kind, &found.name);
            (AssignTarget::Unit { code, agency }, detail)
        }
        (None, Some(username)) => {
            let person = state.storage.account(username.clone()).await?;
            let fits = match (&person, &unit) {
                (Some(person), Some(unit)) if person.role.handles_requests() => {
                    authz::covers(&state, &person.unit, unit).await?
                }
                _ => false,
            };
            let person = person.filter(|_| fits).ok_or(AppError::Invalid(
                "Chỉ giao được cho cán bộ của đơn vị xử lý yêu cầu này.",
            ))?;
            let detail = format!("assignee:{username}");
            let target = AssignTarget::Person {
                username,
                name: person.name,
            };
            (target, detail)
        }
        _ => {
            return Err(AppError::Invalid(
                "Chọn đúng một nơi giao: một đơn vị hoặc một cán bộ.",
            ));
        }
    };
    let record = authz::audit(&state, &account, "request.assign", &id, detail);
    let assignment = Assignment {
        target,
        officer: account.name.clone(),
        at: (state.clock)(),
    };
    let updated = state
        .storage
        .assign_request(id, assignment, record)
        .await??;
    tracing::info!(request = %updated.request.service_request_id, "request assigned");
    Ok(Json(updated))
}
