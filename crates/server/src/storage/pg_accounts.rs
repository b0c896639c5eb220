//! [`AccountStorage`] over PostgreSQL: the account, session and device tables,
//! as in `sqlite_accounts.rs`. Sessions live in the database, so a login made
//! on one server process is valid on every other.

use chrono::{DateTime, Utc};
use congdan_protocol::requests::Role;

use super::accounts::{Account, AccountStorage};
use super::sqlite_rows::{corrupt, ts};
use super::{PgStorage, StorageError, StorageFuture};

/// The columns every account query selects, in [`to_account`]'s order.
const ACCOUNT_COLUMNS: &str = "username, password_hash, name, role, unit";

fn to_account(row: &tokio_postgres::Row) -> Result<Account, StorageError> {
    let username: String = row.try_get(0)?;
    let role: String = row.try_get(3)?;
    let role = Role::parse(&role).ok_or_else(|| corrupt("accounts", &username, "unknown role"))?;
    Ok(Account {
        password_hash: row.try_get(1)?,
        name: row.try_get(2)?,
        role,
        unit: row.try_get(4)?,
        username,
    })
}

impl AccountStorage for PgStorage {
    fn put_account(&self, account: Account, at: DateTime<Utc>) -> StorageFuture<'_, ()> {
        self.write(move |tx| {
            Box::pin(async move {
                tx.execute(
                    "INSERT INTO accounts (username, password_hash, name, role, unit, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6) \
                     ON CONFLICT (username) DO UPDATE SET password_hash = excluded.password_hash, \
                     name = excluded.name, role = excluded.role, unit = excluded.unit",
                    &[
                        &account.username,
                        &account.password_hash,
                        &account.name,
                        &account.role.as_str(),
                        &account.unit,
                        &ts(at),
                    ],
                )
                .await?;
                let revoked = tx
                    .execute(
                        "DELETE FROM sessions WHERE username = $1",
                        &[&account.username],
                    )
                    .await?;
                if revoked > 0 {
                    tracing::info!(revoked, "sessions revoked by an account change");
                }
                Ok(())
            })
        })
    }

    fn account(&self, username: String) -> StorageFuture<'_, Option<Account>> {
        Box::pin(async move {
            let client = self.client().await?;
            let sql = format!("SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE username = $1");
            let row = client.query_opt(&sql, &[&username]).await?;
            row.as_ref().map(to_account).transpose()
        })
    }

    fn residents_of(&self, units: Vec<String>) -> StorageFuture<'_, Vec<Account>> {
        Box::pin(async move {
            let client = self.client().await?;
            let sql = format!(
                "SELECT {ACCOUNT_COLUMNS} FROM accounts \
                 WHERE role = 'resident' AND unit = ANY($1) ORDER BY unit, name"
            );
            let rows = client.query(&sql, &[&units]).await?;
            rows.iter().map(to_account).collect()
        })
    }

    fn create_session(
        &self,
        token_hash: String,
        username: String,
        expires_at: DateTime<Utc>,
    ) -> StorageFuture<'_, ()> {
        self.write(move |tx| {
            Box::pin(async move {
                tx.execute(
                    "INSERT INTO sessions (token_hash, username, expires_at) VALUES ($1, $2, $3)",
                    &[&token_hash, &username, &ts(expires_at)],
                )
                .await?;
                Ok(())
            })
        })
    }

    fn delete_session(&self, token_hash: String) -> StorageFuture<'_, bool> {
        self.write(move |tx| {
            Box::pin(async move {
                let deleted = tx
                    .execute("DELETE FROM sessions WHERE token_hash = $1", &[&token_hash])
                    .await?;
                Ok(deleted > 0)
            })
        })
    }

    fn session_account(
        &self,
        token_hash: String,
        now: DateTime<Utc>,
    ) -> StorageFuture<'_, Option<Account>> {
        Box::pin(async move {
            let client = self.client().await?;
            let row = client
                .query_opt(
                    "SELECT a.username, a.password_hash, a.name, a.role, a.unit FROM sessions s \
                     JOIN accounts a ON a.username = s.username \
                     WHERE s.token_hash = $1 AND s.expires_at > $2",
                    &[&token_hash, &ts(now)],
                )
                .await?;
            row.as_ref().map(to_account).transpose()
        })
    }

    fn create_device(
        &self,
        id: String,
        token_hash: String,
        at: DateTime<Utc>,
    ) -> StorageFuture<'_, ()> {
        self.write(move |tx| {
            Box::pin(async move {
                tx.execute(
                    "INSERT INTO devices (id, token_hash, created_at) VALUES ($1, $2, $3)",
                    &[&id, &token_hash, &ts(at)],
                )
                .await?;
                Ok(())
            })
        })
    }

    fn device_by_token(&self, token_hash: String) -> StorageFuture<'_, Option<String>> {
        Box::pin(async move {
            let client = self.client().await?;
            let row = client
                .query_opt(
                    "SELECT id FROM devices WHERE token_hash = $1",
                    &[&token_hash],
                )
                .await?;
            Ok(row.map(|row| row.try_get(0)).transpose()?)
        })
    }
}
