//! `core::api`: the one door. The Tauri commands, the CLI and the integration
//! tests call [`Core`] and nothing deeper.
//!
//! Owns: the [`Core`] handle (one per profile database) and its methods, split
//! by domain: [`connection`] (which server and key, checked server change),
//! [`units`] (home unit, unit lists), [`news`], [`procedures`]
//! (search, detail, checklist), [`media`], [`sync`] (server URL, sync, status),
//! [`bus`] (stops, departures, routes, journeys, favourites; types in [`bus_models`]),
//! [`requests`] (services, photos, submitting, the outbox, my and public requests);
//! [`official`] (officials' login, announcements, acknowledgements, inbox);
//! [`announcements`] (residents' cached announcements);
//! and the [`models`] that cross to the UI. Does not own: SQL (`store`),
//! HTTP (`sync::transport`) or ranking (`search`).
//!
//! Threading: `Core` is `Send + Sync` and cheap to clone. Writes go through one
//! connection behind a mutex; reads use a second, read-only connection, so a
//! search is not blocked by a sync committing pages (SQLite WAL).

pub mod alerts;
pub mod announcements;
pub mod bulletins;
pub mod bus;
pub mod bus_models;
pub mod connection;
pub mod media;
pub mod models;
pub mod news;
pub mod official;
pub mod outages;
pub mod procedures;
pub mod requests;
pub mod sync;
pub mod units;

use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use rusqlite::Connection;

use crate::Error;
use crate::store::{self, sync_state};
pub use bus_models::*;
pub use connection::ConnectionInfo;
pub use models::*;

/// The client core of one profile. Clone it freely: clones share the database.
#[derive(Debug, Clone)]
pub struct Core {
    inner: Arc<Inner>,
}

/// Shared state behind a [`Core`].
struct Inner {
    /// A read-only connection for queries. Declared (so dropped) before the
    /// writer: SQLite checkpoints and removes the WAL file when the last
    /// connection closes, which a read-only one cannot do.
    reader: Mutex<Connection>,
    /// The connection every write goes through (and sync).
    writer: Mutex<Connection>,
    /// Held for the whole of a sync, so a sync asked for while another runs
    /// (background timer, refresh button, pull-to-refresh) waits instead of
    /// racing it and moving cursors backwards.
    sync_gate: tokio::sync::Mutex<()>,
    /// Time for the outbox (fake in tests).
    clock: Arc<dyn crate::outbox::clock::Clock>,
    /// Backoff jitter.
    rng: Mutex<crate::outbox::clock::Rng>,
    /// Where the device token lives; `None` when the platform store could not
    /// be opened (sending then fails with `internal` until it can).
    secrets: Option<Arc<dyn crate::secrets::SecretStore>>,
    /// The procedure search index, rebuilt when the catalogue changes.
    search: crate::search::SearchCache,
    /// The laid-out service day of bus journeys.
    bus: bus::BusCache,
    /// The one HTTP client of this profile, built at the first call: calls one after
    /// another (onboarding's provinces, communes, ward) reuse its kept-alive
    /// connections, where a new connection costs a 1.3 s round trip on 2G.
    http: std::sync::OnceLock<reqwest::Client>,
}

/// How to build a [`Core`] for tests or embedding: the clock, the RNG seed
/// and the secret store. [`Core::open`] uses the real ones.
#[derive(Clone)]
pub struct CoreOptions {
    /// Time source.
    pub clock: Arc<dyn crate::outbox::clock::Clock>,
    /// Seed of the backoff jitter (`None`: from the OS).
    pub seed: Option<u64>,
    /// Secret store (`None`: the platform store, if it opens).
    pub secrets: Option<Arc<dyn crate::secrets::SecretStore>>,
}

impl Default for CoreOptions {
    fn default() -> CoreOptions {
        CoreOptions {
            clock: Arc::new(crate::outbox::clock::SystemClock),
            seed: None,
            secrets: None,
        }
    }
}

impl std::fmt::Debug for CoreOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CoreOptions")
            .field("clock", &self.clock)
            .field("seed", &self.seed)
            .finish_non_exhaustive()
    }
}

impl Core {
    /// Opens the profile database at `db_path`, creating it and running pending
    /// migrations. Writes: the schema. Errors: `storage` (cannot open, or the
    /// file comes from a newer app version).
    pub fn open(db_path: &Path) -> Result<Core, Error> {
        Core::open_with(db_path, CoreOptions::default())
    }

    /// [`Core::open`] with a chosen clock, jitter seed and secret store (tests,
    /// embedders). Without a secret store it opens the platform one; if that
    /// fails the core still opens, and only sending needs it. Errors: `storage`.
    pub fn open_with(db_path: &Path, options: CoreOptions) -> Result<Core, Error> {
        let writer = store::open(db_path)?;
        let reader = store::open_reader(db_path)?;
        let secrets = match options.secrets {
            Some(s) => Some(s),
            None => {
                match crate::secrets::platform_store(db_path.parent().unwrap_or(Path::new("."))) {
                    Ok(s) => Some(Arc::from(s)),
                    Err(e) => {
                        tracing::warn!(error = %e, "no platform secret store; sending is disabled");
                        None
                    }
                }
            }
        };
        let rng = match options.seed {
            Some(seed) => crate::outbox::clock::Rng::seeded(seed),
            None => crate::outbox::clock::Rng::from_entropy(),
        };
        Ok(Core {
            inner: Arc::new(Inner {
                writer: Mutex::new(writer),
                reader: Mutex::new(reader),
                sync_gate: tokio::sync::Mutex::new(()),
                clock: options.clock,
                rng: Mutex::new(rng),
                secrets,
                search: crate::search::SearchCache::default(),
                bus: bus::BusCache::default(),
                http: std::sync::OnceLock::new(),
            }),
        })
    }

    /// Runs `f` on the read connection.
    fn read<T>(&self, f: impl FnOnce(&Connection) -> Result<T, Error>) -> Result<T, Error> {
        let conn = self
            .inner
            .reader
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        f(&conn)
    }

    /// The write connection (SQLite transactions keep it consistent even if a
    /// previous holder panicked, so a poisoned lock is taken over).
    fn writer(&self) -> MutexGuard<'_, Connection> {
        self.inner
            .writer
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Waits until no other sync runs; the guard keeps others out until dropped.
    async fn sync_turn(&self) -> tokio::sync::MutexGuard<'_, ()> {
        self.inner.sync_gate.lock().await
    }

    /// The writer mutex itself, for the sync driver.
    fn writer_mutex(&self) -> &Mutex<Connection> {
        &self.inner.writer
    }

    /// A transport to the server at `url` over the profile's one HTTP client.
    /// Errors: `internal` when the client cannot be built.
    fn http(&self, url: &str) -> Result<crate::sync::HttpTransport, Error> {
        let client = match self.inner.http.get() {
            Some(client) => client.clone(),
            None => {
                let built = crate::sync::HttpTransport::client()?;
                self.inner.http.get_or_init(|| built).clone()
            }
        };
        Ok(crate::sync::HttpTransport::over(client, url))
    }
}

impl std::fmt::Debug for Inner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Inner")
            .field("clock", &self.clock)
            .field("secrets", &self.secrets.is_some())
            .finish_non_exhaustive()
    }
}

/// Freshness of a resource's cache from its sync state.
fn freshness(conn: &Connection, resource: &str, scope: &str) -> Result<Freshness, Error> {
    let state = sync_state::get(conn, resource, scope)?;
    Ok(Freshness {
        synced_at: state.synced_at,
        offline: state.offline,
    })
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod requests_tests;

#[cfg(test)]
pub(crate) mod bus_tests;
