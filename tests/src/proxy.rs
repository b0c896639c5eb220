//! A loopback TCP proxy that counts the bytes that cross it, so tests and the sync
//! benchmark can measure what goes over the wire (compressed bodies and headers included),
//! and notes the request line of every HTTP/1.1 request (the round trips).

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// Bytes seen by a [`CountingProxy`] in each direction.
#[derive(Debug, Default)]
pub struct Counters {
    /// Client → server bytes.
    pub up: AtomicU64,
    /// Server → client bytes.
    pub down: AtomicU64,
    /// `METHOD /path` of every request, in order (query strings left out).
    requests: Mutex<Vec<String>>,
}

impl Counters {
    /// Total bytes both ways.
    pub fn total(&self) -> u64 {
        self.up.load(Ordering::SeqCst) + self.down.load(Ordering::SeqCst)
    }

    /// Sets both counters back to zero and forgets the requests.
    pub fn reset(&self) {
        self.up.store(0, Ordering::SeqCst);
        self.down.store(0, Ordering::SeqCst);
        self.requests_lock().clear();
    }

    /// `METHOD /path` of every request since the start or the last reset.
    pub fn requests(&self) -> Vec<String> {
        self.requests_lock().clone()
    }

    fn requests_lock(&self) -> std::sync::MutexGuard<'_, Vec<String>> {
        self.requests.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Finds request lines in one connection's client → server bytes, which may
/// split a line anywhere; a request after one with a body follows the body's
/// last byte on the same line.
#[derive(Default)]
struct RequestLines {
    /// The bytes after the last line break (at most [`RequestLines::KEPT`]).
    partial: Vec<u8>,
}

impl RequestLines {
    /// Bytes kept without a line break (a body in binary, a photo): more than
    /// any request line of ours.
    const KEPT: usize = 2048;

    fn feed(&mut self, bytes: &[u8], counters: &Counters) {
        self.partial.extend_from_slice(bytes);
        while let Some(end) = self.partial.windows(2).position(|w| w == b"\r\n") {
            let line: Vec<u8> = self.partial.drain(..end + 2).collect();
            if let Some(request) = request_line(&line[..end]) {
                counters.requests_lock().push(request);
            }
        }
        let extra = self.partial.len().saturating_sub(Self::KEPT);
        self.partial.drain(..extra);
    }
}

/// `METHOD /path` of the HTTP/1.1 request line that ends `line`, if any.
fn request_line(line: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(line);
    let (head, version) = text.rsplit_once(' ')?;
    let (before, target) = head.rsplit_once(' ')?;
    let method = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"]
        .into_iter()
        .find(|m| before.ends_with(m))?;
    if !target.starts_with('/') || !version.starts_with("HTTP/1.") {
        return None;
    }
    let path = target.split('?').next().unwrap_or(target);
    Some(format!("{method} {path}"))
}

/// A running proxy; stops accepting when dropped.
pub struct CountingProxy {
    addr: SocketAddr,
    counters: Arc<Counters>,
    task: tokio::task::JoinHandle<()>,
}

impl CountingProxy {
    /// Listens on a loopback port and forwards every connection to `upstream`.
    pub async fn start(upstream: SocketAddr) -> anyhow::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let counters = Arc::new(Counters::default());
        let shared = counters.clone();
        let task = tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let counters = shared.clone();
                tokio::spawn(async move {
                    if let Ok(server) = TcpStream::connect(upstream).await {
                        pipe(client, server, counters).await;
                    }
                });
            }
        });
        Ok(Self {
            addr,
            counters,
            task,
        })
    }

    /// Base URL of the proxy.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The address it listens on (to put another proxy in front of it).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The byte counters.
    pub fn counters(&self) -> &Counters {
        &self.counters
    }
}

impl Drop for CountingProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn pipe(client: TcpStream, server: TcpStream, counters: Arc<Counters>) {
    let (cr, cw) = client.into_split();
    let (sr, sw) = server.into_split();
    let mut lines = RequestLines::default();
    tokio::join!(
        copy_counting(cr, sw, &counters.up, |bytes| lines.feed(bytes, &counters)),
        copy_counting(sr, cw, &counters.down, |_| {})
    );
}

/// Copies until EOF or error, adding each chunk to `counter` and showing it to
/// `seen` as it passes, so counts are current even while a keep-alive
/// connection stays open.
async fn copy_counting(
    mut from: impl AsyncRead + Unpin,
    mut to: impl AsyncWrite + Unpin,
    counter: &AtomicU64,
    mut seen: impl FnMut(&[u8]),
) {
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = match from.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        counter.fetch_add(n as u64, Ordering::SeqCst);
        seen(&buf[..n]);
        if to.write_all(&buf[..n]).await.is_err() {
            break;
        }
    }
    let _ = to.shutdown().await;
}
