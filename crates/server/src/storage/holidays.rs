//! [`HolidayStorage`]: the public holidays and day swaps the deadlines skip
//! (table `holidays`, see `migrations.rs`); the SQLite implementation is in
//! `sqlite_holidays.rs`.
//!
//! One row per listed date. An import replaces whole years: every year present
//! in the imported list loses its old rows first, so a corrected file also
//! removes a day that was wrongly listed. Parsing the CSV and deciding what a
//! working day is belong to [`crate::holidays`].

use chrono::NaiveDate;

use super::StorageFuture;
use crate::holidays::Holiday;

/// What an import changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct HolidayImport {
    /// Distinct years replaced.
    pub years: usize,
    /// Rows written.
    pub days: usize,
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
