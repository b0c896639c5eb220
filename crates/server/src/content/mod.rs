//! The content API under `/api/v1`: one module per resource, each with its own
//! `router()`, plus the health check. Paging, ETags and bodies come from
//! [`crate::feed`]; storage from [`crate::storage`].

pub mod alerts;
pub mod bus;
pub mod holidays;
pub mod news;
pub mod outages;
pub mod procedure_search;
pub mod procedures;
pub mod units;

use axum::Json;
use axum::routing::get;
use congdan_protocol::Health;

use crate::routes::Routes;

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
        .merge(procedures::router())
        .merge(bus::router())
}

async fn health() -> Json<Health> {
    Json(Health {
        status: "ok".to_owned(),
        version: env!("CARGO_PKG_VERSION").to_owned(),
    })
}
