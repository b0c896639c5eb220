//! `POST /api/v1/check`: which of a device's change feeds changed since the
//! ETags it stored (issue 12). One round trip replaces one `If-None-Match`
//! GET per feed, which on 2G costs more than a second each for an answer of
//! 304. The ETag compared is the one the feed's GET would send
//! ([`crate::feed::etag`] of the cached head), so a check costs no query
//! while the feed cache holds the heads.
//!
//! It does not serve pages: a device pulls the changed feeds as before.

use axum::Json;
use axum::extract::State;
use axum::extract::rejection::JsonRejection;
use axum::routing::post;
use congdan_protocol::sync::MAX_CHECK_FEEDS;
use congdan_protocol::{CheckAnswer, CheckRequest, FeedName, FeedTag};
use tower_http::limit::RequestBodyLimitLayer;

use crate::AppState;
use crate::error::{AppError, json_body};
use crate::feed::{etag, same_tag};
use crate::feed_cache::FeedsNow;
use crate::routes::Routes;
use crate::storage::{Resource, Scope};

/// Path of the check, relative to `/api/v1`.
pub const PATH: &str = "/check";

/// Largest body: [`MAX_CHECK_FEEDS`] feeds of about 80 bytes fit with room.
const BODY_LIMIT: usize = 8 * 1024;

/// Routes of this module.
pub fn router() -> Routes {
    Routes::new().route(
        PATH,
        post(check).layer(RequestBodyLimitLayer::new(BODY_LIMIT)),
    )
}

/// Public, like the feeds it checks: it says only whether public feeds moved.
async fn check(
    State(state): State<AppState>,
    body: Result<Json<CheckRequest>, JsonRejection>,
) -> Result<Json<CheckAnswer>, AppError> {
    let request = json_body(body)?;
    if request.feeds.len() > MAX_CHECK_FEEDS {
        return Err(AppError::Invalid(
            "Quá nhiều nguồn tin trong một lần kiểm tra.",
        ));
    }
    // One view for the whole check: one look for other processes' writes.
    let feeds = state.feeds.now();
    let mut changed = Vec::new();
    for (index, feed) in request.feeds.iter().enumerate() {
        if !is_current(&feeds, feed).await? {
            changed.push(index);
        }
    }
    Ok(Json(CheckAnswer { changed }))
}

/// Whether the feed's GET with `If-None-Match: feed.etag` would answer 304.
/// An unknown unit is not current: the GET then gives the proper error.
async fn is_current(feeds: &FeedsNow<'_>, feed: &FeedTag) -> Result<bool, AppError> {
    let unit = || {
        feed.unit
            .as_deref()
            .filter(|unit| !unit.is_empty())
            .ok_or(AppError::BadParam { param: "unit" })
    };
    let resource = feed_resource(feed.resource);
    let scope = match resource {
        Resource::Units | Resource::Procedures => Scope::All,
        Resource::News => match super::news::visible_units(feeds, unit()?).await {
            Ok(units) => Scope::Units(units),
            Err(AppError::UnknownUnit) => return Ok(false),
            Err(e) => return Err(e),
        },
        Resource::Outages | Resource::Alerts | Resource::Bulletins => {
            match feeds.unit(unit()?).await? {
                Some(found) => Scope::Units(vec![found.code]),
                None => return Ok(false),
            }
        }
    };
    let head = feeds.head(resource, scope).await?;
    Ok(same_tag(&etag(resource, head), &feed.etag))
}

/// The stored resource behind a feed name.
fn feed_resource(name: FeedName) -> Resource {
    match name {
        FeedName::Units => Resource::Units,
        FeedName::Procedures => Resource::Procedures,
        FeedName::News => Resource::News,
        FeedName::Outages => Resource::Outages,
        FeedName::Alerts => Resource::Alerts,
        FeedName::Bulletins => Resource::Bulletins,
    }
}
