//! The storage side of who is asking: officers' accounts and their sessions,
//! and residents' devices (the [`AccountStorage`] trait and [`Account`]).
//! Only hashes of tokens and passwords are stored.

use chrono::{DateTime, Utc};
use congdan_protocol::requests::Role;

use super::StorageFuture;

/// An officer or other account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    /// Login name.
    pub username: String,
    /// Argon2 PHC string.
    pub password_hash: String,
    /// Display name.
    pub name: String,
    /// Role.
    pub role: Role,
    /// Unit code the account is scoped to.
    pub unit: String,
}

/// Storage of accounts, sessions and devices.
pub trait AccountStorage: Send + Sync + 'static {
    /// Insert or replace an account, and revoke its sessions in the same
    /// transaction: a new password, role or unit must not leave a session
    /// open with the old one.
    fn put_account(&self, account: Account, at: DateTime<Utc>) -> StorageFuture<'_, ()>;
    /// One account.
    fn account(&self, username: String) -> StorageFuture<'_, Option<Account>>;
    /// Resident accounts (households) whose unit is one of `units`, by unit and name.
    fn residents_of(&self, units: Vec<String>) -> StorageFuture<'_, Vec<Account>>;
    /// Store a session (hash of its token).
    fn create_session(
        &self,
        token_hash: String,
        username: String,
        expires_at: DateTime<Utc>,
    ) -> StorageFuture<'_, ()>;
    /// End one session (logout); `false` when there was none.
    fn delete_session(&self, token_hash: String) -> StorageFuture<'_, bool>;
    /// The account of a live session.
    fn session_account(
        &self,
        token_hash: String,
        now: DateTime<Utc>,
    ) -> StorageFuture<'_, Option<Account>>;

    /// Register a device by the hash of its token.
    fn create_device(
        &self,
        id: String,
        token_hash: String,
        at: DateTime<Utc>,
    ) -> StorageFuture<'_, ()>;
    /// The device a token hash belongs to.
    fn device_by_token(&self, token_hash: String) -> StorageFuture<'_, Option<String>>;
}
