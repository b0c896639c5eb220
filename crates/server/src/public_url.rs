//! The server's public base URL: what clients outside see (`https://congdan.example.vn`),
//! from which absolute links are built (the Open311 discovery `url`, photo
//! `media_url`s). GeoReport v2 clients use those links as given, so they must be
//! absolute.
//!
//! This module only checks and joins; it does not guess the address from request
//! headers (`Host`, `X-Forwarded-*` can be forged): the operator configures it
//! (`serve --public-url`), and the binary defaults it to `http://<listen address>`.

use std::fmt;
use std::net::SocketAddr;

/// Why a `--public-url` value was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PublicUrlError {
    /// Not a URL at all.
    #[error("public URL {given:?} is not a URL: {reason}")]
    Unparsable {
        /// The value given.
        given: String,
        /// What the URL parser said.
        reason: String,
    },
    /// A URL, but not one clients can use as a base.
    #[error("public URL {given:?} must be http(s) with a host and no query or fragment")]
    NotABase {
        /// The value given.
        given: String,
    },
}

/// An absolute http(s) base URL without a trailing slash, e.g.
/// `https://congdan.example.vn` or `https://example.vn/congdan`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicUrl(String);

impl PublicUrl {
    /// Check `text` (an http(s) URL with a host, optionally a path prefix, no query
    /// or fragment) and drop trailing slashes.
    pub fn parse(text: &str) -> Result<Self, PublicUrlError> {
        let given = text.trim();
        let url = reqwest::Url::parse(given).map_err(|e| PublicUrlError::Unparsable {
            given: given.to_owned(),
            reason: e.to_string(),
        })?;
        let usable = matches!(url.scheme(), "http" | "https")
            && url.host_str().is_some_and(|host| !host.is_empty())
            && url.query().is_none()
            && url.fragment().is_none()
            && url.username().is_empty()
            && url.password().is_none();
        if !usable {
            return Err(PublicUrlError::NotABase {
                given: given.to_owned(),
            });
        }
        Ok(Self(url.as_str().trim_end_matches('/').to_owned()))
    }

    /// `http://<addr>`: the default when no public URL is configured.
    pub fn from_addr(addr: SocketAddr) -> Self {
        Self(format!("http://{addr}"))
    }

    /// The absolute URL of `path`, a server path starting with `/`.
    pub fn join(&self, path: &str) -> String {
        format!("{}/{}", self.0, path.trim_start_matches('/'))
    }

    /// The base itself, without a trailing slash.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for PublicUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_bases_and_joins_paths() {
        let url = PublicUrl::parse("https://congdan.example.vn/").unwrap();
        assert_eq!(url.as_str(), "https://congdan.example.vn");
        assert_eq!(
            url.join("/open311/v2"),
            "https://congdan.example.vn/open311/v2"
        );
        let prefixed = PublicUrl::parse(" http://example.vn:8443/congdan// ").unwrap();
        assert_eq!(
            prefixed.join("/open311/v2/media/ab"),
            "http://example.vn:8443/congdan/open311/v2/media/ab"
        );
        let local = PublicUrl::from_addr("127.0.0.1:8787".parse().unwrap());
        assert_eq!(local.to_string(), "http://127.0.0.1:8787");
    }

    #[test]
    fn refuses_what_is_not_a_base() {
        for bad in [
            "congdan.example.vn",
            "/open311",
            "ftp://example.vn",
            "https://example.vn/?a=1",
            "https://example.vn/#x",
            "https://user:pw@example.vn",
            "",
        ] {
            assert!(PublicUrl::parse(bad).is_err(), "{bad}");
        }
    }
}
