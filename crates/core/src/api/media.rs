//! Cached images for offline display, and the room they take (a budget the
//! user sees and can change or clear in Settings).

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use super::{Core, Media, MediaUsage};
use crate::Error;
use crate::store::{media, settings};

/// Smallest and largest image budget a user may choose, in MB.
const BUDGET_RANGE_MB: std::ops::RangeInclusive<u32> = 10..=4000;

impl Core {
    /// How many images are cached, the room they take and the budget. Reads
    /// only. Errors: `storage`.
    pub fn media_usage(&self) -> Result<MediaUsage, Error> {
        self.read(|conn| {
            let (images, bytes) = media::usage(conn)?;
            Ok(MediaUsage {
                images,
                used_kib: u32::try_from(bytes / 1024).unwrap_or(u32::MAX),
                budget_mb: settings::media_budget_mb(conn)?,
            })
        })
    }

    /// Sets the image budget (10–4000 MB) and drops the oldest images beyond
    /// it at once. Writes: `settings`, `media`. Errors: `invalid_input`, `storage`.
    pub fn set_media_budget(&self, megabytes: u32) -> Result<MediaUsage, Error> {
        if !BUDGET_RANGE_MB.contains(&megabytes) {
            return Err(Error::InvalidInput {
                what: "media_budget_mb",
                reason: format!("must be within {BUDGET_RANGE_MB:?}"),
            });
        }
        {
            let conn = self.writer();
            settings::set(&conn, settings::MEDIA_BUDGET_MB, &megabytes.to_string())?;
            media::evict_to(&conn, u64::from(megabytes) * 1024 * 1024)?;
        }
        self.media_usage()
    }

    /// Deletes every cached image; the next syncs fetch them again within the
    /// budget. Writes: `media`. Errors: `storage`.
    pub fn clear_media(&self) -> Result<MediaUsage, Error> {
        media::clear(&self.writer())?;
        self.media_usage()
    }

    /// The cached image of `url` as a `data:` URL, or `None` when it was never
    /// downloaded (sync fetches news images after news pages). Reads only.
    /// Errors: `storage`.
    pub fn media(&self, url: &str) -> Result<Option<Media>, Error> {
        self.read(|conn| {
            Ok(media::get(conn, url)?.map(|row| Media {
                data_url: format!("data:{};base64,{}", row.mime, STANDARD.encode(&row.bytes)),
                mime: row.mime,
            }))
        })
    }
}
