//! [`ApiKeyStorage`] over SQLite: the api_keys table (see `migrations.rs`).

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};

use super::api_keys::{ApiKeyRecord, ApiKeyStorage};
use super::sqlite_rows::{parse_ts, ts};
use super::{SqliteStorage, StorageFuture};

impl ApiKeyStorage for SqliteStorage {
    fn add_api_key(
        &self,
        name: String,
        key_hash: String,
        at: DateTime<Utc>,
    ) -> StorageFuture<'_, bool> {
        self.write(move |tx| {
            let written = tx.execute(
                "INSERT INTO api_keys (name, key_hash, created_at) VALUES (?1, ?2, ?3) \
                 ON CONFLICT (name) DO NOTHING",
                params![name, key_hash, ts(at)],
            )?;
            Ok(written == 1)
        })
    }

    fn api_keys(&self) -> StorageFuture<'_, Vec<ApiKeyRecord>> {
        self.read(|conn| {
            let mut stmt = conn.prepare(
                "SELECT name, created_at, last_used_at, substr(key_hash, 1, 8) \
                 FROM api_keys ORDER BY name",
            )?;
            let rows = stmt
                .query_map([], |row| {
                    Ok((
                        row.get::<_, String>(0)?,
                        row.get::<_, String>(1)?,
                        row.get::<_, Option<String>>(2)?,
                        row.get::<_, String>(3)?,
                    ))
                })?
                .collect::<Result<Vec<_>, _>>()?;
            rows.into_iter()
                .map(|(name, created, used, fingerprint)| {
                    Ok(ApiKeyRecord {
                        fingerprint,
                        created_at: parse_ts("api_keys", &name, &created)?,
                        last_used_at: used.map(|u| parse_ts("api_keys", &name, &u)).transpose()?,
                        name,
                    })
                })
                .collect()
        })
    }

    fn revoke_api_key(&self, name: String) -> StorageFuture<'_, bool> {
        self.write(move |tx| Ok(tx.execute("DELETE FROM api_keys WHERE name = ?1", [name])? == 1))
    }

    fn use_api_key(
        &self,
        key_hash: String,
        at: DateTime<Utc>,
    ) -> StorageFuture<'_, Option<String>> {
        self.write(move |tx| {
            Ok(tx
                .query_row(
                    "UPDATE api_keys SET last_used_at = ?2 WHERE key_hash = ?1 RETURNING name",
                    params![key_hash, ts(at)],
                    |row| row.get(0),
                )
                .optional()?)
        })
    }
}
