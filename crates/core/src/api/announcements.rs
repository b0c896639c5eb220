//! Residents' announcements: the published ones of the household's unit (the
//! home village, else the home commune, with the units above it), cached for
//! offline reading and refreshed by every sync. Acknowledging is in
//! [`super::official`] (it goes through the outbox).

use congdan_protocol::announcements::Announcement;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{Core, Freshness, freshness};
use crate::Error;
use crate::store::announcements;
use crate::sync::{Outcome, Transport, documents};

/// The announcements a resident sees, with how fresh they are.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct AnnouncementList {
    /// The unit they are for (home village or commune).
    pub unit: String,
    /// Newest first.
    pub items: Vec<Announcement>,
    /// Freshness of the cache.
    pub freshness: Freshness,
}

impl Core {
    /// The cached announcements of the household's unit. Reads only.
    /// Errors: `not_configured` (no home unit), `storage`.
    pub fn announcements(&self) -> Result<AnnouncementList, Error> {
        let unit = self.household_unit()?;
        self.read(|conn| {
            Ok(AnnouncementList {
                items: announcements::of_scope(conn, &unit)?,
                freshness: freshness(conn, "announcements", &unit)?,
                unit: unit.clone(),
            })
        })
    }

    /// Asks the server for the household unit's announcements now (one
    /// conditional GET), then returns the cache: when the server cannot be
    /// reached the cached list comes back marked offline. Writes: the cache,
    /// `sync_state`. Errors: `not_configured`, `bad_response`, `storage`.
    pub async fn refresh_announcements(&self) -> Result<AnnouncementList, Error> {
        let url = self
            .server_url()?
            .ok_or(Error::NotConfigured { what: "server_url" })?;
        let transport = crate::sync::HttpTransport::new(&url)?;
        let _turn = self.sync_turn().await;
        match self.pull_announcements(&transport).await {
            Ok(_) => {}
            Err(e) if e.is_unreachable() => {
                tracing::info!(
                    code = e.code().as_str(),
                    "announcements shown from the cache"
                );
            }
            Err(e) => return Err(e),
        }
        self.announcements()
    }

    /// The pull of a sync (gate held): `None` without a home unit.
    /// Errors: as [`crate::sync::announcements::pull`].
    pub(crate) async fn pull_announcements<T: Transport>(
        &self,
        transport: &T,
    ) -> Result<Option<Outcome>, Error> {
        let Ok(unit) = self.household_unit() else {
            return Ok(None);
        };
        let now = self.inner.clock.now();
        let result = crate::sync::announcements::pull(self.writer_mutex(), transport, &unit).await;
        documents::record(self.writer_mutex(), "announcements", &unit, &result, now)?;
        result.map(Some)
    }
}
