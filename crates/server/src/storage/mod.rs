//! Storage behind the server, one trait per concern so that a second engine can
//! be added one concern at a time. [`Storage`] is every concern at once, what
//! the HTTP layer holds (`Arc<dyn Storage>`): [`ContentStorage`] (content change
//! feeds), [`RequestStorage`] (service requests and follow-ups),
//! [`AccountStorage`] (accounts, sessions, devices), [`UploadStorage`] (photo
//! uploads), [`ApiKeyStorage`] (client apps' keys), [`HolidayStorage`] (public
//! holidays), [`LoginLimitStorage`] (failed-login counts), [`MaintenanceStorage`] (scheduled cleanup), [`TransitStorage`]
//! (bus networks), [`OutageStorage`] (power cuts), [`AlertStorage`] (CAP
//! alerts), [`BulletinStorage`] (epidemic bulletins), [`AuditStorage`] (the audit log of official writes),
//! [`AnnouncementStorage`] (announcements, their review and acknowledgements),
//! [`VillageStorage`] (villages below a commune) and [`ReachStorage`] (facts of
//! reach figures).
//!
//! Two engines: [`SqliteStorage`] (one file, the zero-set-up default; one
//! `sqlite_<concern>.rs` file per concern) and [`PgStorage`] (PostgreSQL shared
//! by several server processes, issue 11; one `pg_<concern>.rs` file per
//! concern, the same statements in PostgreSQL's dialect). Behaviour tests of a
//! concern run against both (`both_engines.rs`), and so does the API suite
//! (`CONGDAN_TEST_DB=postgres`).
//!
//! The trait speaks in change-feed terms (pages of changes after a sequence
//! number, tombstones, heads) so that a PostgreSQL implementation can be added
//! later without touching the HTTP layer. Rows are stored as the protocol JSON
//! text they are served as, plus the key columns the queries need.
//!
//! This module does not know about HTTP, cursors as strings or ETags: see
//! [`crate::feed`] for that.

pub mod accounts;
pub mod alerts;
pub mod announcements;
pub mod api_keys;
pub mod audit;
#[cfg(test)]
mod both_engines;
pub mod bulletins;
pub mod content;
pub mod copy;
pub mod holidays;
pub mod login_limits;
pub mod maintenance;
mod migrations;
pub mod outages;
mod pg;
mod pg_accounts;
mod pg_alerts;
mod pg_announcements;
mod pg_api_keys;
mod pg_audit;
mod pg_bulletins;
#[cfg(test)]
pub(crate) mod pg_cluster;
mod pg_holidays;
mod pg_login_limits;
mod pg_maintenance;
mod pg_migrations;
mod pg_outages;
mod pg_reach;
mod pg_requests;
mod pg_transit;
mod pg_uploads;
mod pg_villages;
pub mod reach;
mod request_rows;
pub mod requests;
mod sqlite;
mod sqlite_accounts;
mod sqlite_alerts;
mod sqlite_announcements;
mod sqlite_api_keys;
mod sqlite_audit;
mod sqlite_bulletins;
mod sqlite_holidays;
mod sqlite_login_limits;
mod sqlite_maintenance;
mod sqlite_outages;
mod sqlite_reach;
mod sqlite_requests;
mod sqlite_rows;
mod sqlite_transit;
mod sqlite_uploads;
mod sqlite_villages;
pub mod transit;
pub mod uploads;
pub mod villages;

use std::future::Future;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::Arc;

pub use accounts::AccountStorage;
pub use alerts::AlertStorage;
pub use announcements::AnnouncementStorage;
pub use api_keys::ApiKeyStorage;
pub use audit::AuditStorage;
pub use bulletins::BulletinStorage;
pub use content::{ContentStorage, FeedBundle};
pub use holidays::HolidayStorage;
pub use login_limits::LoginLimitStorage;
pub use maintenance::MaintenanceStorage;
pub use outages::OutageStorage;
pub use pg::PgStorage;
pub use reach::ReachStorage;
pub use requests::RequestStorage;
pub use sqlite::SqliteStorage;
pub use transit::TransitStorage;
pub use uploads::UploadStorage;
pub use villages::VillageStorage;

/// The national scope: news published for the whole country, visible to every unit.
pub const NATIONAL_UNIT: &str = "VN";

/// Where the data lives, as given to `--db` (or `database`, `CONGDAN_DB`): a
/// `postgres://` or `postgresql://` URL names a PostgreSQL database, anything
/// else a SQLite file.
#[derive(Clone, PartialEq, Eq)]
pub enum Database {
    /// A SQLite file, created if missing.
    Sqlite(PathBuf),
    /// A PostgreSQL connection URL (it may hold a password, which `Display` leaves out).
    Postgres(String),
}

