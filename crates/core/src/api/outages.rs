//! The home unit's planned power cuts, read from the cache.

use chrono::{DateTime, Utc};

use super::{Core, OutageList, freshness};
use crate::Error;
use crate::store::{outages, settings};

impl Core {
    /// The home unit's cached cuts that end after `after` (default: now),
    /// earliest start first, cancelled ones included, with the cache's
    /// freshness. Reads only. Errors: `not_configured` (no home unit), `storage`.
    pub fn outages(&self, after: Option<DateTime<Utc>>) -> Result<OutageList, Error> {
        let after = after.unwrap_or_else(Utc::now);
        self.read(|conn| {
            let unit =
                settings::home_unit(conn)?.ok_or(Error::NotConfigured { what: "home_unit" })?;
            Ok(OutageList {
                items: outages::ending_after(conn, &unit, after.timestamp_millis())?,
                freshness: freshness(conn, "outages", &unit)?,
            })
        })
    }
}
