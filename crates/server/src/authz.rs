//! Who is asking and which units they may act for: the one place every
//! official endpoint checks role and unit.
//!
//! An account is scoped to one unit and covers that unit and everything below
//! it (a province its communes and their villages, a commune its villages).
//! Checks run before any state is looked at or changed, so a refusal (401 or
//! 403) never depends on, nor alters, what is stored. The rules per route are
//! listed in docs/PROTOCOL.md and proven by the authorization matrix test.

use axum::http::HeaderMap;
use congdan_protocol::requests::Role;

use crate::AppState;
use crate::error::AppError;
use crate::secrets::hash_token;
use crate::storage::accounts::Account;
use crate::storage::audit::AuditRecord;

/// Deepest unit tree walked: province → commune → village (with room to spare).
const MAX_DEPTH: usize = 6;

/// The account behind the bearer token (401 without a live session), which
/// must hold a role `allowed` accepts (403 otherwise).
pub async fn official(
    state: &AppState,
    headers: &HeaderMap,
    allowed: fn(Role) -> bool,
) -> Result<Account, AppError> {
    let token = crate::accounts::bearer(headers).ok_or(AppError::Unauthorized)?;
    let account = state
        .storage
        .session_account(hash_token(token), (state.clock)())
        .await?
        .ok_or(AppError::Unauthorized)?;
    if !allowed(account.role) {
        tracing::info!(role = account.role.as_str(), "role refused");
        return Err(AppError::RoleForbidden);
    }
    Ok(account)
}

/// A unit of the official list or a village, by code.
pub async fn find_unit(
    state: &AppState,
    code: &str,
) -> Result<Option<congdan_protocol::Unit>, AppError> {
    match state.storage.unit(code.to_owned()).await? {
        Some(unit) => Ok(Some(unit)),
        None => Ok(state.storage.village(code.to_owned()).await?),
    }
}

/// `unit` and its ancestors, nearest first (just `unit` when it is unknown).
pub async fn unit_chain(state: &AppState, unit: &str) -> Result<Vec<String>, AppError> {
    let mut chain = vec![unit.to_owned()];
    let mut current = unit.to_owned();
    for _ in 0..MAX_DEPTH {
        match find_unit(state, &current).await? {
            Some(found) => match found.parent {
                Some(parent) if !chain.contains(&parent) => {
                    chain.push(parent.clone());
                    current = parent;
                }
                _ => break,
            },
            None => break,
        }
    }
    Ok(chain)
}

/// Whether `scope` (an account's unit) is `unit` or one of its ancestors.
pub async fn covers(state: &AppState, scope: &str, unit: &str) -> Result<bool, AppError> {
    Ok(unit_chain(state, unit).await?.iter().any(|u| u == scope))
}

/// 403 unless the account's unit covers `unit`.
pub async fn require_unit(state: &AppState, account: &Account, unit: &str) -> Result<(), AppError> {
    if covers(state, &account.unit, unit).await? {
        Ok(())
    } else {
        tracing::info!(role = account.role.as_str(), "unit refused");
        Err(AppError::Forbidden)
    }
}

/// `scope` and every unit below it (for queries by unit list).
pub async fn descendants(state: &AppState, scope: &str) -> Result<Vec<String>, AppError> {
    let mut all = vec![scope.to_owned()];
    let mut frontier = vec![scope.to_owned()];
    for _ in 0..MAX_DEPTH {
        let mut next = Vec::new();
        for parent in frontier {
            for village in state.storage.villages(parent.clone()).await? {
                if !all.contains(&village.code) {
                    all.push(village.code);
                }
            }
            for text in state.storage.units_json(Some(parent)).await? {
                let unit: congdan_protocol::Unit = serde_json::from_str(&text).map_err(|e| {
                    AppError::Storage(crate::storage::StorageError::Corrupt {
                        table: "units",
                        key: String::new(),
                        reason: e.to_string(),
                    })
                })?;
                if !all.contains(&unit.code) {
                    all.push(unit.code.clone());
                    next.push(unit.code);
                }
            }
        }
        if next.is_empty() {
            break;
        }
        frontier = next;
    }
    Ok(all)
}

/// The audit record of a write `account` makes now.
pub fn audit(
    state: &AppState,
    account: &Account,
    action: &'static str,
    target: &str,
    detail: impl Into<String>,
) -> AuditRecord {
    AuditRecord {
        at: (state.clock)(),
        username: account.username.clone(),
        role: account.role,
        unit: account.unit.clone(),
        action,
        target: target.to_owned(),
        detail: detail.into(),
    }
}
