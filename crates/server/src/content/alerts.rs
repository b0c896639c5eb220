//! `GET /api/v1/alerts?unit=CODE`: the change feed of CAP alerts of one unit,
//! with a long poll: with `wait=SECONDS` (at most 25) and an `If-None-Match`
//! that is still current, the answer waits until an alert for the unit
//! changes or the time is up (then 304). `GET /api/v1/alerts/{id}.cap`: the
//! alert's CAP 1.2 document as received or emitted.
//!
//! A waiting poll sleeps on the process's change bell ([`crate::changes`]) and
//! looks at the (cached) head only when it rings; while the bell cannot hear
//! other processes it looks every `POLL_EVERY` (250 ms) instead.

use std::time::Duration;

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;

use crate::AppState;
use crate::error::AppError;
use crate::feed::{ListParams, etag, if_none_match, serve_changes};
use crate::routes::Routes;
use crate::storage::{Resource, Scope};

/// Path of the alert list, relative to `/api/v1`.
pub const LIST_PATH: &str = "/alerts";
/// Path of one alert's CAP document (`{file}` is `<id>.cap`).
pub const CAP_PATH: &str = "/alerts/{file}";
/// Longest a long poll waits.
pub const MAX_WAIT: Duration = Duration::from_secs(25);
/// How often a waiting poll looks at the database while the change bell
/// cannot hear other processes (a PostgreSQL listener not connected).
const POLL_EVERY: Duration = Duration::from_millis(250);

/// Routes of this resource.
pub fn router() -> Routes {
    Routes::new()
        .route(LIST_PATH, get(list))
        .route(CAP_PATH, get(document))
}

/// The long-poll parameter, read apart from the list parameters.
#[derive(Debug, Default, Deserialize)]
struct WaitParam {
    wait: Option<String>,
}

async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
    params: Result<Query<ListParams>, QueryRejection>,
    wait: Result<Query<WaitParam>, QueryRejection>,
) -> Result<Response, AppError> {
    let Query(params) = params?;
    let Query(wait) = wait?;
    let window = params.window()?;
    let wait = match wait.wait.as_deref() {
        None | Some("") => Duration::ZERO,
        Some(text) => text
            .parse::<u64>()
            .map(|s| Duration::from_secs(s).min(MAX_WAIT))
            .map_err(|_| AppError::BadParam { param: "wait" })?,
    };
    let mut feeds = state.feeds.now();
    let unit = params.known_unit(&feeds).await?;
    let scope = Scope::Units(vec![unit]);
    if !wait.is_zero() {
        let deadline = tokio::time::Instant::now() + wait;
        let bell = state.storage.bell();
        // Subscribed before the first look, so a ring after it is not missed.
        let mut rung = bell.subscribe();
        loop {
            let head = feeds.head(Resource::Alerts, scope.clone()).await?;
            let now = tokio::time::Instant::now();
            if !if_none_match(&headers, &etag(Resource::Alerts, head)) || now >= deadline {
                break;
            }
            let until = if bell.hears_everything() {
                deadline
            } else {
                deadline.min(now + POLL_EVERY)
            };
            if let Ok(Err(_)) = tokio::time::timeout_at(until, rung.changed()).await {
                // The bell is gone (the storage is closing): look at the deadline only.
                tokio::time::sleep_until(until).await;
            }
            // Waited: what other processes wrote meanwhile is in the next look.
            feeds = state.feeds.now();
        }
    }
    serve_changes(&feeds, Resource::Alerts, scope, window, &headers).await
}

async fn document(
    State(state): State<AppState>,
    Path(file): Path<String>,
) -> Result<Response, AppError> {
    let id = file.strip_suffix(".cap").ok_or(AppError::NotFound)?;
    let xml = state
        .storage
        .cap_document(id.to_owned())
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/cap+xml; charset=utf-8"),
        )],
        xml,
    )
        .into_response())
}
