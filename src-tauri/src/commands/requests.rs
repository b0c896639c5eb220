//! Commands for feedback and service requests (phản ánh kiến nghị, yêu cầu dịch vụ).

use crate::{AppState, UiError};
use congdan_core::{
    MyRequestDetail, MyRequestList, PreparedPhoto, PublicRequest, RequestDraft, Service,
    ServiceDefinition, SubmitReceipt,
};
use tauri::State;

/// The services residents can report to, from the cache.
#[tauri::command(async)]
#[tracing::instrument(skip(state), err(Debug))]
pub fn list_services(state: State<'_, AppState>) -> Result<Vec<Service>, UiError> {
    Ok(state.core.services()?)
}

/// The form (attributes) of one service, from the cache.
#[tauri::command(async)]
#[tracing::instrument(skip(state), err(Debug))]
pub fn get_service_definition(
    state: State<'_, AppState>,
    code: String,
) -> Result<ServiceDefinition, UiError> {
    Ok(state.core.service_definition(&code)?)
}

/// Shrinks and re-encodes a photo chosen in the UI, ready to attach.
#[tauri::command(async)]
#[tracing::instrument(skip(state, data_base64), err(Debug))]
pub fn prepare_photo(
    state: State<'_, AppState>,
    data_base64: String,
) -> Result<PreparedPhoto, UiError> {
    Ok(state.core.prepare_photo_base64(&data_base64)?)
}

/// Saves a request in the outbox; it is sent by the next drain.
#[tauri::command(async)]
#[tracing::instrument(skip(state, draft), err(Debug))]
pub fn submit_request(
    state: State<'_, AppState>,
    draft: RequestDraft,
) -> Result<SubmitReceipt, UiError> {
    Ok(state.core.submit_request(&draft)?)
}

/// My requests, queued ones included.
#[tauri::command(async)]
#[tracing::instrument(skip(state), err(Debug))]
pub fn list_my_requests(state: State<'_, AppState>) -> Result<MyRequestList, UiError> {
    Ok(state.core.my_requests()?)
}

/// One of my requests with its timeline and answer.
#[tauri::command(async)]
#[tracing::instrument(skip(state), err(Debug))]
pub fn get_my_request(state: State<'_, AppState>, id: String) -> Result<MyRequestDetail, UiError> {
    Ok(state.core.my_request(&id)?)
}

/// Rates the answer to one of my requests (queued in the outbox).
#[tauri::command(async)]
#[tracing::instrument(skip(state, comment), err(Debug))]
pub fn rate_request(
    state: State<'_, AppState>,
    id: String,
    stars: u8,
    comment: Option<String>,
) -> Result<SubmitReceipt, UiError> {
    Ok(state.core.rate_request(&id, stars, comment.as_deref())?)
}

/// Reopens one of my requests with a reason (queued in the outbox).
#[tauri::command(async)]
#[tracing::instrument(skip(state, reason), err(Debug))]
pub fn reopen_request(
    state: State<'_, AppState>,
    id: String,
    reason: String,
) -> Result<SubmitReceipt, UiError> {
    Ok(state.core.reopen_request(&id, &reason)?)
}

/// Public requests of the home unit, to find one already reported.
#[tauri::command(async)]
#[tracing::instrument(skip(state), err(Debug))]
pub fn list_public_requests(state: State<'_, AppState>) -> Result<Vec<PublicRequest>, UiError> {
    Ok(state.core.public_requests()?)
}

/// "Tôi cũng gặp": supports a public request (queued in the outbox).
#[tauri::command(async)]
#[tracing::instrument(skip(state), err(Debug))]
pub fn support_request(state: State<'_, AppState>, id: String) -> Result<SubmitReceipt, UiError> {
    Ok(state.core.support_request(&id)?)
}
