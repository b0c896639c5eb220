//! `bulletins`: cached epidemic bulletins of the home unit, as the server
//! sent them, with the day and publication time that "latest" and the trend
//! order by.

use congdan_protocol::Bulletin;
use rusqlite::{Connection, params};

use crate::Error;

/// Inserts or replaces bulletins by id. Errors: `storage`.
pub fn upsert(conn: &Connection, items: &[Bulletin]) -> Result<(), Error> {
    let mut stmt = conn
        .prepare_cached(
            "INSERT OR REPLACE INTO bulletins (id, unit, date, published_ms, body) \
             VALUES (?1, ?2, ?3, ?4, ?5)",
        )
        .map_err(Error::storage("bulletins upsert prepare"))?;
    for b in items {
        let body = serde_json::to_string(b).map_err(|e| Error::CorruptRow {
            what: "bulletin",
            reason: e.to_string(),
        })?;
        stmt.execute(params![
            b.id,
            b.unit,
            b.date.to_string(),
            b.published_at.timestamp_millis(),
            body
        ])
        .map_err(Error::storage("bulletins upsert"))?;
    }
    Ok(())
}

/// Deletes bulletins by id (tombstones). Errors: `storage`.
pub fn delete(conn: &Connection, ids: &[String]) -> Result<(), Error> {
    let mut stmt = conn
        .prepare_cached("DELETE FROM bulletins WHERE id = ?1")
        .map_err(Error::storage("bulletins delete prepare"))?;
    for id in ids {
        stmt.execute(params![id])
            .map_err(Error::storage("bulletins delete"))?;
    }
    Ok(())
}

/// Deletes every bulletin (the home unit changed). Errors: `storage`.
pub fn clear(conn: &Connection) -> Result<(), Error> {
    conn.execute("DELETE FROM bulletins", [])
        .map_err(Error::storage("bulletins clear"))?;
    Ok(())
}

/// How many bulletins are cached. Errors: `storage`.
pub fn count(conn: &Connection) -> Result<u32, Error> {
    conn.query_row("SELECT COUNT(*) FROM bulletins", [], |r| r.get::<_, i64>(0))
        .map(|n| u32::try_from(n).unwrap_or(u32::MAX))
        .map_err(Error::storage("bulletins count"))
}

/// The newest `limit` days of bulletins of `unit`, newest day first, one per
/// day (the last published that day); only of `disease` when given. A row
/// whose body no longer decodes is skipped and logged (the next full pull
/// rebuilds the cache). Errors: `storage`.
pub fn recent(
    conn: &Connection,
    unit: &str,
    disease: Option<&str>,
    limit: u32,
) -> Result<Vec<Bulletin>, Error> {
    // SQLite takes the bare columns of a MAX() aggregate from the row holding the maximum.
    let mut stmt = conn
        .prepare_cached(
            "SELECT id, body, MAX(published_ms) FROM bulletins \
             WHERE unit = ?1 AND (?2 IS NULL OR json_extract(body, '$.disease') = ?2) \
             GROUP BY date ORDER BY date DESC LIMIT ?3",
        )
        .map_err(Error::storage("bulletins recent prepare"))?;
    let rows = stmt
        .query_map(params![unit, disease, limit], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })
        .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
        .map_err(Error::storage("bulletins recent"))?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, body)| match serde_json::from_str(&body) {
            Ok(bulletin) => Some(bulletin),
            Err(e) => {
                tracing::warn!(id, error = %e, "skipped an unreadable cached bulletin");
                None
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use chrono::{FixedOffset, NaiveDate, TimeZone};
    use congdan_protocol::CaseCount;

    use super::*;
    use crate::store::test_support::db as test_db;

    fn bulletin(id: &str, unit: &str, day: u32, hour: u32, disease: &str) -> Bulletin {
        Bulletin {
            id: format!("{id}@{unit}"),
            bulletin: id.to_owned(),
            unit: unit.to_owned(),
            issuer_unit: "01".to_owned(),
            issuer_name: "Thành phố Hà Nội".to_owned(),
            date: NaiveDate::from_ymd_opt(2021, 5, day).unwrap(),
            disease: disease.to_owned(),
            cases: vec![CaseCount {
                unit: unit.to_owned(),
                new_cases: day,
                recovered: None,
                deaths: None,
            }],
            places: Vec::new(),
            note: String::new(),
            published_at: FixedOffset::east_opt(7 * 3600)
                .unwrap()
                .with_ymd_and_hms(2021, 5, day, hour, 0, 0)
                .unwrap(),
        }
    }

    #[test]
    fn recent_keeps_one_per_day_newest_first_for_the_unit_and_disease() {
        let db = test_db();
        let conn = &db.conn;
        upsert(
            conn,
            &[
                bulletin("a", "00004", 10, 8, "COVID-19"),
                bulletin("b", "00004", 11, 8, "COVID-19"),
                bulletin("b2", "00004", 11, 18, "COVID-19"),
                bulletin("c", "00004", 12, 8, "Sốt xuất huyết"),
                bulletin("d", "00008", 13, 8, "COVID-19"),
            ],
        )
        .unwrap();
        let ids = |list: Vec<Bulletin>| list.into_iter().map(|b| b.bulletin).collect::<Vec<_>>();
        assert_eq!(
            ids(recent(conn, "00004", Some("COVID-19"), 10).unwrap()),
            ["b2", "a"]
        );
        assert_eq!(ids(recent(conn, "00004", None, 2).unwrap()), ["c", "b2"]);
        delete(conn, &["a@00004".to_owned()]).unwrap();
        assert_eq!(count(conn).unwrap(), 4);
        clear(conn).unwrap();
        assert_eq!(count(conn).unwrap(), 0);
    }
}
