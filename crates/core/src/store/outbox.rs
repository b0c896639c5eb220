//! `outbox`: the user's writes waiting for the server (photos, requests,
//! ratings, reopenings, "tôi cũng gặp"). User data, not cache.
//!
//! Invariants:
//! - `id` (AUTOINCREMENT, never reused) is the sending order.
//! - `uuid` is the `Idempotency-Key` of every attempt of the row: a retry after
//!   a lost answer sends the same key, and the server replays its first answer.
//! - `depends_on` is a JSON array of outbox ids (always smaller than `id`) that
//!   must be `done` before this row is sent (a request needs its photos).
//! - `state`: `pending` → (`sending` →) `done` | `failed_permanent`; a row left
//!   in `sending` by a killed process is simply sent again (same key).
//! - `remote_id`: the server's id once known (upload id, service_request_id).
//! - Rows are inserted and finished with `synchronous=FULL` inside a
//!   transaction, so "saved" and "sent" survive a power cut once reported.

use chrono::{DateTime, Utc};
use congdan_protocol::ErrorBody;
use rusqlite::{Connection, OptionalExtension, Row, params};

use super::{from_millis, to_millis};
use crate::Error;
use crate::api::models::{OutboxKind, OutboxState};

/// One stored outbox row.
#[derive(Debug, Clone, PartialEq)]
pub struct OutboxRow {
    /// Sending order.
    pub id: i64,
    /// Idempotency-Key.
    pub uuid: String,
    /// What it sends.
    pub kind: OutboxKind,
    /// JSON payload (shape depends on `kind`, see `outbox::payload`).
    pub payload: String,
    /// Outbox ids that must be done first.
    pub depends_on: Vec<i64>,
    /// Failed attempts so far.
    pub attempts: u32,
    /// Earliest time of the next automatic attempt (`None`: now).
    pub next_attempt_at: Option<DateTime<Utc>>,
    /// Error of the last failed attempt.
    pub last_error: Option<ErrorBody>,
    /// Lifecycle state.
    pub state: OutboxState,
    /// Server id once known.
    pub remote_id: Option<String>,
    /// When the user saved it.
    pub created_at: DateTime<Utc>,
}

/// A row to insert; `depends_on` indexes earlier rows of the same batch.
#[derive(Debug, Clone, PartialEq)]
pub struct NewRow {
    /// Idempotency-Key.
    pub uuid: String,
    /// What it sends.
    pub kind: OutboxKind,
    /// JSON payload.
    pub payload: String,
    /// Indexes (into the batch) of rows this one needs.
    pub depends_on: Vec<usize>,
}

/// Stored text of a kind.
pub fn kind_str(kind: OutboxKind) -> &'static str {
    match kind {
        OutboxKind::Upload => "upload",
        OutboxKind::Request => "request",
        OutboxKind::Rating => "rating",
        OutboxKind::Reopen => "reopen",
        OutboxKind::Support => "support",
        OutboxKind::Ack => "ack",
        OutboxKind::Draft => "draft",
    }
}

/// Stored text of a state.
fn state_str(state: OutboxState) -> &'static str {
    match state {
        OutboxState::Pending => "pending",
        OutboxState::Sending => "sending",
        OutboxState::Done => "done",
        OutboxState::FailedPermanent => "failed_permanent",
    }
}

/// Columns in the order [`from_row`] reads them.
const COLUMNS: &str = "id, uuid, kind, payload, depends_on, attempts, next_attempt_ms, \
     last_error_code, last_error_message, state, remote_id, created_ms";

/// Decodes one row; unknown enum text is a conversion failure (corrupt row).
fn from_row(r: &Row<'_>) -> rusqlite::Result<OutboxRow> {
    let bad = |i: usize, what: &str| {
        rusqlite::Error::FromSqlConversionFailure(
            i,
            rusqlite::types::Type::Text,
            format!("unknown {what}").into(),
        )
    };
    let kind: String = r.get(2)?;
    let kind = match kind.as_str() {
        "upload" => OutboxKind::Upload,
        "request" => OutboxKind::Request,
        "rating" => OutboxKind::Rating,
        "reopen" => OutboxKind::Reopen,
        "support" => OutboxKind::Support,
        "ack" => OutboxKind::Ack,
        "draft" => OutboxKind::Draft,
        _ => return Err(bad(2, "kind")),
    };
    let state: String = r.get(9)?;
    let state = match state.as_str() {
        "pending" => OutboxState::Pending,
        "sending" => OutboxState::Sending,
        "done" => OutboxState::Done,
        "failed_permanent" => OutboxState::FailedPermanent,
        _ => return Err(bad(9, "state")),
    };
    let deps: String = r.get(4)?;
    let depends_on: Vec<i64> = serde_json::from_str(&deps).map_err(|_| bad(4, "depends_on"))?;
    let code: Option<String> = r.get(7)?;
    let message: Option<String> = r.get(8)?;
    let next: Option<i64> = r.get(6)?;
    let created: i64 = r.get(11)?;
    Ok(OutboxRow {
        id: r.get(0)?,
        uuid: r.get(1)?,
        kind,
        payload: r.get(3)?,
        depends_on,
        attempts: r.get(5)?,
        next_attempt_at: next.and_then(from_millis),
        last_error: code.map(|code| ErrorBody {
            code,
            message: message.unwrap_or_default(),
        }),
        state,
        remote_id: r.get(10)?,
        created_at: from_millis(created).unwrap_or_default(),
    })
}

