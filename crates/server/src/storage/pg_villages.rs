//! [`VillageStorage`] over PostgreSQL: the `villages` table, as in `sqlite_villages.rs`.

use congdan_protocol::Unit;

use super::sqlite_rows::{from_json, to_json};
use super::villages::VillageStorage;
use super::{PgStorage, StorageFuture};

impl VillageStorage for PgStorage {
    fn put_village(&self, village: Unit) -> StorageFuture<'_, ()> {
        self.write(move |tx| {
            Box::pin(async move {
                let body = to_json("villages", &village.code, &village)?;
                tx.execute(
                    "INSERT INTO villages (code, parent, body) VALUES ($1, $2, $3) \
                     ON CONFLICT (code) DO UPDATE SET parent = excluded.parent, body = excluded.body",
                    &[
                        &village.code,
                        &village.parent.clone().unwrap_or_default(),
                        &body,
                    ],
                )
                .await?;
                Ok(())
            })
        })
    }

    fn village(&self, code: String) -> StorageFuture<'_, Option<Unit>> {
        Box::pin(async move {
            let client = self.client().await?;
            let row = client
                .query_opt("SELECT body FROM villages WHERE code = $1", &[&code])
                .await?;
            match row {
                Some(row) => {
                    let body: String = row.try_get(0)?;
                    Ok(Some(from_json("villages", &code, &body)?))
                }
                None => Ok(None),
            }
        })
    }

    fn villages(&self, commune: String) -> StorageFuture<'_, Vec<Unit>> {
        Box::pin(async move {
            let client = self.client().await?;
            let rows = client
                .query(
                    "SELECT code, body FROM villages WHERE parent = $1 ORDER BY code",
                    &[&commune],
                )
                .await?;
            rows.iter()
                .map(|row| {
                    let code: String = row.try_get(0)?;
                    let body: String = row.try_get(1)?;
                    from_json("villages", &code, &body)
                })
                .collect()
        })
    }
}
