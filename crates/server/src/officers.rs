//! Officers under `/api/v1`: login, their unit's requests, and status changes
//! (each writes a `servicerequestupdates` entry and bumps the request's `seq`).
//!
//! Every call is checked against the account's unit: an officer of a commune
//! sees and changes only that commune's requests; an account of a province
//! also covers the province's communes.

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, RawQuery, State};
use axum::http::HeaderMap;
use axum::routing::{get, post};
use congdan_protocol::open311::DetailedStatus;
use congdan_protocol::requests::{LoginInput, OfficerRequest, Session, StatusChange};
use tower_http::limit::RequestBodyLimitLayer;

use crate::AppState;
use crate::error::AppError;
use crate::routes::Routes;
use crate::secrets::hash_token;
use crate::storage::accounts::Account;
use crate::storage::requests::{RequestFilter, StatusStep};

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
        .route("/officer/requests", get(list))
        .route(
            "/officer/requests/{id}/status",
            post(change_status).layer(RequestBodyLimitLayer::new(STATUS_BODY_LIMIT)),
        )
}

async fn login(
    State(state): State<AppState>,
    body: Result<Json<LoginInput>, JsonRejection>,
) -> Result<Json<Session>, AppError> {
    let input = crate::error::json_body(body)?;
    let session = crate::accounts::login(
        state.storage.as_ref(),
        &input.username,
        &input.password,
        (state.clock)(),
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
            tracing::info!(role = session.role.as_str(), "officer logged in");
            Ok(Json(session))
        }
        None => Err(AppError::BadCredentials),
    }
}

/// The officer behind the bearer token (401), who must handle requests (403).
pub(crate) async fn officer(state: &AppState, headers: &HeaderMap) -> Result<Account, AppError> {
    let token = crate::accounts::bearer(headers).ok_or(AppError::Unauthorized)?;
    let account = state
        .storage
        .session_account(hash_token(token), (state.clock)())
        .await?
        .ok_or(AppError::Unauthorized)?;
    if !account.role.handles_requests() {
        return Err(AppError::Forbidden);
    }
    Ok(account)
}

/// Whether `unit` lies within the account's scope (itself or, for a province, its communes).
pub(crate) async fn in_scope(
    state: &AppState,
    account: &Account,
    unit: Option<&str>,
) -> Result<bool, AppError> {
    let Some(unit) = unit else {
        return Ok(false);
    };
    if unit == account.unit {
        return Ok(true);
    }
    Ok(state
        .storage
        .unit(unit.to_owned())
        .await?
        .and_then(|found| found.parent)
        .is_some_and(|parent| parent == account.unit))
}

async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Result<Json<Vec<OfficerRequest>>, AppError> {
    let account = officer(&state, &headers).await?;
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(raw.as_deref().unwrap_or(""))
        .map_err(|_| AppError::Invalid("Chuỗi tham số không hợp lệ."))?;
    let get = |name: &str| {
        pairs
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
            .filter(|value| !value.is_empty())
    };
    let unit = get("unit").unwrap_or(&account.unit).to_owned();
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
    let account = officer(&state, &headers).await?;
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
    let updated = state.storage.change_status(id, step).await??;
    tracing::info!(
        request = %updated.request.service_request_id,
        status = change.status.as_str(),
        "status changed"
    );
    Ok(Json(updated))
}
