//! Commands for sync status and sync on demand (refresh, pull-to-refresh).

use crate::background::sync_and_notify;
use crate::{AppState, UiError};
use congdan_core::{SyncReport, SyncStatus};
use tauri::{AppHandle, Runtime, State};

/// What is cached, how old it is, and whether the last sync found the network down.
#[tauri::command(async)]
#[tracing::instrument(skip(state), err(Debug))]
pub fn sync_status(state: State<'_, AppState>) -> Result<SyncStatus, UiError> {
    Ok(state.core.status()?)
}

/// Syncs now, emitting `sync-progress` per page and `sync-finished` at the end.
#[tauri::command]
#[tracing::instrument(skip(app, state), err(Debug))]
pub async fn sync_now<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Result<SyncReport, UiError> {
    Ok(sync_and_notify(&app, &state.core).await?)
}
