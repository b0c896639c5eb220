//! [`ApiKeyStorage`]: the Open311 `api_key`s of client apps, one per app, and
//! their storage (table `api_keys`, see `migrations.rs`; SQLite in `sqlite_api_keys.rs`).
//!
//! Only the SHA-256 of a key is stored; the key itself is shown once, when it
//! is made (see [`crate::api_keys`]). This module does not make keys, check
//! names or know about HTTP.

use chrono::{DateTime, Utc};

use super::StorageFuture;

/// One stored key as `api-key list` shows it: never the key or its hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiKeyRecord {
    /// The client app's name, unique.
    pub name: String,
    /// First 8 hex digits of the key's SHA-256: what the app's Settings screen
    /// shows, so an operator can tell which key an app holds.
    pub fingerprint: String,
    /// When the key was made.
    pub created_at: DateTime<Utc>,
    /// When a request last came with it; `None` when never used.
    pub last_used_at: Option<DateTime<Utc>>,
}

/// The API keys of client apps.
pub trait ApiKeyStorage: Send + Sync + 'static {
    /// Store a key hash under `name`. `false` (nothing written) when the name is taken.
    fn add_api_key(
        &self,
        name: String,
        key_hash: String,
        at: DateTime<Utc>,
    ) -> StorageFuture<'_, bool>;

    /// Every stored key, by name.
    fn api_keys(&self) -> StorageFuture<'_, Vec<ApiKeyRecord>>;

    /// Delete the key named `name`; `false` when there is none.
    fn revoke_api_key(&self, name: String) -> StorageFuture<'_, bool>;

    /// The name of the key whose hash is `key_hash`, recording `at` as its last
    /// use; `None` when no stored key has that hash.
    fn use_api_key(&self, key_hash: String, at: DateTime<Utc>)
    -> StorageFuture<'_, Option<String>>;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::both_engines::on_both_engines;

    on_both_engines!(keys_are_added_once_used_listed_and_revoked);

    async fn keys_are_added_once_used_listed_and_revoked<S: ApiKeyStorage>(s: &S) {
        let t0 = DateTime::parse_from_rfc3339("2026-12-01T08:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert!(s.add_api_key("app".into(), "h1".into(), t0).await.unwrap());
        assert!(!s.add_api_key("app".into(), "h2".into(), t0).await.unwrap());
        assert_eq!(s.use_api_key("h2".into(), t0).await.unwrap(), None);
        let t1 = t0 + chrono::Duration::hours(1);
        assert_eq!(
            s.use_api_key("h1".into(), t1).await.unwrap().as_deref(),
            Some("app")
        );
        let list = s.api_keys().await.unwrap();
        assert_eq!(
            list,
            [ApiKeyRecord {
                name: "app".into(),
                fingerprint: "h1".into(),
                created_at: t0,
                last_used_at: Some(t1)
            }]
        );
        assert!(s.revoke_api_key("app".into()).await.unwrap());
        assert!(!s.revoke_api_key("app".into()).await.unwrap());
        assert_eq!(s.use_api_key("h1".into(), t1).await.unwrap(), None);
    }
}
