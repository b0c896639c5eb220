//! [`HolidayStorage`] over SQLite: the holidays table (see `migrations.rs`).

use chrono::NaiveDate;
use rusqlite::params;

use super::holidays::{HolidayImport, HolidayStorage};
use super::sqlite_rows::corrupt;
use super::{SqliteStorage, StorageFuture};
use crate::holidays::{Holiday, HolidayKind};

const DATE: &str = "%Y-%m-%d";

impl HolidayStorage for SqliteStorage {
    fn import_holidays(&self, days: Vec<Holiday>) -> StorageFuture<'_, HolidayImport> {
        self.write(move |tx| {
            let mut years: Vec<i32> = days.iter().map(|d| chrono::Datelike::year(&d.date)).collect();
            years.sort_unstable();
            years.dedup();
            for year in &years {
                tx.execute(
                    "DELETE FROM holidays WHERE date >= ?1 AND date < ?2",
                    params![format!("{year:04}-01-01"), format!("{:04}-01-01", year + 1)],
                )?;
            }
            let mut insert = tx.prepare_cached(
                "INSERT INTO holidays (date, kind, name, status, source) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?;
            for day in &days {
                insert.execute(params![
                    day.date.format(DATE).to_string(),
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
            let from = from.map_or_else(String::new, |d| d.format(DATE).to_string());
            let until = until.map_or_else(|| "9999".to_owned(), |d| d.format(DATE).to_string());
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
                let parsed = NaiveDate::parse_from_str(&date, DATE)
                    .map_err(|e| corrupt("holidays", &date, e))?;
                let kind = HolidayKind::parse(&kind)
                    .ok_or_else(|| corrupt("holidays", &date, format!("kind {kind:?}")))?;
                out.push(Holiday {
                    date: parsed,
                    kind,
                    name,
                    status,
                    source,
                });
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
