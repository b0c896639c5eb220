//! Cached images for offline display.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use super::{Core, Media};
use crate::Error;
use crate::store::media;

impl Core {
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
