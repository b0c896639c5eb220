//! Getting requests to the server: the [`Transport`] trait and its reqwest implementation.
//!
//! Owns: HTTP details (timeouts, compression, headers) and the mapping of
//! network failures to error codes: no connection, DNS failure or no answer →
//! `offline`; a body cut off or stalled mid-way (even inside a compressed stream)
//! → `offline` too (as [`Error::Interrupted`], so sync can shrink its pages); a
//! body that arrived whole but cannot be decompressed → `bad_response`. Status
//! codes are judged by the state machines (content pulls and the outbox), not here.
//!
//! Timeouts follow the link, not the size of the answer (issue 12): a connect
//! timeout, then a read-idle timeout that restarts with every piece of the
//! answer that arrives. A 140 KB catalogue page takes half a minute on 2G and
//! finishes; a link that delivers nothing for [`READ_IDLE_TIMEOUT`] fails.
//!
//! Three shapes of call: [`Transport::get`] for change-feed pages,
//! [`Transport::send`] for the outbox's writes (any method, headers, body), and
//! [`Transport::receive_range`] for byte ranges of a file the caller resumes,
//! which keeps the bytes that came before a cut.
//! A transport may carry the device's bearer token ([`HttpTransport::with_bearer`]);
//! it is sent on every request to the configured server and never logged.

use std::future::Future;
use std::time::Duration;

use reqwest::header::{CONTENT_TYPE, ETAG, IF_NONE_MATCH};

use super::machine::{Request, Response};
use crate::Error;

/// Connect timeout of every request: a 2G handshake is one 1.3 s round trip,
/// and a lost SYN is sent again after 1 s, then 3 s.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Longest wait for the next bytes of an answer: for its headers after the
/// request was sent (an outbox call's body included, so an upload gets at least
/// the 30 s it had before), then between pieces of the body. There is no
/// whole-request timeout, so a slow but alive link finishes any page; a stalled
/// one fails.
pub const READ_IDLE_TIMEOUT: Duration = Duration::from_secs(30);
/// Largest file we cache (the server's upload limit: announcement PDFs fit).
pub const MAX_MEDIA_BYTES: usize = 8 * 1024 * 1024;

/// A downloaded image or PDF, kept for offline reading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaFile {
    /// Its `image/*` or `application/pdf` content type.
    pub mime: String,
    /// Its bytes (at most [`MAX_MEDIA_BYTES`]).
    pub bytes: Vec<u8>,
}

/// HTTP method of an outbox call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// GET.
    Get,
    /// HEAD (upload offset probe).
    Head,
    /// POST.
    Post,
    /// PATCH (upload chunk).
    Patch,
    /// PUT (drafts and acknowledgements under a client-chosen id).
    Put,
}

/// One write (or probe) the outbox sends, relative to the server's base URL.
#[derive(Clone, PartialEq, Eq)]
pub struct Call {
    /// Resource for error context and logs ("upload", "request").
    pub resource: &'static str,
    /// Method.
    pub method: Method,
    /// Path below the base URL, e.g. `/api/v1/uploads`.
    pub path: String,
    /// Headers, lower-case names (`idempotency-key`, `upload-offset`, `content-type`,
    /// `authorization`).
    pub headers: Vec<(&'static str, String)>,
    /// Body bytes (empty for HEAD).
    pub body: Vec<u8>,
}

impl Call {
    /// The value of header `name`, if set.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Debug output hides the bearer token and the body (personal data).
impl std::fmt::Debug for Call {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(k, v)| {
                if k.eq_ignore_ascii_case("authorization") {
                    (*k, "<redacted>")
                } else {
                    (*k, v.as_str())
                }
            })
            .collect();
        f.debug_struct("Call")
            .field("resource", &self.resource)
            .field("method", &self.method)
            .field("path", &self.path)
            .field("headers", &headers)
            .field("body_len", &self.body.len())
            .finish()
    }
}

/// The server's answer to a [`Call`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Answer {
    /// HTTP status.
    pub status: u16,
    /// Response headers, names lower-case.
    pub headers: Vec<(String, String)>,
    /// Body bytes.
    pub body: Vec<u8>,
}

