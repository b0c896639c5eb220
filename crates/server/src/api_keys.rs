//! Open311 API keys of client apps: made by `congdan-server api-key add`
//! (printed once, stored as SHA-256; keys are 32 random bytes, so a fast hash
//! is enough, argon2 is for passwords), listed without the secret, revoked by
//! name, and checked on every Open311 POST.
//!
//! The demo key ([`DEMO_API_KEY`]) exists only in a database seeded with
//! `seed --demo`; no key is built into the server. Storage is
//! [`crate::storage::ApiKeyStorage`]; this module holds no HTTP handlers.

use chrono::{DateTime, Utc};

use crate::secrets::{RandomError, hash_token, random_token};
use crate::storage::api_keys::ApiKeyRecord;
use crate::storage::{Storage, StorageError};

/// The Open311 `api_key` that `seed --demo` stores (demo data only).
pub const DEMO_API_KEY: &str = "congdan-demo-key";
/// Name of the demo key in `api-key list`.
pub const DEMO_KEY_NAME: &str = "demo";
/// Longest key name.
const MAX_NAME: usize = 64;

/// Failures of key management.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ApiKeyError {
    /// The name is empty, too long, or has characters other than `a-z 0-9 . _ -`.
    #[error("invalid key name {0:?}: use 1 to 64 lowercase letters, digits, '.', '_' or '-'")]
    BadName(String),
    /// A key with this name exists already (revoke it first to replace it).
    #[error("a key named {0:?} exists already; revoke it first to make a new one")]
    Exists(String),
    /// No key with this name.
    #[error("no key named {0:?}")]
    NotFound(String),
    /// No random source.
    #[error(transparent)]
    Random(#[from] RandomError),
    /// Storage failed.
    #[error(transparent)]
    Storage(#[from] StorageError),
}

fn check_name(name: &str) -> Result<(), ApiKeyError> {
    let ok = !name.is_empty()
        && name.len() <= MAX_NAME
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b));
    if ok {
        Ok(())
    } else {
        Err(ApiKeyError::BadName(name.to_owned()))
    }
}

/// Make a new random key for the client app `name`, store its hash, and return
/// the key (the only time it is seen). Errors: `BadName`, `Exists`.
pub async fn add(
    storage: &dyn Storage,
    name: &str,
    now: DateTime<Utc>,
) -> Result<String, ApiKeyError> {
    let key = random_token()?;
    add_known(storage, name, &key, now).await?;
    Ok(key)
}

/// Store the hash of a given `key` under `name` (the demo key). Errors: `BadName`, `Exists`.
pub async fn add_known(
    storage: &dyn Storage,
    name: &str,
    key: &str,
    now: DateTime<Utc>,
) -> Result<(), ApiKeyError> {
    check_name(name)?;
    if storage
        .add_api_key(name.to_owned(), hash_token(key), now)
        .await?
    {
        Ok(())
    } else {
        Err(ApiKeyError::Exists(name.to_owned()))
    }
}

/// Every key's name, creation and last use; never the key.
pub async fn list(storage: &dyn Storage) -> Result<Vec<ApiKeyRecord>, ApiKeyError> {
    Ok(storage.api_keys().await?)
}

/// Delete the key `name`; requests with it are refused from now on. Errors: `NotFound`.
pub async fn revoke(storage: &dyn Storage, name: &str) -> Result<(), ApiKeyError> {
    if storage.revoke_api_key(name.to_owned()).await? {
        Ok(())
    } else {
        Err(ApiKeyError::NotFound(name.to_owned()))
    }
}

/// The name of the app whose key is `key`, recording its use; `None` for an
/// unknown or revoked key.
pub async fn check(
    storage: &dyn Storage,
    key: &str,
    now: DateTime<Utc>,
) -> Result<Option<String>, StorageError> {
    storage.use_api_key(hash_token(key), now).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::SqliteStorage;

    #[tokio::test]
    async fn a_new_key_works_until_revoked_and_is_never_stored_in_clear() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("k.db");
        let s = SqliteStorage::open(&db).unwrap();
        let now = Utc::now();
        let key = add(&s, "app-xa-1", now).await.unwrap();
        assert_eq!(key.len(), 64);
        assert!(matches!(
            add(&s, "app-xa-1", now).await,
            Err(ApiKeyError::Exists(_))
        ));
        assert_eq!(
            check(&s, &key, now).await.unwrap().as_deref(),
            Some("app-xa-1")
        );
        assert_eq!(check(&s, "wrong", now).await.unwrap(), None);
        let bytes = std::fs::read(&db).unwrap();
        let wal = std::fs::read(dir.path().join("k.db-wal")).unwrap_or_default();
        let clear = key.as_bytes();
        assert!(!bytes.windows(clear.len()).any(|w| w == clear));
        assert!(!wal.windows(clear.len()).any(|w| w == clear));
        revoke(&s, "app-xa-1").await.unwrap();
        assert_eq!(check(&s, &key, now).await.unwrap(), None);
        assert!(matches!(
            revoke(&s, "app-xa-1").await,
            Err(ApiKeyError::NotFound(_))
        ));
    }

    #[test]
    fn names_are_short_and_plain() {
        assert!(check_name("app.ba-dinh_2").is_ok());
        for bad in ["", "App", "có dấu", "a b", &"x".repeat(65)] {
            assert!(check_name(bad).is_err(), "{bad:?}");
        }
    }
}
