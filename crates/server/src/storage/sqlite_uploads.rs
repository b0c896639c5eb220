//! [`UploadStorage`] over SQLite: the uploads table (see `migrations.rs`).
//! An upload's bytes live in its row until it is finished or cleaned up.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};

use super::requests::Conflict;
use super::sqlite_rows::{corrupt, ts};
use super::uploads::{Append, UploadState, UploadStorage, check_append, replay};
use super::{SqliteStorage, StorageError, StorageFuture};

fn upload_state(conn: &Connection, id: &str) -> Result<Option<UploadState>, StorageError> {
    let row: Option<(i64, i64, String, i64)> = conn
        .query_row(
            // A finished upload holds the re-encoded photo, whose size differs from
            // what was sent: it reports the announced length as its offset.
            "SELECT CASE WHEN complete = 1 THEN length ELSE length(data) END, length, mime, complete \
             FROM uploads WHERE id = ?1",
            [id],
            |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?)),
        )
        .optional()?;
    row.map(|(offset, length, mime, complete)| {
        Ok(UploadState {
            id: id.to_owned(),
            offset: u64::try_from(offset).map_err(|e| corrupt("uploads", id, e))?,
            length: u64::try_from(length).map_err(|e| corrupt("uploads", id, e))?,
            mime,
            complete: complete != 0,
        })
    })
    .transpose()
}

impl UploadStorage for SqliteStorage {
    fn create_upload(
        &self,
        id: String,
        key: Option<String>,
        mime: String,
        length: u64,
        at: DateTime<Utc>,
    ) -> StorageFuture<'_, Result<UploadState, Conflict>> {
        self.write_or_refuse(move |tx| {
            if let Some(key) = &key {
                let existing: Option<String> = tx
                    .query_row("SELECT id FROM uploads WHERE idempotency_key = ?1", [key], |row| row.get(0))
                    .optional()?;
                if let Some(existing) = existing {
                    let state = upload_state(tx, &existing)?
                        .ok_or_else(|| corrupt("uploads", &existing, "vanished"))?;
                    return Ok(replay(state, length, &mime));
                }
            }
            tx.execute(
                "INSERT INTO uploads (id, idempotency_key, mime, length, data, complete, created_at) \
                 VALUES (?1, ?2, ?3, ?4, x'', 0, ?5)",
                params![id, key, mime, i64::try_from(length).unwrap_or(i64::MAX), ts(at)],
            )?;
            Ok(Ok(UploadState {
                id,
                offset: 0,
                length,
                mime,
                complete: false,
            }))
        })
    }

    fn upload(&self, id: String) -> StorageFuture<'_, Option<UploadState>> {
        self.read(move |conn| upload_state(conn, &id))
    }

    fn append_upload(
        &self,
        id: String,
        offset: u64,
        chunk: Vec<u8>,
    ) -> StorageFuture<'_, Option<Append>> {
        self.write(move |tx| {
            let Some(state) = upload_state(tx, &id)? else {
                return Ok(None);
            };
            let chunk_len = u64::try_from(chunk.len()).unwrap_or(u64::MAX);
            let end = match check_append(&state, offset, chunk_len) {
                Ok(end) => end,
                Err(refused) => return Ok(Some(refused)),
            };
            // Read-modify-write keeps the column a BLOB (SQLite's `||` makes TEXT);
            // uploads are at most 8 MiB.
            let mut data: Vec<u8> =
                tx.query_row("SELECT data FROM uploads WHERE id = ?1", [&id], |row| {
                    row.get(0)
                })?;
            data.extend_from_slice(&chunk);
            tx.execute(
                "UPDATE uploads SET data = ?2 WHERE id = ?1",
                params![id, data],
            )?;
            Ok(Some(Append::Appended(UploadState {
                offset: end,
                ..state
            })))
        })
    }

    fn upload_bytes(&self, id: String) -> StorageFuture<'_, Option<Vec<u8>>> {
        self.read(move |conn| {
            Ok(conn
                .query_row("SELECT data FROM uploads WHERE id = ?1", [&id], |row| {
                    row.get(0)
                })
                .optional()?)
        })
    }

    fn finish_upload(&self, id: String, clean: Option<(String, Vec<u8>)>) -> StorageFuture<'_, ()> {
        self.write(move |tx| {
            if let Some((mime, bytes)) = clean {
                tx.execute(
                    "UPDATE uploads SET complete = 1, mime = ?2, data = ?3 WHERE id = ?1",
                    params![id, mime, bytes],
                )?;
            } else {
                tx.execute("DELETE FROM uploads WHERE id = ?1 AND complete = 0", [&id])?;
            }
            Ok(())
        })
    }

    fn media(&self, id: String) -> StorageFuture<'_, Option<(String, Vec<u8>)>> {
        self.read(move |conn| {
            Ok(conn
                .query_row(
                    "SELECT mime, data FROM uploads WHERE id = ?1 AND complete = 1 \
                     AND (mime <> 'application/pdf' \
                          OR EXISTS (SELECT 1 FROM announcement_media WHERE upload_id = ?1))",
                    [&id],
                    |row| Ok((row.get(0)?, row.get(1)?)),
                )
                .optional()?)
        })
    }
}
