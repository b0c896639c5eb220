//! Conditional GETs for answers that are not change feeds (Open311 lists and
//! definitions, the holiday table): a weak ETag computed from the body, and 304 when the client's
//! `If-None-Match` still matches, so an unchanged list costs a few hundred bytes
//! on the wire instead of the whole document.
//!
//! The content API does not go through here: its change feeds carry ETags of their
//! own (see `feed.rs`) and never build a body they would throw away.

use axum::body::{Body, HttpBody, to_bytes};
use axum::extract::Request;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

/// Bodies larger than this are passed through without an ETag (photos, mostly).
const MAX_HASHED_BODY: usize = 4 * 1024 * 1024;

/// Middleware: on a 200 answer to GET, adds `ETag` (weak, from a SHA-256 of the
/// body) and `Cache-Control: no-cache`, and answers 304 when `If-None-Match` holds it.
pub async fn etag_from_body(request: Request, next: Next) -> Response {
    if request.method() != Method::GET {
        return next.run(request).await;
    }
    let asked = request.headers().get(header::IF_NONE_MATCH).cloned();
    let response = next.run(request).await;
    if response.status() != StatusCode::OK || response.headers().contains_key(header::ETAG) {
        return response;
    }
    // Only bodies of known, modest size are hashed; others (photos) pass untouched.
    let size = response.body().size_hint().exact();
    if size.is_none_or(|n| n > MAX_HASHED_BODY as u64) {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_HASHED_BODY).await else {
        tracing::warn!("answer body failed while revalidating");
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let digest = Sha256::digest(&bytes);
    let hex: String = digest[..12].iter().map(|b| format!("{b:02x}")).collect();
    let etag = format!("W/\"{hex}\"");
    let Ok(value) = HeaderValue::from_str(&etag) else {
        return Response::from_parts(parts, Body::from(bytes));
    };
    if asked.as_ref().is_some_and(|a| matches(a, &etag)) {
        let mut not_modified = StatusCode::NOT_MODIFIED.into_response();
        not_modified.headers_mut().insert(header::ETAG, value);
        return not_modified;
    }
    parts.headers.insert(header::ETAG, value);
    parts
        .headers
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    Response::from_parts(parts, Body::from(bytes))
}

/// True when an `If-None-Match` value lists `etag` (or is `*`).
fn matches(asked: &HeaderValue, etag: &str) -> bool {
    asked.to_str().is_ok_and(|list| {
        list.split(',')
            .map(str::trim)
            .any(|candidate| candidate == "*" || candidate == etag)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::Router;
    use axum::routing::get;
    use tower::ServiceExt;

    fn app() -> Router {
        Router::new()
            .route("/list", get(|| async { "[1,2,3]" }))
            .layer(axum::middleware::from_fn(etag_from_body))
    }

    async fn get_with(etag: Option<&str>) -> Response {
        let mut req = Request::builder().uri("/list");
        if let Some(etag) = etag {
            req = req.header(header::IF_NONE_MATCH, etag);
        }
        app()
            .oneshot(req.body(Body::empty()).unwrap())
            .await
            .unwrap()
    }

    #[tokio::test]
    async fn same_body_same_etag_then_304() {
        let first = get_with(None).await;
        assert_eq!(first.status(), StatusCode::OK);
        let etag = first.headers()[header::ETAG].to_str().unwrap().to_string();
        assert!(etag.starts_with("W/\""));
        let again = get_with(Some(&etag)).await;
        assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
        assert!(to_bytes(again.into_body(), 1024).await.unwrap().is_empty());
    }

    #[tokio::test]
    async fn a_stale_etag_gets_the_body() {
        let answer = get_with(Some("W/\"0000\"")).await;
        assert_eq!(answer.status(), StatusCode::OK);
        assert_eq!(to_bytes(answer.into_body(), 1024).await.unwrap(), "[1,2,3]");
    }
}
