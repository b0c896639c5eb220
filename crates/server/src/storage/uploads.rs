//! The storage side of resumable photo uploads: the [`UploadStorage`] trait and
//! the values it takes and returns. The HTTP layer checks sizes and types
//! before anything reaches it (see [`crate::uploads`]).

use chrono::{DateTime, Utc};

use super::StorageFuture;
use super::requests::Conflict;

/// State of a resumable upload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadState {
    /// Id.
    pub id: String,
    /// Bytes received.
    pub offset: u64,
    /// Announced total length.
    pub length: u64,
    /// Announced MIME type; once complete, the type of the stored bytes.
    pub mime: String,
    /// Whether the bytes are complete and checked.
    pub complete: bool,
}

/// What appending a chunk did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Append {
    /// Stored; the new state.
    Appended(UploadState),
    /// The client's offset is not ours: here is ours.
    OffsetMismatch(u64),
    /// The chunk would go past the announced length.
    TooLong,
}

/// Where a chunk of `len` bytes sent at `offset` takes `state` (the new
/// offset), or why it is refused; both engines check it before writing.
pub(super) fn check_append(state: &UploadState, offset: u64, len: u64) -> Result<u64, Append> {
    if state.complete || state.offset != offset {
        return Err(Append::OffsetMismatch(state.offset));
    }
    let end = state.offset.saturating_add(len);
    if end > state.length {
        return Err(Append::TooLong);
    }
    Ok(end)
}

/// The answer to a create whose key made `earlier`: that upload, when it was
/// announced with the same length and type.
pub(super) fn replay(
    earlier: UploadState,
    length: u64,
    mime: &str,
) -> Result<UploadState, Conflict> {
    if earlier.length == length && earlier.mime == mime {
        Ok(earlier)
    } else {
        Err(Conflict::IdempotencyMismatch)
    }
}

/// Storage of uploads and the media they become.
pub trait UploadStorage: Send + Sync + 'static {
    /// Start an upload, or return the one made earlier with the same key
    /// (`Err(IdempotencyMismatch)` when that one had another length or type).
    fn create_upload(
        &self,
        id: String,
        key: Option<String>,
        mime: String,
        length: u64,
        at: DateTime<Utc>,
    ) -> StorageFuture<'_, Result<UploadState, Conflict>>;
    /// State of an upload.
    fn upload(&self, id: String) -> StorageFuture<'_, Option<UploadState>>;
    /// Append a chunk at `offset`.
    fn append_upload(
        &self,
        id: String,
        offset: u64,
        chunk: Vec<u8>,
    ) -> StorageFuture<'_, Option<Append>>;
    /// The bytes of an upload (complete or not).
    fn upload_bytes(&self, id: String) -> StorageFuture<'_, Option<Vec<u8>>>;
    /// Keep a full upload as the cleaned photo `(mime, bytes)` that replaces
    /// what was sent (see [`crate::images::sanitize`]), or discard it (`None`).
    fn finish_upload(&self, id: String, clean: Option<(String, Vec<u8>)>) -> StorageFuture<'_, ()>;
    /// A finished upload's MIME type and bytes; a PDF only once it belongs to
    /// an announcement (so the server is no file host for anyone with a device).
    fn media(&self, id: String) -> StorageFuture<'_, Option<(String, Vec<u8>)>>;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::both_engines::on_both_engines;

    on_both_engines!(two: an_upload_resumes_on_another_process);
    on_both_engines!(an_upload_is_appended_checked_and_finished);

    fn at() -> DateTime<Utc> {
        DateTime::UNIX_EPOCH + chrono::Duration::days(20_000)
    }

    /// Two server processes: the key replayed on the second gets the first's
    /// upload, and a chunk sent to either continues at the stored offset.
    async fn an_upload_resumes_on_another_process<S: UploadStorage>(a: &S, b: &S) {
        let key = Some("k-1".to_owned());
        let first = a
            .create_upload("u1".into(), key.clone(), "image/jpeg".into(), 6, at())
            .await
            .unwrap()
            .unwrap();
        let again = b
            .create_upload("u2".into(), key.clone(), "image/jpeg".into(), 6, at())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(again, first, "the replay names the first upload");
        assert_eq!(
            b.create_upload("u3".into(), key, "image/png".into(), 6, at())
                .await
                .unwrap(),
            Err(Conflict::IdempotencyMismatch)
        );
        let Some(Append::Appended(state)) = a
            .append_upload("u1".into(), 0, vec![1, 2, 3])
            .await
            .unwrap()
        else {
            panic!("the first chunk is stored");
        };
        assert_eq!(state.offset, 3);
        // A retry of the same chunk on the other process is told where to go on.
        assert_eq!(
            b.append_upload("u1".into(), 0, vec![1, 2, 3])
                .await
                .unwrap(),
            Some(Append::OffsetMismatch(3))
        );
        assert!(matches!(
            b.append_upload("u1".into(), 3, vec![4, 5, 6])
                .await
                .unwrap(),
            Some(Append::Appended(UploadState { offset: 6, .. }))
        ));
        assert_eq!(
            a.upload_bytes("u1".into()).await.unwrap(),
            Some(vec![1, 2, 3, 4, 5, 6])
        );
    }

    async fn an_upload_is_appended_checked_and_finished<S: UploadStorage>(s: &S) {
        assert_eq!(s.upload("none".into()).await.unwrap(), None);
        assert_eq!(
            s.append_upload("none".into(), 0, vec![1]).await.unwrap(),
            None
        );
        s.create_upload("u".into(), None, "image/jpeg".into(), 2, at())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            s.append_upload("u".into(), 0, vec![1, 2, 3]).await.unwrap(),
            Some(Append::TooLong)
        );
        s.append_upload("u".into(), 0, vec![1, 2]).await.unwrap();
        assert_eq!(s.media("u".into()).await.unwrap(), None, "not finished yet");
        s.finish_upload("u".into(), Some(("image/webp".into(), vec![9])))
            .await
            .unwrap();
        let state = s.upload("u".into()).await.unwrap().unwrap();
        assert!(state.complete);
        assert_eq!((state.offset, state.mime.as_str()), (2, "image/webp"));
        assert_eq!(
            s.media("u".into()).await.unwrap(),
            Some(("image/webp".to_owned(), vec![9]))
        );
        // A finished upload takes no more chunks, and is not discarded.
        assert_eq!(
            s.append_upload("u".into(), 2, vec![3]).await.unwrap(),
            Some(Append::OffsetMismatch(2))
        );
        s.finish_upload("u".into(), None).await.unwrap();
        assert!(s.media("u".into()).await.unwrap().is_some());
        // An unfinished one is discarded.
        s.create_upload("v".into(), None, "image/jpeg".into(), 2, at())
            .await
            .unwrap()
            .unwrap();
        s.finish_upload("v".into(), None).await.unwrap();
        assert_eq!(s.upload("v".into()).await.unwrap(), None);
    }
}
