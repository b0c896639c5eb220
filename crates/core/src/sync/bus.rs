//! Pulling the home province's bus network (issue 8): one body per province, fetched
//! in byte ranges of [`CHUNK`] bytes, each chunk committed before the next is asked
//! for. A connection dropped mid-range keeps the bytes that came (issue 12: on a link
//! up 5 s at a time no 64 KiB range ever arrived whole, and a Hồ Chí Minh City ward
//! never got past its network), and the next sync resumes from the last of them.
//! The first chunk carries `If-None-Match` with the ETag of the network in use (304:
//! nothing to do); later chunks carry `If-Range` with the ETag of the first, and a
//! changed ETag starts the download again from 0. The whole body is decoded and
//! checked before it replaces the stored network, in one transaction.
//!
//! [`judge`] decides from one answer (no I/O); [`pull`] drives the requests.

use std::sync::Mutex;

use congdan_transit::Network;
use rusqlite::Connection;

use super::transport::{Answer, Call, Method, Received, Transport};
use crate::Error;
use crate::store::bus::{self, NetworkMeta};

/// Bytes asked for per request by the app: about 15 s on a 35 kbit/s 2G link. A
/// cut keeps what came, so the size only sets how often progress is committed.
pub const CHUNK: u64 = 64 * 1024;

/// What one answer means.
#[derive(Debug, PartialEq, Eq)]
pub enum Judged {
    /// The network in use is current.
    NotModified,
    /// The server has no network for the province.
    NoNetwork,
    /// Bytes at `offset` of a body of `total` bytes with ETag `etag`.
    Chunk {
        /// Where the bytes go.
        offset: u64,
        /// Body length.
        total: u64,
        /// ETag of the body.
        etag: String,
    },
    /// The range asked for is past the end: start again.
    Restart,
}

/// Reads one answer to a ranged GET; `whole` is false when its body was cut short
/// (a 206 then carries a prefix of its range). Errors: `server_unavailable` (5xx),
/// `bad_response`, `offline` (a cut 200, whose length is unknown).
pub fn judge(answer: &Answer, whole: bool) -> Result<Judged, Error> {
    let bad = |reason: String| Error::BadResponse {
        resource: "bus".into(),
        reason,
    };
    let etag = answer.header("etag").map(str::to_string);
    match answer.status {
        304 => Ok(Judged::NotModified),
        404 => Ok(Judged::NoNetwork),
        416 => Ok(Judged::Restart),
        200 if !whole => Err(Error::Interrupted {
            resource: "bus".into(),
            reason: "whole body cut short".into(),
        }),
        200 => Ok(Judged::Chunk {
            offset: 0,
            total: answer.body.len() as u64,
            etag: etag.ok_or_else(|| bad("no ETag".into()))?,
        }),
        206 => {
            let range = answer
                .header("content-range")
                .ok_or_else(|| bad("206 without Content-Range".into()))?;
            let parsed = range.strip_prefix("bytes ").and_then(|r| {
                let (span, total) = r.split_once('/')?;
                let (a, b) = span.split_once('-')?;
                Some((
                    a.parse::<u64>().ok()?,
                    b.parse::<u64>().ok()?,
                    total.parse::<u64>().ok()?,
                ))
            });
            let (start, end, total) =
                parsed.ok_or_else(|| bad(format!("Content-Range {range:?}")))?;
            let span = end.saturating_sub(start) + 1;
            let body = answer.body.len() as u64;
            if end < start || end >= total || body > span || (whole && body != span) {
                return Err(bad(format!(
                    "Content-Range {range:?} for {} bytes",
                    answer.body.len()
                )));
            }
            Ok(Judged::Chunk {
                offset: start,
                total,
                etag: etag.ok_or_else(|| bad("no ETag".into()))?,
            })
        }
        s if s >= 500 => Err(Error::ServerUnavailable {
            resource: "bus".into(),
            status: s,
        }),
        s => Err(bad(format!("HTTP {s}"))),
    }
}

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

