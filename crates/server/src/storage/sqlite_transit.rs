//! [`TransitStorage`] on SQLite: one row per province in `bus_networks`.

use rusqlite::{OptionalExtension, Row, params};

use super::transit::{BusNetworkMeta, TransitStorage};
use super::{SqliteStorage, StorageFuture};

const META: &str = "province, version, etag, ingested_at, stops, routes, trips, length(body)";

fn meta(row: &Row<'_>) -> rusqlite::Result<BusNetworkMeta> {
    Ok(BusNetworkMeta {
        province: row.get(0)?,
        version: row.get(1)?,
        etag: row.get(2)?,
        ingested_at: row.get(3)?,
        stops: row.get(4)?,
        routes: row.get(5)?,
        trips: row.get(6)?,
        bytes: row.get::<_, i64>(7)?.max(0) as u64,
    })
}

impl TransitStorage for SqliteStorage {
    fn put_bus_network(&self, m: BusNetworkMeta, body: Vec<u8>) -> StorageFuture<'_, ()> {
        self.write(move |tx| {
            tx.execute(
                "INSERT OR REPLACE INTO bus_networks
                     (province, version, etag, ingested_at, stops, routes, trips, body)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![
                    m.province,
                    m.version,
                    m.etag,
                    m.ingested_at,
                    m.stops,
                    m.routes,
                    m.trips,
                    body
                ],
            )?;
            Ok(())
        })
    }

    fn bus_networks(&self) -> StorageFuture<'_, Vec<BusNetworkMeta>> {
        self.read(|conn| {
            let mut stmt = conn.prepare_cached(&format!(
                "SELECT {META} FROM bus_networks ORDER BY province"
            ))?;
            let rows = stmt.query_map([], meta)?.collect::<Result<Vec<_>, _>>()?;
            Ok(rows)
        })
    }

    fn bus_network(
        &self,
        province: String,
    ) -> StorageFuture<'_, Option<(BusNetworkMeta, Vec<u8>)>> {
        self.read(move |conn| {
            let mut stmt = conn.prepare_cached(&format!(
                "SELECT {META}, body FROM bus_networks WHERE province = ?1"
            ))?;
            Ok(stmt
                .query_row([province], |row| {
                    Ok((meta(row)?, row.get::<_, Vec<u8>>(8)?))
                })
                .optional()?)
        })
    }
}
