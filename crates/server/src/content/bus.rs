//! Bus networks: `GET /api/v1/bus` (the provinces that have one) and
//! `GET /api/v1/bus/{province}` (the compact network body), served in byte ranges
//! ([`crate::ranged`]) so that a device on a poor link downloads a city in chunks
//! and resumes after a drop.

use axum::Json;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use congdan_protocol::{BUS_NETWORK_CONTENT_TYPE, BusNetworkInfo};

use crate::AppState;
use crate::error::AppError;
use crate::ranged;
use crate::routes::Routes;
use crate::storage::transit::BusNetworkMeta;

/// Path of the network list, relative to `/api/v1`.
pub const LIST_PATH: &str = "/bus";
/// Path of one province's network body, relative to `/api/v1`.
pub const ONE_PATH: &str = "/bus/{province}";

/// Routes of this resource.
pub fn router() -> Routes {
    Routes::new()
        .route(LIST_PATH, get(list))
        .route(ONE_PATH, get(one))
}

fn info(m: BusNetworkMeta) -> BusNetworkInfo {
    BusNetworkInfo {
        province: m.province,
        version: m.version,
        etag: m.etag,
        bytes: m.bytes,
        ingested_at: m.ingested_at,
        stops: m.stops,
        routes: m.routes,
        trips: m.trips,
    }
}

async fn list(State(state): State<AppState>) -> Result<Response, AppError> {
    let all: Vec<BusNetworkInfo> = state
        .storage
        .bus_networks()
        .await?
        .into_iter()
        .map(info)
        .collect();
    Ok((
        [(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"))],
        Json(all),
    )
        .into_response())
}

async fn one(
    State(state): State<AppState>,
    Path(province): Path<String>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let Some((meta, body)) = state.storage.bus_network(province).await? else {
        return Err(AppError::NotFound);
    };
    Ok(ranged::serve(
        &headers,
        &meta.etag,
        BUS_NETWORK_CONTENT_TYPE,
        body,
    ))
}
