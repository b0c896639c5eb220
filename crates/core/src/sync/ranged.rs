//! Fetching one body in byte ranges (issue 12): the bus network of a province,
//! the catalogue's bundle. Each range is committed to `download_chunks` before
//! the next is asked for, and a connection dropped mid-range keeps the bytes that
//! came, so on a link up five seconds at a time every up period moves the
//! download on, and the next sync resumes from the last byte kept.
//!
//! The first range carries `If-None-Match` with the ETag of the body in use (304:
//! nothing to do); later ranges carry `If-Range` with the ETag of the first, and
//! a changed ETag starts the download again from 0. The caller decodes the whole
//! body and forgets the download ([`downloads::clear`]) once it has stored what
//! it held.
//!
//! [`judge`] decides from one answer (no I/O); [`fetch`] drives the requests.

use std::sync::Mutex;

use rusqlite::Connection;

use super::lock;
use super::transport::{Answer, Call, Method, Received, Transport};
use crate::Error;
use crate::store::downloads;

/// What one answer means.
#[derive(Debug, PartialEq, Eq)]
pub enum Judged {
    /// The body in use is current.
    NotModified,
    /// The server has no such body.
    Missing,
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

/// Reads one answer to a ranged GET of `resource`; `whole` is false when its body
/// was cut short (a 206 then carries a prefix of its range). Errors:
/// `server_unavailable` (5xx), `bad_response`, `offline` (a cut 200, whose length
/// is unknown).
pub fn judge(resource: &'static str, answer: &Answer, whole: bool) -> Result<Judged, Error> {
    let bad = |reason: String| Error::BadResponse {
        resource: resource.into(),
        reason,
    };
    let etag = answer.header("etag").map(str::to_string);
    match answer.status {
        304 => Ok(Judged::NotModified),
        404 => Ok(Judged::Missing),
        416 => Ok(Judged::Restart),
        200 if !whole => Err(Error::Interrupted {
            resource: resource.into(),
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
            resource: resource.into(),
            status: s,
        }),
        s => Err(bad(format!("HTTP {s}"))),
    }
}

/// Which body to fetch.
#[derive(Debug, Clone)]
pub struct Target {
    /// Resource name, for calls and errors (`bus`, `procedures`).
    pub resource: &'static str,
    /// Name of its row in `downloads`.
    pub download: &'static str,
    /// What the body is for (the province, or empty): a download kept for
    /// another key is dropped.
    pub key: String,
    /// Path of the GET.
    pub path: String,
    /// ETag of the body in use, if any (its first range asks `If-None-Match`).
    pub current: Option<String>,
}

/// How a fetch ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fetched {
    /// The body in use is current; no download is kept.
    NotModified,
    /// The server has none.
    Missing,
    /// The whole body, still kept in `downloads` until the caller clears it.
    Body {
        /// Its strong ETag.
        etag: String,
        /// The bytes.
        body: Vec<u8>,
        /// Ranged GETs made by this fetch.
        requests: u32,
    },
}

/// Fetches `target` in ranges of `chunk` bytes, resuming a download kept for it,
/// and calls `kept(held, total)` after each range is committed. Errors:
/// `offline` (including a cut range, whose bytes are kept), `server_unavailable`,
/// `bad_response`, `storage`.
pub async fn fetch<T: Transport>(
    writer: &Mutex<Connection>,
    transport: &T,
    target: &Target,
    chunk: u64,
    kept: &(dyn Fn(u64, u64) + Send + Sync),
) -> Result<Fetched, Error> {
    let chunk = chunk.max(1);
    let name = target.download;
    let mut state = {
        let conn = lock(writer);
        match downloads::get(&conn, name)? {
            Some(d) if d.key == target.key => Some((d.etag, d.total, d.held)),
            Some(_) => {
                downloads::clear(&conn, name)?;
                None
            }
            None => None,
        }
    };
    let mut requests = 0u32;
    loop {
        let offset = state.as_ref().map_or(0, |s| s.2);
        let mut headers = vec![("range", format!("bytes={offset}-{}", offset + chunk - 1))];
        match &state {
            Some((etag, ..)) => headers.push(("if-range", etag.clone())),
            None => {
                if let Some(etag) = &target.current {
                    headers.push(("if-none-match", etag.clone()));
                }
            }
        }
        let call = Call {
            resource: target.resource,
            method: Method::Get,
            path: target.path.clone(),
            headers,
            body: Vec::new(),
        };
        let Received { answer, whole } = transport.receive_range(&call).await?;
        requests += 1;
        let judged = judge(target.resource, &answer, whole)?;
        let conn = lock(writer);
        match judged {
            Judged::NotModified => {
                downloads::clear(&conn, name)?;
                return Ok(Fetched::NotModified);
            }
            Judged::Missing => return Ok(Fetched::Missing),
            Judged::Restart => {
                downloads::clear(&conn, name)?;
                state = None;
                if requests > 3 {
                    return Err(Error::BadResponse {
                        resource: target.resource.into(),
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
                    // A new body (first range, or the body changed mid-way).
                    downloads::start(&conn, name, &target.key, &etag, total)?;
                    state = Some((etag.clone(), total, 0));
                    if at != 0 {
                        continue;
                    }
                }
                let have = state.as_ref().map_or(0, |s| s.2);
                if at != have {
                    return Err(Error::BadResponse {
                        resource: target.resource.into(),
                        reason: format!("range at {at}, expected {have}"),
                    });
                }
                downloads::add_chunk(&conn, name, at, &answer.body)?;
                let have = have + answer.body.len() as u64;
                state = Some((etag.clone(), total, have));
                drop(conn);
                kept(have, total);
                if !whole {
                    return Err(Error::Interrupted {
                        resource: target.resource.into(),
                        reason: format!("range cut; {have} of {total} bytes kept"),
                    });
                }
                if have < total {
                    continue;
                }
                let body = downloads::body(&lock(writer), name)?;
                return Ok(Fetched::Body {
                    etag,
                    body,
                    requests,
                });
            }
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::sync::{MediaFile, Request, Response};

    /// Serves bodies in ranges like the server does; can fail one request, can
    /// switch to another body (a new ingest) after some requests, and can cut
    /// ranges short.
    pub(crate) struct Ranged {
        /// `(etag, body)`: the first, then the second after `switch_after` requests.
        pub bodies: Vec<(String, Vec<u8>)>,
        pub switch_after: usize,
        /// The request (1-based) that fails before any answer.
        pub fail_at: Option<usize>,
        /// Ranges still to be cut short, and the bytes of each that arrive.
        pub cuts: Mutex<(usize, usize)>,
        /// Headers of every request.
        pub seen: Mutex<Vec<Vec<(&'static str, String)>>>,
    }

    impl Ranged {
        /// One body, answered faithfully.
        pub(crate) fn serving(etag: &str, body: Vec<u8>) -> Ranged {
            Ranged {
                bodies: vec![(etag.into(), body)],
                switch_after: usize::MAX,
                fail_at: None,
                cuts: Mutex::default(),
                seen: Mutex::default(),
            }
        }
    }

    impl Transport for Ranged {
        async fn get(&self, _: &Request) -> Result<Response, Error> {
            unreachable!("ranged fetches use ranged calls")
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
                    resource: call.resource.into(),
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
}
