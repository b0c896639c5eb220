//! The home unit's CAP alerts: read from the cache (active pinned, the rest as
//! history), and the long poll that brings a new one within seconds.

use chrono::{DateTime, Utc};

use super::{AlertList, Core, freshness};
use crate::Error;
use crate::store::{alerts, settings};
use crate::sync::{self, Transport};

/// Longest a long poll may be held by the server (its own cap is 25 s).
pub const MAX_ALERT_WAIT: u32 = 25;

impl Core {
    /// The home unit's alerts at `now` (default: the clock): active ones by
    /// severity, then urgency, then newest; the others newest first. Reads
    /// only. Errors: `not_configured` (no home unit), `storage`.
    pub fn alerts(&self, now: Option<DateTime<Utc>>) -> Result<AlertList, Error> {
        let now = now.unwrap_or_else(Utc::now);
        self.read(|conn| {
            let unit =
                settings::home_unit(conn)?.ok_or(Error::NotConfigured { what: "home_unit" })?;
            let (mut active, history) = alerts::split(conn, &unit, now)?;
            active.sort_by(|a, b| {
                (a.severity, a.urgency)
                    .cmp(&(b.severity, b.urgency))
                    .then_with(|| b.sent.cmp(&a.sent))
            });
            Ok(AlertList {
                active,
                history,
                freshness: freshness(conn, "alerts", &unit)?,
            })
        })
    }

    /// Waits up to `seconds` (at most 25) for the server to report a change in
    /// the home unit's alerts and stores it; `true` when something changed.
    /// Meant to run in a loop while the device is online (the app's background
    /// task, `congdan alerts --wait`). Writes: `alerts`, `sync_state`.
    /// Errors: `not_configured`, `offline`, `server_unavailable`,
    /// `bad_response`, `not_found`, `storage`.
    pub async fn wait_for_alerts(&self, seconds: u32) -> Result<bool, Error> {
        let url = self
            .server_url()?
            .ok_or(Error::NotConfigured { what: "server_url" })?;
        let transport = self.http(&url)?;
        self.wait_for_alerts_with(&transport, seconds).await
    }

    /// [`Core::wait_for_alerts`] over any transport.
    pub(crate) async fn wait_for_alerts_with<T: Transport>(
        &self,
        transport: &T,
        seconds: u32,
    ) -> Result<bool, Error> {
        let unit = self
            .read(settings::home_unit)?
            .ok_or(Error::NotConfigured { what: "home_unit" })?;
        sync::wait_for_alerts(
            self.writer_mutex(),
            transport,
            &unit,
            seconds.min(MAX_ALERT_WAIT),
        )
        .await
    }
}
