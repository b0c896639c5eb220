//! Row conversions shared by the SQLite implementations: the one text form of
//! instants, and JSON columns read and written with the table and key named in
//! the error, so a corrupt row is reported rather than panicking.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;
use serde::de::DeserializeOwned;

use rusqlite::Connection;

use super::sqlite::Row;
use super::{Resource, StorageError};

/// Fixed-width UTC text (sorts like the instants it names).
pub(super) fn ts(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// An instant written by [`ts`].
pub(super) fn parse_ts(
    table: &'static str,
    key: &str,
    text: &str,
) -> Result<DateTime<Utc>, StorageError> {
    DateTime::parse_from_rfc3339(text)
        .map(|at| at.with_timezone(&Utc))
        .map_err(|e| corrupt(table, key, e))
}

/// A row of `table` that cannot be read back.
pub(super) fn corrupt(
    table: &'static str,
    key: &str,
    reason: impl std::fmt::Display,
) -> StorageError {
    StorageError::Corrupt {
        table,
        key: key.to_owned(),
        reason: reason.to_string(),
    }
}

/// A JSON column of `table`.
pub(super) fn from_json<T: DeserializeOwned>(
    table: &'static str,
    key: &str,
    text: &str,
) -> Result<T, StorageError> {
    serde_json::from_str(text).map_err(|e| corrupt(table, key, e))
}

/// A value as the JSON text it is stored (and served) as.
pub(super) fn to_json<T: Serialize>(
    resource: &'static str,
    key: &str,
    value: &T,
) -> Result<String, StorageError> {
    serde_json::to_string(value).map_err(|error| StorageError::Serialize {
        resource,
        key: key.to_owned(),
        error,
    })
}

/// Rows of a per-unit change feed (outages, alerts, bulletins): key, unit, JSON body.
pub(super) fn unit_rows<T: Serialize>(
    resource: Resource,
    items: &[T],
    key_and_unit: impl Fn(&T) -> (&str, &str),
) -> Result<Vec<Row>, StorageError> {
    items
        .iter()
        .map(|item| {
            let (key, unit) = key_and_unit(item);
            Ok(Row {
                key: key.to_owned(),
                extra: Some(unit.to_owned()),
                body: to_json(resource.as_str(), key, item)?,
            })
        })
        .collect()
}

/// The rows of a per-unit feed table whose JSON `field` equals `value` (every
/// unit's row of one cut, alert or bulletin), by id.
pub(super) fn rows_where<T: DeserializeOwned>(
    conn: &Connection,
    table: &'static str,
    field: &'static str,
    value: &str,
) -> Result<Vec<T>, StorageError> {
    let sql = format!(
        "SELECT id, body FROM {table} WHERE json_extract(body, '$.{field}') = ?1 ORDER BY id"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map([value], |row| {
        Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (id, body) = row?;
        out.push(from_json(table, &id, &body)?);
    }
    Ok(out)
}
