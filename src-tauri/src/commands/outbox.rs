//! Commands for the outbox (hàng chờ gửi): what waits to be sent, sending it
//! now, and "Thử lại" for a submission the server refused.

use crate::{AppState, UiError};
use congdan_core::{DrainProgress, DrainReport, OutboxEntry};
use tauri::{AppHandle, Emitter, Runtime, State};

/// Event carrying a [`DrainProgress`] while the outbox is sent.
pub const OUTBOX_PROGRESS: &str = "outbox-progress";

/// Every row of the outbox, in send order.
#[tauri::command(async)]
#[tracing::instrument(skip(state), err(Debug))]
pub fn list_outbox(state: State<'_, AppState>) -> Result<Vec<OutboxEntry>, UiError> {
    Ok(state.core.outbox()?)
}

/// Sends the outbox now, emitting `outbox-progress`.
#[tauri::command]
#[tracing::instrument(skip(app, state), err(Debug))]
pub async fn drain_outbox<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Result<DrainReport, UiError> {
    let progress = move |p: DrainProgress| {
        let _ = app.emit(OUTBOX_PROGRESS, p);
    };
    Ok(state.core.drain(&progress).await?)
}

/// "Thử lại": puts a refused submission back in line (send it with `drain_outbox`).
#[tauri::command(async)]
#[tracing::instrument(skip(state), err(Debug))]
pub fn retry_outbox(state: State<'_, AppState>, id: i64) -> Result<(), UiError> {
    Ok(state.core.retry_outbox(id)?)
}
