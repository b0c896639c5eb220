//! [`UploadStorage`] over PostgreSQL: the uploads table, statement for
//! statement as in `sqlite_uploads.rs`. The bytes live in PostgreSQL (`BYTEA`,
//! at most 8 MiB a photo), not in a directory: every server process sees an
//! upload at once, so a chunk sent to another replica continues at the right
//! offset, and a backup of the database holds the photos.

use chrono::{DateTime, Utc};
use tokio_postgres::GenericClient;

use super::requests::Conflict;
use super::sqlite_rows::{corrupt, ts};
use super::uploads::{Append, UploadState, UploadStorage, check_append, replay};
use super::{PgStorage, StorageError, StorageFuture};

async fn upload_state<C: GenericClient>(
    conn: &C,
    id: &str,
) -> Result<Option<UploadState>, StorageError> {
    let row = conn
        .query_opt(
            // A finished upload holds the re-encoded photo, whose size differs from
            // what was sent: it reports the announced length as its offset.
            "SELECT CASE WHEN complete THEN length ELSE octet_length(data) END, length, mime, \
             complete FROM uploads WHERE id = $1",
            &[&id],
        )
        .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let (offset, length): (i64, i64) = (row.try_get(0)?, row.try_get(1)?);
    Ok(Some(UploadState {
        id: id.to_owned(),
        offset: u64::try_from(offset).map_err(|e| corrupt("uploads", id, e))?,
        length: u64::try_from(length).map_err(|e| corrupt("uploads", id, e))?,
        mime: row.try_get(2)?,
        complete: row.try_get(3)?,
    }))
}

impl UploadStorage for PgStorage {
    fn create_upload(
        &self,
        id: String,
        key: Option<String>,
        mime: String,
        length: u64,
        at: DateTime<Utc>,
    ) -> StorageFuture<'_, Result<UploadState, Conflict>> {
        self.write(move |tx| {
            Box::pin(async move {
                if let Some(key) = &key {
                    let existing = tx
                        .query_opt("SELECT id FROM uploads WHERE idempotency_key = $1", &[key])
                        .await?;
                    if let Some(existing) = existing {
                        let existing: String = existing.try_get(0)?;
                        let state = upload_state(&**tx, &existing)
                            .await?
                            .ok_or_else(|| corrupt("uploads", &existing, "vanished"))?;
                        return Ok(replay(state, length, &mime));
                    }
                }
                tx.execute(
                    "INSERT INTO uploads (id, idempotency_key, mime, length, data, complete, created_at) \
                     VALUES ($1, $2, $3, $4, '\\x', FALSE, $5)",
                    &[
                        &id,
                        &key,
                        &mime,
                        &i64::try_from(length).unwrap_or(i64::MAX),
                        &ts(at),
                    ],
                )
                .await?;
                Ok(Ok(UploadState {
                    id,
                    offset: 0,
                    length,
                    mime,
                    complete: false,
                }))
            })
        })
    }

    fn upload(&self, id: String) -> StorageFuture<'_, Option<UploadState>> {
        Box::pin(async move { upload_state(&**self.client().await?, &id).await })
    }

    fn append_upload(
        &self,
        id: String,
        offset: u64,
        chunk: Vec<u8>,
    ) -> StorageFuture<'_, Option<Append>> {
        self.write(move |tx| {
            Box::pin(async move {
                let Some(state) = upload_state(&**tx, &id).await? else {
                    return Ok(None);
                };
                let chunk_len = u64::try_from(chunk.len()).unwrap_or(u64::MAX);
                let end = match check_append(&state, offset, chunk_len) {
                    Ok(end) => end,
                    Err(refused) => return Ok(Some(refused)),
                };
                tx.execute(
                    "UPDATE uploads SET data = data || $2 WHERE id = $1",
                    &[&id, &chunk],
                )
                .await?;
                Ok(Some(Append::Appended(UploadState {
                    offset: end,
                    ..state
                })))
            })
        })
    }

    fn upload_bytes(&self, id: String) -> StorageFuture<'_, Option<Vec<u8>>> {
        Box::pin(async move {
            let client = self.client().await?;
            let row = client
                .query_opt("SELECT data FROM uploads WHERE id = $1", &[&id])
                .await?;
            Ok(row.map(|row| row.try_get(0)).transpose()?)
        })
    }

    fn finish_upload(&self, id: String, clean: Option<(String, Vec<u8>)>) -> StorageFuture<'_, ()> {
        self.write(move |tx| {
            Box::pin(async move {
                if let Some((mime, bytes)) = clean {
                    tx.execute(
                        "UPDATE uploads SET complete = TRUE, mime = $2, data = $3 WHERE id = $1",
                        &[&id, &mime, &bytes],
                    )
                    .await?;
                } else {
                    tx.execute("DELETE FROM uploads WHERE id = $1 AND NOT complete", &[&id])
                        .await?;
                }
                Ok(())
            })
        })
    }

    fn media(&self, id: String) -> StorageFuture<'_, Option<(String, Vec<u8>)>> {
        Box::pin(async move {
            let client = self.client().await?;
            let row = client
                .query_opt(
                    "SELECT mime, data FROM uploads WHERE id = $1 AND complete \
                     AND (mime <> 'application/pdf' \
                          OR EXISTS (SELECT 1 FROM announcement_media WHERE upload_id = $1))",
                    &[&id],
                )
                .await?;
            Ok(match row {
                Some(row) => Some((row.try_get(0)?, row.try_get(1)?)),
                None => None,
            })
        })
    }
}
