//! `sync_state`: per resource and scope, where the last pull stopped and how it went.
//!
//! Invariant: `cursor` (and `etag`) are written only by [`advance`], which the
//! sync code calls in the same transaction as the page's items and tombstones.

use chrono::{DateTime, Utc};
use congdan_protocol::ErrorBody;
use rusqlite::{Connection, OptionalExtension, params};

use super::{from_millis, to_millis};
use crate::Error;

/// The stored pull state of one resource in one scope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncState {
    /// Resource name: "units", "procedures" or "news".
    pub resource: String,
    /// Scope: "all", or the unit code for news.
    pub scope: String,
    /// Cursor to send as `since` ("0" before the first page).
    pub cursor: String,
    /// ETag of the last complete pull, sent as `If-None-Match`.
    pub etag: Option<String>,
    /// When the last complete pull (or 304) finished.
    pub synced_at: Option<DateTime<Utc>>,
    /// Error of the last failed pull, cleared by a later success.
    pub last_error: Option<ErrorBody>,
    /// True when the last pull failed because the server could not be reached.
    pub offline: bool,
}

impl SyncState {
    /// The state of a resource never pulled.
    pub fn fresh(resource: &str, scope: &str) -> SyncState {
        SyncState {
            resource: resource.to_string(),
            scope: scope.to_string(),
            cursor: "0".to_string(),
            etag: None,
            synced_at: None,
            last_error: None,
            offline: false,
        }
    }
}

/// Decodes one full `sync_state` row.
fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<SyncState> {
    let code: Option<String> = r.get(5)?;
    let message: Option<String> = r.get(6)?;
    let synced: Option<i64> = r.get(4)?;
    Ok(SyncState {
        resource: r.get(0)?,
        scope: r.get(1)?,
        cursor: r.get(2)?,
        etag: r.get(3)?,
        synced_at: synced.and_then(from_millis),
        last_error: code.map(|code| ErrorBody {
            code,
            message: message.unwrap_or_default(),
        }),
        offline: r.get::<_, i64>(7)? != 0,
    })
}

/// Columns in the order [`from_row`] reads them.
const COLUMNS: &str =
    "resource, scope, cursor, etag, synced_ms, last_error_code, last_error_message, offline";

/// The state of `resource`/`scope`, or a fresh one. Errors: `storage`.
pub fn get(conn: &Connection, resource: &str, scope: &str) -> Result<SyncState, Error> {
    let row = conn
        .query_row(
            &format!("SELECT {COLUMNS} FROM sync_state WHERE resource = ?1 AND scope = ?2"),
            params![resource, scope],
            from_row,
        )
        .optional()
        .map_err(Error::storage("sync_state get"))?;
    Ok(row.unwrap_or_else(|| SyncState::fresh(resource, scope)))
}

/// Every stored state. Errors: `storage`.
pub fn all(conn: &Connection) -> Result<Vec<SyncState>, Error> {
    let mut stmt = conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM sync_state ORDER BY resource, scope"
        ))
        .map_err(Error::storage("sync_state all prepare"))?;
    stmt.query_map([], from_row)
        .and_then(|rows| rows.collect())
        .map_err(Error::storage("sync_state all"))
}

/// Records the cursor (and ETag, `None` mid-pull) of a stored page. Call it in
/// the transaction that stored the page. Errors: `storage`.
pub fn advance(
    conn: &Connection,
    resource: &str,
    scope: &str,
    cursor: &str,
    etag: Option<&str>,
) -> Result<(), Error> {
    conn.execute(
        "INSERT INTO sync_state (resource, scope, cursor, etag) VALUES (?1, ?2, ?3, ?4) \
         ON CONFLICT (resource, scope) DO UPDATE SET cursor = excluded.cursor, etag = excluded.etag",
        params![resource, scope, cursor, etag],
    )
    .map_err(Error::storage("sync_state advance"))?;
    Ok(())
}

/// Marks a pull as complete at `now`: sets `synced_at`, clears the error and
/// the offline flag. Errors: `storage`.
pub fn mark_success(
    conn: &Connection,
    resource: &str,
    scope: &str,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    conn.execute(
        "INSERT INTO sync_state (resource, scope, synced_ms) VALUES (?1, ?2, ?3) \
         ON CONFLICT (resource, scope) DO UPDATE SET synced_ms = excluded.synced_ms, \
           last_error_code = NULL, last_error_message = NULL, offline = 0",
        params![resource, scope, to_millis(now)],
    )
    .map_err(Error::storage("sync_state success"))?;
    Ok(())
}

/// Records a failed pull; `error` is `None` for a resource that was not reached
/// because an earlier one failed (only its offline flag is set). Errors: `storage`.
pub fn mark_failure(
    conn: &Connection,
    resource: &str,
    scope: &str,
    error: Option<&ErrorBody>,
    offline: bool,
) -> Result<(), Error> {
    conn.execute(
        "INSERT INTO sync_state (resource, scope, last_error_code, last_error_message, offline) \
         VALUES (?1, ?2, ?3, ?4, ?5) \
         ON CONFLICT (resource, scope) DO UPDATE SET \
           last_error_code = coalesce(excluded.last_error_code, last_error_code), \
           last_error_message = coalesce(excluded.last_error_message, last_error_message), \
           offline = excluded.offline",
        params![
            resource,
            scope,
            error.map(|e| e.code.as_str()),
            error.map(|e| e.message.as_str()),
            i64::from(offline)
        ],
    )
    .map_err(Error::storage("sync_state failure"))?;
    Ok(())
}

/// Forgets every state of `resource` (the news scope changed). Errors: `storage`.
pub fn reset(conn: &Connection, resource: &str) -> Result<(), Error> {
    conn.execute(
        "DELETE FROM sync_state WHERE resource = ?1",
        params![resource],
    )
    .map_err(Error::storage("sync_state reset"))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::test_support::db;

    #[test]
    fn advance_success_failure_reset() {
        let db = db();
        assert_eq!(
            get(&db.conn, "units", "all").unwrap(),
            SyncState::fresh("units", "all")
        );
        advance(&db.conn, "units", "all", "17", None).unwrap();
        advance(&db.conn, "units", "all", "42", Some("W/\"units-42\"")).unwrap();
        let body = ErrorBody {
            code: "offline".into(),
            message: "Không có kết nối mạng.".into(),
        };
        mark_failure(&db.conn, "units", "all", Some(&body), true).unwrap();
        let s = get(&db.conn, "units", "all").unwrap();
        assert_eq!(s.cursor, "42");
        assert_eq!(s.etag.as_deref(), Some("W/\"units-42\""));
        assert_eq!(s.last_error, Some(body.clone()));
        assert!(s.offline);
        // A not-reached resource only gets the flag, and keeps an older error.
        mark_failure(&db.conn, "units", "all", None, true).unwrap();
        assert_eq!(
            get(&db.conn, "units", "all").unwrap().last_error,
            Some(body)
        );

        let now = Utc::now();
        mark_success(&db.conn, "units", "all", now).unwrap();
        let s = get(&db.conn, "units", "all").unwrap();
        assert_eq!(s.last_error, None);
        assert!(!s.offline);
        assert_eq!(
            s.synced_at.map(|t| t.timestamp_millis()),
            Some(now.timestamp_millis())
        );
        assert_eq!(all(&db.conn).unwrap().len(), 1);
        reset(&db.conn, "units").unwrap();
        assert!(all(&db.conn).unwrap().is_empty());
    }
}
