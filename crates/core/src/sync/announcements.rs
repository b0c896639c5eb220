//! Pulling the published announcements of the household's unit: one
//! conditional GET of `/api/v1/announcements?unit=` (the server's body-hash
//! ETag); a 304 keeps the cache, a changed list replaces it with its ETag in
//! one transaction, like the Open311 lists ([`super::documents`]).

use std::sync::Mutex;

use congdan_protocol::announcements::Announcement;
use rusqlite::Connection;

use super::documents::{changed, get_json_if_changed, not_modified};
use super::{Outcome, Transport, lock};
use crate::Error;
use crate::store::{announcements, sync_state};

/// GETs the announcements of `unit` and the units above it (conditionally)
/// and replaces its cache when they changed. Errors: `offline`,
/// `server_unavailable`, `bad_response`, `storage`.
pub async fn pull<T: Transport>(
    db: &Mutex<Connection>,
    transport: &T,
    unit: &str,
) -> Result<Outcome, Error> {
    let etag = sync_state::get(&lock(db), "announcements", unit)?.etag;
    let Some((list, etag)) = get_json_if_changed::<Vec<Announcement>, T>(
        transport,
        "announcements",
        "/api/v1/announcements",
        vec![("unit", unit.to_string())],
        etag,
    )
    .await?
    else {
        return Ok(not_modified("announcements"));
    };
    let n = u32::try_from(list.len()).unwrap_or(u32::MAX);
    let mut conn = lock(db);
    let tx = conn
        .transaction()
        .map_err(Error::storage("announcements begin"))?;
    announcements::replace(&tx, unit, &list)?;
    sync_state::advance(&tx, "announcements", unit, "0", etag.as_deref())?;
    tx.commit()
        .map_err(Error::storage("announcements commit"))?;
    Ok(changed("announcements", n))
}
