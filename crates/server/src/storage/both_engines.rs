//! Runs a storage behaviour test against both engines: `on_both_engines!(a, b)`
//! in a concern's test module turns each generic `async fn a(s: &S)` of that
//! module into `sqlite::a` (a fresh file in a temporary directory) and
//! `postgres::a` (a fresh throwaway cluster, see `pg_cluster.rs`; skipped with a
//! printed reason when PostgreSQL is not installed, failed under `CI=true`).
//! One body, two engines: the engines cannot drift apart unnoticed.

/// See the module doc.
macro_rules! on_both_engines {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $name() {
                    let dir = tempfile::tempdir().unwrap();
                    let storage =
                        $crate::storage::SqliteStorage::open(&dir.path().join("t.db")).unwrap();
                    super::$name(&storage).await;
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
                    let storage = $crate::storage::PgStorage::connect(cluster.url()).await.unwrap();
                    super::$name(&storage).await;
                }
            )*
        }
    };
}

pub(crate) use on_both_engines;
