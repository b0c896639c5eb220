//! Resumable uploads of photos (and of PDFs for announcements) under
//! `/api/v1/uploads` (tus-like): create with the announced length and type,
//! append chunks at the stored offset, ask where an upload stands. A complete
//! photo is decoded and re-encoded without metadata ([`crate::images::sanitize`])
//! and kept, a PDF is kept once its frame checks out ([`crate::documents`]);
//! anything else is discarded with 422. Finished uploads are served at
//! `/open311/v2/media/{id}` (a PDF only once an announcement carries it).
//!
//! A chunk is read as it arrives and what arrived is kept even when the
//! connection is cut before the chunk's end (as tus does): on a link that
//! drops every few seconds no whole chunk may ever get through, but every
//! attempt moves the offset `HEAD` reports (issue 12).
//!
//! Creating an upload needs credentials: a device's `Authorization: Bearer`
//! token or a client app's API key (`X-Api-Key` header or `api_key` query
//! parameter); 401 otherwise. The upload id the answer carries is then the
//! capability for its chunks. Uploads not attached to a request within 24 h are
//! deleted ([`crate::cleanup`]).

use std::time::Duration;

use axum::Json;
use axum::body::Body;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use congdan_protocol::requests::{MAX_UPLOAD_BYTES, Upload};

use crate::AppState;
use crate::error::AppError;
use crate::routes::Routes;
use crate::storage::uploads::{Append, UploadState};

/// Longest wait for the next bytes of a chunk; a link silent for this long is
/// taken as gone, and what arrived before is kept.
const CHUNK_IDLE_TIMEOUT: Duration = Duration::from_secs(30);

/// Routes of this module (the caller gives them the large body limit).
pub fn router() -> Routes {
    Routes::new()
        .route("/uploads", post(create))
        .route("/uploads/{id}", axum::routing::patch(append).head(status))
}

fn number(headers: &HeaderMap, name: &'static str, message: &'static str) -> Result<u64, AppError> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .ok_or(AppError::Invalid(message))
}

fn offsets(state: &UploadState) -> [(&'static str, HeaderValue); 2] {
    [
        ("upload-offset", HeaderValue::from(state.offset)),
        ("upload-length", HeaderValue::from(state.length)),
    ]
}

/// A device token or a client app's API key, or 401.
async fn authorize(
    state: &AppState,
    headers: &HeaderMap,
    query: Option<&str>,
) -> Result<(), AppError> {
    if crate::accounts::bearer(headers).is_some() {
        return crate::residents::device(state, headers).await.map(drop);
    }
    let from_query = query.and_then(|raw| {
        serde_urlencoded::from_str::<Vec<(String, String)>>(raw)
            .ok()?
            .into_iter()
            .find(|(name, _)| name == "api_key")
            .map(|(_, value)| value)
    });
    let key = headers
        .get("x-api-key")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
        .or(from_query)
        .filter(|key| !key.is_empty())
        .ok_or(AppError::Unauthorized)?;
    crate::api_keys::check(state.storage.as_ref(), &key, (state.clock)())
        .await?
        .map(drop)
        .ok_or(AppError::Unauthorized)
}

async fn create(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    authorize(&state, &headers, query.as_deref()).await?;
    let length = number(&headers, "upload-length", "Thiếu hoặc sai Upload-Length.")?;
    if length > MAX_UPLOAD_BYTES {
        return Err(AppError::TooLarge);
    }
    if length == 0 {
        return Err(AppError::Invalid("Upload-Length phải lớn hơn 0."));
    }
    let mime = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.split(';').next().unwrap_or("").trim().to_owned())
        .filter(|v| crate::images::accepted_mime(v) || v == crate::documents::PDF_MIME)
        .ok_or(AppError::Invalid(
            "Content-Type phải là image/jpeg, image/png, image/webp hoặc application/pdf.",
        ))?;
    let key = crate::residents::idem(&headers, &[])?.map(|idem| idem.key);
    let id = uuid::Uuid::new_v4().simple().to_string();
    let upload = state
        .storage
        .create_upload(id, key, mime, length, (state.clock)())
        .await??;
    Ok((
        StatusCode::CREATED,
        offsets(&upload),
        Json(Upload {
            id: upload.id,
            offset: upload.offset,
        }),
    )
        .into_response())
}

