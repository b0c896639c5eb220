//! [`AccountStorage`] over SQLite: the account, session and device tables
//! (see `migrations.rs`).

use chrono::{DateTime, Utc};
use congdan_protocol::requests::Role;
use rusqlite::{OptionalExtension, params};

use super::accounts::{Account, AccountStorage};
use super::sqlite_rows::{corrupt, ts};
use super::{SqliteStorage, StorageError, StorageFuture};

fn account_from_row(
    row: &rusqlite::Row<'_>,
) -> rusqlite::Result<(String, String, String, String, String)> {
    Ok((
        row.get(0)?,
        row.get(1)?,
        row.get(2)?,
        row.get(3)?,
        row.get(4)?,
    ))
}

fn to_account(
    (username, password_hash, name, role, unit): (String, String, String, String, String),
) -> Result<Account, StorageError> {
    let role = Role::parse(&role).ok_or_else(|| corrupt("accounts", &username, "unknown role"))?;
    Ok(Account {
        username,
        password_hash,
        name,
        role,
        unit,
    })
}

impl AccountStorage for SqliteStorage {
    fn put_account(&self, account: Account, at: DateTime<Utc>) -> StorageFuture<'_, ()> {
        self.write(move |tx| {
            tx.execute(
                "INSERT INTO accounts (username, password_hash, name, role, unit, created_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6) \
                 ON CONFLICT (username) DO UPDATE SET password_hash = excluded.password_hash, \
                 name = excluded.name, role = excluded.role, unit = excluded.unit",
                params![
                    account.username,
                    account.password_hash,
                    account.name,
                    account.role.as_str(),
                    account.unit,
                    ts(at)
                ],
            )?;
            let revoked = tx.execute(
                "DELETE FROM sessions WHERE username = ?1",
                [&account.username],
            )?;
            if revoked > 0 {
                tracing::info!(revoked, "sessions revoked by an account change");
            }
            Ok(())
        })
    }

    fn account(&self, username: String) -> StorageFuture<'_, Option<Account>> {
        self.read(move |conn| {
            conn.query_row(
                "SELECT username, password_hash, name, role, unit FROM accounts WHERE username = ?1",
                [&username],
                account_from_row,
            )
            .optional()?
            .map(to_account)
            .transpose()
        })
    }

    fn residents_of(&self, units: Vec<String>) -> StorageFuture<'_, Vec<Account>> {
        self.read(move |conn| {
            if units.is_empty() {
                return Ok(Vec::new());
            }
            let marks = vec!["?"; units.len()].join(", ");
            let mut stmt = conn.prepare(&format!(
                "SELECT username, password_hash, name, role, unit FROM accounts \
                 WHERE role = 'resident' AND unit IN ({marks}) ORDER BY unit, name"
            ))?;
            let rows =
                stmt.query_map(rusqlite::params_from_iter(units.iter()), account_from_row)?;
            rows.map(|row| to_account(row?)).collect()
        })
    }

    fn create_session(
        &self,
        token_hash: String,
        username: String,
        expires_at: DateTime<Utc>,
    ) -> StorageFuture<'_, ()> {
        self.write(move |tx| {
            tx.execute(
                "INSERT INTO sessions (token_hash, username, expires_at) VALUES (?1, ?2, ?3)",
                params![token_hash, username, ts(expires_at)],
            )?;
            Ok(())
        })
    }

    fn delete_session(&self, token_hash: String) -> StorageFuture<'_, bool> {
        self.write(move |tx| {
            Ok(tx.execute("DELETE FROM sessions WHERE token_hash = ?1", [&token_hash])? > 0)
        })
    }

    fn session_account(
        &self,
        token_hash: String,
        now: DateTime<Utc>,
    ) -> StorageFuture<'_, Option<Account>> {
        self.read(move |conn| {
            conn.query_row(
                "SELECT a.username, a.password_hash, a.name, a.role, a.unit FROM sessions s \
                 JOIN accounts a ON a.username = s.username \
                 WHERE s.token_hash = ?1 AND s.expires_at > ?2",
                params![token_hash, ts(now)],
                account_from_row,
            )
            .optional()?
            .map(to_account)
            .transpose()
        })
    }

    fn create_device(
        &self,
        id: String,
        token_hash: String,
        at: DateTime<Utc>,
    ) -> StorageFuture<'_, ()> {
        self.write(move |tx| {
            tx.execute(
                "INSERT INTO devices (id, token_hash, created_at) VALUES (?1, ?2, ?3)",
                params![id, token_hash, ts(at)],
            )?;
            Ok(())
        })
    }

    fn device_by_token(&self, token_hash: String) -> StorageFuture<'_, Option<String>> {
        self.read(move |conn| {
            Ok(conn
                .query_row(
                    "SELECT id FROM devices WHERE token_hash = ?1",
                    [&token_hash],
                    |row| row.get(0),
                )
                .optional()?)
        })
    }
}
