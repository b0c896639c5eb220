//! Runs a storage behaviour test against both engines: `on_both_engines!(a, b)`
//! in a concern's test module turns each generic `async fn a(s: &S)` of that
//! module into `sqlite::a` (a fresh file in a temporary directory) and
//! `postgres::a` (a fresh throwaway cluster, see `pg_cluster.rs`; skipped with a
//! printed reason when PostgreSQL is not installed, failed under `CI=true`).
//! `on_both_engines!(two: a)` hands `a(s1, s2)` two handles on one database,
//! as two server processes hold them. One body, two engines: the engines
//! cannot drift apart unnoticed.

use std::path::Path;

use super::pg_cluster::PgCluster;
use super::{PgStorage, SqliteStorage};

/// A handle on the SQLite file `t.db` in `dir`.
pub(crate) fn sqlite(dir: &Path) -> SqliteStorage {
    SqliteStorage::open(&dir.join("t.db")).expect("the test database opens")
}

/// A handle on the cluster's database.
pub(crate) async fn postgres(cluster: &PgCluster) -> PgStorage {
    PgStorage::connect(cluster.url())
        .await
        .expect("the test cluster accepts connections")
}

/// See the module doc.
macro_rules! on_both_engines {
    (two: $($name:ident),* $(,)?) => {
        mod sqlite_twice {
            $(
                #[tokio::test]
                async fn $name() {
                    use $crate::storage::both_engines::sqlite;
                    let dir = tempfile::tempdir().unwrap();
                    super::$name(&sqlite(dir.path()), &sqlite(dir.path())).await;
                }
            )*
        }
        mod postgres_twice {
            $(
                #[tokio::test]
                async fn $name() {
                    use $crate::storage::both_engines::postgres;
                    let Some(cluster) = $crate::storage::pg_cluster::PgCluster::start() else {
                        return;
                    };
                    super::$name(&postgres(&cluster).await, &postgres(&cluster).await).await;
                }
            )*
        }
    };
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $name() {
                    let dir = tempfile::tempdir().unwrap();
                    super::$name(&$crate::storage::both_engines::sqlite(dir.path())).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test]
                async fn $name() {
                    let Some(cluster) = $crate::storage::pg_cluster::PgCluster::start() else {
                        return;
                    };
                    super::$name(&$crate::storage::both_engines::postgres(&cluster).await).await;
                }
            )*
        }
    };
}

pub(crate) use on_both_engines;
