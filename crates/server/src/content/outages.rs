//! `GET /api/v1/outages?unit=CODE`: the change feed of planned power cuts of
//! one commune-level unit (only its own rows: a cut is stored once per unit it
//! concerns). The ETag scope is the unit code.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;

use crate::AppState;
use crate::error::AppError;
use crate::feed::ListParams;
use crate::routes::Routes;
use crate::storage::Resource;

/// Path of the outage list, relative to `/api/v1`.
pub const LIST_PATH: &str = "/outages";

/// Routes of this resource.
pub fn router() -> Routes {
    Routes::new().route(LIST_PATH, get(list))
}

async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
    params: Result<Query<ListParams>, QueryRejection>,
) -> Result<Response, AppError> {
    super::serve_unit_feed(&state, Resource::Outages, &headers, params).await
}
