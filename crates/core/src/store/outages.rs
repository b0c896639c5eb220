//! `outages`: cached planned power cuts of the home unit, as the server sent
//! them (cancelled ones included), with their start and end for the
//! "upcoming" query.

use congdan_protocol::Outage;
use rusqlite::{Connection, params};

use crate::Error;

/// Inserts or replaces cuts by id. Errors: `storage`.
pub fn upsert(conn: &Connection, items: &[Outage]) -> Result<(), Error> {
    let mut stmt = conn
        .prepare_cached(
            "INSERT OR REPLACE INTO outages (id, unit, start_ms, end_ms, body) \
             VALUES (?1, ?2, ?3, ?4, ?5)",
        )
        .map_err(Error::storage("outages upsert prepare"))?;
    for o in items {
        let body = serde_json::to_string(o).map_err(|e| Error::CorruptRow {
            what: "outage",
            reason: e.to_string(),
        })?;
        stmt.execute(params![
            o.id,
            o.unit,
            o.start.timestamp_millis(),
            o.end.timestamp_millis(),
            body
        ])
        .map_err(Error::storage("outages upsert"))?;
    }
    Ok(())
}

/// Deletes cuts by id (tombstones). Errors: `storage`.
pub fn delete(conn: &Connection, ids: &[String]) -> Result<(), Error> {
    let mut stmt = conn
        .prepare_cached("DELETE FROM outages WHERE id = ?1")
        .map_err(Error::storage("outages delete prepare"))?;
    for id in ids {
        stmt.execute(params![id])
            .map_err(Error::storage("outages delete"))?;
    }
    Ok(())
}

/// Deletes every cut (the home unit changed). Errors: `storage`.
pub fn clear(conn: &Connection) -> Result<(), Error> {
    conn.execute("DELETE FROM outages", [])
        .map_err(Error::storage("outages clear"))?;
    Ok(())
}

/// How many cuts are cached. Errors: `storage`.
pub fn count(conn: &Connection) -> Result<u32, Error> {
    conn.query_row("SELECT COUNT(*) FROM outages", [], |r| r.get::<_, i64>(0))
        .map(|n| u32::try_from(n).unwrap_or(u32::MAX))
        .map_err(Error::storage("outages count"))
}

/// The cuts of `unit` that end after `after_ms` (Unix milliseconds), by start.
/// A row whose body no longer decodes is skipped and logged (the cache is
/// rebuilt by the next full pull). Errors: `storage`.
pub fn ending_after(conn: &Connection, unit: &str, after_ms: i64) -> Result<Vec<Outage>, Error> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT id, body FROM outages WHERE unit = ?1 AND end_ms > ?2 \
             ORDER BY start_ms, id",
        )
        .map_err(Error::storage("outages list prepare"))?;
    let rows = stmt
        .query_map(params![unit, after_ms], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })
        .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
        .map_err(Error::storage("outages list"))?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, body)| match serde_json::from_str(&body) {
            Ok(outage) => Some(outage),
            Err(e) => {
                tracing::warn!(id, error = %e, "skipped an unreadable cached outage");
                None
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use chrono::{FixedOffset, TimeZone};
    use congdan_protocol::{OutageSource, OutageStatus};

    use super::*;
    use crate::store::test_support::db as test_db;

    fn cut(id: &str, unit: &str, day: u32, hour: u32) -> Outage {
        let start = FixedOffset::east_opt(7 * 3600)
            .unwrap()
            .with_ymd_and_hms(2026, 6, day, hour, 0, 0)
            .unwrap();
        Outage {
            id: format!("{id}@{unit}"),
            cut: id.to_owned(),
            unit: unit.to_owned(),
            utility: "Điện lực Huyện Châu Phú".to_owned(),
            area: "Một phần xã Mỹ Đức".to_owned(),
            start,
            end: start + chrono::Duration::hours(3),
            reason: "Bảo trì".to_owned(),
            status: OutageStatus::Scheduled,
            source: OutageSource::Schedule,
        }
    }

    #[test]
    fn lists_the_units_cuts_ending_after_a_time_by_start() {
        let db = test_db();
        let conn = &db.conn;
        upsert(
            conn,
            &[
                cut("b", "00001", 25, 8),
                cut("a", "00001", 24, 8),
                cut("past", "00001", 20, 8),
                cut("other", "00002", 25, 8),
            ],
        )
        .unwrap();
        let now = cut("x", "u", 24, 9).start.timestamp_millis();
        let ids: Vec<String> = ending_after(conn, "00001", now)
            .unwrap()
            .into_iter()
            .map(|o| o.cut)
            .collect();
        assert_eq!(ids, ["a", "b"]);
        delete(conn, &["a@00001".to_owned()]).unwrap();
        assert_eq!(count(conn).unwrap(), 3);
        clear(conn).unwrap();
        assert_eq!(count(conn).unwrap(), 0);
    }
}