/// Runs `f` in one transaction with `synchronous=FULL`, so its commit is on
/// disk when this returns. Errors: whatever `f` returns, `storage`.
pub fn durably<T>(
    conn: &mut Connection,
    f: impl FnOnce(&Connection) -> Result<T, Error>,
) -> Result<T, Error> {
    conn.pragma_update(None, "synchronous", "FULL")
        .map_err(Error::storage("outbox synchronous"))?;
    let result = (|| {
        let tx = conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(Error::storage("outbox begin"))?;
        let value = f(&tx)?;
        tx.commit().map_err(Error::storage("outbox commit"))?;
        Ok(value)
    })();
    let restore = conn
        .pragma_update(None, "synchronous", "NORMAL")
        .map_err(Error::storage("outbox synchronous"));
    let value = result?;
    restore?;
    Ok(value)
}

/// Inserts a batch of rows (call inside [`durably`]); returns their ids in order.
/// Errors: `invalid_input` for a dependency that does not point backwards, `storage`.
pub fn insert(conn: &Connection, rows: &[NewRow], now: DateTime<Utc>) -> Result<Vec<i64>, Error> {
    let mut ids: Vec<i64> = Vec::with_capacity(rows.len());
    for (i, row) in rows.iter().enumerate() {
        let mut deps = Vec::with_capacity(row.depends_on.len());
        for &d in &row.depends_on {
            if d >= i {
                return Err(Error::Internal {
                    reason: "outbox dependency must point to an earlier row".into(),
                });
            }
            deps.push(ids[d]);
        }
        let deps = serde_json::to_string(&deps).map_err(|e| Error::Internal {
            reason: format!("depends_on json: {e}"),
        })?;
        conn.execute(
            "INSERT INTO outbox (uuid, kind, payload, depends_on, created_ms) \
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                row.uuid,
                kind_str(row.kind),
                row.payload,
                deps,
                to_millis(now)
            ],
        )
        .map_err(Error::storage("outbox insert"))?;
        ids.push(conn.last_insert_rowid());
    }
    Ok(ids)
}

/// Rows still to send (`pending` or `sending`), in sending order. Errors: `storage`.
pub fn unsent(conn: &Connection) -> Result<Vec<OutboxRow>, Error> {
    query(
        conn,
        &format!("SELECT {COLUMNS} FROM outbox WHERE state IN ('pending', 'sending') ORDER BY id"),
        [],
    )
}

/// Every unsent or failed row, then the `recent_done` most recent done rows,
/// in sending order. Errors: `storage`.
pub fn listing(conn: &Connection, recent_done: u32) -> Result<Vec<OutboxRow>, Error> {
    query(
        conn,
        &format!(
            "SELECT {COLUMNS} FROM outbox WHERE state != 'done' \
             OR id IN (SELECT id FROM outbox WHERE state = 'done' ORDER BY id DESC LIMIT ?1) \
             ORDER BY id"
        ),
        params![recent_done],
    )
}

/// Every row of one kind in sending order (any state). Errors: `storage`.
pub fn of_kind(conn: &Connection, kind: OutboxKind) -> Result<Vec<OutboxRow>, Error> {
    query(
        conn,
        &format!("SELECT {COLUMNS} FROM outbox WHERE kind = ?1 ORDER BY id"),
        params![kind_str(kind)],
    )
}

/// Runs a row query.
fn query(
    conn: &Connection,
    sql: &str,
    params: impl rusqlite::Params,
) -> Result<Vec<OutboxRow>, Error> {
    let mut stmt = conn
        .prepare_cached(sql)
        .map_err(Error::storage("outbox prepare"))?;
    stmt.query_map(params, from_row)
        .and_then(|rows| rows.collect())
        .map_err(Error::storage("outbox query"))
}