fn lock(m: &Mutex<Connection>) -> std::sync::MutexGuard<'_, Connection> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Pulls the network of `province`, resuming a download in progress. Writes:
/// `bus_download*`, then the `bus_*` network tables. Errors: `offline`,
/// `server_unavailable`, `bad_response` (including a body that does not decode; the
/// download is then dropped), `storage`.
pub async fn pull<T: Transport>(
    writer: &Mutex<Connection>,
    transport: &T,
    province: &str,
    now_ms: i64,
    chunk: u64,
) -> Result<Pulled, Error> {
    let chunk = chunk.max(1);
    let (current, mut state) = {
        let conn = lock(writer);
        let current = bus::meta(&conn)?.filter(|m| m.province == province);
        let mut state = bus::download(&conn)?;
        if state.as_ref().is_some_and(|(p, ..)| p != province) {
            bus::clear_download(&conn)?;
            state = None;
        }
        (
            current,
            state.map(|(_, etag, total, have)| (etag, total.max(0) as u64, have.max(0) as u64)),
        )
    };
    let path = format!("/api/v1/bus/{province}");
    let mut requests = 0u32;
    loop {
        let offset = state.as_ref().map_or(0, |s| s.2);
        let mut headers = vec![("range", format!("bytes={offset}-{}", offset + chunk - 1))];
        match &state {
            Some((etag, ..)) => headers.push(("if-range", etag.clone())),
            None => {
                if let Some(m) = &current {
                    headers.push(("if-none-match", m.etag.clone()));
                }
            }
        }
        let call = Call {
            resource: "bus",
            method: Method::Get,
            path: path.clone(),
            headers,
            body: Vec::new(),
        };
        let Received { answer, whole } = transport.receive_range(&call).await?;
        requests += 1;
        let judged = judge(&answer, whole)?;
        let conn = lock(writer);
        match judged {
            Judged::NotModified => {
                bus::clear_download(&conn)?;
                return Ok(Pulled::NotModified);
            }
            Judged::NoNetwork => return Ok(Pulled::NoNetwork),
            Judged::Restart => {
                bus::clear_download(&conn)?;
                state = None;
                if requests > 3 {
                    return Err(Error::BadResponse {
                        resource: "bus".into(),
                        reason: "range refused again".into(),
                    });
                }
                continue;
            }
            Judged::Chunk {
                offset: at,
                total,
                etag,
            } => {
                let same = state
                    .as_ref()
                    .is_some_and(|(e, t, _)| *e == etag && *t == total);
                if !same {
                    // A new body (first chunk, or the feed changed mid-way).
                    bus::start_download(&conn, province, &etag, total as i64)?;
                    state = Some((etag.clone(), total, 0));
                    if at != 0 {
                        continue;
                    }
                }
                let have = state.as_ref().map_or(0, |s| s.2);
                if at != have {
                    return Err(Error::BadResponse {
                        resource: "bus".into(),
                        reason: format!("chunk at {at}, expected {have}"),
                    });
                }
                bus::add_chunk(&conn, at as i64, &answer.body)?;
                let have = have + answer.body.len() as u64;
                state = Some((etag.clone(), total, have));
                if !whole {
                    return Err(Error::Interrupted {
                        resource: "bus".into(),
                        reason: format!("range cut; {have} of {total} bytes kept"),
                    });
                }
                if have < total {
                    continue;
                }
                let body = bus::download_body(&conn)?;
                drop(conn);
                let network = match Network::from_wire(&body) {
                    Ok(n) => n,
                    Err(e) => {
                        bus::clear_download(&lock(writer))?;
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
                    bytes: total as i64,
                };
                let mut conn = lock(writer);
                bus::replace(&mut conn, &meta, &network)?;
                bus::clear_download(&conn)?;
                tracing::info!(province, bytes = total, requests, "bus network stored");
                return Ok(Pulled::Stored {
                    requests,
                    stops: network.stops.len(),
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::bus_tests::{network, open_store};
    use crate::sync::{MediaFile, Request, Response};

    /// Serves a body in ranges like the server does; can fail one request, and can
    /// switch to another body (a new ingest) after some requests.
    struct Ranged {
        bodies: Vec<(String, Vec<u8>)>,
        switch_after: usize,
        fail_at: Option<usize>,
        /// Ranges still to be cut short, and the bytes of each that arrive.
        cuts: Mutex<(usize, usize)>,
        seen: Mutex<Vec<Vec<(&'static str, String)>>>,
    }

    impl Transport for Ranged {
        async fn get(&self, _: &Request) -> Result<Response, Error> {
            unreachable!("bus pulls use ranged calls")
        }
        async fn fetch_media(
            &self,
            _: &str,
            _patience: std::time::Duration,
        ) -> Result<Option<MediaFile>, Error> {
            Ok(None)
        }
        async fn send(&self, call: &Call) -> Result<Answer, Error> {
            let n = {
                let mut seen = self.seen.lock().unwrap();
                seen.push(call.headers.clone());
                seen.len()
            };
            if self.fail_at == Some(n) {
                return Err(Error::Interrupted {
                    resource: "bus".into(),
                    reason: "cut".into(),
                });
            }
            let (etag, body) =
                &self.bodies[usize::from(n > self.switch_after).min(self.bodies.len() - 1)];
            let header = |name: &str| {
                call.headers
                    .iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| v.clone())
            };
            let etag_h = vec![("etag".to_string(), etag.clone())];
            if header("if-none-match").as_ref() == Some(etag) {
                return Ok(Answer {
                    status: 304,
                    headers: etag_h,
                    body: vec![],
                });
            }
            let range = header("range").unwrap();
            let (a, b) = range.trim_start_matches("bytes=").split_once('-').unwrap();
            let (a, b): (usize, usize) = (a.parse().unwrap(), b.parse().unwrap());
            if header("if-range").is_some_and(|t| &t != etag) {
                return Ok(Answer {
                    status: 200,
                    headers: etag_h,
                    body: body.clone(),
                });
            }
            let end = b.min(body.len() - 1);
            let mut headers = etag_h;
            headers.push((
                "content-range".into(),
                format!("bytes {a}-{end}/{}", body.len()),
            ));
            Ok(Answer {
                status: 206,
                headers,
                body: body[a..=end].to_vec(),
            })
        }
        async fn receive_range(&self, call: &Call) -> Result<Received, Error> {
            let mut answer = self.send(call).await?;
            let mut cuts = self.cuts.lock().unwrap();
            if cuts.0 == 0 || answer.status != 206 || answer.body.len() <= cuts.1 {
                return Ok(Received {
                    answer,
                    whole: true,
                });
            }
            cuts.0 -= 1;
            answer.body.truncate(cuts.1);
            Ok(Received {
                answer,
                whole: false,
            })
        }
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
        let held = bus::download(&writer.lock().unwrap()).unwrap().unwrap();
        assert_eq!(
            held.3 as u64,
            2 * chunk,
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
        assert!(bus::download(&writer.lock().unwrap()).unwrap().is_none());

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
            let held = bus::download(&writer.lock().unwrap()).unwrap().unwrap();
            assert_eq!(held.3 as u64, round * kept as u64, "round {round}");
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
