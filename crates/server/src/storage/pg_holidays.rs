//! [`HolidayStorage`] over PostgreSQL: the holidays table, as in `sqlite_holidays.rs`.

use chrono::NaiveDate;

use super::holidays::{HolidayImport, HolidayStorage, bounds, date_text, holiday_row, years_of};
use super::{PgStorage, StorageFuture};
use crate::holidays::Holiday;

impl HolidayStorage for PgStorage {
    fn import_holidays(&self, days: Vec<Holiday>) -> StorageFuture<'_, HolidayImport> {
        self.write(move |tx| {
            Box::pin(async move {
                let years = years_of(&days);
                for (from, until) in &years {
                    tx.execute(
                        "DELETE FROM holidays WHERE date >= $1 AND date < $2",
                        &[from, until],
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
                            &date_text(day.date),
                            &day.kind.as_str(),
                            &day.name,
                            &day.status,
                            &day.source,
                        ],
                    )
                    .await?;
                }
                Ok(HolidayImport {
                    years: years.len(),
                    days: days.len(),
                })
            })
        })
    }

    fn holidays(
        &self,
        from: Option<NaiveDate>,
        until: Option<NaiveDate>,
    ) -> StorageFuture<'_, Vec<Holiday>> {
        Box::pin(async move {
            let (from, until) = bounds(from, until);
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
                out.push(holiday_row(
                    row.try_get(0)?,
                    row.try_get(1)?,
                    row.try_get(2)?,
                    row.try_get(3)?,
                    row.try_get(4)?,
                )?);
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
