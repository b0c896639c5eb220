//! Serving a stored body that is already compressed (a bus network, a feed
//! bundle) byte for byte: a strong ETag, `If-None-Match` → 304, and single byte
//! ranges (`Range: bytes=a-b`, `If-Range`) → 206, so that a device on a poor
//! link downloads it in chunks, keeps what a cut left, and resumes after a
//! drop. The compression layer leaves these content types alone.

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::feed::if_none_match;

/// A byte range asked for, resolved against the body length.
#[derive(Debug, PartialEq, Eq)]
enum Wanted {
    /// The whole body (no Range, a stale If-Range, or a form we do not serve partially).
    All,
    /// Bytes `start..=end`.
    Part(u64, u64),
    /// A range that starts past the end.
    Unsatisfiable,
}

/// Reads `Range` and `If-Range` (single ranges only; several ranges get the whole body, as
/// RFC 9110 allows).
fn wanted(headers: &HeaderMap, etag: &str, len: u64) -> Wanted {
    let Some(range) = headers.get(header::RANGE).and_then(|v| v.to_str().ok()) else {
        return Wanted::All;
    };
    if let Some(if_range) = headers.get(header::IF_RANGE).and_then(|v| v.to_str().ok())
        && if_range.trim() != etag
    {
        return Wanted::All;
    }
    let Some(spec) = range.trim().strip_prefix("bytes=") else {
        return Wanted::All;
    };
    if spec.contains(',') {
        return Wanted::All;
    }
    let Some((a, b)) = spec.split_once('-') else {
        return Wanted::All;
    };
    let (a, b) = (a.trim(), b.trim());
    let parsed = match (a.is_empty(), b.is_empty()) {
        (false, true) => a.parse::<u64>().ok().map(|s| (s, len.saturating_sub(1))),
        (false, false) => match (a.parse::<u64>(), b.parse::<u64>()) {
            (Ok(s), Ok(e)) if s <= e => Some((s, e.min(len.saturating_sub(1)))),
            _ => None,
        },
        (true, false) => b
            .parse::<u64>()
            .ok()
            .filter(|&n| n > 0)
            .map(|n| (len.saturating_sub(n), len.saturating_sub(1))),
        (true, true) => None,
    };
    match parsed {
        None => Wanted::All,
        Some((start, _)) if start >= len => Wanted::Unsatisfiable,
        Some((start, end)) => Wanted::Part(start, end),
    }
}

/// The answer to a GET of `body` (whose strong ETag is `etag`), whole or the
/// range the request asks for.
pub fn serve(
    headers: &HeaderMap,
    etag: &str,
    content_type: &'static str,
    body: Vec<u8>,
) -> Response {
    let tag =
        HeaderValue::from_str(etag).unwrap_or_else(|_| HeaderValue::from_static("\"invalid\""));
    let common = [
        (header::ETAG, tag),
        (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        (header::ACCEPT_RANGES, HeaderValue::from_static("bytes")),
    ];
    if if_none_match(headers, etag) {
        return (StatusCode::NOT_MODIFIED, common).into_response();
    }
    let len = body.len() as u64;
    let content_type = [(header::CONTENT_TYPE, HeaderValue::from_static(content_type))];
    match wanted(headers, etag, len) {
        Wanted::All => (StatusCode::OK, common, content_type, body).into_response(),
        Wanted::Unsatisfiable => {
            let range = HeaderValue::from_str(&format!("bytes */{len}"))
                .unwrap_or_else(|_| HeaderValue::from_static("bytes */0"));
            (
                StatusCode::RANGE_NOT_SATISFIABLE,
                common,
                [(header::CONTENT_RANGE, range)],
            )
                .into_response()
        }
        Wanted::Part(start, end) => {
            let range = HeaderValue::from_str(&format!("bytes {start}-{end}/{len}"))
                .unwrap_or_else(|_| HeaderValue::from_static("bytes */0"));
            let part = body[start as usize..=end as usize].to_vec();
            (
                StatusCode::PARTIAL_CONTENT,
                common,
                content_type,
                [(header::CONTENT_RANGE, range)],
                part,
            )
                .into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut m = HeaderMap::new();
        for (k, v) in pairs {
            m.insert(*k, HeaderValue::from_str(v).unwrap());
        }
        m
    }

    #[test]
    fn ranges_are_read_as_rfc_9110_says() {
        let e = "\"bus-79-ab\"";
        assert_eq!(wanted(&h(&[]), e, 100), Wanted::All);
        assert_eq!(
            wanted(&h(&[("range", "bytes=0-9")]), e, 100),
            Wanted::Part(0, 9)
        );
        assert_eq!(
            wanted(&h(&[("range", "bytes=90-")]), e, 100),
            Wanted::Part(90, 99)
        );
        assert_eq!(
            wanted(&h(&[("range", "bytes=-10")]), e, 100),
            Wanted::Part(90, 99)
        );
        assert_eq!(
            wanted(&h(&[("range", "bytes=50-500")]), e, 100),
            Wanted::Part(50, 99)
        );
        assert_eq!(
            wanted(&h(&[("range", "bytes=100-")]), e, 100),
            Wanted::Unsatisfiable
        );
        assert_eq!(
            wanted(&h(&[("range", "bytes=0-1,5-6")]), e, 100),
            Wanted::All
        );
        assert_eq!(wanted(&h(&[("range", "bytes=9-0")]), e, 100), Wanted::All);
        assert_eq!(
            wanted(&h(&[("range", "bytes=0-9"), ("if-range", e)]), e, 100),
            Wanted::Part(0, 9)
        );
        assert_eq!(
            wanted(
                &h(&[("range", "bytes=0-9"), ("if-range", "\"old\"")]),
                e,
                100
            ),
            Wanted::All
        );
    }
}
