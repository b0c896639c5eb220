//! A loopback TCP proxy that counts the bytes that cross it, so tests and the sync
//! benchmark can measure what goes over the wire (compressed bodies and headers included).

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// Bytes seen by a [`CountingProxy`] in each direction.
#[derive(Debug, Default)]
pub struct Counters {
    /// Client → server bytes.
    pub up: AtomicU64,
    /// Server → client bytes.
    pub down: AtomicU64,
}

impl Counters {
    /// Total bytes both ways.
    pub fn total(&self) -> u64 {
        self.up.load(Ordering::SeqCst) + self.down.load(Ordering::SeqCst)
    }

    /// Sets both counters back to zero.
    pub fn reset(&self) {
        self.up.store(0, Ordering::SeqCst);
        self.down.store(0, Ordering::SeqCst);
    }
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
    tokio::join!(
        copy_counting(cr, sw, &counters.up),
        copy_counting(sr, cw, &counters.down)
    );
}

/// Copies until EOF or error, adding each chunk to `counter` as it passes, so
/// counts are current even while a keep-alive connection stays open.
async fn copy_counting(
    mut from: impl AsyncRead + Unpin,
    mut to: impl AsyncWrite + Unpin,
    counter: &AtomicU64,
) {
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = match from.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        counter.fetch_add(n as u64, Ordering::SeqCst);
        if to.write_all(&buf[..n]).await.is_err() {
            break;
        }
    }
    let _ = to.shutdown().await;
}
