//! `backup`: a consistent copy of the server database while the server keeps
//! serving, through SQLite's online backup API.
//!
//! The copy is taken in one step inside one read transaction, so it is a
//! snapshot of a single moment even while the server writes (in WAL mode readers
//! never wait for the writer). It is written beside `OUT` under a temporary name,
//! checked with `PRAGMA quick_check`, and only then renamed to `OUT`, so `OUT`
//! is either the old file or a complete backup. Restoring is a file copy with the
//! server stopped; docs/OPERATIONS.md says how.

use std::path::{Path, PathBuf};

use rusqlite::backup::{Backup, StepResult};
use rusqlite::{Connection, OpenFlags};

/// Why a backup failed. `OUT` is left as it was.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BackupError {
    /// The source database cannot be opened or read.
    #[error("cannot read database {path}")]
    Source {
        /// The database file.
        path: PathBuf,
        /// The SQLite error.
        #[source]
        source: rusqlite::Error,
    },
    /// The backup file cannot be written.
    #[error("cannot write backup {path}")]
    Target {
        /// The file being written.
        path: PathBuf,
        /// The SQLite error.
        #[source]
        source: rusqlite::Error,
    },
    /// The source was locked for the whole attempt.
    #[error("database {0} stayed locked; try again")]
    Busy(PathBuf),
    /// The copy did not pass `PRAGMA quick_check`.
    #[error("backup {path} failed its integrity check: {report}")]
    Check {
        /// The copy.
        path: PathBuf,
        /// The first line SQLite reported.
        report: String,
    },
    /// Moving the finished copy into place failed.
    #[error("cannot move the backup into {path}")]
    Io {
        /// The destination.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
}

/// What was copied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BackupReport {
    /// Database pages copied.
    pub pages: u64,
    /// Size of the backup file in bytes.
    pub bytes: u64,
}

/// Copy the database at `db` to `out` (replaced if it exists). Safe to run while
/// a server is serving `db`; it neither migrates nor writes `db`.
pub fn backup(db: &Path, out: &Path) -> Result<BackupReport, BackupError> {
    let source_err = |source| BackupError::Source {
        path: db.to_owned(),
        source,
    };
    // Read-only and without migrations: a backup never changes what it copies.
    let src = Connection::open_with_flags(
        db,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(source_err)?;
    src.busy_timeout(std::time::Duration::from_secs(10))
        .map_err(source_err)?;

    let mut partial = out.as_os_str().to_owned();
    partial.push(".partial");
    let partial = PathBuf::from(partial);
    let target_err = |source| BackupError::Target {
        path: partial.clone(),
        source,
    };
    if partial.exists() {
        std::fs::remove_file(&partial).map_err(|source| BackupError::Io {
            path: partial.clone(),
            source,
        })?;
    }
    let mut dst = Connection::open(&partial).map_err(target_err)?;
    let pages = {
        let copy = Backup::new(&src, &mut dst).map_err(target_err)?;
        // -1: every page in one step, so the copy is one snapshot of the source.
        match copy.step(-1).map_err(source_err)? {
            StepResult::Done => {}
            // Busy, Locked (or More, impossible with -1): the source stayed locked.
            _ => return Err(BackupError::Busy(db.to_owned())),
        }
        u64::try_from(copy.progress().pagecount).unwrap_or(0)
    };
    let report: String = dst
        .query_row("PRAGMA quick_check", [], |row| row.get(0))
        .map_err(target_err)?;
    if report != "ok" {
        return Err(BackupError::Check {
            path: partial,
            report,
        });
    }
    // Fold the copy into one file: a backup is a single self-contained file.
    dst.pragma_update(None, "journal_mode", "DELETE")
        .map_err(target_err)?;
    dst.close().map_err(|(_, source)| target_err(source))?;
    std::fs::rename(&partial, out).map_err(|source| BackupError::Io {
        path: out.to_owned(),
        source,
    })?;
    let bytes = std::fs::metadata(out)
        .map(|m| m.len())
        .map_err(|source| BackupError::Io {
            path: out.to_owned(),
            source,
        })?;
    Ok(BackupReport { pages, bytes })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::{ContentStorage, SqliteStorage};

    #[tokio::test]
    async fn backup_of_an_open_database_has_the_same_rows() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("server.db");
        let storage = SqliteStorage::open(&db).unwrap();
        let unit = congdan_protocol::Unit {
            code: "01".into(),
            name: "Hà Nội".into(),
            kind: "Thành phố".into(),
            level: congdan_protocol::UnitLevel::Province,
            parent: None,
        };
        storage.upsert_units(vec![unit.clone()]).await.unwrap();
        let out = dir.path().join("copy.db");
        std::fs::write(&out, b"an older backup").unwrap();

        let report = backup(&db, &out).unwrap();
        assert!(report.pages > 0 && report.bytes > 0);
        assert!(!dir.path().join("copy.db.partial").exists());
        let copy = SqliteStorage::open(&out).unwrap();
        assert_eq!(copy.unit("01".into()).await.unwrap(), Some(unit));
        // The source is still usable by its open handle.
        assert!(storage.unit("01".into()).await.unwrap().is_some());
    }

    #[test]
    fn a_missing_database_is_an_error_and_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("copy.db");
        let err = backup(&dir.path().join("missing.db"), &out).unwrap_err();
        assert!(matches!(err, BackupError::Source { .. }), "{err}");
        assert!(!out.exists());
    }
}
