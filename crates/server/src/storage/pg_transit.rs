//! [`TransitStorage`] on PostgreSQL: one row per province in `bus_networks`,
//! as in `sqlite_transit.rs`.

use super::sqlite_rows::corrupt;
use super::transit::{BusNetworkMeta, TransitStorage};
use super::{PgStorage, StorageError, StorageFuture};

const META: &str = "province, version, etag, ingested_at, stops, routes, trips, octet_length(body)";

fn meta(row: &tokio_postgres::Row) -> Result<BusNetworkMeta, StorageError> {
    let province: String = row.try_get(0)?;
    let count = |index: usize| -> Result<u32, StorageError> {
        let raw: i64 = row.try_get(index)?;
        u32::try_from(raw).map_err(|e| corrupt("bus_networks", &province, e))
    };
    let bytes: i32 = row.try_get(7)?;
    Ok(BusNetworkMeta {
        version: row.try_get(1)?,
        etag: row.try_get(2)?,
        ingested_at: row.try_get(3)?,
        stops: count(4)?,
        routes: count(5)?,
        trips: count(6)?,
        bytes: u64::try_from(bytes).unwrap_or(0),
        province,
    })
}

impl TransitStorage for PgStorage {
    fn put_bus_network(&self, m: BusNetworkMeta, body: Vec<u8>) -> StorageFuture<'_, ()> {
        self.write(move |tx| {
            Box::pin(async move {
                tx.execute(
                    "INSERT INTO bus_networks
                         (province, version, etag, ingested_at, stops, routes, trips, body)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                     ON CONFLICT (province) DO UPDATE SET version = EXCLUDED.version,
                         etag = EXCLUDED.etag, ingested_at = EXCLUDED.ingested_at,
                         stops = EXCLUDED.stops, routes = EXCLUDED.routes,
                         trips = EXCLUDED.trips, body = EXCLUDED.body",
                    &[
                        &m.province,
                        &m.version,
                        &m.etag,
                        &m.ingested_at,
                        &i64::from(m.stops),
                        &i64::from(m.routes),
                        &i64::from(m.trips),
                        &body,
                    ],
                )
                .await?;
                Ok(())
            })
        })
    }

    fn bus_networks(&self) -> StorageFuture<'_, Vec<BusNetworkMeta>> {
        Box::pin(async move {
            let client = self.client().await?;
            let rows = client
                .query(
                    &format!("SELECT {META} FROM bus_networks ORDER BY province"),
                    &[],
                )
                .await?;
            rows.iter().map(meta).collect()
        })
    }

    fn bus_network(
        &self,
        province: String,
    ) -> StorageFuture<'_, Option<(BusNetworkMeta, Vec<u8>)>> {
        Box::pin(async move {
            let client = self.client().await?;
            let row = client
                .query_opt(
                    &format!("SELECT {META}, body FROM bus_networks WHERE province = $1"),
                    &[&province],
                )
                .await?;
            match row {
                Some(row) => Ok(Some((meta(&row)?, row.try_get(8)?))),
                None => Ok(None),
            }
        })
    }
}
