//! The Cổng Dân reference backend: the content API under `/api/v1` (units,
//! procedures, news as change feeds with cursors, tombstones and weak ETags),
//! service requests over Open311 GeoReport v2 with residents' and officers'
//! follow-ups and photo uploads, all over a [`storage::Storage`], plus the
//! operator commands that fill it (seed, feed ingest, keys, accounts, backup).
//!
//! Modules:
//! - [`content`]: one router per resource, handlers beside their routes;
//! - [`feed`]: cursors, ETags, 304s and page bodies shared by every list;
//! - [`bundles`]: a whole feed as one compressed body for a first download,
//!   served in byte ranges by [`ranged`];
//! - [`changes`]: the per-process change bell that wakes long polls and
//!   empties [`feed_cache`], the heads, units and encoded pages kept in memory;
//! - [`encoding`]: the content codings of pages kept encoded;
//! - [`storage`]: the storage trait and its SQLite implementation;
//! - [`error`]: the one HTTP error type and its `{code, message}` body;
//! - [`commands`]: seed, ingest-feed and delete, used by the binary;
//! - [`public_url`]: the configured public base URL absolute links are built from;
//! - [`config`]: the TOML configuration file and its environment overrides;
//! - [`api_keys`]: client apps' Open311 keys (stored hashed, checked on POST);
//! - [`holidays`]: public holidays and day swaps the [`deadlines`] skip;
//! - [`cleanup`]: the housekeeping schedule `serve` runs (orphan uploads, old
//!   idempotency records, expired sessions);
//! - [`ratelimit`]: per-address token buckets (device registration);
//! - [`mod@routes`]: the router builder that records every path it registers;
//! - [`authz`]: role and unit checks of every official endpoint, audit records;
//! - [`login_limits`]: failed-login limits per username and per address (counted
//!   in the database, so every server process enforces them);
//! - [`announcements`]: announcements, their review and acknowledgements;
//! - [`reach`]: reach figures per unit and week (JSON, CSV).
//!
//! The binary (`main.rs`) only parses arguments, binds and prints. Wire types come
//! from `congdan-protocol`; parsing of outside formats from `congdan-sources`.
#![deny(missing_docs)]
#![warn(clippy::unwrap_used)]

pub mod accounts;
pub mod alerts;
pub mod announcement_page;
pub mod announcements;
pub mod api_keys;
pub mod authz;
pub mod bulletins;
pub mod bundles;
pub mod changes;
pub mod cleanup;
pub mod commands;
pub mod config;
pub mod content;
pub mod documents;
pub mod encoding;
pub mod error;
pub mod feed;
pub mod feed_cache;
pub mod images;
pub mod login_limits;
pub mod officers;
pub mod open311;
pub mod outages;
pub mod public_url;
pub mod ranged;
pub mod ratelimit;
pub mod reach;
pub mod residents;
pub mod revalidate;
pub mod routes;
pub mod secrets;
pub mod storage;
pub mod uploads;

/// Working hours, holidays and deadlines live in their own crate, shared with the client core.
pub use congdan_hours::{deadlines, holidays};

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
use tower::ServiceBuilder;
use tower_http::compression::CompressionLayer;
use tower_http::compression::predicate::{DefaultPredicate, NotForContentType, Predicate};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::error::{AppError, error_response, middleware_error_body};
use crate::public_url::PublicUrl;
use crate::routes::Routes;
use crate::storage::Storage;

/// Prefix of the content API.
pub const API_PREFIX: &str = "/api/v1";

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
    /// Base of the absolute URLs in answers (Open311 discovery `url`, `media_url`).
    /// `serve --public-url`; the binary defaults it to `http://<listen address>`,
    /// and this default (for tests) is `http://127.0.0.1:8080`.
    pub public_url: PublicUrl,
    /// Unit that Open311 requests sent without a `unit` (and without a
    /// location near a known unit centre) are triaged to, so that its
    /// officers see them; `None` leaves them in the national triage queue.
    pub default_unit: Option<String>,
    /// Anonymous device registrations allowed per client address and minute
    /// (also the burst); 0 turns the limit off.
    pub registrations_per_minute: u32,
    /// How often `serve` runs [`cleanup::run_once`].
    pub cleanup_interval: Duration,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            request_timeout: Duration::from_secs(30),
            max_body_bytes: 64 * 1024,
            max_upload_body_bytes: 10 * 1024 * 1024,
            public_url: PublicUrl::from_addr(std::net::SocketAddr::from(([127, 0, 0, 1], 8080))),
            default_unit: None,
            registrations_per_minute: 10,
            cleanup_interval: Duration::from_secs(3600),
        }
    }
}

/// Shared state of every handler: cheap to clone (one `Arc`; axum clones the
/// state at least twice per request, and one reference count instead of
/// seven is fewer cache lines passed between cores). Its parts are read
/// through `Deref` ([`AppParts`]).
#[derive(Clone)]
pub struct AppState(Arc<AppParts>);

/// The parts of [`AppState`].
#[derive(Clone)]
pub struct AppParts {
    /// Where content lives (SQLite today, PostgreSQL later).
    pub storage: Arc<dyn Storage>,
    /// HTTP settings.
    pub config: Arc<ServerConfig>,
    /// Current time.
    pub clock: Clock,
    /// The procedure search index, built on the first search.
    pub procedure_search: Arc<content::procedure_search::ProcedureSearch>,
    /// Per-address buckets of `POST /api/v1/devices`.
    pub registrations: Arc<ratelimit::RateLimiter>,
    /// Permits for argon2 work ([`accounts::MAX_CONCURRENT_HASHES`]), so a
    /// burst of logins queues instead of taking every core and all memory.
    pub hashing: Arc<tokio::sync::Semaphore>,
    /// Heads, units and encoded pages of the change feeds kept in memory
    /// until the storage's change bell rings.
    pub feeds: Arc<feed_cache::FeedCache>,
}

