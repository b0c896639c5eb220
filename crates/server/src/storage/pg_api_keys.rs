//! [`ApiKeyStorage`] over PostgreSQL: the api_keys table, as in `sqlite_api_keys.rs`.

use chrono::{DateTime, Utc};

use super::api_keys::{ApiKeyRecord, ApiKeyStorage};
use super::sqlite_rows::{parse_ts, ts};
use super::{PgStorage, StorageFuture};

impl ApiKeyStorage for PgStorage {
    fn add_api_key(
        &self,
        name: String,
        key_hash: String,
        at: DateTime<Utc>,
    ) -> StorageFuture<'_, bool> {
        self.write(move |tx| {
            Box::pin(async move {
                let written = tx
                    .execute(
                        "INSERT INTO api_keys (name, key_hash, created_at) VALUES ($1, $2, $3) \
                         ON CONFLICT (name) DO NOTHING",
                        &[&name, &key_hash, &ts(at)],
                    )
                    .await?;
                Ok(written == 1)
            })
        })
    }

    fn api_keys(&self) -> StorageFuture<'_, Vec<ApiKeyRecord>> {
        Box::pin(async move {
            let client = self.client().await?;
            let rows = client
                .query(
                    "SELECT name, created_at, last_used_at, substr(key_hash, 1, 8) \
                     FROM api_keys ORDER BY name",
                    &[],
                )
                .await?;
            rows.iter()
                .map(|row| {
                    let name: String = row.try_get(0)?;
                    let created: String = row.try_get(1)?;
                    let used: Option<String> = row.try_get(2)?;
                    Ok(ApiKeyRecord {
                        fingerprint: row.try_get(3)?,
                        created_at: parse_ts("api_keys", &name, &created)?,
                        last_used_at: used.map(|u| parse_ts("api_keys", &name, &u)).transpose()?,
                        name,
                    })
                })
                .collect()
        })
    }

    fn revoke_api_key(&self, name: String) -> StorageFuture<'_, bool> {
        self.write(move |tx| {
            Box::pin(async move {
                let deleted = tx
                    .execute("DELETE FROM api_keys WHERE name = $1", &[&name])
                    .await?;
                Ok(deleted == 1)
            })
        })
    }

    fn use_api_key(
        &self,
        key_hash: String,
        at: DateTime<Utc>,
    ) -> StorageFuture<'_, Option<String>> {
        self.write(move |tx| {
            Box::pin(async move {
                let row = tx
                    .query_opt(
                        "UPDATE api_keys SET last_used_at = $2 WHERE key_hash = $1 RETURNING name",
                        &[&key_hash, &ts(at)],
                    )
                    .await?;
                Ok(row.map(|row| row.try_get(0)).transpose()?)
            })
        })
    }
}
