//! Accounts of officials: argon2 password hashes, login sessions (random
//! tokens stored as SHA-256), the bearer header, and the demo officer.
//!
//! Routes that use them live in [`crate::officers`]; this module holds no HTTP
//! handlers.

use argon2::password_hash::phc::PasswordHash;
use argon2::{Argon2, PasswordHasher, PasswordVerifier};
use axum::http::{HeaderMap, header};
use chrono::{DateTime, Duration, Utc};
use congdan_protocol::requests::{Role, Session};

use crate::secrets::{hash_token, random_token};
use crate::storage::accounts::Account;
use crate::storage::{Storage, StorageError};

/// Demo officer seeded for unit 00004 (Phường Ba Đình).
pub const DEMO_USERNAME: &str = "canbo.badinh";
/// Password of the demo officer (demo data only).
pub const DEMO_PASSWORD: &str = "demo-2026";
/// Unit of the demo officer.
pub const DEMO_UNIT: &str = "00004";
/// How long a login lasts.
pub const SESSION_HOURS: i64 = 12;
/// Most argon2 hashes computed at once by one server process (each takes
/// about 19 MiB and a core for tens of milliseconds).
pub const MAX_CONCURRENT_HASHES: usize = 4;

/// Failures of account operations.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AccountError {
    /// Hashing failed (bad parameters or no randomness).
    #[error("password hashing failed: {0}")]
    Hash(String),
    /// Storage failed.
    #[error(transparent)]
    Storage(#[from] StorageError),
    /// No random source.
    #[error(transparent)]
    Random(#[from] crate::secrets::RandomError),
    /// Username, name or unit is empty, or the password is too short.
    #[error("{0}")]
    Invalid(&'static str),
}

/// The token of an `Authorization: Bearer <token>` header.
pub fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
        .filter(|token| !token.is_empty())
}

/// Argon2id PHC string of `password` with a fresh salt.
pub fn hash_password(password: &str) -> Result<String, AccountError> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|hash| hash.to_string())
        .map_err(|e| AccountError::Hash(e.to_string()))
}

/// Whether `password` matches a stored PHC string (false for a malformed one).
pub fn verify_password(password: &str, phc: &str) -> bool {
    match PasswordHash::new(phc) {
        Ok(hash) => Argon2::default()
            .verify_password(password.as_bytes(), &hash)
            .is_ok(),
        Err(_) => false,
    }
}

/// A hash to verify against when the user does not exist, so that a wrong
/// username takes as long as a wrong password.
fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash_password("no such user, no such password").unwrap_or_default())
}

/// Create or replace an account.
pub async fn add_account(
    storage: &dyn Storage,
    username: &str,
    password: &str,
    name: &str,
    role: Role,
    unit: &str,
    now: DateTime<Utc>,
) -> Result<(), AccountError> {
    if username.trim().is_empty() || name.trim().is_empty() || unit.trim().is_empty() {
        return Err(AccountError::Invalid(
            "username, name and unit must not be empty",
        ));
    }
    if password.chars().count() < 8 {
        return Err(AccountError::Invalid(
            "the password must have at least 8 characters",
        ));
    }
    let password = password.to_owned();
    let password_hash = tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|e| AccountError::Hash(e.to_string()))??;
    storage
        .put_account(
            Account {
                username: username.trim().to_owned(),
                password_hash,
                name: name.trim().to_owned(),
                role,
                unit: unit.trim().to_owned(),
            },
            now,
        )
        .await?;
    tracing::info!(role = role.as_str(), "account stored");
    Ok(())
}

/// Check credentials and open a session; `None` for wrong credentials. The
/// hash is verified under a permit of `hashing`.
pub async fn login(
    storage: &dyn Storage,
    hashing: &tokio::sync::Semaphore,
    username: &str,
    password: &str,
    now: DateTime<Utc>,
) -> Result<Option<Session>, AccountError> {
    let account = storage.account(username.to_owned()).await?;
    let phc = account
        .as_ref()
        .map_or_else(|| dummy_hash().to_owned(), |a| a.password_hash.clone());
    let password = password.to_owned();
    let _permit = hashing
        .acquire()
        .await
        .map_err(|e| AccountError::Hash(e.to_string()))?;
    let matches = tokio::task::spawn_blocking(move || verify_password(&password, &phc))
        .await
        .map_err(|e| AccountError::Hash(e.to_string()))?;
    let Some(account) = account.filter(|_| matches) else {
        return Ok(None);
    };
    let token = random_token()?;
    let expires_at = now + Duration::hours(SESSION_HOURS);
    storage
        .create_session(hash_token(&token), account.username.clone(), expires_at)
        .await?;
    Ok(Some(Session {
        token,
        expires_at,
        name: account.name,
        unit: account.unit,
        role: account.role,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn argon2_round_trip() {
        let phc = hash_password("mật khẩu dài").unwrap();
        assert!(phc.starts_with("$argon2"));
        assert!(verify_password("mật khẩu dài", &phc));
        assert!(!verify_password("sai", &phc));
        assert!(!verify_password("x", "not a phc string"));
    }

    #[test]
    fn bearer_header() {
        let mut headers = HeaderMap::new();
        assert_eq!(bearer(&headers), None);
        headers.insert(header::AUTHORIZATION, "Bearer abc".parse().unwrap());
        assert_eq!(bearer(&headers), Some("abc"));
        headers.insert(header::AUTHORIZATION, "Basic abc".parse().unwrap());
        assert_eq!(bearer(&headers), None);
    }
}
