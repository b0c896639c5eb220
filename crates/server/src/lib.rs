//! The Cổng Dân reference backend: the read-only content API under `/api/v1`
//! (units, procedures, news as change feeds with cursors, tombstones and weak
//! ETags) over a [`storage::Storage`], plus the operator commands that fill it
//! (seed, feed ingest, deletions).
//!
//! Modules:
//! - [`content`]: one router per resource, handlers beside their routes;
//! - [`feed`]: cursors, ETags, 304s and page bodies shared by every list;
//! - [`storage`]: the storage trait and its SQLite implementation;
//! - [`error`]: the one HTTP error type and its `{code, message}` body;
//! - [`commands`]: seed, ingest-feed and delete, used by the binary.
//!
//! The binary (`main.rs`) only parses arguments, binds and prints. Wire types come
//! from `congdan-protocol`; parsing of outside formats from `congdan-sources`.
#![deny(missing_docs)]
#![warn(clippy::unwrap_used)]

pub mod accounts;
pub mod commands;
pub mod content;
pub mod deadlines;
pub mod error;
pub mod feed;
pub mod images;
pub mod officers;
pub mod open311;
pub mod residents;
pub mod revalidate;
pub mod secrets;
pub mod storage;
pub mod uploads;

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use chrono::{DateTime, Utc};
use tokio::net::TcpListener;
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::error::{AppError, error_response, middleware_error_body};
use crate::storage::Storage;

/// Prefix of the content API.
pub const API_PREFIX: &str = "/api/v1";

/// The Open311 `api_key` of the demo deployment.
pub const DEMO_API_KEY: &str = "congdan-demo-key";

/// The server's clock, replaceable in tests (deadlines, windows, sessions).
pub type Clock = Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>;

/// Settings of the HTTP layer.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// Longest a request may take before it is answered 503 `unavailable`.
    pub request_timeout: Duration,
    /// Largest accepted request body on ordinary routes (JSON and forms).
    pub max_body_bytes: usize,
    /// Largest body on photo routes (uploads, multipart `requests`).
    pub max_upload_body_bytes: usize,
    /// Open311 `api_key` values accepted by `POST requests`.
    pub api_keys: Vec<String>,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            request_timeout: Duration::from_secs(30),
            max_body_bytes: 64 * 1024,
            max_upload_body_bytes: 10 * 1024 * 1024,
            api_keys: vec![DEMO_API_KEY.to_owned()],
        }
    }
}

/// Shared state of every handler: cheap to clone (a few `Arc`s).
#[derive(Clone)]
pub struct AppState {
    /// Where content lives (SQLite today, PostgreSQL later).
    pub storage: Arc<dyn Storage>,
    /// HTTP settings.
    pub config: Arc<ServerConfig>,
    /// Current time.
    pub clock: Clock,
}

impl AppState {
    /// State over a storage with default settings.
    pub fn new(storage: Arc<dyn Storage>) -> Self {
        Self {
            storage,
            config: Arc::new(ServerConfig::default()),
            clock: Arc::new(Utc::now),
        }
    }

    /// The same state with another clock (tests).
    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }
}

/// Every route the server answers, full paths in OpenAPI/axum template syntax.
pub fn routes() -> Vec<String> {
    content::ROUTES
        .iter()
        .chain(residents::ROUTES)
        .chain(officers::ROUTES)
        .chain(uploads::ROUTES)
        .map(|path| format!("{API_PREFIX}{path}"))
        .chain(
            open311::ROUTES
                .iter()
                .map(|path| format!("{}{path}", open311::OPEN311_PREFIX)),
        )
        .collect()
}

/// The whole HTTP application with its layers. Ordinary routes share a small
/// body limit; photo routes (uploads, `requests.{fmt}`) get a larger one of
/// their own (axum's default limit is disabled there).
pub fn app(state: AppState) -> Router {
    let config = Arc::clone(&state.config);
    let small = Router::new()
        .nest(
            API_PREFIX,
            content::router()
                .merge(residents::router())
                .merge(officers::router()),
        )
        .nest(open311::OPEN311_PREFIX, open311::router())
        .layer(RequestBodyLimitLayer::new(config.max_body_bytes));
    let large = Router::new()
        .nest(API_PREFIX, uploads::router())
        .nest(open311::OPEN311_PREFIX, open311::upload_router())
        .layer(DefaultBodyLimit::disable())
        .layer(RequestBodyLimitLayer::new(config.max_upload_body_bytes));
    // Layers listed innermost first; requests pass them bottom to top.
    large
        .merge(small)
        .fallback(no_route)
        .with_state(state)
        .layer(CompressionLayer::new().gzip(true).zstd(true))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            config.request_timeout,
        ))
        .layer(axum::middleware::from_fn(error_bodies))
        .layer(TraceLayer::new_for_http())
}

async fn no_route() -> AppError {
    AppError::NoRoute
}

/// Give a body to error answers made by middleware (timeout, 405, 413) that
/// carry none of their own: Open311 `[{code, description}]` under `/open311`,
/// `{code, message}` elsewhere.
async fn error_bodies(request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    let response = next.run(request).await;
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let content_type = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("");
    if content_type.starts_with("application/json") || content_type.starts_with("application/xml") {
        return response;
    }
    let mut fixed = if path.starts_with(open311::OPEN311_PREFIX) {
        open311::middleware_failure(status, &path)
    } else {
        error_response(status, &middleware_error_body(status))
    };
    if let Some(allow) = response.headers().get(header::ALLOW) {
        fixed.headers_mut().insert(header::ALLOW, allow.clone());
    }
    fixed
}

/// Serve `state` on `listener` until `shutdown` completes, then finish in-flight requests.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, app(state))
        .with_graceful_shutdown(shutdown)
        .await
}

/// Completes on Ctrl-C or SIGTERM, for graceful shutdown.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
