//! [`HolidayStorage`]: the public holidays and day swaps the deadlines skip
//! (table `holidays`, see `migrations.rs`); the SQLite implementation is in
//! `sqlite_holidays.rs`.
//!
//! One row per listed date. An import replaces whole years: every year present
//! in the imported list loses its old rows first, so a corrected file also
//! removes a day that was wrongly listed. Parsing the CSV and deciding what a
//! working day is belong to [`crate::holidays`].

use chrono::NaiveDate;

use super::sqlite_rows::corrupt;
use super::{StorageError, StorageFuture};
use crate::holidays::{Holiday, HolidayKind};

/// What an import changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct HolidayImport {
    /// Distinct years replaced.
    pub years: usize,
    /// Rows written.
    pub days: usize,
}

/// How a date is stored: `YYYY-MM-DD`, which sorts as the dates do.
const DATE: &str = "%Y-%m-%d";

/// A date as stored.
pub(super) fn date_text(date: NaiveDate) -> String {
    date.format(DATE).to_string()
}

/// The years an import replaces, each with the first stored date of it and of
/// the next year (`[from, until)`), in order.
pub(super) fn years_of(days: &[Holiday]) -> Vec<(String, String)> {
    let mut years: Vec<i32> = days
        .iter()
        .map(|d| chrono::Datelike::year(&d.date))
        .collect();
    years.sort_unstable();
    years.dedup();
    years
        .into_iter()
        .map(|year| (format!("{year:04}-01-01"), format!("{:04}-01-01", year + 1)))
        .collect()
}

/// The stored bounds of a `holidays(from, until)` query (inclusive).
pub(super) fn bounds(from: Option<NaiveDate>, until: Option<NaiveDate>) -> (String, String) {
    (
        from.map_or_else(String::new, date_text),
        until.map_or_else(|| "9999".to_owned(), date_text),
    )
}

/// A stored row.
pub(super) fn holiday_row(
    date: String,
    kind: &str,
    name: String,
    status: String,
    source: String,
) -> Result<Holiday, StorageError> {
    let parsed =
        NaiveDate::parse_from_str(&date, DATE).map_err(|e| corrupt("holidays", &date, e))?;
    let kind = HolidayKind::parse(kind)
        .ok_or_else(|| corrupt("holidays", &date, format!("kind {kind:?}")))?;
    Ok(Holiday {
        date: parsed,
        kind,
        name,
        status,
        source,
    })
}

/// The holiday table.
pub trait HolidayStorage: Send + Sync + 'static {
    /// Replace every year present in `days` by these days, in one transaction.
    fn import_holidays(&self, days: Vec<Holiday>) -> StorageFuture<'_, HolidayImport>;

    /// The listed days from `from` on (all when `None`) up to `until`
    /// (inclusive; no bound when `None`), by date.
    fn holidays(
        &self,
        from: Option<NaiveDate>,
        until: Option<NaiveDate>,
    ) -> StorageFuture<'_, Vec<Holiday>>;

    /// Whether the table has no rows at all (a new database).
    fn holidays_empty(&self) -> StorageFuture<'_, bool>;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::both_engines::on_both_engines;

    on_both_engines!(import_replaces_whole_years_and_keeps_others);
    use crate::holidays::{HolidayCalendar, builtin};

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn holiday(date: NaiveDate, kind: HolidayKind) -> Holiday {
        Holiday {
            date,
            kind,
            name: "Thử".to_owned(),
            status: "official".to_owned(),
            source: "test".to_owned(),
        }
    }

    async fn import_replaces_whole_years_and_keeps_others<S: HolidayStorage>(s: &S) {
        assert!(s.holidays_empty().await.unwrap());
        let all = builtin();
        let n = all.len();
        let done = s.import_holidays(all.clone()).await.unwrap();
        assert_eq!(done, HolidayImport { years: 2, days: n });
        assert_eq!(s.holidays(None, None).await.unwrap(), all);

        // A corrected 2027: one day only. 2026 is untouched.
        let fixed = vec![holiday(day(2027, 2, 5), HolidayKind::Off)];
        s.import_holidays(fixed.clone()).await.unwrap();
        let in_2027 = s
            .holidays(Some(day(2027, 1, 1)), Some(day(2027, 12, 31)))
            .await
            .unwrap();
        assert_eq!(in_2027, fixed);
        let in_2026 = s
            .holidays(Some(day(2026, 1, 1)), Some(day(2026, 12, 31)))
            .await
            .unwrap();
        assert_eq!(
            in_2026.len(),
            all.iter()
                .filter(|h| h.date.format("%Y").to_string() == "2026")
                .count()
        );

        let cal = HolidayCalendar::new(&s.holidays(None, None).await.unwrap());
        assert!(!cal.is_working_day(day(2027, 2, 5)));
        assert!(cal.is_working_day(day(2027, 2, 8)));
        assert!(cal.is_working_day(day(2026, 1, 10)));
    }
}
