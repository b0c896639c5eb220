//! Pulling the home province's bus network (issue 8): one body per province,
//! fetched in byte ranges of [`CHUNK`] bytes through [`super::ranged`], so that a
//! cut keeps what came (issue 12: on a link up 5 s at a time no 64 KiB range ever
//! arrived whole, and a Hồ Chí Minh City ward never got past its network). The
//! whole body is decoded and checked before it replaces the stored network, in
//! one transaction.

use std::sync::Mutex;

use congdan_transit::Network;
use rusqlite::Connection;

use super::lock;
use super::ranged::{self, Fetched, Target};
use super::transport::Transport;
use crate::Error;
use crate::store::bus::{self, NetworkMeta};
use crate::store::downloads;

/// Bytes asked for per request by the app: about 15 s on a 35 kbit/s 2G link. A
/// cut keeps what came, so the size only sets how often progress is committed.
pub const CHUNK: u64 = 64 * 1024;

/// The `downloads` row of a network being fetched.
pub const DOWNLOAD: &str = "bus";

/// How a pull ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pulled {
    /// The stored network is current.
    NotModified,
    /// The server has none for this province.
    NoNetwork,
    /// A new network was stored, after `requests` ranged GETs.
    Stored {
        /// Requests made by this pull.
        requests: u32,
        /// Stops in the new network.
        stops: usize,
    },
}

