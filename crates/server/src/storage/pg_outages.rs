//! [`OutageStorage`] over PostgreSQL: rows go through the shared change-feed
//! upsert of `pg.rs`, as in `sqlite_outages.rs`.

use congdan_protocol::Outage;

use super::outages::{OutageFilter, OutageStorage};
use super::sqlite_rows::{from_json, unit_rows};
use super::{PgStorage, Resource, StorageFuture, UpsertCounts};

impl OutageStorage for PgStorage {
    fn outages(&self, filter: OutageFilter) -> StorageFuture<'_, Vec<Outage>> {
        Box::pin(async move {
            let client = self.client().await?;
            let rows = match filter {
                OutageFilter::Utilities(names) => {
                    client
                        .query(
                            "SELECT id, body FROM outages \
                             WHERE body::jsonb ->> 'utility' = ANY($1) ORDER BY id",
                            &[&names],
                        )
                        .await?
                }
                OutageFilter::Cut(cut) => {
                    client
                        .query(
                            "SELECT id, body FROM outages WHERE body::jsonb ->> 'cut' = $1 \
                             ORDER BY id",
                            &[&cut],
                        )
                        .await?
                }
            };
            rows.iter()
                .map(|row| {
                    let id: String = row.try_get(0)?;
                    let body: String = row.try_get(1)?;
                    from_json("outages", &id, &body)
                })
                .collect()
        })
    }

    fn upsert_outages(&self, rows: Vec<Outage>) -> StorageFuture<'_, UpsertCounts> {
        self.upsert_feed(
            Resource::Outages,
            unit_rows(Resource::Outages, &rows, |o| (&o.id, &o.unit)),
        )
    }
}
