//! [`HolidayStorage`] over PostgreSQL: the holidays table, as in `sqlite_holidays.rs`.

use chrono::NaiveDate;

use super::holidays::{HolidayImport, HolidayStorage};
use super::pg::write_tx;
use super::sqlite_rows::corrupt;
use super::{PgStorage, StorageFuture};
use crate::holidays::{Holiday, HolidayKind};

const DATE: &str = "%Y-%m-%d";

impl HolidayStorage for PgStorage {
    fn import_holidays(&self, days: Vec<Holiday>) -> StorageFuture<'_, HolidayImport> {
        Box::pin(async move {
            let mut client = self.client().await?;
            let tx = write_tx(&mut client).await?;
            let mut years: Vec<i32> = days
                .iter()
                .map(|d| chrono::Datelike::year(&d.date))
                .collect();
            years.sort_unstable();
            years.dedup();
            for year in &years {
                tx.execute(
                    "DELETE FROM holidays WHERE date >= $1 AND date < $2",
                    &[
                        &format!("{year:04}-01-01"),
                        &format!("{:04}-01-01", year + 1),
                    ],
                )
                .await?;
            }
            let insert = tx
                .prepare_cached(
                    "INSERT INTO holidays (date, kind, name, status, source) \
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .await?;
            for day in &days {
                tx.execute(
                    &insert,
                    &[
                        &day.date.format(DATE).to_string(),
                        &day.kind.as_str(),
                        &day.name,
                        &day.status,
                        &day.source,
                    ],
                )
                .await?;
            }
            tx.commit().await?;
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
        Box::pin(async move {
            let from = from.map_or_else(String::new, |d| d.format(DATE).to_string());
            let until = until.map_or_else(|| "9999".to_owned(), |d| d.format(DATE).to_string());
            let client = self.client().await?;
            let rows = client
                .query(
                    "SELECT date, kind, name, status, source FROM holidays \
                     WHERE date >= $1 AND date <= $2 ORDER BY date",
                    &[&from, &until],
                )
                .await?;
            let mut out = Vec::with_capacity(rows.len());
            for row in rows {
                let date: String = row.try_get(0)?;
                let kind: String = row.try_get(1)?;
                let parsed = NaiveDate::parse_from_str(&date, DATE)
                    .map_err(|e| corrupt("holidays", &date, e))?;
                let kind = HolidayKind::parse(&kind)
                    .ok_or_else(|| corrupt("holidays", &date, format!("kind {kind:?}")))?;
                out.push(Holiday {
                    date: parsed,
                    kind,
                    name: row.try_get(2)?,
                    status: row.try_get(3)?,
                    source: row.try_get(4)?,
                });
            }
            Ok(out)
        })
    }

    fn holidays_empty(&self) -> StorageFuture<'_, bool> {
        Box::pin(async move {
            let client = self.client().await?;
            let any: bool = client
                .query_one("SELECT EXISTS (SELECT 1 FROM holidays)", &[])
                .await?
                .try_get(0)?;
            Ok(!any)
        })
    }
}
