//! `ingest-feed`: fetch one RSS/Atom/JSON feed (file or http(s) URL) and upsert
//! its items for a unit. A whole-feed failure stores nothing.

use std::path::PathBuf;
use std::time::Duration;

use congdan_sources::feed;

use super::seed::read_capped;
use super::{CommandError, SourceReport, blocking};
use crate::storage::{NATIONAL_UNIT, Storage};

/// Longest a feed download may take.
pub const FETCH_TIMEOUT: Duration = Duration::from_secs(20);

/// Where a feed comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FeedSource {
    /// A local file.
    File(PathBuf),
    /// An `http://` or `https://` URL.
    Url(String),
}

impl FeedSource {
    /// A URL when `text` starts with `http://` or `https://`, a file path otherwise.
    pub fn parse(text: &str) -> Self {
        let lower = text.to_ascii_lowercase();
        if lower.starts_with("http://") || lower.starts_with("https://") {
            FeedSource::Url(text.to_owned())
        } else {
            FeedSource::File(PathBuf::from(text))
        }
    }

    fn name(&self) -> String {
        match self {
            FeedSource::File(path) => path.display().to_string(),
            FeedSource::Url(url) => url.clone(),
        }
    }
}

/// Ingest one feed for `unit` (a stored unit code, or `VN` for national news).
pub async fn ingest_feed(
    storage: &dyn Storage,
    unit: &str,
    source: &FeedSource,
) -> Result<SourceReport, CommandError> {
    if unit != NATIONAL_UNIT && storage.unit(unit.to_owned()).await?.is_none() {
        return Err(CommandError::UnknownUnit {
            code: unit.to_owned(),
        });
    }
    let bytes = match source {
        FeedSource::File(path) => {
            let path = path.clone();
            blocking(move || read_capped(&path, feed::MAX_FEED_BYTES)).await?
        }
        FeedSource::Url(url) => fetch(url).await?,
    };
    let what = source.name();
    let owned_unit = unit.to_owned();
    let parsed = blocking(move || {
        feed::parse(&bytes, &owned_unit).map_err(|source| CommandError::Source { what, source })
    })
    .await?;
    let counts = storage.upsert_news(parsed.items).await?;
    tracing::info!(
        inserted = counts.inserted,
        updated = counts.updated,
        unchanged = counts.unchanged,
        rejected = parsed.rejected.len(),
        "ingested a feed"
    );
    Ok(SourceReport {
        name: source.name(),
        counts,
        rejected: parsed.rejected,
        repaired: parsed.repaired,
    })
}

/// Download at most `MAX_FEED_BYTES + 1` bytes of `url` (the parser refuses the extra byte).
async fn fetch(url: &str) -> Result<Vec<u8>, CommandError> {
    let fail = |source| CommandError::Fetch {
        url: url.to_owned(),
        source,
    };
    let client = reqwest::Client::builder()
        .timeout(FETCH_TIMEOUT)
        .user_agent(concat!("congdan-server/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(fail)?;
    let mut response = client
        .get(url)
        .send()
        .await
        .and_then(reqwest::Response::error_for_status)
        .map_err(fail)?;
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(fail)? {
        let room = (feed::MAX_FEED_BYTES + 1).saturating_sub(body.len());
        body.extend_from_slice(&chunk[..chunk.len().min(room)]);
        if body.len() > feed::MAX_FEED_BYTES {
            break;
        }
    }
    Ok(body)
}
