//! `GET /api/v1/units`: the change feed of administrative units (scope `all`).

use axum::Router;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;

use crate::AppState;
use crate::error::AppError;
use crate::feed::{ListParams, serve_changes};
use crate::storage::{Resource, Scope};

/// Path of the unit list, relative to `/api/v1`.
pub const LIST_PATH: &str = "/units";

/// Routes of this resource.
pub fn router() -> Router<AppState> {
    Router::new().route(LIST_PATH, get(list))
}

async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
    params: Result<Query<ListParams>, QueryRejection>,
) -> Result<Response, AppError> {
    let Query(params) = params?;
    let window = params.window()?;
    serve_changes(&state, Resource::Units, Scope::All, "all", window, &headers).await
}