impl Answer {
    /// The value of header `name` (case-insensitive), if present.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// An answer to a ranged GET whose body may have been cut short.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Received {
    /// Status and headers as answered; the body holds the bytes that came.
    pub answer: Answer,
    /// False when the connection dropped after the headers, before the body's end.
    pub whole: bool,
}

/// How sync reaches the server; tests substitute recorded answers.
pub trait Transport: Send + Sync {
    /// Sends one content request. Errors: `offline`, `bad_response`.
    fn get(&self, request: &Request) -> impl Future<Output = Result<Response, Error>> + Send;

    /// Downloads an image or PDF for offline reading, giving up after
    /// `patience` (the whole request). `Ok(None)` when the answer is not a
    /// usable file (not 2xx, not `image/*` or `application/pdf`, too large).
    /// Errors: `offline`.
    fn fetch_media(
        &self,
        url: &str,
        patience: Duration,
    ) -> impl Future<Output = Result<Option<MediaFile>, Error>> + Send;

    /// Sends one outbox call and returns whatever status the server answered.
    /// Errors: `offline` (network failure or timeout: the server may or may not
    /// have committed), `bad_response`. The default refuses, for transports
    /// that only pull.
    fn send(&self, call: &Call) -> impl Future<Output = Result<Answer, Error>> + Send {
        let resource = call.resource;
        async move {
            Err(Error::Internal {
                reason: format!("transport cannot send {resource}"),
            })
        }
    }

    /// Sends a GET for a byte range of a file the caller resumes with `Range`
    /// (issue 12): on a link up a few seconds at a time a range rarely arrives
    /// whole, and every byte that came is worth keeping, as the server keeps the
    /// bytes of a cut photo upload. A cut after the headers is `whole: false` with
    /// the bytes received; a failure before them is an error as for
    /// [`Transport::send`]. The default sends and reports the answer whole.
    fn receive_range(&self, call: &Call) -> impl Future<Output = Result<Received, Error>> + Send {
        async move {
            let answer = self.send(call).await?;
            Ok(Received {
                answer,
                whole: true,
            })
        }
    }
}

/// The real transport: reqwest with gzip and zstd, a 10 s connect timeout and a
/// 30 s read-idle timeout.
#[derive(Debug, Clone)]
pub struct HttpTransport {
    client: reqwest::Client,
    base: String,
    bearer: Option<String>,
}

impl HttpTransport {
    /// A transport for the server at `base_url` (e.g. `http://127.0.0.1:8080`),
    /// over a client of its own. Errors: `internal` when the HTTP client cannot be built.
    pub fn new(base_url: &str) -> Result<HttpTransport, Error> {
        Ok(HttpTransport::over(HttpTransport::client()?, base_url))
    }

    /// The HTTP client every transport is made over: timeouts for slow links,
    /// gzip and zstd. Clones share its connection pool. Errors: `internal`.
    pub fn client() -> Result<reqwest::Client, Error> {
        reqwest::Client::builder()
            .connect_timeout(CONNECT_TIMEOUT)
            .read_timeout(READ_IDLE_TIMEOUT)
            .gzip(true)
            .zstd(true)
            .user_agent(concat!("congdan/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| Error::Internal {
                reason: format!("http client: {e}"),
            })
    }

    /// A transport for the server at `base_url` over `client` (made by
    /// [`HttpTransport::client`]), reusing its kept-alive connections.
    pub fn over(client: reqwest::Client, base_url: &str) -> HttpTransport {
        HttpTransport {
            client,
            base: base_url.trim_end_matches('/').to_string(),
            bearer: None,
        }
    }

    /// The same transport sending `Authorization: Bearer <token>` on requests
    /// to the server (pages and calls; never on image downloads).
    pub fn with_bearer(mut self, token: Option<String>) -> HttpTransport {
        self.bearer = token;
        self
    }

