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