impl Database {
    /// Which engine `db` names.
    pub fn parse(db: &Path) -> Self {
        match db.to_str() {
            Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
                Database::Postgres(url.to_owned())
            }
            _ => Database::Sqlite(db.to_owned()),
        }
    }

    /// Open (creating a SQLite file if needed) and migrate to this binary's schema.
    pub async fn open(&self) -> Result<Arc<dyn Storage>, StorageError> {
        Ok(match self {
            Database::Sqlite(path) => Arc::new(SqliteStorage::open(path)?),
            Database::Postgres(url) => Arc::new(PgStorage::connect(url).await?),
        })
    }
}

/// The file, or the URL without its password, for messages and logs.
impl std::fmt::Display for Database {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Database::Sqlite(path) => write!(f, "{}", path.display()),
            Database::Postgres(url) => {
                let (scheme, rest) = url.split_once("://").unwrap_or(("postgres", url));
                match rest.split_once('@') {
                    Some((user, host)) => {
                        let user = user.split_once(':').map_or(user, |(user, _)| user);
                        write!(f, "{scheme}://{user}@{host}")
                    }
                    None => write!(f, "{url}"),
                }
            }
        }
    }
}

/// Same as `Display`: never the password.
impl std::fmt::Debug for Database {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Database({self})")
    }
}

/// A boxed future, so that [`Storage`] stays object safe (`Arc<dyn Storage>`).
pub type StorageFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, StorageError>> + Send + 'a>>;

/// Failures of the storage layer. Their text is for logs only, never for users.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StorageError {
    /// The database reported an error.
    #[error(transparent)]
    Sqlite(#[from] rusqlite::Error),
    /// PostgreSQL reported an error.
    #[error(transparent)]
    Postgres(#[from] tokio_postgres::Error),
    /// No PostgreSQL connection could be had from the pool.
    #[error(transparent)]
    Pool(#[from] deadpool_postgres::PoolError),
    /// The PostgreSQL connection settings are unusable.
    #[error("PostgreSQL settings: {0}")]
    PgConfig(String),
    /// The database was written by a newer server that this binary does not understand.
    #[error("database schema version {found} is newer than the supported version {supported}")]
    TooNew {
        /// `user_version` (SQLite) or `congdan_schema.version` (PostgreSQL) found.
        found: i64,
        /// Highest version this binary knows.
        supported: i64,
    },
    /// A stored row could not be read back (corrupt JSON or an impossible value).
    #[error("corrupt row in {table} (key {key}): {reason}")]
    Corrupt {
        /// Table the row lives in.
        table: &'static str,
        /// Key of the row.
        key: String,
        /// What was wrong.
        reason: String,
    },
    /// An item could not be turned into JSON for storage.
    #[error("cannot serialize {resource} {key}: {error}")]
    Serialize {
        /// Resource of the item.
        resource: &'static str,
        /// Key of the item.
        key: String,
        /// The serde error.
        error: serde_json::Error,
    },
    /// The blocking worker running the query panicked or was cancelled.
    #[error("storage worker failed: {0}")]
    Worker(String),
}

/// The resources served as change feeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Resource {
    /// Administrative units (`/api/v1/units`).
    Units,
    /// Administrative procedures (`/api/v1/procedures`).
    Procedures,
    /// News items (`/api/v1/news`).
    News,
    /// Planned power cuts per unit (`/api/v1/outages`).
    Outages,
    /// CAP alerts per unit (`/api/v1/alerts`).
    Alerts,
    /// Epidemic bulletins per unit (`/api/v1/bulletins`).
    Bulletins,
}

impl Resource {
    /// Name used in URLs, ETags and the tombstone table.
    pub fn as_str(self) -> &'static str {
        match self {
            Resource::Units => "units",
            Resource::Procedures => "procedures",
            Resource::News => "news",
            Resource::Outages => "outages",
            Resource::Alerts => "alerts",
            Resource::Bulletins => "bulletins",
        }
    }
}

/// Which rows of a resource a reader sees.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Scope {
    /// Every row (units, procedures).
    All,
    /// News of these unit codes only (a commune, its province and `VN`).
    Units(Vec<String>),
}

/// One page of changes read in a single snapshot.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RawPage {
    /// Stored JSON text of changed items, oldest change first.
    pub items: Vec<String>,
    /// Keys deleted in this page (tombstones), oldest first.
    pub deleted: Vec<String>,
    /// Sequence number of the last change in the page; `None` when the page is empty.
    pub last_seq: Option<u64>,
    /// Whether changes remain after `last_seq`.
    pub more: bool,
    /// Highest sequence number of the resource in this scope, rows and tombstones (0 when empty).
    pub head: u64,
}

