//! `GET /api/v1/procedures` (change feed, scope `all`),
//! `GET /api/v1/procedures/search` (ranked search, see [`super::procedure_search`]) and
//! `GET /api/v1/procedures/{code}` (one procedure, served as stored JSON).

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::AppState;
use crate::error::AppError;
use crate::feed::{ListParams, serve_changes};
use crate::routes::Routes;
use crate::storage::{Resource, Scope};

/// Path of the procedure list, relative to `/api/v1`.
pub const LIST_PATH: &str = "/procedures";
/// Path of the procedure search, relative to `/api/v1`.
pub const SEARCH_PATH: &str = "/procedures/search";
/// Path of one procedure, relative to `/api/v1`.
pub const ONE_PATH: &str = "/procedures/{code}";

/// Routes of this resource.
pub fn router() -> Routes {
    Routes::new()
        .route(LIST_PATH, get(list))
        .route(SEARCH_PATH, get(super::procedure_search::search))
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
