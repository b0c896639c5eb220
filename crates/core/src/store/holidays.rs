//! `holidays`: the server's table of days off and swapped working days
//! (`GET /api/v1/holidays`). Cache: replaced by each successful fetch; until
//! the first one the table the app was built with is used.

use chrono::NaiveDate;
use congdan_hours::holidays::{HolidayCalendar, HolidayKind, builtin};
use congdan_protocol::HolidayDay;
use rusqlite::{Connection, params};

use crate::Error;

/// Replaces the stored days; rows that are not a date and `off`/`work` are
/// skipped (logged), so one bad row does not cost the calendar. Errors: `storage`.
pub fn replace(conn: &Connection, days: &[HolidayDay]) -> Result<(), Error> {
    conn.execute("DELETE FROM holidays", [])
        .map_err(Error::storage("holidays clear"))?;
    for day in days {
        let date = NaiveDate::parse_from_str(&day.date, "%Y-%m-%d");
        let (Ok(date), Some(kind)) = (date, HolidayKind::parse(&day.kind)) else {
            tracing::warn!(date = %day.date, kind = %day.kind, "holiday row skipped");
            continue;
        };
        conn.execute(
            "INSERT OR REPLACE INTO holidays (date, kind) VALUES (?1, ?2)",
            params![date.format("%Y-%m-%d").to_string(), kind.as_str()],
        )
        .map_err(Error::storage("holidays insert"))?;
    }
    Ok(())
}

/// The calendar deadlines are counted with: the stored days, or the built-in
/// table while none have been fetched. Errors: `storage`.
pub fn calendar(conn: &Connection) -> Result<HolidayCalendar, Error> {
    let mut stmt = conn
        .prepare_cached("SELECT date, kind FROM holidays")
        .map_err(Error::storage("holidays prepare"))?;
    let rows: Vec<(String, String)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .and_then(|rows| rows.collect())
        .map_err(Error::storage("holidays read"))?;
    if rows.is_empty() {
        return Ok(HolidayCalendar::from_iter(builtin()));
    }
    Ok(HolidayCalendar::from_days(rows.iter().filter_map(
        |(date, kind)| {
            Some((
                NaiveDate::parse_from_str(date, "%Y-%m-%d").ok()?,
                HolidayKind::parse(kind)?,
            ))
        },
    )))
}
