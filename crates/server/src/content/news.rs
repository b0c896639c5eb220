//! `GET /api/v1/news?unit=CODE`: the change feed of news visible to one unit:
//! items published for the unit itself, for its province, and nationally (`VN`).

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;

use crate::AppState;
use crate::error::AppError;
use crate::feed::{ListParams, serve_changes};
use crate::feed_cache::FeedsNow;
use crate::routes::Routes;
use crate::storage::{NATIONAL_UNIT, Resource, Scope};

/// Path of the news list, relative to `/api/v1`.
pub const LIST_PATH: &str = "/news";

/// Routes of this resource.
pub fn router() -> Routes {
    Routes::new().route(LIST_PATH, get(list))
}

/// Unit codes whose news a reader of `unit` sees, or `UnknownUnit`.
pub(crate) async fn visible_units(
    feeds: &FeedsNow<'_>,
    unit: &str,
) -> Result<Vec<String>, AppError> {
    if unit == NATIONAL_UNIT {
        return Ok(vec![NATIONAL_UNIT.to_owned()]);
    }
    let found = feeds.unit(unit).await?.ok_or(AppError::UnknownUnit)?;
    let mut units = vec![found.code];
    if let Some(parent) = found.parent {
        units.push(parent);
    }
    units.push(NATIONAL_UNIT.to_owned());
    Ok(units)
}

async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
    params: Result<Query<ListParams>, QueryRejection>,
) -> Result<Response, AppError> {
    let Query(params) = params?;
    let window = params.window()?;
    let feeds = state.feeds.now();
    let units = visible_units(&feeds, params.unit_param()?).await?;
    serve_changes(
        &feeds,
        Resource::News,
        Scope::Units(units),
        window,
        &headers,
    )
    .await
}