    /// Sends `call` and reads the status and headers of its answer (names
    /// lower-case), leaving the body to the caller.
    async fn answer_head(
        &self,
        call: &Call,
    ) -> Result<(reqwest::Response, u16, Vec<(String, String)>), Error> {
        let url = format!("{}{}", self.base, call.path);
        let method = match call.method {
            Method::Get => reqwest::Method::GET,
            Method::Head => reqwest::Method::HEAD,
            Method::Post => reqwest::Method::POST,
            Method::Patch => reqwest::Method::PATCH,
            Method::Put => reqwest::Method::PUT,
        };
        let mut builder = self.client.request(method, &url);
        for (name, value) in &call.headers {
            builder = builder.header(*name, value);
        }
        if call.header("authorization").is_none()
            && let Some(token) = &self.bearer
        {
            builder = builder.bearer_auth(token);
        }
        if call.method != Method::Head && call.method != Method::Get {
            builder = builder.body(call.body.clone());
        }
        let response = builder
            .send()
            .await
            .map_err(|e| classify(call.resource, e))?;
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .filter_map(|(k, v)| Some((k.as_str().to_string(), v.to_str().ok()?.to_string())))
            .collect();
        Ok((response, status, headers))
    }
}

/// Maps a reqwest failure of `resource` before any answer arrived to our error
/// codes.
fn classify(resource: &str, e: reqwest::Error) -> Error {
    // connect refused, DNS, timeouts, resets mid-body: the network is the problem.
    decode_or(resource, e, |resource, reason| Error::Offline {
        resource,
        reason,
    })
}

/// Maps a failure while reading the body of an answer: a cut or a stall is
/// [`Error::Interrupted`] (code `offline`), a body that arrived whole but cannot
/// be decompressed is `bad_response`.
fn classify_body(resource: &str, e: reqwest::Error) -> Error {
    decode_or(resource, e, |resource, reason| Error::Interrupted {
        resource,
        reason,
    })
}

/// `bad_response` for a body that arrived whole but cannot be decoded, else
/// the network error `network` makes of the resource and the reason.
fn decode_or(
    resource: &str,
    e: reqwest::Error,
    network: impl FnOnce(String, String) -> Error,
) -> Error {
    let e = e.without_url();
    if e.is_decode() && !cut_short(&e) {
        Error::BadResponse {
            resource: resource.to_string(),
            reason: e.to_string(),
        }
    } else {
        network(resource.to_string(), e.to_string())
    }
}

