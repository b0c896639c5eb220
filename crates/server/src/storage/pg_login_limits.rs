//! [`LoginLimitStorage`] over PostgreSQL: the `login_failures` table, as in
//! `sqlite_login_limits.rs`. Every server process counts in the same rows, so a
//! lock holds behind a load balancer.

use chrono::{DateTime, Utc};

use super::login_limits::{LoginLimitStorage, expiry_cutoff, failures_row};
use super::sqlite_rows::{parse_ts, ts};
use super::{PgStorage, StorageFuture};
use crate::login_limits::{Failures, check};

impl LoginLimitStorage for PgStorage {
    fn login_locked(
        &self,
        keys: Vec<String>,
        now: DateTime<Utc>,
    ) -> StorageFuture<'_, Result<(), u64>> {
        Box::pin(async move {
            let client = self.client().await?;
            let rows = client
                .query(
                    "SELECT key, locked_until FROM login_failures \
                     WHERE key = ANY($1) AND locked_until IS NOT NULL",
                    &[&keys],
                )
                .await?;
            let mut locks = Vec::with_capacity(rows.len());
            for row in rows {
                let key: String = row.try_get(0)?;
                let until: String = row.try_get(1)?;
                locks.push(parse_ts("login_failures", &key, &until)?);
            }
            Ok(check(locks, now))
        })
    }

    fn login_failed(
        &self,
        failures: Vec<(String, u32)>,
        now: DateTime<Utc>,
    ) -> StorageFuture<'_, ()> {
        self.write(move |tx| {
            Box::pin(async move {
                for (key, limit) in failures {
                    let row = tx
                        .query_opt(
                            "SELECT count, since, locked_until FROM login_failures WHERE key = $1",
                            &[&key],
                        )
                        .await?;
                    let previous = match row {
                        Some(row) => {
                            let since: String = row.try_get(1)?;
                            Some(failures_row(
                                &key,
                                row.try_get(0)?,
                                &since,
                                row.try_get(2)?,
                            )?)
                        }
                        None => None,
                    };
                    let next = Failures::after_failure(previous, limit, now);
                    tx.execute(
                        "INSERT INTO login_failures (key, count, since, locked_until) \
                         VALUES ($1, $2, $3, $4) ON CONFLICT (key) DO UPDATE SET \
                         count = excluded.count, since = excluded.since, \
                         locked_until = excluded.locked_until",
                        &[
                            &key,
                            &i64::from(next.count),
                            &ts(next.since),
                            &next.locked_until.map(ts),
                        ],
                    )
                    .await?;
                }
                tx.execute(
                    "DELETE FROM login_failures WHERE since <= $1 \
                     AND (locked_until IS NULL OR locked_until <= $2)",
                    &[&ts(expiry_cutoff(now)), &ts(now)],
                )
                .await?;
                Ok(())
            })
        })
    }

    fn login_cleared(&self, key: String) -> StorageFuture<'_, ()> {
        self.write(move |tx| {
            Box::pin(async move {
                tx.execute("DELETE FROM login_failures WHERE key = $1", &[&key])
                    .await?;
                Ok(())
            })
        })
    }
}
