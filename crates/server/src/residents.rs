//! Residents' side of service requests under `/api/v1`: device registration,
//! the "my requests" change feed, rating, reopening and "tôi cũng gặp".
//!
//! A device proves itself with `Authorization: Bearer <token>`; only the
//! token's SHA-256 is stored. Writes take an `Idempotency-Key`.

use axum::extract::rejection::{JsonRejection, QueryRejection};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use axum::Extension;
use axum::Json;
use axum::body::Body;
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use congdan_protocol::requests::{
    ClaimInput, Claimed, Device, MAX_CLAIMS, RatingInput, ReopenInput,
};
use tower_http::limit::RequestBodyLimitLayer;

use crate::AppState;
use crate::error::AppError;
use crate::feed::{ListParams, if_none_match, page_body};
use crate::routes::Routes;
use crate::secrets::{fingerprint, hash_token, random_token};
use crate::storage::requests::{Idem, Written};

/// Body limit of calls that take no body (device registration, support).
pub const EMPTY_BODY_LIMIT: usize = 1024;
/// Body limit of a rating (stars and a comment).
pub const RATING_BODY_LIMIT: usize = 8 * 1024;
/// Body limit of a claim ([`MAX_CLAIMS`] ids with their keys).
pub const CLAIM_BODY_LIMIT: usize = 128 * 1024;
/// Body limit of a reopen (a reason of up to 5,000 characters).
pub const REOPEN_BODY_LIMIT: usize = 32 * 1024;

/// Routes of this module, each with its own body limit (docs/PROTOCOL.md).
pub fn router() -> Routes {
    Routes::new()
        .route(
            "/devices",
            post(register).layer(RequestBodyLimitLayer::new(EMPTY_BODY_LIMIT)),
        )
        .route("/my/requests", get(my_requests))
        .route(
            "/my/requests/claim",
            post(claim).layer(RequestBodyLimitLayer::new(CLAIM_BODY_LIMIT)),
        )
        .route(
            "/my/requests/{id}/rating",
            post(rate).layer(RequestBodyLimitLayer::new(RATING_BODY_LIMIT)),
        )
        .route(
            "/my/requests/{id}/reopen",
            post(reopen).layer(RequestBodyLimitLayer::new(REOPEN_BODY_LIMIT)),
        )
        .route(
            "/requests/{id}/support",
            post(support).layer(RequestBodyLimitLayer::new(EMPTY_BODY_LIMIT)),
        )
}

/// The device of the bearer token, or 401.
pub async fn device(state: &AppState, headers: &HeaderMap) -> Result<String, AppError> {
    let token = crate::accounts::bearer(headers).ok_or(AppError::Unauthorized)?;
    state
        .storage
        .device_by_token(hash_token(token))
        .await?
        .ok_or(AppError::Unauthorized)
}

/// `Idempotency-Key` as a checked UUID with the fingerprint of the call.
pub fn idem(headers: &HeaderMap, parts: &[&[u8]]) -> Result<Option<Idem>, AppError> {
    let Some(value) = headers.get("idempotency-key") else {
        return Ok(None);
    };
    let key = value
        .to_str()
        .ok()
        .and_then(|text| uuid::Uuid::parse_str(text.trim()).ok())
        .ok_or(AppError::Invalid("Idempotency-Key phải là một UUID."))?;
    Ok(Some(Idem {
        key: key.hyphenated().to_string(),
        fingerprint: fingerprint(parts),
    }))
}

fn written<T: serde::Serialize>(written: Written<T>) -> Response {
    let replayed = written.is_replay();
    let mut response = Json(written.into_inner()).into_response();
    if replayed {
        response.headers_mut().insert(
            "idempotent-replayed",
            axum::http::HeaderValue::from_static("true"),
        );
    }
    response
}

/// `POST /devices`: anonymous, so limited per client address (429 with
/// `Retry-After`). Without `ConnectInfo` (an app not served by [`crate::serve`])
/// every caller shares one bucket. The body is read, within its 1 KiB limit,
/// and ignored.
async fn register(
    State(state): State<AppState>,
    peer: Option<Extension<ConnectInfo<SocketAddr>>>,
    body: Body,
) -> Result<Response, AppError> {
    axum::body::to_bytes(body, EMPTY_BODY_LIMIT)
        .await
        .map_err(|_| AppError::BodyTooLarge)?;
    let addr = peer.map_or(
        IpAddr::V4(Ipv4Addr::UNSPECIFIED),
        |Extension(ConnectInfo(addr))| addr.ip(),
    );
    state
        .registrations
        .check(addr, state.config.registrations_per_minute, (state.clock)())
        .map_err(|wait| {
            tracing::info!("device registration refused by the rate limit");
            AppError::RateLimited(wait)
        })?;
    let token = random_token().map_err(|e| {
        tracing::error!(error = %e, "no randomness for a device token");
        AppError::Invalid("Máy chủ không tạo được mã thiết bị, vui lòng thử lại.")
    })?;
    let device_id = uuid::Uuid::new_v4().hyphenated().to_string();
    state
        .storage
        .create_device(device_id.clone(), hash_token(&token), (state.clock)())
        .await?;
    tracing::info!("device registered");
    Ok((StatusCode::CREATED, Json(Device { device_id, token })).into_response())
}