/// One row by id. Errors: `storage`.
pub fn get(conn: &Connection, id: i64) -> Result<Option<OutboxRow>, Error> {
    conn.query_row(
        &format!("SELECT {COLUMNS} FROM outbox WHERE id = ?1"),
        params![id],
        from_row,
    )
    .optional()
    .map_err(Error::storage("outbox get"))
}

/// One row by uuid. Errors: `storage`.
pub fn by_uuid(conn: &Connection, uuid: &str) -> Result<Option<OutboxRow>, Error> {
    conn.query_row(
        &format!("SELECT {COLUMNS} FROM outbox WHERE uuid = ?1"),
        params![uuid],
        from_row,
    )
    .optional()
    .map_err(Error::storage("outbox by uuid"))
}

/// Whether any row of these kinds is still unsent (the local-writes-win gate).
/// Errors: `storage`.
pub fn has_unsent(conn: &Connection, kinds: &[OutboxKind]) -> Result<bool, Error> {
    for kind in kinds {
        let n: i64 = conn
            .query_row(
                "SELECT count(*) FROM outbox WHERE kind = ?1 AND state IN ('pending', 'sending')",
                params![kind_str(*kind)],
                |r| r.get(0),
            )
            .map_err(Error::storage("outbox has unsent"))?;
        if n > 0 {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Number of unsent rows. Errors: `storage`.
pub fn unsent_count(conn: &Connection) -> Result<u32, Error> {
    conn.query_row(
        "SELECT count(*) FROM outbox WHERE state IN ('pending', 'sending')",
        [],
        |r| r.get(0),
    )
    .map_err(Error::storage("outbox count"))
}

/// Marks a row as being sent (cheap write: a crash leaves it to be resent).
/// Errors: `storage`.
pub fn mark_sending(conn: &Connection, id: i64) -> Result<(), Error> {
    set_state(conn, id, OutboxState::Sending)
}

/// Sets the state of an unsent row.
fn set_state(conn: &Connection, id: i64, state: OutboxState) -> Result<(), Error> {
    conn.execute(
        "UPDATE outbox SET state = ?2 WHERE id = ?1 AND state IN ('pending', 'sending')",
        params![id, state_str(state)],
    )
    .map_err(Error::storage("outbox state"))?;
    Ok(())
}

/// Records the server id learnt mid-send (an upload's id). Errors: `storage`.
pub fn set_remote_id(conn: &Connection, id: i64, remote_id: &str) -> Result<(), Error> {
    conn.execute(
        "UPDATE outbox SET remote_id = ?2 WHERE id = ?1",
        params![id, remote_id],
    )
    .map_err(Error::storage("outbox remote id"))?;
    Ok(())
}

/// The server acknowledged the row (call inside [`durably`]). Errors: `storage`.
pub fn mark_done(
    conn: &Connection,
    id: i64,
    remote_id: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    conn.execute(
        "UPDATE outbox SET state = 'done', remote_id = coalesce(?2, remote_id), \
           finished_ms = ?3, next_attempt_ms = NULL, last_error_code = NULL, \
           last_error_message = NULL WHERE id = ?1",
        params![id, remote_id, to_millis(now)],
    )
    .map_err(Error::storage("outbox done"))?;
    Ok(())
}

/// The server refused the row for good (call inside [`durably`]). Errors: `storage`.
pub fn mark_failed(
    conn: &Connection,
    id: i64,
    error: &ErrorBody,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    conn.execute(
        "UPDATE outbox SET state = 'failed_permanent', attempts = attempts + 1, \
           finished_ms = ?4, next_attempt_ms = NULL, last_error_code = ?2, \
           last_error_message = ?3 WHERE id = ?1",
        params![id, error.code, error.message, to_millis(now)],
    )
    .map_err(Error::storage("outbox failed"))?;
    Ok(())
}

/// Puts a refused row back in line, with the rows it depends on that were
/// refused too, due now; attempts and the last error stay visible. Returns
/// false when the row is not a refused one. Errors: `storage`.
pub fn requeue(conn: &Connection, id: i64) -> Result<bool, Error> {
    let Some(row) = get(conn, id)? else {
        return Ok(false);
    };
    if row.state != OutboxState::FailedPermanent {
        return Ok(false);
    }
    let mut stmt = conn
        .prepare_cached(
            "UPDATE outbox SET state = 'pending', next_attempt_ms = NULL, finished_ms = NULL \
             WHERE id = ?1 AND state = 'failed_permanent'",
        )
        .map_err(Error::storage("outbox requeue prepare"))?;
    for one in row.depends_on.iter().chain(std::iter::once(&id)) {
        stmt.execute(params![one])
            .map_err(Error::storage("outbox requeue"))?;
    }
    Ok(true)
}

/// A transient failure: count it, store the error and when to try again; the
/// row goes back to `pending`. Errors: `storage`.
pub fn mark_retry(
    conn: &Connection,
    id: i64,
    attempts: u32,
    next_attempt_at: DateTime<Utc>,
    error: &ErrorBody,
) -> Result<(), Error> {
    conn.execute(
        "UPDATE outbox SET state = 'pending', attempts = ?2, next_attempt_ms = ?3, \
           last_error_code = ?4, last_error_message = ?5 WHERE id = ?1",
        params![
            id,
            attempts,
            to_millis(next_attempt_at),
            error.code,
            error.message
        ],
    )
    .map_err(Error::storage("outbox retry"))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::test_support::db;

    fn row(uuid: &str, kind: OutboxKind, deps: Vec<usize>) -> NewRow {
        NewRow {
            uuid: uuid.into(),
            kind,
            payload: "{}".into(),
            depends_on: deps,
        }
    }

    #[test]
    fn insert_in_order_with_dependencies_and_lifecycle() {
        let mut db = db();
        let now = Utc::now();
        let ids = durably(&mut db.conn, |c| {
            insert(
                c,
                &[
                    row("u1", OutboxKind::Upload, vec![]),
                    row("u2", OutboxKind::Upload, vec![]),
                    row("r", OutboxKind::Request, vec![0, 1]),
                ],
                now,
            )
        })
        .unwrap();
        assert!(ids[0] < ids[1] && ids[1] < ids[2]);
        let unsent = unsent(&db.conn).unwrap();
        assert_eq!(unsent.len(), 3);
        assert_eq!(unsent[2].depends_on, vec![ids[0], ids[1]]);
        assert_eq!(unsent[2].state, OutboxState::Pending);
        assert!(has_unsent(&db.conn, &[OutboxKind::Request]).unwrap());
        assert!(!has_unsent(&db.conn, &[OutboxKind::Rating]).unwrap());

        mark_sending(&db.conn, ids[0]).unwrap();
        assert_eq!(
            unsent_count(&db.conn).unwrap(),
            3,
            "sending is still unsent"
        );
        set_remote_id(&db.conn, ids[0], "up-1").unwrap();
        durably(&mut db.conn, |c| mark_done(c, ids[0], None, now)).unwrap();
        let err = ErrorBody {
            code: "offline".into(),
            message: "m".into(),
        };
        mark_retry(&db.conn, ids[1], 1, now, &err).unwrap();
        durably(&mut db.conn, |c| mark_failed(c, ids[2], &err, now)).unwrap();
        let first = get(&db.conn, ids[0]).unwrap().unwrap();
        assert_eq!(first.state, OutboxState::Done);
        assert_eq!(first.remote_id.as_deref(), Some("up-1"));
        let second = by_uuid(&db.conn, "u2").unwrap().unwrap();
        assert_eq!(second.attempts, 1);
        assert_eq!(second.last_error, Some(err));
        assert_eq!(unsent_count(&db.conn).unwrap(), 1);
        assert_eq!(listing(&db.conn, 0).unwrap().len(), 2);
        assert_eq!(listing(&db.conn, 10).unwrap().len(), 3);
        assert_eq!(of_kind(&db.conn, OutboxKind::Upload).unwrap().len(), 2);
    }

    #[test]
    fn ids_are_never_reused_and_forward_deps_refused() {
        let mut db = db();
        let now = Utc::now();
        let a = durably(&mut db.conn, |c| {
            insert(c, &[row("a", OutboxKind::Support, vec![])], now)
        })
        .unwrap();
        db.conn.execute("DELETE FROM outbox", []).unwrap();
        let b = durably(&mut db.conn, |c| {
            insert(c, &[row("b", OutboxKind::Support, vec![])], now)
        })
        .unwrap();
        assert!(b[0] > a[0]);
        let bad = durably(&mut db.conn, |c| {
            insert(c, &[row("c", OutboxKind::Request, vec![0])], now)
        });
        assert!(bad.is_err());
        assert!(by_uuid(&db.conn, "c").unwrap().is_none(), "rolled back");
    }
}
