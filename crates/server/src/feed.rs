//! Change-feed mechanics shared by every list endpoint: reading `since` and
//! `limit`, weak ETags and `If-None-Match`, and writing a `Page<T>` body by
//! concatenating stored JSON (so a 1000-item page is not re-serialized).
//!
//! It does not know which resource it serves or how scopes are computed; the
//! content modules decide that and call [`serve_changes`].

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use congdan_protocol::sync::{DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT};
use serde::Deserialize;

use crate::encoding::Encoding;
use crate::error::AppError;
use crate::feed_cache::FeedsNow;
use crate::storage::{RawPage, Resource, Scope};

/// Query parameters of a list endpoint, as raw text so that bad values become
/// our own `bad_request` answer rather than a framework rejection.
#[derive(Debug, Default, Deserialize)]
pub struct ListParams {
    /// Cursor: changes after this sequence number; empty or absent means from the start.
    pub since: Option<String>,
    /// Page size; absent means [`DEFAULT_PAGE_LIMIT`], larger than [`MAX_PAGE_LIMIT`] is clamped.
    pub limit: Option<String>,
    /// Unit code, for the feeds scoped to one unit (news, outages, alerts).
    pub unit: Option<String>,
}

/// A checked `since` and `limit`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// Changes with a greater sequence number are returned.
    pub since: u64,
    /// At most this many changes (1..=MAX_PAGE_LIMIT).
    pub limit: u32,
}

fn is_decimal(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit())
}

impl ListParams {
    /// The `unit` parameter, required by the per-unit feeds.
    pub fn unit_param(&self) -> Result<&str, AppError> {
        self.unit
            .as_deref()
            .filter(|unit| !unit.is_empty())
            .ok_or(AppError::BadParam { param: "unit" })
    }

    /// The `unit` of a per-unit feed: present, and a unit the server knows
    /// (so a typo gets `unknown_unit`, not an empty feed that looks current).
    pub async fn known_unit(&self, feeds: &FeedsNow<'_>) -> Result<String, AppError> {
        let unit = self.unit_param()?;
        feeds
            .unit(unit)
            .await?
            .map(|found| found.code)
            .ok_or(AppError::UnknownUnit)
    }

    /// Check `since` and `limit`.
    pub fn window(&self) -> Result<Window, AppError> {
        let since = match self.since.as_deref() {
            None | Some("") => 0,
            Some(text) if is_decimal(text) => text
                .parse::<u64>()
                .map_err(|_| AppError::BadParam { param: "since" })?,
            Some(_) => return Err(AppError::BadParam { param: "since" }),
        };
        let limit = match self.limit.as_deref() {
            None | Some("") => DEFAULT_PAGE_LIMIT,
            Some(text) if is_decimal(text) => {
                // A huge number is still a valid request for "as many as you give".
                let wanted = text.parse::<u64>().unwrap_or(u64::MAX);
                if wanted == 0 {
                    return Err(AppError::BadParam { param: "limit" });
                }
                u32::try_from(wanted.min(u64::from(MAX_PAGE_LIMIT))).unwrap_or(MAX_PAGE_LIMIT)
            }
            Some(_) => return Err(AppError::BadParam { param: "limit" }),
        };
        Ok(Window { since, limit })
    }
}

/// The weak ETag of a resource at a head sequence number. The scope (unit,
/// device) is in the URL the tag belongs to, so it is not repeated here: every
/// idle check carries the tag both ways.
pub fn etag(resource: Resource, head: u64) -> String {
    format!("W/\"{}-{head}\"", resource.as_str())
}

/// Whether two entity tags name the same version (weak comparison: `W/` is
/// ignored), as `If-None-Match` and `POST /api/v1/check` compare them.
pub fn same_tag(a: &str, b: &str) -> bool {
    fn opaque(tag: &str) -> &str {
        tag.trim().trim_start_matches("W/")
    }
    opaque(a) == opaque(b)
}

/// Whether the request's `If-None-Match` matches `current` (weak comparison).
pub fn if_none_match(headers: &HeaderMap, current: &str) -> bool {
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .any(|tag| {
            let tag = tag.trim();
            tag == "*" || same_tag(tag, current)
        })
}

