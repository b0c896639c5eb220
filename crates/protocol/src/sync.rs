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
