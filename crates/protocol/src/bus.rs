//! Bus networks (issue 8): what `GET /api/v1/bus` lists. The network itself is not JSON:
//! `GET /api/v1/bus/{province}` serves the compact form of `congdan-transit` (zstd of its
//! postcard encoding, content type [`BUS_NETWORK_CONTENT_TYPE`]) with a strong ETag and byte
//! ranges, so a device downloads a city in resumable chunks. See docs/PROTOCOL.md and
//! docs/TRANSIT.md.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Content type of a served bus network body.
pub const BUS_NETWORK_CONTENT_TYPE: &str = "application/vnd.congdan.bus+zstd";

/// One province's stored network, as listed by `GET /api/v1/bus`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct BusNetworkInfo {
    /// Province code (`79` for Thành phố Hồ Chí Minh).
    pub province: String,
    /// The feed's version label (feed_info version and zip digest).
    pub version: String,
    /// Strong ETag of the body, as sent in `ETag` (quoted).
    pub etag: String,
    /// Body length in bytes (what a first download costs).
    #[ts(type = "number")]
    pub bytes: u64,
    /// When the server ingested it, RFC 3339 UTC.
    pub ingested_at: String,
    /// Stops in the network.
    pub stops: u32,
    /// Routes in the network.
    pub routes: u32,
    /// Trips in the network.
    pub trips: u32,
}
