//! Administrative units and the user's home unit.

use congdan_protocol::{Unit, UnitLevel};
use rusqlite::Connection;

use super::{Core, HomeUnit};
use crate::Error;
use crate::store::{news, settings, sync_state, units};

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

    /// Sets the home unit to commune `code` (it must be a synced commune). When
    /// it changes, the cached news and the news cursor are dropped, so the next
    /// sync pulls the new unit's news from the start. Writes: `settings`,
    /// `news`, `sync_state`. Errors: `not_found` (unknown code or not a
    /// commune), `storage`.
    pub fn set_home_unit(&self, code: &str) -> Result<HomeUnit, Error> {
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
            settings::set(&tx, settings::HOME_UNIT, code)?;
            tracing::info!("home unit changed");
        }
        tx.commit()
            .map_err(Error::storage("set home unit commit"))?;
        Ok(home)
    }

    /// All provinces, sorted by name (Vietnamese letters folded, type word
    /// ignored). Reads only. Errors: `storage`.
    pub fn provinces(&self) -> Result<Vec<Unit>, Error> {
        self.read(units::provinces)
    }

    /// Communes of province `province_code`, sorted by name; empty for an unknown
    /// province. Reads only. Errors: `storage`.
    pub fn communes(&self, province_code: &str) -> Result<Vec<Unit>, Error> {
        self.read(|conn| units::communes(conn, province_code))
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
