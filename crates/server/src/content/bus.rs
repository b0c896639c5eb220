//! Bus networks: `GET /api/v1/bus` (the provinces that have one) and
//! `GET /api/v1/bus/{province}` (the compact network body). The body is served byte for
//! byte as stored, with a strong ETag, `If-None-Match` → 304, and single byte ranges
//! (`Range: bytes=a-b`, `If-Range`) → 206, so that a device on a poor link downloads a
//! city in chunks and resumes after a drop. It is already compressed: the compression
//! layer leaves its content type alone.

use axum::Json;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use congdan_protocol::{BUS_NETWORK_CONTENT_TYPE, BusNetworkInfo};

use crate::AppState;
use crate::error::AppError;
use crate::feed::if_none_match;
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

/// A byte range asked for, resolved against the body length.
#[derive(Debug, PartialEq, Eq)]
enum Wanted {
    /// The whole body (no Range, a stale If-Range, or a form we do not serve partially).
    All,
    /// Bytes `start..=end`.
    Part(u64, u64),
    /// A range that starts past the end.
    Unsatisfiable,
}

/// Reads `Range` and `If-Range` (single ranges only; several ranges get the whole body, as
/// RFC 9110 allows).
fn wanted(headers: &HeaderMap, etag: &str, len: u64) -> Wanted {
    let Some(range) = headers.get(header::RANGE).and_then(|v| v.to_str().ok()) else {
        return Wanted::All;
    };
    if let Some(if_range) = headers.get(header::IF_RANGE).and_then(|v| v.to_str().ok())
        && if_range.trim() != etag
    {
        return Wanted::All;
    }
    let Some(spec) = range.trim().strip_prefix("bytes=") else {
        return Wanted::All;
    };
    if spec.contains(',') {
        return Wanted::All;
    }
    let Some((a, b)) = spec.split_once('-') else {
        return Wanted::All;
    };
    let (a, b) = (a.trim(), b.trim());
    let parsed = match (a.is_empty(), b.is_empty()) {
        (false, true) => a.parse::<u64>().ok().map(|s| (s, len.saturating_sub(1))),
        (false, false) => match (a.parse::<u64>(), b.parse::<u64>()) {
            (Ok(s), Ok(e)) if s <= e => Some((s, e.min(len.saturating_sub(1)))),
            _ => None,
        },
        (true, false) => b
            .parse::<u64>()
            .ok()
            .filter(|&n| n > 0)
            .map(|n| (len.saturating_sub(n), len.saturating_sub(1))),
        (true, true) => None,
    };
    match parsed {
        None => Wanted::All,
        Some((start, _)) if start >= len => Wanted::Unsatisfiable,
        Some((start, end)) => Wanted::Part(start, end),
    }
}

async fn one(
    State(state): State<AppState>,
    Path(province): Path<String>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let Some((meta, body)) = state.storage.bus_network(province).await? else {
        return Err(AppError::NotFound);
    };
    let etag = HeaderValue::from_str(&meta.etag)
        .unwrap_or_else(|_| HeaderValue::from_static("\"invalid\""));
    let common = [
        (header::ETAG, etag),
        (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        (header::ACCEPT_RANGES, HeaderValue::from_static("bytes")),
    ];
    if if_none_match(&headers, &meta.etag) {
        return Ok((StatusCode::NOT_MODIFIED, common).into_response());
    }
    let len = body.len() as u64;
    let content_type = [(
        header::CONTENT_TYPE,
        HeaderValue::from_static(BUS_NETWORK_CONTENT_TYPE),
    )];
    match wanted(&headers, &meta.etag, len) {
        Wanted::All => Ok((StatusCode::OK, common, content_type, body).into_response()),
        Wanted::Unsatisfiable => {
            let range = HeaderValue::from_str(&format!("bytes */{len}"))
                .unwrap_or_else(|_| HeaderValue::from_static("bytes */0"));
            Ok((
                StatusCode::RANGE_NOT_SATISFIABLE,
                common,
                [(header::CONTENT_RANGE, range)],
            )
                .into_response())
        }
        Wanted::Part(start, end) => {
            let range = HeaderValue::from_str(&format!("bytes {start}-{end}/{len}"))
                .unwrap_or_else(|_| HeaderValue::from_static("bytes */0"));
            let part = body[start as usize..=end as usize].to_vec();
            Ok((
                StatusCode::PARTIAL_CONTENT,
                common,
                content_type,
                [(header::CONTENT_RANGE, range)],
                part,
            )
                .into_response())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut m = HeaderMap::new();
        for (k, v) in pairs {
            m.insert(*k, HeaderValue::from_str(v).unwrap());
        }
        m
    }

    #[test]
    fn ranges_are_read_as_rfc_9110_says() {
        let e = "\"bus-79-ab\"";
        assert_eq!(wanted(&h(&[]), e, 100), Wanted::All);
        assert_eq!(
            wanted(&h(&[("range", "bytes=0-9")]), e, 100),
            Wanted::Part(0, 9)
        );
        assert_eq!(
            wanted(&h(&[("range", "bytes=90-")]), e, 100),
            Wanted::Part(90, 99)
        );
        assert_eq!(
            wanted(&h(&[("range", "bytes=-10")]), e, 100),
            Wanted::Part(90, 99)
        );
        assert_eq!(
            wanted(&h(&[("range", "bytes=50-500")]), e, 100),
            Wanted::Part(50, 99)
        );
        assert_eq!(
            wanted(&h(&[("range", "bytes=100-")]), e, 100),
            Wanted::Unsatisfiable
        );
        assert_eq!(
            wanted(&h(&[("range", "bytes=0-1,5-6")]), e, 100),
            Wanted::All
        );
        assert_eq!(wanted(&h(&[("range", "bytes=9-0")]), e, 100), Wanted::All);
        assert_eq!(
            wanted(&h(&[("range", "bytes=0-9"), ("if-range", e)]), e, 100),
            Wanted::Part(0, 9)
        );
        assert_eq!(
            wanted(
                &h(&[("range", "bytes=0-9"), ("if-range", "\"old\"")]),
                e,
                100
            ),
            Wanted::All
        );
    }
}