impl RawPage {
    /// The page of the first `limit` changes of `items` and `tombs` (each
    /// `(seq, text)` in `seq` order, at most `limit + 1` of each, as read by an
    /// engine), merged by `seq`.
    fn merge(
        table: &'static str,
        items: Vec<(i64, String)>,
        tombs: Vec<(i64, String)>,
        limit: u32,
        head: u64,
    ) -> Result<Self, StorageError> {
        let limit = usize::try_from(limit).unwrap_or(usize::MAX);
        let mut page = RawPage {
            more: items.len() + tombs.len() > limit,
            head,
            ..RawPage::default()
        };
        let mut items = items.into_iter().peekable();
        let mut tombs = tombs.into_iter().peekable();
        for _ in 0..limit {
            let take_item = match (items.peek(), tombs.peek()) {
                (Some((a, _)), Some((b, _))) => a < b,
                (Some(_), None) => true,
                (None, Some(_)) => false,
                (None, None) => break,
            };
            let seq = if take_item {
                let (seq, body) = items.next().expect("peeked an item just above");
                page.items.push(body);
                seq
            } else {
                let (seq, key) = tombs.next().expect("peeked a tombstone just above");
                page.deleted.push(key);
                seq
            };
            page.last_seq = Some(to_seq(table, "seq", seq)?);
        }
        Ok(page)
    }
}

/// Tombstone scope of resources that are not scoped (units, procedures).
const SCOPE_ALL: &str = "all";

/// A stored `seq`, which is never negative.
fn to_seq(table: &'static str, key: &str, raw: i64) -> Result<u64, StorageError> {
    u64::try_from(raw).map_err(|_| sqlite_rows::corrupt(table, key, format!("negative seq {raw}")))
}

/// A cursor as the signed integer both engines store.
fn to_sql_seq(seq: u64) -> i64 {
    i64::try_from(seq).unwrap_or(i64::MAX)
}

/// What an upsert did, for ingest reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct UpsertCounts {
    /// Rows that did not exist before.
    pub inserted: usize,
    /// Rows whose content changed (they got a new sequence number).
    pub updated: usize,
    /// Rows identical to what was stored (their sequence number is kept).
    pub unchanged: usize,
}

impl UpsertCounts {
    /// Total rows looked at.
    pub fn total(&self) -> usize {
        self.inserted + self.updated + self.unchanged
    }
}

/// Everything the server needs from a database: every concern's trait.
/// Implemented for any type that implements them all, so an engine only
/// implements the concern traits.
pub trait Storage:
    ContentStorage
    + RequestStorage
    + AccountStorage
    + UploadStorage
    + ApiKeyStorage
    + HolidayStorage
    + LoginLimitStorage
    + MaintenanceStorage
    + TransitStorage
    + OutageStorage
    + AlertStorage
    + BulletinStorage
    + AuditStorage
    + AnnouncementStorage
    + VillageStorage
    + ReachStorage
    + Send
    + Sync
    + 'static
{
}

impl<T> Storage for T where
    T: ContentStorage
        + RequestStorage
        + AccountStorage
        + UploadStorage
        + ApiKeyStorage
        + HolidayStorage
        + LoginLimitStorage
        + MaintenanceStorage
        + TransitStorage
        + OutageStorage
        + AlertStorage
        + BulletinStorage
        + AuditStorage
        + AnnouncementStorage
        + VillageStorage
        + ReachStorage
        + Send
        + Sync
        + 'static
{
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_url_names_postgres_and_prints_without_its_password() {
        let db = Database::parse(Path::new(
            "postgres://congdan:s3cret@db.tinh.vn:5432/congdan",
        ));
        assert!(matches!(db, Database::Postgres(_)));
        assert_eq!(db.to_string(), "postgres://congdan@db.tinh.vn:5432/congdan");
        assert!(!format!("{db:?}").contains("s3cret"));
        let db = Database::parse(Path::new("postgresql://db/congdan"));
        assert_eq!(db.to_string(), "postgresql://db/congdan");
        let file = Database::parse(Path::new("target/demo/server.db"));
        assert_eq!(file, Database::Sqlite("target/demo/server.db".into()));
    }

    /// `open` picks the engine from the name, and both answer the same.
    #[tokio::test]
    async fn open_picks_the_engine() {
        let dir = tempfile::tempdir().unwrap();
        let file = Database::parse(&dir.path().join("s.db"))
            .open()
            .await
            .unwrap();
        assert_eq!(file.head(Resource::Units, Scope::All).await.unwrap(), 0);
        let Some(cluster) = pg_cluster::PgCluster::start() else {
            return;
        };
        let pg = Database::parse(Path::new(cluster.url()))
            .open()
            .await
            .unwrap();
        pg.upsert_units(vec![content::tests::unit("01", None)])
            .await
            .unwrap();
        let direct = PgStorage::connect(cluster.url()).await.unwrap();
        assert_eq!(direct.head(Resource::Units, Scope::All).await.unwrap(), 1);
    }
}
