//! Content codings of list pages that are kept encoded in memory
//! ([`crate::feed_cache`]): the same choice as the `CompressionLayer` of
//! [`crate::app`] (gzip and zstd; highest `q` wins, zstd before gzip before
//! identity on a tie; unknown codings and bad `q` values ignored) and the same
//! default levels, so that an answer from memory carries the headers the layer
//! would have written. The layer leaves an answer that already has a
//! `Content-Encoding` alone.

use axum::http::{HeaderMap, HeaderValue, header};

/// A content coding the server writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Encoding {
    /// No coding.
    Identity,
    /// gzip (level 6, flate2's default, as the layer).
    Gzip,
    /// zstd (level 3, zstd's default, as the layer).
    Zstd,
}

impl Encoding {
    /// The coding a request's `Accept-Encoding` asks for.
    pub fn from_headers(headers: &HeaderMap) -> Self {
        headers
            .get_all(header::ACCEPT_ENCODING)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(','))
            .filter_map(|entry| {
                let mut parts = entry.splitn(2, ';');
                let encoding = match parts.next().unwrap_or("").trim() {
                    name if name.eq_ignore_ascii_case("gzip")
                        || name.eq_ignore_ascii_case("x-gzip") =>
                    {
                        Encoding::Gzip
                    }
                    name if name.eq_ignore_ascii_case("zstd") => Encoding::Zstd,
                    name if name.eq_ignore_ascii_case("identity") => Encoding::Identity,
                    _ => return None,
                };
                let q = match parts.next() {
                    Some(q) => qvalue(q.trim())?,
                    None => 1000,
                };
                Some((encoding, q))
            })
            .filter(|&(_, q)| q > 0)
            .max_by_key(|&(encoding, q)| (q, encoding))
            .map_or(Encoding::Identity, |(encoding, _)| encoding)
    }

    /// The `Content-Encoding` value, `None` for identity.
    pub fn header_value(self) -> Option<HeaderValue> {
        match self {
            Encoding::Identity => None,
            Encoding::Gzip => Some(HeaderValue::from_static("gzip")),
            Encoding::Zstd => Some(HeaderValue::from_static("zstd")),
        }
    }

    /// `body` in this coding.
    pub fn encode(self, body: &[u8]) -> std::io::Result<Vec<u8>> {
        use std::io::Write;
        match self {
            Encoding::Identity => Ok(body.to_vec()),
            Encoding::Gzip => {
                let mut encoder = flate2::write::GzEncoder::new(
                    Vec::with_capacity(body.len() / 4),
                    flate2::Compression::default(),
                );
                encoder.write_all(body)?;
                encoder.finish()
            }
            Encoding::Zstd => zstd::bulk::compress(body, zstd::DEFAULT_COMPRESSION_LEVEL),
        }
    }
}

/// A `q=` weight in thousandths (`q=0.5` is 500), `None` when malformed.
fn qvalue(text: &str) -> Option<u16> {
    let value = text
        .strip_prefix("q=")
        .or_else(|| text.strip_prefix("Q="))?;
    let (whole, fraction) = value.split_once('.').unwrap_or((value, ""));
    let mut q: u16 = match whole {
        "0" => 0,
        "1" => 1000,
        _ => return None,
    };
    if fraction.len() > 3 || !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    for (digit, factor) in fraction.bytes().zip([100u16, 10, 1]) {
        q += factor * u16::from(digit - b'0');
    }
    (q <= 1000).then_some(q)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pick(accept: &str) -> Encoding {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::ACCEPT_ENCODING,
            HeaderValue::from_str(accept).unwrap(),
        );
        Encoding::from_headers(&headers)
    }

    #[test]
    fn the_choice_is_the_compression_layers() {
        assert_eq!(
            Encoding::from_headers(&HeaderMap::new()),
            Encoding::Identity
        );
        assert_eq!(pick("gzip, deflate, br, zstd"), Encoding::Zstd);
        assert_eq!(pick("gzip"), Encoding::Gzip);
        assert_eq!(pick("x-gzip"), Encoding::Gzip);
        assert_eq!(pick("zstd;q=0.5, gzip"), Encoding::Gzip);
        assert_eq!(pick("zstd;q=0, gzip;q=0.1"), Encoding::Gzip);
        assert_eq!(pick("br, deflate"), Encoding::Identity);
        assert_eq!(pick("gzip;q=2"), Encoding::Identity);
        assert_eq!(pick("gzip;q=0.0001"), Encoding::Identity);
        assert_eq!(pick("identity;q=1, gzip;q=1"), Encoding::Gzip);
        assert_eq!(pick("*"), Encoding::Identity);
    }

    #[test]
    fn encoded_bodies_decode_to_the_original() {
        let body = br#"{"items":[],"deleted":[],"next":"0","more":false}"#.repeat(20);
        let zstd = Encoding::Zstd.encode(&body).unwrap();
        assert_eq!(zstd::decode_all(zstd.as_slice()).unwrap(), body);
        let gzip = Encoding::Gzip.encode(&body).unwrap();
        let mut plain = Vec::new();
        std::io::Read::read_to_end(
            &mut flate2::read::GzDecoder::new(gzip.as_slice()),
            &mut plain,
        )
        .unwrap();
        assert_eq!(plain, body);
        assert_eq!(Encoding::Identity.encode(&body).unwrap(), body);
    }
}
