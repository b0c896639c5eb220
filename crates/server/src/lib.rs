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

pub mod commands;
pub mod content;
pub mod error;
pub mod feed;
pub mod storage;

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use tokio::net::TcpListener;
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::error::{AppError, error_response, middleware_error_body};
use crate::storage::Storage;

/// Prefix of the content API.
pub const API_PREFIX: &str = "/api/v1";

/// Settings of the HTTP layer.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// Longest a request may take before it is answered 503 `unavailable`.
    pub request_timeout: Duration,
    /// Largest accepted request body; the API is read-only so this is small.
    pub max_body_bytes: usize,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            request_timeout: Duration::from_secs(30),
            max_body_bytes: 16 * 1024,
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
}

impl AppState {
    /// State over a storage with default settings.
    pub fn new(storage: Arc<dyn Storage>) -> Self {
        Self {
            storage,
            config: Arc::new(ServerConfig::default()),
        }
    }
}

/// Every route the server answers, full paths in OpenAPI/axum template syntax.
pub fn routes() -> Vec<String> {
    content::ROUTES
        .iter()
        .map(|path| format!("{API_PREFIX}{path}"))
        .collect()
}

/// The whole HTTP application with its layers.
pub fn app(state: AppState) -> Router {
    let config = Arc::clone(&state.config);
    // Layers listed innermost first; requests pass them bottom to top.
    Router::new()
        .nest(API_PREFIX, content::router())
        .fallback(no_route)
        .with_state(state)
        .layer(RequestBodyLimitLayer::new(config.max_body_bytes))
        .layer(CompressionLayer::new().gzip(true).zstd(true))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            config.request_timeout,
        ))
        .layer(axum::middleware::map_response(json_errors))
        .layer(TraceLayer::new_for_http())
}

async fn no_route() -> AppError {
    AppError::NoRoute
}

/// Give a `{code, message}` body to error answers made by middleware (timeout,
/// 405, 413) that carry no JSON of their own.
async fn json_errors(response: Response) -> Response {
    let status = response.status();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|value| value == HeaderValue::from_static("application/json"));
    if (status.is_client_error() || status.is_server_error()) && !is_json {
        let mut fixed = error_response(status, &middleware_error_body(status));
        if let Some(allow) = response.headers().get(header::ALLOW) {
            fixed.headers_mut().insert(header::ALLOW, allow.clone());
        }
        return fixed;
    }
    response.into_response()
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
