//! `settings`: small key/value preferences of the profile (server URL, home unit).

use rusqlite::{Connection, OptionalExtension, params};

use crate::Error;

/// Key of the server base URL, e.g. `http://127.0.0.1:8080`.
pub const SERVER_URL: &str = "server_url";
/// Key of the home unit code (a commune).
pub const HOME_UNIT: &str = "home_unit";
/// Key of the home village (below the home commune), cleared when the commune changes.
pub const HOME_VILLAGE: &str = "home_village";
/// Key of the home village's name, for showing; kept and cleared with [`HOME_VILLAGE`].
pub const HOME_VILLAGE_NAME: &str = "home_village_name";
/// Key of this profile's random id, which names its secrets in the keyring.
pub const PROFILE_ID: &str = "profile_id";
/// Key of the registered device id (not secret; its token is in the keyring).
pub const DEVICE_ID: &str = "device_id";
/// Set while this profile's earlier requests still have to be claimed for a
/// device registered again (see `POST /api/v1/my/requests/claim`).
pub const CLAIM_PENDING: &str = "claim_pending";
/// Set while the data saver is on: syncs leave images and the catalogue for a
/// full sync the user asks for (a metered, cellular connection).
pub const DATA_SAVER: &str = "data_saver";
/// Key of the image cache budget in MB (default [`DEFAULT_MEDIA_BUDGET_MB`]).
pub const MEDIA_BUDGET_MB: &str = "media_budget_mb";
/// How much room cached images may take unless the user says otherwise: the
/// pictures of a few hundred articles, small beside a phone's storage.
pub const DEFAULT_MEDIA_BUDGET_MB: u32 = 100;

/// The image cache budget in MB. Errors: `storage`.
pub fn media_budget_mb(conn: &Connection) -> Result<u32, Error> {
    Ok(get(conn, MEDIA_BUDGET_MB)?
        .and_then(|v| v.parse().ok())
        .unwrap_or(DEFAULT_MEDIA_BUDGET_MB))
}

/// Key of the Open311 `api_key` to send (default [`DEFAULT_API_KEY`]).
pub const API_KEY: &str = "open311_api_key";
/// The Open311 api key a commune's own build carries (`CONGDAN_API_KEY` at
/// compile time); `None` in a plain build, where the user or the CLI sets one.
pub const DEFAULT_API_KEY: Option<&str> = option_env!("CONGDAN_API_KEY");
/// The server a commune's own build points at (`CONGDAN_SERVER_URL` at compile
/// time) until the user picks another; `None` in a plain build.
pub const DEFAULT_SERVER_URL: Option<&str> = option_env!("CONGDAN_SERVER_URL");

/// Reads a setting; `None` when never set. Errors: `storage`.
pub fn get(conn: &Connection, key: &str) -> Result<Option<String>, Error> {
    conn.query_row(
        "SELECT value FROM settings WHERE key = ?1",
        params![key],
        |r| r.get(0),
    )
    .optional()
    .map_err(Error::storage("settings get"))
}

/// Writes a setting, replacing any previous value. Errors: `storage`.
pub fn set(conn: &Connection, key: &str, value: &str) -> Result<(), Error> {
    conn.execute(
        "INSERT INTO settings (key, value) VALUES (?1, ?2) \
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        params![key, value],
    )
    .map_err(Error::storage("settings set"))?;
    Ok(())
}

/// Removes a setting; removing a missing one is not an error. Errors: `storage`.
pub fn delete(conn: &Connection, key: &str) -> Result<(), Error> {
    conn.execute("DELETE FROM settings WHERE key = ?1", params![key])
        .map_err(Error::storage("settings delete"))?;
    Ok(())
}

/// A size the profile learned about its link (a resource's page size, the
/// upload chunk size). Unset, unreadable or unparsable is `None`: it only means
/// starting again from the default, so the error is logged, not returned.
pub fn learned<T: std::str::FromStr>(conn: &Connection, key: &str) -> Option<T> {
    match get(conn, key) {
        Ok(value) => value.and_then(|v| v.parse().ok()),
        Err(e) => {
            tracing::warn!(key, error = %e, "could not read a learned size");
            None
        }
    }
}

/// Keeps a size the profile learned (see [`learned`]); failing to keep it only
/// means the next start is from the default again, so it is logged.
pub fn keep_learned(conn: &Connection, key: &str, value: impl std::fmt::Display) {
    tracing::debug!(key, %value, "learned size kept");
    if let Err(e) = set(conn, key, &value.to_string()) {
        tracing::warn!(key, error = %e, "could not keep a learned size");
    }
}

/// The stored server URL. Errors: `storage`.
pub fn server_url(conn: &Connection) -> Result<Option<String>, Error> {
    get(conn, SERVER_URL)
}

/// The stored home unit code. Errors: `storage`.
pub fn home_unit(conn: &Connection) -> Result<Option<String>, Error> {
    get(conn, HOME_UNIT)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::test_support::db;

    #[test]
    fn set_get_replace() {
        let db = db();
        assert_eq!(server_url(&db.conn).unwrap(), None);
        set(&db.conn, SERVER_URL, "http://a").unwrap();
        set(&db.conn, SERVER_URL, "http://b").unwrap();
        assert_eq!(server_url(&db.conn).unwrap().as_deref(), Some("http://b"));
        set(&db.conn, HOME_UNIT, "00004").unwrap();
        assert_eq!(home_unit(&db.conn).unwrap().as_deref(), Some("00004"));
    }

    #[test]
    fn learned_sizes_round_trip_and_garbage_is_none() {
        let db = db();
        assert_eq!(learned::<u32>(&db.conn, "page_limit.news"), None);
        keep_learned(&db.conn, "page_limit.news", 25u32);
        assert_eq!(learned::<u32>(&db.conn, "page_limit.news"), Some(25));
        set(&db.conn, "upload_chunk", "lots").unwrap();
        assert_eq!(learned::<usize>(&db.conn, "upload_chunk"), None);
    }
}
