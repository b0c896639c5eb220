//! Administrative units and the user's home unit.
//!
//! A device that has not pulled the unit feed yet (a new device, or one on a link
//! too slow to have finished it) asks the server for just what it needs: the
//! chosen commune and its province, the province list, the communes of one
//! province (issue 12). Once the unit feed has completed, the store answers alone.

use congdan_protocol::{Unit, UnitLevel};
use rusqlite::Connection;

use super::{Core, HomeUnit};
use crate::Error;
use crate::store::{news, settings, sync_state, units};
use crate::sync::{HttpTransport, Transport, lookup};

impl Core {
    /// The home unit (commune plus its province), or `None` when none is set or
    /// it is no longer in the unit list. Reads only. Errors: `storage`.
    pub fn home_unit(&self) -> Result<Option<HomeUnit>, Error> {
        self.read(|conn| {
            let Some(code) = settings::home_unit(conn)? else {
                return Ok(None);
            };
            home_unit_of(conn, &code)
        })
    }

    /// Sets the home unit to commune `code`. A code the store does not hold (a new
    /// device, before the unit feed is synced) is asked of the server, which
    /// sends the commune and then its province; both are stored. When the home
    /// unit changes, the cached news and the news cursor are dropped, so the next
    /// sync pulls the new unit's news from the start. Writes: `units`,
    /// `settings`, `news`, `sync_state`. Errors: `not_found` (unknown code, or
    /// not a commune), `offline`, `server_unavailable`, `bad_response` (while
    /// asking the server), `storage`.
    pub async fn set_home_unit(&self, code: &str) -> Result<HomeUnit, Error> {
        let transport = self.server_transport()?;
        self.set_home_unit_with(transport.as_ref(), code).await
    }

    /// [`Core::set_home_unit`] over any transport (`None`: no server configured).
    pub(crate) async fn set_home_unit_with<T: Transport>(
        &self,
        transport: Option<&T>,
        code: &str,
    ) -> Result<HomeUnit, Error> {
        let stored = self.read(|conn| units::get(conn, code))?;
        if stored.is_none()
            && let Some(transport) = transport
        {
            self.fetch_commune(transport, code).await?;
        }
        let mut conn = self.writer();
        let home = home_unit_of(&conn, code)?.ok_or_else(|| Error::NotFound {
            what: "unit",
            key: code.to_string(),
        })?;
        let tx = conn
            .transaction()
            .map_err(Error::storage("set home unit begin"))?;
        if settings::home_unit(&tx)?.as_deref() != Some(code) {
            news::clear(&tx)?;
            sync_state::reset(&tx, "news")?;
            crate::store::outages::clear(&tx)?;
            sync_state::reset(&tx, "outages")?;
            crate::store::alerts::clear(&tx)?;
            sync_state::reset(&tx, "alerts")?;
            crate::store::bulletins::clear(&tx)?;
            sync_state::reset(&tx, "bulletins")?;
            settings::set(&tx, settings::HOME_UNIT, code)?;
            settings::delete(&tx, settings::HOME_VILLAGE)?;
            settings::delete(&tx, settings::HOME_VILLAGE_NAME)?;
            tracing::info!("home unit changed");
        }
        tx.commit()
            .map_err(Error::storage("set home unit commit"))?;
        Ok(home)
    }

    /// All provinces, sorted by name (Vietnamese letters folded, type word
    /// ignored). Before the unit feed has completed once, the list is asked of
    /// the server and stored; if the server cannot be reached, what the store
    /// holds is returned, or the error when it holds none. Writes: `units` (from
    /// the server). Errors: `offline`, `server_unavailable`, `bad_response`,
    /// `storage`.
    pub async fn provinces(&self) -> Result<Vec<Unit>, Error> {
        let transport = self.lookup_transport()?;
        self.provinces_with(transport.as_ref()).await
    }

    /// [`Core::provinces`] over any transport (`None`: the store answers alone).
    pub(crate) async fn provinces_with<T: Transport>(
        &self,
        transport: Option<&T>,
    ) -> Result<Vec<Unit>, Error> {
        if let Some(transport) = transport {
            match lookup::provinces(transport).await {
                Ok(list) => self.store_units(&list)?,
                Err(e) => return self.stored_or(e, units::provinces),
            }
        }
        self.read(units::provinces)
    }

