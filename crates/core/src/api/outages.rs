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

impl Core {
    /// The reminders still ahead for the home unit's cuts that are not
    /// cancelled (the evening before at 20:00 and an hour before, Việt Nam
    /// time), soonest first; the shell schedules them. Reads only.
    /// Errors: `not_configured`, `storage`.
    pub fn outage_reminders(&self) -> Result<Vec<crate::outages::OutageReminder>, Error> {
        let now = Utc::now();
        let list = self.outages(Some(now))?;
        Ok(crate::outages::reminders(&list.items, now))
    }

    /// The home unit's cuts ending after `after` (default: now) as an RFC 5545
    /// calendar (`.ics` text), cancelled ones marked so. Reads only.
    /// Errors: `not_configured`, `storage`.
    pub fn outages_ics(&self, after: Option<DateTime<Utc>>) -> Result<String, Error> {
        let list = self.outages(after)?;
        Ok(crate::outages::calendar(&list.items, Utc::now()))
    }
}

impl Core {
    /// Writes [`Core::outages_ics`] for the cuts still ahead to `dir/lich-cat-dien.ics`
    /// (replaced atomically) and returns the file's path, for the app's "Xuất lịch"
    /// button. Errors: `not_configured`, `storage`, `internal` (the file could not be written).
    pub fn export_outages_ics(&self, dir: &std::path::Path) -> Result<std::path::PathBuf, Error> {
        let text = self.outages_ics(None)?;
        crate::calendar::write_file(dir, "lich-cat-dien.ics", text.as_bytes())
    }
}
