//! The content API under `/api/v1`: one module per resource, each with its own
//! `router()`, plus the health check. Paging, ETags and bodies come from
//! [`crate::feed`]; storage from [`crate::storage`].

pub mod alerts;
pub mod news;
pub mod outages;
pub mod procedure_search;
pub mod procedures;
pub mod units;

use axum::routing::get;
use axum::{Json, Router};
use congdan_protocol::Health;

use crate::AppState;

/// Path of the health check, relative to `/api/v1`.
pub const HEALTH_PATH: &str = "/health";

/// Every route of the content API, relative to `/api/v1`, for docs and tests.
pub const ROUTES: &[&str] = &[
    HEALTH_PATH,
    units::LIST_PATH,
    units::ONE_PATH,
    units::PROVINCES_PATH,
    units::COMMUNES_PATH,
    news::LIST_PATH,
    alerts::LIST_PATH,
    alerts::CAP_PATH,
    outages::LIST_PATH,
    procedures::LIST_PATH,
    procedures::SEARCH_PATH,
    procedures::ONE_PATH,
];

/// The content API router, to be nested under `/api/v1`.
pub fn router() -> Router<AppState> {
    Router::new()
        .route(HEALTH_PATH, get(health))
        .merge(units::router())
        .merge(news::router())
        .merge(alerts::router())
        .merge(outages::router())
        .merge(procedures::router())
}

async fn health() -> Json<Health> {
    Json(Health {
        status: "ok".to_owned(),
        version: env!("CARGO_PKG_VERSION").to_owned(),
    })
}