    /// Communes of province `province_code`, sorted by name; empty for an unknown
    /// province. Before the unit feed has completed once, they are asked of the
    /// server and stored, as for [`Core::provinces`]. Writes: `units` (from the
    /// server). Errors: `offline`, `server_unavailable`, `bad_response`, `storage`.
    pub async fn communes(&self, province_code: &str) -> Result<Vec<Unit>, Error> {
        let transport = self.lookup_transport()?;
        self.communes_with(transport.as_ref(), province_code).await
    }

    /// [`Core::communes`] over any transport (`None`: the store answers alone).
    pub(crate) async fn communes_with<T: Transport>(
        &self,
        transport: Option<&T>,
        province_code: &str,
    ) -> Result<Vec<Unit>, Error> {
        let read = |conn: &Connection| units::communes(conn, province_code);
        if let Some(transport) = transport {
            match lookup::communes(transport, province_code).await {
                Ok(Some(list)) => self.store_units(&list)?,
                Ok(None) => {}
                Err(e) => return self.stored_or(e, read),
            }
        }
        self.read(read)
    }

    /// A transport to the configured server, if one is configured. Errors: `storage`, `internal`.
    fn server_transport(&self) -> Result<Option<HttpTransport>, Error> {
        self.server_url()?.map(|url| self.http(&url)).transpose()
    }

    /// A transport for unit lists: only while the unit feed has never completed
    /// (after that the store holds every unit) and a server is configured.
    fn lookup_transport(&self) -> Result<Option<HttpTransport>, Error> {
        let complete =
            self.read(|conn| Ok(sync_state::get(conn, "units", "all")?.synced_at.is_some()))?;
        if complete {
            return Ok(None);
        }
        self.server_transport()
    }

    /// What the store holds, after the server could not be asked; `err` when it
    /// holds nothing.
    fn stored_or(
        &self,
        err: Error,
        read: impl FnOnce(&Connection) -> Result<Vec<Unit>, Error>,
    ) -> Result<Vec<Unit>, Error> {
        let stored = self.read(read)?;
        if stored.is_empty() {
            return Err(err);
        }
        tracing::warn!(code = err.code().as_str(), "unit list from the store only");
        Ok(stored)
    }

    /// Asks the server for commune `code` and its province, and stores them.
    /// Nothing is stored when the server does not know the code or it is not a
    /// commune (the caller then answers `not_found`).
    async fn fetch_commune<T: Transport>(&self, transport: &T, code: &str) -> Result<(), Error> {
        let Some(unit) = lookup::unit(transport, code).await? else {
            return Ok(());
        };
        if unit.level != UnitLevel::Commune {
            return Ok(());
        }
        let mut found = vec![unit];
        if let Some(parent) = found[0].parent.clone()
            && let Some(province) = lookup::unit(transport, &parent).await?
        {
            found.push(province);
        }
        self.store_units(&found)
    }

    /// Stores units fetched outside the unit feed (its cursor does not move).
    fn store_units(&self, list: &[Unit]) -> Result<(), Error> {
        let mut conn = self.writer();
        let tx = conn
            .transaction()
            .map_err(Error::storage("store units begin"))?;
        units::upsert(&tx, list)?;
        tx.commit().map_err(Error::storage("store units commit"))
    }
}

/// The [`HomeUnit`] of commune `code`, if it is a stored commune.
fn home_unit_of(conn: &Connection, code: &str) -> Result<Option<HomeUnit>, Error> {
    let Some(unit) = units::get(conn, code)? else {
        return Ok(None);
    };
    if unit.level != UnitLevel::Commune {
        return Ok(None);
    }
    let province_code = unit.parent.clone().unwrap_or_default();
    let province_name = units::get(conn, &province_code)?
        .map(|p| p.name)
        .unwrap_or_default();
    Ok(Some(HomeUnit {
        code: unit.code,
        name: unit.name,
        province_code,
        province_name,
    }))
}
