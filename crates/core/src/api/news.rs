//! The home unit's news, read from the cache.

use super::{Core, NewsDetail, NewsList, NewsSummary, freshness};
use crate::Error;
use crate::store::{news, settings};

/// News items returned when the caller asks for 0.
const DEFAULT_NEWS_LIMIT: u32 = 50;
/// Most news items one call returns.
const MAX_NEWS_LIMIT: u32 = 500;

impl Core {
    /// The home unit's cached news, newest first, at most `limit` (0 = 50,
    /// capped at 500), with the news cache's freshness. Reads only.
    /// Errors: `not_configured` (no home unit), `storage`.
    pub fn news(&self, limit: u32) -> Result<NewsList, Error> {
        let limit = match limit {
            0 => DEFAULT_NEWS_LIMIT,
            n => n.min(MAX_NEWS_LIMIT),
        };
        self.read(|conn| {
            let unit =
                settings::home_unit(conn)?.ok_or(Error::NotConfigured { what: "home_unit" })?;
            let items = news::latest(conn, limit)?
                .into_iter()
                .map(|n| NewsSummary {
                    id: n.id,
                    source: n.source,
                    title: n.title,
                    summary: n.summary,
                    image: n.image,
                    published_at: n.published_at,
                })
                .collect();
            Ok(NewsList {
                items,
                freshness: freshness(conn, "news", &unit)?,
            })
        })
    }

    /// One cached news item with its sanitized body. Reads only.
    /// Errors: `not_found`, `storage`.
    pub fn news_item(&self, id: &str) -> Result<NewsDetail, Error> {
        self.read(|conn| {
            let item = news::get(conn, id)?.ok_or_else(|| Error::NotFound {
                what: "news item",
                key: id.to_string(),
            })?;
            let unit = settings::home_unit(conn)?.unwrap_or_default();
            Ok(NewsDetail {
                item,
                freshness: freshness(conn, "news", &unit)?,
            })
        })
    }
}