async fn append(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, AppError> {
    let offset = number(&headers, "upload-offset", "Thiếu hoặc sai Upload-Offset.")?;
    // A chunk for another offset is refused before its bytes are read: on a
    // slow uplink they would cost the client seconds for nothing.
    let known = state
        .storage
        .upload(id.clone())
        .await?
        .ok_or(AppError::NotFound)?;
    if known.complete || known.offset != offset {
        return Err(AppError::OffsetMismatch(known.offset));
    }
    // Run to the end even when the client goes away mid-request (hyper drops the
    // handler then): the bytes that came must be kept, and a stored last chunk
    // must also be checked and marked complete, or the upload would look
    // finished (offset = length) and never be usable.
    tokio::spawn(async move {
        let chunk = receive(body).await;
        append_to_end(state, id, offset, chunk).await
    })
    .await
    .map_err(|e| AppError::Storage(crate::storage::StorageError::Worker(e.to_string())))?
}

/// The bytes of a chunk that arrived: all of them, or those before the
/// connection was cut, went silent for [`CHUNK_IDLE_TIMEOUT`], or passed the
/// route's body limit.
async fn receive(body: Body) -> Vec<u8> {
    use futures_util::StreamExt;
    let mut stream = body.into_data_stream();
    let mut chunk = Vec::new();
    loop {
        match tokio::time::timeout(CHUNK_IDLE_TIMEOUT, stream.next()).await {
            Ok(Some(Ok(bytes))) => chunk.extend_from_slice(&bytes),
            Ok(None) => return chunk,
            Ok(Some(Err(e))) => {
                tracing::info!(kept = chunk.len(), error = %e, "upload chunk cut short");
                return chunk;
            }
            Err(_) => {
                tracing::info!(kept = chunk.len(), "upload chunk stalled");
                return chunk;
            }
        }
    }
}

async fn append_to_end(
    state: AppState,
    id: String,
    offset: u64,
    chunk: Vec<u8>,
) -> Result<Response, AppError> {
    let outcome = state
        .storage
        .append_upload(id.clone(), offset, chunk)
        .await?
        .ok_or(AppError::NotFound)?;
    let upload = match outcome {
        Append::Appended(upload) => upload,
        Append::OffsetMismatch(current) => return Err(AppError::OffsetMismatch(current)),
        Append::TooLong => return Err(AppError::TooLarge),
    };
    if upload.offset == upload.length {
        finalize(&state, id).await?;
    }
    Ok((StatusCode::NO_CONTENT, offsets(&upload)).into_response())
}

/// Checks a fully received upload and keeps it: a PDF as sent once its frame
/// checks out ([`crate::documents`]), an image as its cleaned copy (metadata
/// removed, type from the bytes); a file that fails is discarded.
/// Errors: `NotPdf`, `NotImage` (discarded), storage errors.
async fn finalize(state: &AppState, id: String) -> Result<(), AppError> {
    let announced = state
        .storage
        .upload(id.clone())
        .await?
        .ok_or(AppError::NotFound)?;
    let bytes = state
        .storage
        .upload_bytes(id.clone())
        .await?
        .ok_or(AppError::NotFound)?;
    if announced.mime == crate::documents::PDF_MIME {
        let verdict = crate::documents::check_pdf(&bytes);
        let keep = verdict.is_ok().then(|| (announced.mime.clone(), bytes));
        state.storage.finish_upload(id, keep).await?;
        return verdict.map_err(|reason| {
            tracing::info!(%reason, "discarded an upload that is not a PDF");
            AppError::NotPdf
        });
    }
    let verdict = tokio::task::spawn_blocking(move || crate::images::sanitize(&bytes))
        .await
        .map_err(|e| AppError::Storage(crate::storage::StorageError::Worker(e.to_string())))?;
    let clean = verdict
        .as_ref()
        .ok()
        .map(|clean| (clean.mime.to_owned(), clean.bytes.clone()));
    state.storage.finish_upload(id, clean).await?;
    if let Err(reason) = verdict {
        tracing::info!(%reason, "discarded an upload that is not an image");
        return Err(AppError::NotImage);
    }
    Ok(())
}

async fn status(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let mut upload = state
        .storage
        .upload(id.clone())
        .await?
        .ok_or(AppError::NotFound)?;
    if upload.offset == upload.length && !upload.complete {
        // All bytes arrived but the check never ran (the server stopped in
        // between): finish it now, so the client's resume sees a usable upload.
        let task_state = state.clone();
        let task_id = id.clone();
        tokio::spawn(async move { finalize(&task_state, task_id).await })
            .await
            .map_err(|e| {
                AppError::Storage(crate::storage::StorageError::Worker(e.to_string()))
            })??;
        upload = state.storage.upload(id).await?.ok_or(AppError::NotFound)?;
    }
    Ok((
        StatusCode::OK,
        offsets(&upload),
        [(header::CACHE_CONTROL, HeaderValue::from_static("no-store"))],
    )
        .into_response())
}
