//! [`UnitPlaceStorage`] over SQLite: the `unit_places` table (see `migrations.rs`).

use rusqlite::params;

use super::unit_places::{UnitPlace, UnitPlaceStorage};
use super::{SqliteStorage, StorageFuture};

impl UnitPlaceStorage for SqliteStorage {
    fn put_unit_place(&self, place: UnitPlace) -> StorageFuture<'_, ()> {
        self.write(move |tx| {
            tx.execute(
                "INSERT INTO unit_places (code, lat, long) VALUES (?1, ?2, ?3) \
                 ON CONFLICT (code) DO UPDATE SET lat = excluded.lat, long = excluded.long",
                params![place.code, place.lat, place.long],
            )?;
            Ok(())
        })
    }

    fn unit_places(&self) -> StorageFuture<'_, Vec<UnitPlace>> {
        self.read(move |conn| {
            let mut stmt = conn.prepare_cached("SELECT code, lat, long FROM unit_places")?;
            let rows = stmt.query_map([], |row| {
                Ok(UnitPlace {
                    code: row.get(0)?,
                    lat: row.get(1)?,
                    long: row.get(2)?,
                })
            })?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
    }
}
