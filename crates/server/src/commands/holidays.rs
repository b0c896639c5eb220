//! `holidays import` and `holidays list`, and the built-in table a new database
//! starts with.
//!
//! The rules of the table (what `off` and `work` mean, how an import replaces
//! whole years) are in [`crate::holidays`] and [`crate::storage::holidays`].

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use chrono::{Datelike, NaiveDate};

use crate::holidays::{self, Holiday, HolidayError};
use crate::storage::holidays::HolidayImport;
use crate::storage::{Storage, StorageError};

/// Why a holiday command failed. Nothing was imported.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum HolidaysError {
    /// The file cannot be read.
    #[error("cannot read {path}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The file is not a valid holiday table.
    #[error("{path}: {source}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// Which line and why.
        #[source]
        source: HolidayError,
    },
    /// The database failed.
    #[error(transparent)]
    Storage(#[from] StorageError),
}

/// Largest holiday CSV file (a year is about 30 lines).
pub const MAX_HOLIDAYS_FILE_BYTES: usize = 1024 * 1024;

/// Import a holiday CSV file: the years it lists replace those years in the database.
pub async fn import(storage: &dyn Storage, path: &Path) -> Result<HolidayImport, HolidaysError> {
    let io = |source| HolidaysError::Io {
        path: path.to_owned(),
        source,
    };
    let bytes = super::seed::read_limited(path, MAX_HOLIDAYS_FILE_BYTES).map_err(io)?;
    let text = String::from_utf8(bytes)
        .map_err(|e| io(std::io::Error::new(std::io::ErrorKind::InvalidData, e)))?;
    let days = holidays::parse_csv(&text).map_err(|source| HolidaysError::Parse {
        path: path.to_owned(),
        source,
    })?;
    let done = storage.import_holidays(days).await?;
    tracing::info!(years = done.years, days = done.days, "holidays imported");
    Ok(done)
}

/// The listed days of `year`, or of every year.
pub async fn list(storage: &dyn Storage, year: Option<i32>) -> Result<Vec<Holiday>, HolidaysError> {
    let bounds = year.map(|y| {
        (
            NaiveDate::from_ymd_opt(y, 1, 1),
            NaiveDate::from_ymd_opt(y, 12, 31),
        )
    });
    let (from, until) = bounds.unwrap_or((None, None));
    Ok(storage.holidays(from, until).await?)
}

/// Add the built-in table's years that the database does not list at all (a new
/// database, or a newer binary shipping a new year). Years an admin imported are
/// never touched. Returns what was added.
pub async fn add_missing_builtin_years(
    storage: &dyn Storage,
) -> Result<HolidayImport, HolidaysError> {
    let stored: BTreeSet<i32> = storage
        .holidays(None, None)
        .await?
        .iter()
        .map(|h| h.date.year())
        .collect();
    let missing: Vec<Holiday> = holidays::builtin()
        .into_iter()
        .filter(|h| !stored.contains(&h.date.year()))
        .collect();
    if missing.is_empty() {
        return Ok(HolidayImport::default());
    }
    let done = storage.import_holidays(missing).await?;
    tracing::info!(
        years = done.years,
        days = done.days,
        "built-in holidays added"
    );
    Ok(done)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::SqliteStorage;

    #[tokio::test]
    async fn builtin_years_fill_a_new_database_once_and_never_override_an_import() {
        let dir = tempfile::tempdir().unwrap();
        let s = SqliteStorage::open(&dir.path().join("db")).unwrap();
        let added = add_missing_builtin_years(&s).await.unwrap();
        assert_eq!(added.years, 2);
        assert_eq!(add_missing_builtin_years(&s).await.unwrap().days, 0);

        let csv = dir.path().join("2027.csv");
        std::fs::write(
            &csv,
            "date,kind,name,status,source\n2027-02-12,off,Tết,official,test\n",
        )
        .unwrap();
        let done = import(&s, &csv).await.unwrap();
        assert_eq!((done.years, done.days), (1, 1));
        assert_eq!(add_missing_builtin_years(&s).await.unwrap().days, 0);
        let in_2027 = list(&s, Some(2027)).await.unwrap();
        assert_eq!(in_2027.len(), 1);
        assert!(list(&s, Some(2026)).await.unwrap().len() > 5);

        std::fs::write(
            &csv,
            "date,kind,name,status,source\n2027-02-12,of,Tết,official,x\n",
        )
        .unwrap();
        assert!(matches!(
            import(&s, &csv).await,
            Err(HolidaysError::Parse { .. })
        ));
        assert_eq!(list(&s, Some(2027)).await.unwrap().len(), 1);
    }
}