/// Pulls the network of `province`, resuming a download in progress. Writes:
/// `downloads`, then the `bus_*` network tables. Errors: `offline`,
/// `server_unavailable`, `bad_response` (including a body that does not decode; the
/// download is then dropped), `storage`.
pub async fn pull<T: Transport>(
    writer: &Mutex<Connection>,
    transport: &T,
    province: &str,
    now_ms: i64,
    chunk: u64,
) -> Result<Pulled, Error> {
    let current = bus::meta(&lock(writer))?.filter(|m| m.province == province);
    let target = Target {
        resource: "bus",
        download: DOWNLOAD,
        key: province.to_string(),
        path: format!("/api/v1/bus/{province}"),
        current: current.map(|m| m.etag),
    };
    let (etag, body, requests) =
        match ranged::fetch(writer, transport, &target, chunk, &|_, _| {}).await? {
            Fetched::NotModified => return Ok(Pulled::NotModified),
            Fetched::Missing => return Ok(Pulled::NoNetwork),
            Fetched::Body {
                etag,
                body,
                requests,
            } => (etag, body, requests),
        };
    let network = match Network::from_wire(&body) {
        Ok(n) => n,
        Err(e) => {
            downloads::clear(&lock(writer), DOWNLOAD)?;
            return Err(Error::BadResponse {
                resource: "bus".into(),
                reason: e.to_string(),
            });
        }
    };
    let meta = NetworkMeta {
        province: province.to_string(),
        etag,
        version: network.feed_version.clone(),
        timezone: network.timezone.clone(),
        stored_ms: now_ms,
        bytes: body.len() as i64,
    };
    let mut conn = lock(writer);
    bus::replace(&mut conn, &meta, &network)?;
    downloads::clear(&conn, DOWNLOAD)?;
    tracing::info!(province, bytes = body.len(), requests, "bus network stored");
    Ok(Pulled::Stored {
        requests,
        stops: network.stops.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::bus_tests::{network, open_store};
    use crate::store::downloads;
    use crate::sync::ranged::tests::Ranged;

    fn held(writer: &Mutex<Connection>) -> Option<u64> {
        downloads::get(&writer.lock().unwrap(), DOWNLOAD)
            .unwrap()
            .map(|d| d.held)
    }

    fn wire(stops: usize) -> Vec<u8> {
        network(stops).to_wire(3).unwrap()
    }

    #[tokio::test]
    async fn a_cut_download_resumes_where_it_stopped_then_is_not_modified() {
        let (writer, _dir) = open_store();
        let body = wire(3);
        let chunk = (body.len() as u64 / 4).max(1);
        let t = Ranged {
            bodies: vec![("\"a\"".into(), body.clone())],
            switch_after: usize::MAX,
            fail_at: Some(3),
            cuts: Mutex::default(),
            seen: Mutex::default(),
        };
        let err = pull(&writer, &t, "79", 1, chunk).await.unwrap_err();
        assert_eq!(err.code(), crate::ErrorCode::Offline);
        assert_eq!(
            held(&writer),
            Some(2 * chunk),
            "two chunks were committed before the cut"
        );

        let pulled = pull(&writer, &t, "79", 2, chunk).await.unwrap();
        assert!(
            matches!(pulled, Pulled::Stored { stops: 3, .. }),
            "{pulled:?}"
        );
        let seen = t.seen.lock().unwrap().clone();
        assert_eq!(
            seen[3][0],
            ("range", format!("bytes={}-{}", 2 * chunk, 3 * chunk - 1)),
            "resumed, not restarted"
        );
        assert!(seen[3].contains(&("if-range", "\"a\"".to_string())));
        let meta = bus::meta(&writer.lock().unwrap()).unwrap().unwrap();
        assert_eq!(
            (meta.etag.as_str(), meta.bytes as usize),
            ("\"a\"", body.len())
        );
        assert_eq!(held(&writer), None);

        assert_eq!(
            pull(&writer, &t, "79", 3, chunk).await.unwrap(),
            Pulled::NotModified
        );
    }

    #[tokio::test]
    async fn a_range_cut_mid_way_keeps_the_bytes_that_came_and_the_next_pull_goes_on_from_them() {
        let (writer, _dir) = open_store();
        let body = wire(3);
        let chunk = (body.len() as u64 / 2).max(2);
        let kept = (chunk / 3).max(1) as usize;
        let t = Ranged {
            bodies: vec![("\"a\"".into(), body.clone())],
            switch_after: usize::MAX,
            fail_at: None,
            cuts: Mutex::new((3, kept)),
            seen: Mutex::default(),
        };
        for round in 1..=3u64 {
            let err = pull(&writer, &t, "79", 1, chunk).await.unwrap_err();
            assert_eq!(err.code(), crate::ErrorCode::Offline, "{err:?}");
            assert_eq!(held(&writer), Some(round * kept as u64), "round {round}");
        }
        let pulled = pull(&writer, &t, "79", 2, chunk).await.unwrap();
        assert!(
            matches!(pulled, Pulled::Stored { stops: 3, .. }),
            "{pulled:?}"
        );
        let seen = t.seen.lock().unwrap().clone();
        let ranges: Vec<&str> = seen.iter().map(|h| h[0].1.as_str()).collect();
        assert_eq!(
            &ranges[..4],
            &[
                format!("bytes=0-{}", chunk - 1),
                format!("bytes={kept}-{}", kept as u64 + chunk - 1),
                format!("bytes={}-{}", 2 * kept, 2 * kept as u64 + chunk - 1),
                format!("bytes={}-{}", 3 * kept, 3 * kept as u64 + chunk - 1),
            ],
            "each pull asks from the last byte kept"
        );
        let meta = bus::meta(&writer.lock().unwrap()).unwrap().unwrap();
        assert_eq!(meta.bytes as usize, body.len());
    }

    #[tokio::test]
    async fn a_feed_changed_mid_download_is_taken_whole_and_a_bad_body_keeps_the_old_network() {
        let (writer, _dir) = open_store();
        let (old, new) = (wire(3), wire(4));
        let chunk = (old.len() as u64 / 3).max(1);
        let t = Ranged {
            bodies: vec![("\"a\"".into(), old), ("\"b\"".into(), new)],
            switch_after: 1,
            fail_at: None,
            cuts: Mutex::default(),
            seen: Mutex::default(),
        };
        let pulled = pull(&writer, &t, "79", 1, chunk).await.unwrap();
        assert!(
            matches!(pulled, Pulled::Stored { stops: 4, .. }),
            "{pulled:?}"
        );
        assert_eq!(
            bus::meta(&writer.lock().unwrap()).unwrap().unwrap().etag,
            "\"b\""
        );

        let garbage = Ranged {
            bodies: vec![("\"c\"".into(), b"not a network at all".to_vec())],
            switch_after: usize::MAX,
            fail_at: None,
            cuts: Mutex::default(),
            seen: Mutex::default(),
        };
        let err = pull(&writer, &garbage, "79", 2, 1 << 20).await.unwrap_err();
        assert_eq!(err.code(), crate::ErrorCode::BadResponse);
        assert_eq!(
            bus::meta(&writer.lock().unwrap()).unwrap().unwrap().etag,
            "\"b\"",
            "old network kept"
        );
        assert_eq!(bus::stop_count(&writer.lock().unwrap()).unwrap(), 4);
    }
}
