//! Administrative units: `GET /api/v1/units` (the change feed, scope `all`), and
//! small snapshots for a device that has not pulled the feed yet (issue 12):
//! `GET /api/v1/units/{code}` (one unit), `GET /api/v1/provinces` (every
//! province) and `GET /api/v1/provinces/{code}/communes` (the communes of one).
//!
//! The snapshots carry the feed's ETag (the head of the unit feed), so an
//! unchanged list is a 304 and a CDN can revalidate them.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use congdan_protocol::UnitLevel;

use crate::AppState;
use crate::error::AppError;
use crate::feed::{ListParams, etag, if_none_match, serve_changes};
use crate::routes::Routes;
use crate::storage::{Resource, Scope};

/// Path of the unit list, relative to `/api/v1`.
pub const LIST_PATH: &str = "/units";
/// Path of one unit, relative to `/api/v1`.
pub const ONE_PATH: &str = "/units/{code}";
/// Path of the province list, relative to `/api/v1`.
pub const PROVINCES_PATH: &str = "/provinces";
/// Path of the communes of one province, relative to `/api/v1`.
pub const COMMUNES_PATH: &str = "/provinces/{code}/communes";

/// Routes of this resource.
pub fn router() -> Routes {
    Routes::new()
        .route(LIST_PATH, get(list))
        .route(ONE_PATH, get(one))
        .route(PROVINCES_PATH, get(provinces))
        .route(COMMUNES_PATH, get(communes))
}

async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
    params: Result<Query<ListParams>, QueryRejection>,
) -> Result<Response, AppError> {
    let Query(params) = params?;
    let window = params.window()?;
    serve_changes(
        &state.feeds.now(),
        Resource::Units,
        Scope::All,
        window,
        &headers,
    )
    .await
}

/// The ETag of every unit snapshot: the unit feed's, so any change to any unit
/// changes it.
async fn units_etag(state: &AppState) -> Result<String, AppError> {
    let head = state.storage.head(Resource::Units, Scope::All).await?;
    Ok(etag(Resource::Units, head))
}

/// A JSON answer with the units ETag and `no-cache`, or a 304 when the client
/// has it already.
fn snapshot(current: &str, headers: &HeaderMap, body: Vec<u8>) -> Response {
    let etag_value = HeaderValue::from_str(current)
        .unwrap_or_else(|_| HeaderValue::from_static("W/\"invalid\""));
    let cache = [
        (header::ETAG, etag_value),
        (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
    ];
    if if_none_match(headers, current) {
        return (StatusCode::NOT_MODIFIED, cache).into_response();
    }
    (
        StatusCode::OK,
        cache,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        body,
    )
        .into_response()
}

/// A JSON array written from stored item texts, without re-serializing them.
fn array_body(items: &[String]) -> Vec<u8> {
    let mut body = Vec::with_capacity(items.iter().map(|i| i.len() + 1).sum::<usize>() + 2);
    body.push(b'[');
    for (index, item) in items.iter().enumerate() {
        if index > 0 {
            body.push(b',');
        }
        body.extend_from_slice(item.as_bytes());
    }
    body.push(b']');
    body
}

async fn one(
    State(state): State<AppState>,
    Path(code): Path<String>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let current = units_etag(&state).await?;
    let unit = state
        .storage
        .unit(code)
        .await?
        .ok_or(AppError::UnknownUnit)?;
    let body = serde_json::to_vec(&unit).expect("a Unit (strings and an enum) always serializes");
    Ok(snapshot(&current, &headers, body))
}

async fn provinces(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let current = units_etag(&state).await?;
    let items = state.storage.units_json(None).await?;
    Ok(snapshot(&current, &headers, array_body(&items)))
}

async fn communes(
    State(state): State<AppState>,
    Path(code): Path<String>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let current = units_etag(&state).await?;
    let province = state.storage.unit(code.clone()).await?;
    if province.is_none_or(|p| p.level != UnitLevel::Province) {
        return Err(AppError::UnknownUnit);
    }
    let items = state.storage.units_json(Some(code)).await?;
    Ok(snapshot(&current, &headers, array_body(&items)))
}