/// Whether a body error was the network's doing: the connection was reset or
/// closed before the body was complete, or the link stalled. reqwest reports
/// these as decode errors when the body is decompressed (the decoder sees a
/// truncated stream), so the cause is looked for down the source chain; a
/// corrupt stream that arrived whole has none of these causes.
fn cut_short(e: &reqwest::Error) -> bool {
    use std::io::ErrorKind;
    if e.is_timeout() {
        return true;
    }
    let mut source: Option<&(dyn std::error::Error + 'static)> = std::error::Error::source(e);
    while let Some(cause) = source {
        if let Some(io) = cause.downcast_ref::<std::io::Error>()
            && matches!(
                io.kind(),
                ErrorKind::UnexpectedEof
                    | ErrorKind::ConnectionReset
                    | ErrorKind::ConnectionAborted
                    | ErrorKind::BrokenPipe
                    | ErrorKind::NotConnected
                    | ErrorKind::TimedOut
            )
        {
            return true;
        }
        if cause
            .downcast_ref::<reqwest::Error>()
            .is_some_and(reqwest::Error::is_timeout)
        {
            return true;
        }
        source = cause.source();
    }
    false
}

impl Transport for HttpTransport {
    async fn get(&self, request: &Request) -> Result<Response, Error> {
        let url = format!("{}{}", self.base, request.path);
        let mut builder = self.client.get(&url).query(&request.query);
        if let Some(etag) = &request.if_none_match {
            builder = builder.header(IF_NONE_MATCH, etag);
        }
        if let Some(token) = &self.bearer {
            builder = builder.bearer_auth(token);
        }
        let response = builder
            .send()
            .await
            .map_err(|e| classify(request.resource, e))?;
        let status = response.status().as_u16();
        let etag = response
            .headers()
            .get(ETAG)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let body = response
            .bytes()
            .await
            .map_err(|e| classify_body(request.resource, e))?
            .to_vec();
        tracing::debug!(
            resource = request.resource,
            status,
            bytes = body.len(),
            "page answer"
        );
        Ok(Response { status, etag, body })
    }

    async fn fetch_media(&self, url: &str, patience: Duration) -> Result<Option<MediaFile>, Error> {
        let parsed = url::Url::parse(url).map_err(|e| Error::InvalidInput {
            what: "image url",
            reason: e.to_string(),
        })?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Ok(None);
        }
        let mut response = self
            .client
            .get(parsed)
            .timeout(patience)
            .send()
            .await
            .map_err(|e| classify("media", e))?;
        if !response.status().is_success() {
            return Ok(None);
        }
        let mime = response
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .map(|v| v.trim().to_ascii_lowercase())
            .unwrap_or_default();
        if !(mime.starts_with("image/") || mime == "application/pdf") {
            return Ok(None);
        }
        if response
            .content_length()
            .is_some_and(|n| n > MAX_MEDIA_BYTES as u64)
        {
            return Ok(None);
        }
        let mut bytes = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|e| classify("media", e))? {
            if bytes.len() + chunk.len() > MAX_MEDIA_BYTES {
                return Ok(None);
            }
            bytes.extend_from_slice(&chunk);
        }
        Ok(Some(MediaFile { mime, bytes }))
    }

    async fn send(&self, call: &Call) -> Result<Answer, Error> {
        let (response, status, headers) = self.answer_head(call).await?;
        let body = response
            .bytes()
            .await
            .map_err(|e| classify_body(call.resource, e))?
            .to_vec();
        tracing::debug!(resource = call.resource, status, "call answer");
        Ok(Answer {
            status,
            headers,
            body,
        })
    }

    async fn receive_range(&self, call: &Call) -> Result<Received, Error> {
        let (mut response, status, headers) = self.answer_head(call).await?;
        let mut body = Vec::new();
        let whole = loop {
            match response.chunk().await {
                Ok(Some(piece)) => body.extend_from_slice(&piece),
                Ok(None) => break true,
                Err(e) => {
                    let e = classify_body(call.resource, e);
                    if body.is_empty() || !matches!(e, Error::Interrupted { .. }) {
                        return Err(e);
                    }
                    tracing::debug!(resource = call.resource, kept = body.len(), error = %e, "range cut, bytes kept");
                    break false;
                }
            }
        };
        Ok(Received {
            answer: Answer {
                status,
                headers,
                body,
            },
            whole,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorCode;

    #[tokio::test]
    async fn refused_connection_is_offline() {
        // Bind then drop a listener: the port is very likely closed afterwards.
        let port = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap().port()
        };
        let t = HttpTransport::new(&format!("http://127.0.0.1:{port}/")).unwrap();
        let req = Request {
            resource: "units",
            path: "/api/v1/units".into(),
            query: vec![("since", "0".into())],
            if_none_match: None,
        };
        let err = t.get(&req).await.unwrap_err();
        assert_eq!(err.code(), ErrorCode::Offline);
    }

    /// Serves one connection: reads the request, writes `head` and `body`, then
    /// closes (FIN) or resets (RST) the connection.
    async fn serve_once(head: String, body: Vec<u8>, reset: bool) -> String {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            let (mut sock, _) = listener.accept().await.unwrap();
            let mut buf = vec![0u8; 4096];
            let _ = sock.read(&mut buf).await.unwrap();
            sock.write_all(head.as_bytes()).await.unwrap();
            sock.write_all(&body).await.unwrap();
            sock.flush().await.unwrap();
            if reset {
                sock.set_zero_linger().unwrap();
            } else {
                sock.shutdown().await.unwrap();
            }
        });
        format!("http://{addr}")
    }

    fn units_request() -> Request {
        Request {
            resource: "procedures",
            path: "/api/v1/procedures".into(),
            query: vec![("since", "0".into())],
            if_none_match: None,
        }
    }

    /// The start of a gzip stream of one stored (uncompressed) deflate block of
    /// `len` bytes, and the first `sent` of those bytes.
    fn gzip_prefix(len: u16, sent: usize) -> Vec<u8> {
        let mut body = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff];
        body.push(1); // final block, stored
        body.extend_from_slice(&len.to_le_bytes());
        body.extend_from_slice(&(!len).to_le_bytes());
        body.extend(std::iter::repeat_n(b'{', sent));
        body
    }

    #[tokio::test]
    async fn a_body_cut_midway_is_offline_not_bad_data() {
        for (encoding, reset) in [
            ("gzip", false),
            ("gzip", true),
            ("identity", false),
            ("identity", true),
        ] {
            let body = if encoding == "gzip" {
                gzip_prefix(60_000, 20_000)
            } else {
                vec![b'{'; 20_000]
            };
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: {encoding}\r\nContent-Length: 70000\r\n\r\n"
            );
            let url = serve_once(head, body, reset).await;
            let err = HttpTransport::new(&url)
                .unwrap()
                .get(&units_request())
                .await
                .unwrap_err();
            assert_eq!(
                err.code(),
                ErrorCode::Offline,
                "{encoding} reset={reset}: {err:?}"
            );
            assert!(matches!(err, Error::Interrupted { .. }), "{err:?}");
        }
    }

    #[tokio::test]
    async fn a_corrupt_compressed_body_is_bad_data() {
        let mut body = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff];
        body.extend_from_slice(&[0x07, 0xff, 0xff, 0xff, 0xff]); // reserved block type
        let head = format!(
            "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        );
        let url = serve_once(head, body, false).await;
        let err = HttpTransport::new(&url)
            .unwrap()
            .get(&units_request())
            .await
            .unwrap_err();
        assert_eq!(err.code(), ErrorCode::BadResponse, "{err:?}");
    }

    #[tokio::test]
    async fn talks_http_to_a_tiny_server() {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let server = tokio::spawn(async move {
            let mut seen = Vec::new();
            for answer in [
                "HTTP/1.1 200 OK\r\nETag: W/\"u-1\"\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}",
                "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi",
                "HTTP/1.1 200 OK\r\nContent-Type: image/png; x=y\r\nContent-Length: 3\r\nConnection: close\r\n\r\nPNG",
            ] {
                let (mut sock, _) = listener.accept().await.unwrap();
                let mut buf = vec![0u8; 4096];
                let n = sock.read(&mut buf).await.unwrap();
                seen.push(String::from_utf8_lossy(&buf[..n]).to_string());
                sock.write_all(answer.as_bytes()).await.unwrap();
                sock.shutdown().await.unwrap();
            }
            seen
        });
        let t = HttpTransport::new(&format!("http://{addr}")).unwrap();
        let req = Request {
            resource: "units",
            path: "/api/v1/units".into(),
            query: vec![("since", "4".into()), ("limit", "10".into())],
            if_none_match: Some("W/\"u-0\"".into()),
        };
        let resp = t.get(&req).await.unwrap();
        assert_eq!(resp.status, 200);
        assert_eq!(resp.etag.as_deref(), Some("W/\"u-1\""));
        assert_eq!(resp.body, b"{}");
        let url = format!("http://{addr}/a.png");
        assert_eq!(
            t.fetch_media(&url, std::time::Duration::from_secs(5))
                .await
                .unwrap(),
            None,
            "text/html is not an image"
        );
        assert_eq!(
            t.fetch_media(&url, std::time::Duration::from_secs(5))
                .await
                .unwrap(),
            Some(MediaFile {
                mime: "image/png".into(),
                bytes: b"PNG".to_vec()
            })
        );
        assert_eq!(
            t.fetch_media("file:///etc/passwd", std::time::Duration::from_secs(5))
                .await
                .unwrap(),
            None
        );
        let seen = server.await.unwrap();
        let first = seen[0].to_ascii_lowercase();
        assert!(
            first.starts_with("get /api/v1/units?since=4&limit=10 "),
            "{first}"
        );
        assert!(first.contains("if-none-match: w/\"u-0\""));
        assert!(first.contains("accept-encoding: gzip, zstd") || first.contains("zstd"));
    }
}
