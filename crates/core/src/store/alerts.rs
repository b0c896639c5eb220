//! `alerts`: cached CAP alerts of the home unit, inactive ones included (they
//! are the history), with what "active" and the home order need.

use chrono::{DateTime, Utc};
use congdan_protocol::Alert;
use rusqlite::{Connection, params};

use crate::Error;

/// Inserts or replaces alerts by id. Errors: `storage`.
pub fn upsert(conn: &Connection, items: &[Alert]) -> Result<(), Error> {
    let mut stmt = conn
        .prepare_cached(
            "INSERT OR REPLACE INTO alerts (id, unit, sent_ms, expires_ms, cancelled, body) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )
        .map_err(Error::storage("alerts upsert prepare"))?;
    for a in items {
        let body = serde_json::to_string(a).map_err(|e| Error::CorruptRow {
            what: "alert",
            reason: e.to_string(),
        })?;
        stmt.execute(params![
            a.id,
            a.unit,
            a.sent.timestamp_millis(),
            a.expires.map(|t| t.timestamp_millis()),
            a.msg_type == "Cancel",
            body
        ])
        .map_err(Error::storage("alerts upsert"))?;
    }
    Ok(())
}

/// Deletes alerts by id (tombstones). Errors: `storage`.
pub fn delete(conn: &Connection, ids: &[String]) -> Result<(), Error> {
    let mut stmt = conn
        .prepare_cached("DELETE FROM alerts WHERE id = ?1")
        .map_err(Error::storage("alerts delete prepare"))?;
    for id in ids {
        stmt.execute(params![id])
            .map_err(Error::storage("alerts delete"))?;
    }
    Ok(())
}

/// Deletes every alert (the home unit changed). Errors: `storage`.
pub fn clear(conn: &Connection) -> Result<(), Error> {
    conn.execute("DELETE FROM alerts", [])
        .map_err(Error::storage("alerts clear"))?;
    Ok(())
}

/// How many alerts are cached. Errors: `storage`.
pub fn count(conn: &Connection) -> Result<u32, Error> {
    conn.query_row("SELECT COUNT(*) FROM alerts", [], |r| r.get::<_, i64>(0))
        .map(|n| u32::try_from(n).unwrap_or(u32::MAX))
        .map_err(Error::storage("alerts count"))
}

/// Every alert of `unit`, newest first, split into (active at `now`, the rest).
/// Active: not cancelled or superseded, and not expired. A row whose body no
/// longer decodes is skipped and logged. Errors: `storage`.
pub fn split(
    conn: &Connection,
    unit: &str,
    now: DateTime<Utc>,
) -> Result<(Vec<Alert>, Vec<Alert>), Error> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT id, body, cancelled = 0 AND (expires_ms IS NULL OR expires_ms > ?2) \
             FROM alerts WHERE unit = ?1 ORDER BY sent_ms DESC, id",
        )
        .map_err(Error::storage("alerts list prepare"))?;
    let rows = stmt
        .query_map(params![unit, now.timestamp_millis()], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, bool>(2)?,
            ))
        })
        .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
        .map_err(Error::storage("alerts list"))?;
    let (mut active, mut rest) = (Vec::new(), Vec::new());
    for (id, body, is_active) in rows {
        match serde_json::from_str::<Alert>(&body) {
            Ok(alert) if is_active => active.push(alert),
            Ok(alert) => rest.push(alert),
            Err(e) => tracing::warn!(id, error = %e, "skipped an unreadable cached alert"),
        }
    }
    Ok((active, rest))
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, FixedOffset, TimeZone};
    use congdan_protocol::{Category, Certainty, Severity, Urgency};

    use super::*;
    use crate::store::test_support::db as test_db;

    pub(crate) fn alert(id: &str, hour: u32, severity: Severity) -> Alert {
        let sent = FixedOffset::east_opt(7 * 3600)
            .unwrap()
            .with_ymd_and_hms(2026, 9, 1, hour, 0, 0)
            .unwrap();
        Alert {
            id: format!("{id}@00004"),
            alert: id.to_owned(),
            unit: "00004".to_owned(),
            units: vec!["00004".to_owned()],
            identifier: id.to_owned(),
            sender: "s@congdan".to_owned(),
            sent,
            msg_type: "Alert".to_owned(),
            event: "Bão".to_owned(),
            categories: vec![Category::Met],
            severity,
            urgency: Urgency::Immediate,
            certainty: Certainty::Likely,
            headline: format!("Cảnh báo {id}"),
            description: String::new(),
            instruction: String::new(),
            language: "vi-VN".to_owned(),
            area: "Phường Ba Đình".to_owned(),
            expires: Some(sent + Duration::hours(6)),
        }
    }

    #[test]
    fn expired_and_cancelled_alerts_are_history() {
        let db = test_db();
        let conn = &db.conn;
        let mut cancelled = alert("c", 9, Severity::Extreme);
        cancelled.msg_type = "Cancel".to_owned();
        let mut forever = alert("f", 1, Severity::Minor);
        forever.expires = None;
        upsert(
            conn,
            &[
                alert("a", 8, Severity::Severe),
                alert("old", 0, Severity::Severe),
                cancelled,
                forever,
            ],
        )
        .unwrap();
        let now = alert("x", 10, Severity::Minor).sent.to_utc();
        let (active, rest) = split(conn, "00004", now).unwrap();
        let ids = |v: &[Alert]| v.iter().map(|a| a.alert.clone()).collect::<Vec<_>>();
        assert_eq!(ids(&active), ["a", "f"]);
        assert_eq!(ids(&rest), ["c", "old"]);
        assert_eq!(count(conn).unwrap(), 4);
    }
}