fn cache_headers(etag: &str) -> [(header::HeaderName, HeaderValue); 2] {
    let etag =
        HeaderValue::from_str(etag).unwrap_or_else(|_| HeaderValue::from_static("W/\"invalid\""));
    [
        (header::ETAG, etag),
        (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
    ]
}

/// Write a `Page<T>` JSON body from stored item texts without re-serializing them.
pub fn page_body(page: &RawPage, since: u64) -> Vec<u8> {
    let size: usize = page.items.iter().map(|item| item.len() + 1).sum();
    let mut body = Vec::with_capacity(size + 64 + page.deleted.len() * 16);
    body.extend_from_slice(b"{\"items\":[");
    for (index, item) in page.items.iter().enumerate() {
        if index > 0 {
            body.push(b',');
        }
        body.extend_from_slice(item.as_bytes());
    }
    body.extend_from_slice(b"],\"deleted\":");
    serde_json::to_writer(&mut body, &page.deleted)
        .expect("a list of strings always serializes into a Vec");
    let next = page.last_seq.unwrap_or(since);
    body.extend_from_slice(format!(",\"next\":\"{next}\",\"more\":{}}}", page.more).as_bytes());
    body
}

/// Answer a list request: 304 when `If-None-Match` matches the current head,
/// else the page of changes after `since` with its ETag, both from
/// the request's view of [`crate::feed_cache`] (memory when the change bell allows). The page is encoded
/// here, in the coding the compression layer would pick (which then leaves
/// it alone), with the `Vary` that layer would add.
pub async fn serve_changes(
    feeds: &FeedsNow<'_>,
    resource: Resource,
    scope: Scope,
    window: Window,
    headers: &HeaderMap,
) -> Result<Response, AppError> {
    if headers.contains_key(header::IF_NONE_MATCH) {
        let head = feeds.head(resource, scope.clone()).await?;
        let current = etag(resource, head);
        if if_none_match(headers, &current) {
            return Ok((StatusCode::NOT_MODIFIED, cache_headers(&current)).into_response());
        }
    }
    let encoding = Encoding::from_headers(headers);
    let page = feeds
        .page(resource, scope, window.since, window.limit, encoding)
        .await?;
    let mut response = (
        StatusCode::OK,
        cache_headers(&page.etag),
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            ),
            (header::VARY, HeaderValue::from_static("accept-encoding")),
        ],
        page.body,
    )
        .into_response();
    if let Some(coding) = page.encoding.header_value() {
        response
            .headers_mut()
            .insert(header::CONTENT_ENCODING, coding);
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;
    use congdan_protocol::Page;

    fn params(since: Option<&str>, limit: Option<&str>) -> ListParams {
        ListParams {
            since: since.map(str::to_owned),
            limit: limit.map(str::to_owned),
            unit: None,
        }
    }

    #[test]
    fn window_defaults_clamps_and_rejects() {
        assert_eq!(
            params(None, None).window().unwrap(),
            Window {
                since: 0,
                limit: DEFAULT_PAGE_LIMIT
            }
        );
        assert_eq!(params(Some(""), Some("5")).window().unwrap().limit, 5);
        assert_eq!(
            params(Some("12"), Some("999999999999999999999"))
                .window()
                .unwrap(),
            Window {
                since: 12,
                limit: MAX_PAGE_LIMIT
            }
        );
        for (since, limit) in [
            (Some("-1"), None),
            (Some("abc"), None),
            (Some("+3"), None),
            (Some("99999999999999999999999"), None),
            (None, Some("0")),
            (None, Some("-5")),
            (None, Some("ten")),
        ] {
            assert!(
                params(since, limit).window().is_err(),
                "{since:?} {limit:?}"
            );
        }
    }

    #[test]
    fn etag_matching_is_weak_and_handles_lists() {
        let tag = etag(Resource::News, 7);
        assert_eq!(tag, "W/\"news-7\"");
        let mut headers = HeaderMap::new();
        assert!(!if_none_match(&headers, &tag));
        headers.insert(
            header::IF_NONE_MATCH,
            HeaderValue::from_static("\"x\", \"news-7\""),
        );
        assert!(if_none_match(&headers, &tag));
        headers.insert(
            header::IF_NONE_MATCH,
            HeaderValue::from_static("W/\"news-8\""),
        );
        assert!(!if_none_match(&headers, &tag));
    }

    #[test]
    fn page_body_is_a_valid_page() {
        let raw = RawPage {
            items: vec!["\"a\"".into(), "\"b\"".into()],
            deleted: vec!["x\"y".into()],
            last_seq: Some(9),
            more: true,
            head: 12,
        };
        let page: Page<String> = serde_json::from_slice(&page_body(&raw, 3)).unwrap();
        assert_eq!(page.items, ["a", "b"]);
        assert_eq!(page.deleted, ["x\"y"]);
        assert_eq!(page.next, "9");
        assert!(page.more);
        let empty: Page<String> =
            serde_json::from_slice(&page_body(&RawPage::default(), 3)).unwrap();
        assert_eq!(empty.next, "3");
        assert!(!empty.more);
    }
}
