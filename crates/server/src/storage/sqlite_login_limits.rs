//! [`LoginLimitStorage`] over SQLite: the `login_failures` table (see `migrations.rs`).

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};

use super::login_limits::{LoginLimitStorage, expiry_cutoff, failures_row};
use super::sqlite_rows::{parse_ts, ts};
use super::{SqliteStorage, StorageFuture};
use crate::login_limits::{Failures, check};

impl LoginLimitStorage for SqliteStorage {
    fn login_locked(
        &self,
        keys: Vec<String>,
        now: DateTime<Utc>,
    ) -> StorageFuture<'_, Result<(), u64>> {
        self.read(move |conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT locked_until FROM login_failures \
                 WHERE key = ?1 AND locked_until IS NOT NULL",
            )?;
            let mut locks = Vec::new();
            for key in &keys {
                let until: Option<String> = stmt.query_row([key], |row| row.get(0)).optional()?;
                if let Some(until) = until {
                    locks.push(parse_ts("login_failures", key, &until)?);
                }
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
            for (key, limit) in failures {
                let row: Option<(i64, String, Option<String>)> = tx
                    .query_row(
                        "SELECT count, since, locked_until FROM login_failures WHERE key = ?1",
                        [&key],
                        |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
                    )
                    .optional()?;
                let previous = row
                    .map(|(count, since, until)| failures_row(&key, count, &since, until))
                    .transpose()?;
                let next = Failures::after_failure(previous, limit, now);
                tx.execute(
                    "INSERT INTO login_failures (key, count, since, locked_until) \
                     VALUES (?1, ?2, ?3, ?4) ON CONFLICT (key) DO UPDATE SET \
                     count = excluded.count, since = excluded.since, \
                     locked_until = excluded.locked_until",
                    params![key, next.count, ts(next.since), next.locked_until.map(ts)],
                )?;
            }
            tx.execute(
                "DELETE FROM login_failures WHERE since <= ?1 \
                 AND (locked_until IS NULL OR locked_until <= ?2)",
                params![ts(expiry_cutoff(now)), ts(now)],
            )?;
            Ok(())
        })
    }

    fn login_cleared(&self, key: String) -> StorageFuture<'_, ()> {
        self.write(move |tx| {
            tx.execute("DELETE FROM login_failures WHERE key = ?1", [key])?;
            Ok(())
        })
    }
}