async fn my_requests(
    State(state): State<AppState>,
    headers: HeaderMap,
    params: Result<Query<ListParams>, QueryRejection>,
) -> Result<Response, AppError> {
    let Query(params) = params?;
    let window = params.window()?;
    let device = device(&state, &headers).await?;
    let page = state
        .storage
        .my_changes(device.clone(), window.since, window.limit)
        .await?;
    let current = etag_of(page.head);
    if if_none_match(&headers, &current) {
        return Ok((StatusCode::NOT_MODIFIED, [(header::ETAG, current)]).into_response());
    }
    Ok((
        StatusCode::OK,
        [
            (header::ETAG, current),
            (header::CACHE_CONTROL, "no-cache".to_owned()),
            (header::CONTENT_TYPE, "application/json".to_owned()),
        ],
        page_body(&page, window.since),
    )
        .into_response())
}

/// ETag of a device's feed: the device is the token's, never in the tag.
fn etag_of(head: u64) -> String {
    format!("W/\"my_requests-{head}\"")
}

async fn rate(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Result<Json<RatingInput>, JsonRejection>,
) -> Result<Response, AppError> {
    let device = device(&state, &headers).await?;
    let input = crate::error::json_body(body)?;
    if !(1..=5).contains(&input.stars) {
        return Err(AppError::Invalid("Số sao phải từ 1 đến 5."));
    }
    let comment = input.comment.filter(|c| !c.trim().is_empty());
    let stars = [input.stars];
    let idem = idem(
        &headers,
        &[
            b"rating",
            id.as_bytes(),
            device.as_bytes(),
            &stars,
            comment.as_deref().unwrap_or("").as_bytes(),
        ],
    )?;
    let result = state
        .storage
        .rate(id, device, input.stars, comment, (state.clock)(), idem)
        .await??;
    Ok(written(result))
}

/// `POST /my/requests/claim`: a device that had to register again takes back
/// its earlier requests by showing each one's `Idempotency-Key`. Keys are
/// compared by hash; a wrong pair is skipped, not an error, so one answer
/// tells the client everything.
async fn claim(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Json<ClaimInput>, JsonRejection>,
) -> Result<Json<Claimed>, AppError> {
    // Who first (401), then what (400), like every other route.
    let device = device(&state, &headers).await?;
    let input = crate::error::json_body(body)?;
    if input.requests.len() > MAX_CLAIMS {
        return Err(AppError::Invalid(
            "Quá nhiều phản ánh trong một lần nhận lại.",
        ));
    }
    let claims = input
        .requests
        .into_iter()
        .filter_map(|claim| {
            let key = uuid::Uuid::parse_str(claim.key.trim()).ok()?;
            Some((claim.id, hash_token(&key.hyphenated().to_string())))
        })
        .collect();
    let claimed = state.storage.claim_requests(device, claims).await?;
    Ok(Json(Claimed { claimed }))
}

async fn reopen(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Result<Json<ReopenInput>, JsonRejection>,
) -> Result<Response, AppError> {
    let device = device(&state, &headers).await?;
    let input = crate::error::json_body(body)?;
    let reason = input.reason.trim().to_owned();
    if reason.is_empty() || reason.chars().count() > 5000 {
        return Err(AppError::Invalid(
            "Cần nêu lý do mở lại (tối đa 5000 ký tự).",
        ));
    }
    let idem = idem(
        &headers,
        &[
            b"reopen",
            id.as_bytes(),
            device.as_bytes(),
            reason.as_bytes(),
        ],
    )?;
    let result = state
        .storage
        .reopen(id, device, reason, (state.clock)(), idem)
        .await??;
    Ok(written(result))
}

async fn support(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let device = device(&state, &headers).await?;
    let idem = idem(&headers, &[b"support", id.as_bytes(), device.as_bytes()])?;
    let result = state
        .storage
        .support(id, device, (state.clock)(), idem)
        .await??;
    Ok(written(result))
}
