//! The content API under `/api/v1`: one module per resource, each with its own
//! `router()`, plus the health check. Paging, ETags and bodies come from
//! [`crate::feed`]; storage from [`crate::storage`].

pub mod alerts;
pub mod bulletins;
pub mod bus;
pub mod check;
pub mod holidays;
pub mod news;
pub mod outages;
pub mod procedure_search;
pub mod procedures;
pub mod units;

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::{MethodRouter, get};
use congdan_protocol::Health;

use crate::AppState;
use crate::error::AppError;
use crate::feed::{ListParams, serve_changes};
use crate::routes::Routes;
use crate::storage::{Resource, Scope};

/// Path of the health check, relative to `/api/v1`.
pub const HEALTH_PATH: &str = "/health";

/// The content API router, to be nested under `/api/v1`.
pub fn router() -> Routes {
    Routes::new()
        .route(HEALTH_PATH, get(health))
        .merge(units::router())
        .merge(holidays::router())
        .merge(news::router())
        .merge(alerts::router())
        .merge(outages::router())
        .merge(bulletins::router())
        .merge(procedures::router())
        .merge(bus::router())
        .merge(check::router())
}

async fn health() -> Json<Health> {
    Json(Health {
        status: "ok".to_owned(),
        version: env!("CARGO_PKG_VERSION").to_owned(),
    })
}

/// The `GET` of a change feed of one commune-level unit's own rows (outages,
/// bulletins): see [`serve_unit_feed`].
fn unit_feed(resource: Resource) -> MethodRouter<AppState> {
    get(
        move |State(state): State<AppState>,
              headers: HeaderMap,
              params: Result<Query<ListParams>, QueryRejection>| async move {
            serve_unit_feed(&state, resource, &headers, params).await
        },
    )
}

/// A change feed of one commune-level unit's own rows (`?unit=` required and
/// known, 404 otherwise).
async fn serve_unit_feed(
    state: &AppState,
    resource: Resource,
    headers: &HeaderMap,
    params: Result<Query<ListParams>, QueryRejection>,
) -> Result<Response, AppError> {
    let Query(params) = params?;
    let window = params.window()?;
    let feeds = state.feeds.now();
    let unit = params.known_unit(&feeds).await?;
    serve_changes(&feeds, resource, Scope::Units(vec![unit]), window, headers).await
}
