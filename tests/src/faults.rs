//! An HTTP-aware fault-injecting reverse proxy for the outbox tests: each request is
//! passed through, or fails in one of the ways a rural mobile link fails, chosen by a
//! seeded generator so a failing run can be replayed.
//!
//! Faults: the connection drops before the request reaches the server; the server
//! commits but the answer is lost mid-body (as after a timeout); a 500 without
//! forwarding; a 500 after the server committed.

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// What happened to requests, by kind of fault.
#[derive(Debug, Default)]
pub struct FaultCounts {
    /// Passed through untouched.
    pub passed: AtomicU64,
    /// Dropped before reaching the server.
    pub dropped: AtomicU64,
    /// Reached the server, answer lost mid-body.
    pub lost_after_commit: AtomicU64,
    /// Answered 500 by the proxy without forwarding.
    pub error_before: AtomicU64,
    /// Forwarded, then answered 500 instead of the server's answer.
    pub error_after_commit: AtomicU64,
}

struct Shared {
    upstream: String,
    client: reqwest::Client,
    rng: Mutex<u64>,
    fault_percent: u64,
    counts: FaultCounts,
}

/// A running fault proxy; stops when dropped.
pub struct FaultProxy {
    addr: SocketAddr,
    shared: Arc<Shared>,
    task: tokio::task::JoinHandle<()>,
}

impl FaultProxy {
    /// Proxies to `upstream` (base URL); `fault_percent` of requests fail, split evenly
    /// between the four faults; `seed` fixes the sequence.
    pub async fn start(upstream: &str, fault_percent: u64, seed: u64) -> anyhow::Result<Self> {
        let shared = Arc::new(Shared {
            upstream: upstream.trim_end_matches('/').to_string(),
            client: reqwest::Client::builder().no_gzip().no_zstd().build()?,
            rng: Mutex::new(seed.max(1)),
            fault_percent,
            counts: FaultCounts::default(),
        });
        let app = axum::Router::new()
            .fallback(forward)
            .with_state(shared.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok(Self { addr, shared, task })
    }

    /// Base URL of the proxy.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Counts of what the proxy did.
    pub fn counts(&self) -> &FaultCounts {
        &self.shared.counts
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

enum Fault {
    None,
    Drop,
    LoseAnswer,
    ErrorBefore,
    ErrorAfter,
}

impl Shared {
    /// xorshift64: small, seeded, good enough to spread faults.
    fn roll(&self) -> u64 {
        let mut state = self.rng.lock().unwrap_or_else(|p| p.into_inner());
        let mut x = *state;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        *state = x;
        x
    }

    fn pick(&self) -> Fault {
        let roll = self.roll();
        if roll % 100 >= self.fault_percent {
            return Fault::None;
        }
        match (roll / 100) % 4 {
            0 => Fault::Drop,
            1 => Fault::LoseAnswer,
            2 => Fault::ErrorBefore,
            _ => Fault::ErrorAfter,
        }
    }
}

/// A body that fails at once: the connection is cut instead of an answer.
fn cut_connection() -> Response {
    let failing = futures_util::stream::once(async {
        Err::<Bytes, std::io::Error>(std::io::Error::other("fault proxy cut the connection"))
    });
    (StatusCode::OK, Body::from_stream(failing)).into_response()
}

fn server_error() -> Response {
    (StatusCode::INTERNAL_SERVER_ERROR, "fault proxy: 500").into_response()
}

async fn forward(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    let fault = shared.pick();
    let counts = &shared.counts;
    match fault {
        Fault::Drop => {
            counts.dropped.fetch_add(1, Ordering::SeqCst);
            return cut_connection();
        }
        Fault::ErrorBefore => {
            counts.error_before.fetch_add(1, Ordering::SeqCst);
            return server_error();
        }
        _ => {}
    }
    let (parts, body) = request.into_parts();
    let Ok(body) = axum::body::to_bytes(body, usize::MAX).await else {
        return server_error();
    };
    let path = parts
        .uri
        .path_and_query()
        .map(|p| p.as_str())
        .unwrap_or("/");
    let mut upstream = shared
        .client
        .request(parts.method.clone(), format!("{}{path}", shared.upstream))
        .body(body);
    for (name, value) in &parts.headers {
        if name != "host" && name != "content-length" {
            upstream = upstream.header(name, value);
        }
    }
    let answer = match upstream.send().await {
        Ok(answer) => answer,
        Err(_) => return server_error(),
    };
    let status = answer.status();
    let headers: HeaderMap = answer.headers().clone();
    let bytes = answer.bytes().await.unwrap_or_default();
    match fault {
        Fault::LoseAnswer => {
            counts.lost_after_commit.fetch_add(1, Ordering::SeqCst);
            cut_connection()
        }
        Fault::ErrorAfter => {
            counts.error_after_commit.fetch_add(1, Ordering::SeqCst);
            server_error()
        }
        _ => {
            counts.passed.fetch_add(1, Ordering::SeqCst);
            let mut response = Response::new(Body::from(bytes));
            *response.status_mut() = status;
            for (name, value) in &headers {
                if name != "content-length" && name != "transfer-encoding" {
                    response.headers_mut().insert(name, value.clone());
                }
            }
            response
        }
    }
}