impl std::ops::Deref for AppState {
    type Target = AppParts;

    fn deref(&self) -> &AppParts {
        &self.0
    }
}

impl AppState {
    /// State over a storage with default settings.
    pub fn new(storage: Arc<dyn Storage>) -> Self {
        Self(Arc::new(AppParts {
            feeds: Arc::new(feed_cache::FeedCache::new(Arc::clone(&storage))),
            storage,
            config: Arc::new(ServerConfig::default()),
            clock: Arc::new(Utc::now),
            procedure_search: Arc::default(),
            registrations: Arc::default(),
            hashing: Arc::new(tokio::sync::Semaphore::new(accounts::MAX_CONCURRENT_HASHES)),
        }))
    }

    /// The same state with other settings.
    pub fn with_config(mut self, config: ServerConfig) -> Self {
        Arc::make_mut(&mut self.0).config = Arc::new(config);
        self
    }

    /// The same state with another clock (tests).
    pub fn with_clock(mut self, clock: Clock) -> Self {
        Arc::make_mut(&mut self.0).clock = clock;
        self
    }
}

/// Every route the server answers, full paths in axum template syntax, as the
/// router registers them (docs/openapi.json and the tests are checked against it).
pub fn routes() -> Vec<String> {
    api_routes(&ServerConfig::default()).paths().to_vec()
}

/// The routes with their body limits. Ordinary routes share a small body
/// limit; photo routes (uploads, `requests.{fmt}`) get a larger one of their
/// own (axum's default limit is disabled there).
fn api_routes(config: &ServerConfig) -> Routes {
    let max_body = config.max_body_bytes;
    let max_upload = config.max_upload_body_bytes;
    let small = Routes::new()
        .nest(
            API_PREFIX,
            content::router()
                .merge(residents::router())
                .merge(officers::router())
                .merge(outages::router())
                .merge(alerts::router())
                .merge(bulletins::router())
                .merge(announcements::router()),
        )
        .nest(open311::OPEN311_PREFIX, open311::router())
        .map(|router| router.layer(RequestBodyLimitLayer::new(max_body)));
    let large = Routes::new()
        .nest(API_PREFIX, uploads::router())
        .nest(open311::OPEN311_PREFIX, open311::upload_router())
        .map(|router| {
            router
                .layer(DefaultBodyLimit::disable())
                .layer(RequestBodyLimitLayer::new(max_upload))
        });
    large.merge(small)
}

/// The whole HTTP application with its layers. Ordinary routes share a small
/// body limit; photo routes (uploads, `requests.{fmt}`) get a larger one of
/// their own (axum's default limit is disabled there).
///
/// The layers every answer passes (trace span, error bodies, timeout,
/// compression) wrap the routed application once, as one service, rather
/// than each route through `Router::layer`: the same order and the same
/// answers, without boxing and cloning a service per layer and request.
pub fn app(state: AppState) -> Router {
    let config = Arc::clone(&state.config);
    let routed = api_routes(&config)
        .into_router()
        .fallback(no_route)
        .with_state(state);
    // Listed outermost first; requests pass them top to bottom.
    let layered = ServiceBuilder::new()
        .layer(TraceLayer::new_for_http().make_span_with(request_span))
        .layer(axum::middleware::from_fn(error_bodies))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            config.request_timeout,
        ))
        .layer(
            CompressionLayer::new().gzip(true).zstd(true).compress_when(
                // Bus networks and feed bundles are stored compressed and served
                // in byte ranges.
                DefaultPredicate::new()
                    .and(NotForContentType::const_new(
                        congdan_protocol::BUS_NETWORK_CONTENT_TYPE,
                    ))
                    .and(NotForContentType::const_new(
                        congdan_protocol::BUNDLE_CONTENT_TYPE,
                    )),
            ),
        )
        .service(routed);
    Router::new().fallback_service(layered)
}

/// The span of one request: method and path only. The query string can hold
/// an Open311 `api_key` and search text residents typed, so it never reaches
/// a log.
fn request_span(request: &axum::http::Request<axum::body::Body>) -> tracing::Span {
    tracing::info_span!("request", method = %request.method(), path = %request.uri().path())
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
    if ["application/json", "text/xml", "application/xml"]
        .iter()
        .any(|known| content_type.starts_with(known))
    {
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

/// Serve `state` on `listener` until `shutdown` completes, then finish in-flight
/// requests. Handlers see the peer address (`ConnectInfo<SocketAddr>`); the
/// [`cleanup`] schedule and the storage's watcher of other processes' writes
/// ([`storage::ContentStorage::watch_changes`], which rings the change bell)
/// run beside the server until it stops. A catalogue bundle missing or older
/// than the feed (a database from before bundles) is built in the background.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let housekeeping = tokio::spawn(cleanup::every(state.clone()));
    let bundled = Arc::clone(&state.storage);
    let bundler = tokio::spawn(async move {
        if let Err(e) = bundles::refresh(bundled.as_ref(), storage::Resource::Procedures).await {
            tracing::warn!(error = %e, "could not build the catalogue bundle");
        }
    });
    let storage = Arc::clone(&state.storage);
    let watcher = tokio::spawn(async move { storage.watch_changes().await });
    let served = axum::serve(
        listener,
        app(state).into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await;
    housekeeping.abort();
    watcher.abort();
    bundler.abort();
    served
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
