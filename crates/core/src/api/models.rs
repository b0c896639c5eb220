//! Types that cross to the UI, the CLI and tests: serde camelCase, exported to TypeScript.

use chrono::{DateTime, Utc};
use congdan_protocol::{ErrorBody, NewsItem, Procedure};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The commune the user lives in, with its province, for headers and scoping news.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct HomeUnit {
    /// Commune code (5 digits).
    pub code: String,
    /// Commune name, e.g. "Phường Ba Đình".
    pub name: String,
    /// Province code (2 digits).
    pub province_code: String,
    /// Province name, e.g. "Thành phố Hà Nội".
    pub province_name: String,
}

/// How fresh the shown data is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Freshness {
    /// When this data was last synced completely; `None` if never.
    pub synced_at: Option<DateTime<Utc>>,
    /// True when the last sync could not reach the server (cached data shown).
    pub offline: bool,
}

/// A news list row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct NewsSummary {
    /// Item id, for [`crate::Core::news_item`].
    pub id: String,
    /// Source name (feed title).
    pub source: String,
    /// Title, plain text.
    pub title: String,
    /// Short plain-text summary (may be empty).
    pub summary: String,
    /// Lead image URL; pass it to [`crate::Core::media`] for the cached bytes.
    pub image: Option<String>,
    /// Publication time (UTC).
    pub published_at: DateTime<Utc>,
}

/// The home unit's news, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct NewsList {
    /// Items, newest first.
    pub items: Vec<NewsSummary>,
    /// Freshness of the news cache.
    pub freshness: Freshness,
}

/// One full news item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct NewsDetail {
    /// The item as the server published it (body HTML already sanitized).
    pub item: NewsItem,
    /// Freshness of the news cache.
    pub freshness: Freshness,
}

/// A cached image ready for an `<img src>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Media {
    /// MIME type, e.g. "image/jpeg".
    pub mime: String,
    /// `data:<mime>;base64,<bytes>` URL.
    pub data_url: String,
}

/// A procedure search.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, Default)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ProcedureQuery {
    /// Free text, with or without diacritics; empty lists everything by name.
    pub text: String,
    /// Only procedures whose levels contain this value (e.g. "Cấp xã").
    pub level: Option<String>,
    /// Only procedures of this field (e.g. "Hộ tịch").
    pub field: Option<String>,
    /// Maximum hits (0 means the default, 50; capped at 500).
    pub limit: u32,
}

/// One search hit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ProcedureHit {
    /// Procedure code.
    pub code: String,
    /// Name as published.
    pub name: String,
    /// Field (lĩnh vực).
    pub field: String,
    /// Levels that carry it out.
    pub levels: Vec<String>,
}

/// Search results, best first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ProcedureResults {
    /// The best hits, best first (at most the query's limit).
    pub hits: Vec<ProcedureHit>,
    /// Number of all matches.
    pub total: u32,
    /// Freshness of the catalogue cache.
    pub freshness: Freshness,
}

/// One filter value with the number of procedures carrying it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Facet {
    /// The value, e.g. "Cấp xã".
    pub value: String,
    /// How many procedures have it.
    pub count: u32,
}

/// Filter values for the search screen, most common first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ProcedureFacets {
    /// Levels.
    pub levels: Vec<Facet>,
    /// Fields.
    pub fields: Vec<Facet>,
}

/// One procedure with the user's checklist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ProcedureDetail {
    /// The full procedure.
    pub procedure: Procedure,
    /// Indexes into `procedure.documents` the user ticked, ascending.
    pub checked: Vec<u32>,
    /// Freshness of the catalogue cache.
    pub freshness: Freshness,
}

/// Sync state of one resource.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ResourceStatus {
    /// "units", "procedures" or "news".
    pub resource: String,
    /// Last complete sync; `None` if never.
    pub synced_at: Option<DateTime<Utc>>,
    /// Items stored.
    pub count: u32,
}

/// What is cached and how the last sync went.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SyncStatus {
    /// One entry per resource (news only once a home unit is set).
    pub resources: Vec<ResourceStatus>,
    /// True when the last sync could not reach the server.
    pub offline: bool,
    /// Error of the last failed sync, cleared by a later success.
    pub last_error: Option<ErrorBody>,
}

/// Progress of a running sync, sent after every stored page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SyncProgress {
    /// Resource being pulled.
    pub resource: String,
    /// Pages stored so far for it.
    pub page: u32,
    /// Changes (items plus deletions) stored so far for it.
    pub items: u32,
    /// True on the resource's last report.
    pub done: bool,
}

/// What one resource's pull did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ResourceReport {
    /// Resource name.
    pub resource: String,
    /// Pages stored.
    pub pages: u32,
    /// Items inserted or replaced.
    pub items: u32,
    /// Items deleted.
    pub deleted: u32,
    /// True when the server said nothing changed (304).
    pub not_modified: bool,
}

/// What a sync did, per resource in sync order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SyncReport {
    /// One report per pulled resource.
    pub resources: Vec<ResourceReport>,
}
