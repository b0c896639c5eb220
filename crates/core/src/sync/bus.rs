//! Pulling the home province's bus network (issue 8): one body per province, fetched
//! in byte ranges of [`CHUNK`] bytes, each chunk committed before the next is asked
//! for, so a dropped connection loses at most one chunk and the next sync resumes.
//! The first chunk carries `If-None-Match` with the ETag of the network in use (304:
//! nothing to do); later chunks carry `If-Range` with the ETag of the first, and a
//! changed ETag starts the download again from 0. The whole body is decoded and
//! checked before it replaces the stored network, in one transaction.
//!
//! [`judge`] decides from one answer (no I/O); [`pull`] drives the requests.

use std::sync::Mutex;

use congdan_transit::Network;
use rusqlite::Connection;

use super::transport::{Answer, Call, Method, Transport};
use crate::Error;
use crate::store::bus::{self, NetworkMeta};

/// Bytes asked for per request: about 15 s on a 35 kbit/s 2G link.
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

/// Reads one answer to a ranged GET. Errors: `server_unavailable` (5xx), `bad_response`.
pub fn judge(answer: &Answer) -> Result<Judged, Error> {
    let bad = |reason: String| Error::BadResponse {
        resource: "bus".into(),
        reason,
    };
    let etag = answer.header("etag").map(str::to_string);
    match answer.status {
        304 => Ok(Judged::NotModified),
        404 => Ok(Judged::NoNetwork),
        416 => Ok(Judged::Restart),
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
            if end < start || end >= total || end - start + 1 != answer.body.len() as u64 {
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
) -> Result<Pulled, Error> {
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
        let mut headers = vec![("range", format!("bytes={offset}-{}", offset + CHUNK - 1))];
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
        let answer = transport.send(&call).await?;
        requests += 1;
        let judged = judge(&answer)?;
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
