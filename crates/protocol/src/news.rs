//! News items (tin tức) of a commune or ward, ingested by the server from feeds.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// One news article as the server publishes it. Key: `id`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct NewsItem {
    /// Stable id assigned by the server (derived from the feed entry id).
    pub id: String,
    /// Code of the unit this item is published for.
    pub unit: String,
    /// Name of the source, e.g. the feed title "VnExpress - Tin mới nhất".
    pub source: String,
    /// Title, plain text, NFC.
    pub title: String,
    /// Short plain-text summary (may be empty).
    pub summary: String,
    /// Article body as HTML already sanitized by the server (no scripts, styles or event handlers).
    pub body_html: String,
    /// Link to the original article, when the feed gives one.
    pub link: Option<String>,
    /// URL of the lead image (thumbnail), when there is one.
    pub image: Option<String>,
    /// When the source published it (UTC).
    pub published_at: DateTime<Utc>,
}
