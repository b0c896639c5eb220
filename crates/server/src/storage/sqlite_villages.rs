//! [`VillageStorage`] over SQLite: the `villages` table (see `migrations.rs`).

use congdan_protocol::Unit;
use rusqlite::{OptionalExtension, params};

use super::sqlite_rows::{from_json, to_json};
use super::villages::VillageStorage;
use super::{SqliteStorage, StorageFuture};

impl VillageStorage for SqliteStorage {
    fn put_village(&self, village: Unit) -> StorageFuture<'_, ()> {
        self.write(move |tx| {
            let body = to_json("villages", &village.code, &village)?;
            tx.execute(
                "INSERT INTO villages (code, parent, body) VALUES (?1, ?2, ?3) \
                 ON CONFLICT (code) DO UPDATE SET parent = excluded.parent, body = excluded.body",
                params![
                    village.code,
                    village.parent.clone().unwrap_or_default(),
                    body
                ],
            )?;
            Ok(())
        })
    }

    fn village(&self, code: String) -> StorageFuture<'_, Option<Unit>> {
        self.read(move |conn| {
            conn.query_row(
                "SELECT body FROM villages WHERE code = ?1",
                [&code],
                |row| row.get::<_, String>(0),
            )
            .optional()?
            .map(|body| from_json("villages", &code, &body))
            .transpose()
        })
    }

    fn villages(&self, commune: String) -> StorageFuture<'_, Vec<Unit>> {
        self.read(move |conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT code, body FROM villages WHERE parent = ?1 ORDER BY code",
            )?;
            let rows = stmt
                .query_map([&commune], |row| {
                    Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?))
                })?
                .collect::<Result<Vec<_>, _>>()?;
            rows.iter()
                .map(|(code, body)| from_json("villages", code, body))
                .collect()
        })
    }
}
