//! `GET /api/v1/bulletins?unit=CODE`: the change feed of epidemic bulletins
//! of one commune-level unit (one row per bulletin and unit it gives figures
//! for). The ETag scope is the unit code. Posting is [`crate::bulletins`].

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

/// Path of the bulletin list, relative to `/api/v1`.
pub const LIST_PATH: &str = "/bulletins";

/// Routes of this resource.
pub fn router() -> Routes {
    Routes::new().route(LIST_PATH, get(list))
}

async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
    params: Result<Query<ListParams>, QueryRejection>,
) -> Result<Response, AppError> {
    super::serve_unit_feed(&state, Resource::Bulletins, &headers, params).await
}
