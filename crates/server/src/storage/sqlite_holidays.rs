//! [`HolidayStorage`] over SQLite: the holidays table (see `migrations.rs`).

use chrono::NaiveDate;
use rusqlite::params;

use super::holidays::{HolidayImport, HolidayStorage, bounds, date_text, holiday_row, years_of};
use super::{SqliteStorage, StorageFuture};
use crate::holidays::Holiday;

impl HolidayStorage for SqliteStorage {
    fn import_holidays(&self, days: Vec<Holiday>) -> StorageFuture<'_, HolidayImport> {
        self.write(move |tx| {
            let years = years_of(&days);
            for (from, until) in &years {
                tx.execute(
                    "DELETE FROM holidays WHERE date >= ?1 AND date < ?2",
                    params![from, until],
                )?;
            }
            let mut insert = tx.prepare_cached(
                "INSERT INTO holidays (date, kind, name, status, source) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?;
            for day in &days {
                insert.execute(params![
                    date_text(day.date),
                    day.kind.as_str(),
                    day.name,
                    day.status,
                    day.source
                ])?;
            }
            Ok(HolidayImport {
                years: years.len(),
                days: days.len(),
            })
        })
    }

    fn holidays(
        &self,
        from: Option<NaiveDate>,
        until: Option<NaiveDate>,
    ) -> StorageFuture<'_, Vec<Holiday>> {
        self.read(move |conn| {
            let (from, until) = bounds(from, until);
            let mut stmt = conn.prepare_cached(
                "SELECT date, kind, name, status, source FROM holidays \
                 WHERE date >= ?1 AND date <= ?2 ORDER BY date",
            )?;
            let rows = stmt.query_map(params![from, until], |row| {
                Ok((
                    row.get::<_, String>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, String>(2)?,
                    row.get::<_, String>(3)?,
                    row.get::<_, String>(4)?,
                ))
            })?;
            let mut out = Vec::new();
            for row in rows {
                let (date, kind, name, status, source) = row?;
                out.push(holiday_row(date, &kind, name, status, source)?);
            }
            Ok(out)
        })
    }

    fn holidays_empty(&self) -> StorageFuture<'_, bool> {
        self.read(|conn| {
            let any: bool =
                conn.query_row("SELECT EXISTS (SELECT 1 FROM holidays)", [], |row| {
                    row.get(0)
                })?;
            Ok(!any)
        })
    }
}
