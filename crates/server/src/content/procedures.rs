//! `GET /api/v1/procedures` (change feed, scope `all`),
//! `GET /api/v1/procedures/search` (ranked search, see [`super::procedure_search`]),
//! `GET /api/v1/procedures/bundle` (the whole feed in one compressed body, see
//! [`crate::bundles`]) and
//! `GET /api/v1/procedures/{code}` (one procedure, served as stored JSON).

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use congdan_protocol::BUNDLE_CONTENT_TYPE;

use crate::AppState;
use crate::error::AppError;
use crate::feed::{ListParams, serve_changes};
use crate::ranged;
use crate::routes::Routes;
use crate::storage::{Resource, Scope};

/// Path of the procedure list, relative to `/api/v1`.
pub const LIST_PATH: &str = "/procedures";
/// Path of the procedure search, relative to `/api/v1`.
pub const SEARCH_PATH: &str = "/procedures/search";
/// Path of the catalogue's bundle, relative to `/api/v1`.
pub const BUNDLE_PATH: &str = "/procedures/bundle";
/// Path of one procedure, relative to `/api/v1`.
pub const ONE_PATH: &str = "/procedures/{code}";

/// Routes of this resource.
pub fn router() -> Routes {
    Routes::new()
        .route(LIST_PATH, get(list))
        .route(SEARCH_PATH, get(super::procedure_search::search))
        .route(BUNDLE_PATH, get(bundle))
        .route(ONE_PATH, get(one))
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
        Resource::Procedures,
        Scope::All,
        window,
        &headers,
    )
    .await
}

/// The catalogue's bundle, whole or in ranges; 404 until an ingest built one
/// (a device then pages through the feed).
async fn bundle(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, AppError> {
    let kept = state
        .storage
        .bundle(Resource::Procedures)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(ranged::serve(
        &headers,
        &kept.etag,
        BUNDLE_CONTENT_TYPE,
        kept.body,
    ))
}

async fn one(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> Result<Response, AppError> {
    let body = state
        .storage
        .procedure_json(code)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        ],
        body,
    )
        .into_response())
}
