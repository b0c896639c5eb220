//! The paging and change-feed envelope shared by every content list.
//!
//! A list is read as a change feed: `GET /api/v1/<resource>?since=<cursor>&limit=<n>`
//! returns the items changed after `since` in change order, the keys deleted after
//! `since` (tombstones), and the cursor to send next. See docs/PROTOCOL.md.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Page size used when a request does not say `limit`.
pub const DEFAULT_PAGE_LIMIT: u32 = 200;
/// Largest page a server hands out; bigger `limit` values are clamped.
pub const MAX_PAGE_LIMIT: u32 = 1000;

/// Content type of a feed bundle (`GET /api/v1/procedures/bundle`): the whole
/// feed as one [`Page`] in a zstd frame, served in byte ranges, so that a first
/// download on a poor link keeps every byte that arrives.
pub const BUNDLE_CONTENT_TYPE: &str = "application/vnd.congdan.page+zstd";

/// One page of changes of a resource after a cursor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Page<T> {
    /// Items created or changed after the request's `since`, oldest change first.
    pub items: Vec<T>,
    /// Keys (ids or codes) of items deleted after `since`.
    pub deleted: Vec<String>,
    /// Opaque cursor to send as `since` for the next page; store it with the page.
    pub next: String,
    /// True when more changes wait after `next`; fetch again at once.
    pub more: bool,
}

/// One listed day of `GET /api/v1/holidays`: a day off on a weekday or a
/// swapped working weekend day. Devices count "còn N giờ làm việc" with them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct HolidayDay {
    /// Local (UTC+7) date, `YYYY-MM-DD`.
    pub date: String,
    /// `off` or `work`.
    pub kind: String,
    /// Vietnamese name, e.g. "Tết Nguyên đán Đinh Mùi (mùng 3)".
    pub name: String,
}

/// Answer of `GET /api/v1/health`, used by clients to tell "offline" from "server down".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Health {
    /// Always `"ok"` when the server answers.
    pub status: String,
    /// Server version (crate version).
    pub version: String,
}

/// Most feeds one `POST /api/v1/check` may name; a device has a handful.
/// The check (issue 12) says in one round trip which of a device's feeds
/// changed since their stored ETags, where one `If-None-Match` per feed costs
/// a round trip each (seconds on 2G).
pub const MAX_CHECK_FEEDS: usize = 32;

/// A public change feed a check may name (the path below `/api/v1`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FeedName {
    /// `/api/v1/units`.
    Units,
    /// `/api/v1/procedures`.
    Procedures,
    /// `/api/v1/news?unit=`.
    News,
    /// `/api/v1/outages?unit=`.
    Outages,
    /// `/api/v1/alerts?unit=`.
    Alerts,
    /// `/api/v1/bulletins?unit=`.
    Bulletins,
}

/// One feed of a check: which feed, for which unit, and the ETag the device
/// would send as `If-None-Match`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedTag {
    /// The feed.
    pub resource: FeedName,
    /// The GET's `?unit=`: required for news, outages, alerts and bulletins,
    /// ignored for units and procedures.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// The stored ETag of the feed's last complete pull.
    pub etag: String,
}

/// Body of `POST /api/v1/check`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckRequest {
    /// At most [`MAX_CHECK_FEEDS`] feeds.
    pub feeds: Vec<FeedTag>,
}

/// Answer of `POST /api/v1/check`: positions, in the request's `feeds`, of
/// the feeds whose GET would not answer 304 (changed, or an unknown unit);
/// the others need no request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckAnswer {
    /// Indexes into [`CheckRequest::feeds`], ascending.
    pub changed: Vec<usize>,
}
