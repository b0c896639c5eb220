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

/// Syncs now, emitting `sync-progress` per page and `sync-finished` at the
/// end; `full` fetches images and the catalogue even with the data saver on.
#[tauri::command]
#[tracing::instrument(skip(app, state), err(Debug))]
pub async fn sync_now<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    full: Option<bool>,
) -> Result<SyncReport, UiError> {
    Ok(sync_and_notify(&app, &state.core, full.unwrap_or(false)).await?)
}

/// Whether syncs leave images and the catalogue for a full sync.
#[tauri::command(async)]
#[tracing::instrument(skip(state), err(Debug))]
pub fn get_data_saver(state: State<'_, AppState>) -> Result<bool, UiError> {
    Ok(state.core.data_saver()?)
}

/// Turns the data saver (for a metered, cellular connection) on or off.
#[tauri::command(async)]
#[tracing::instrument(skip(state), err(Debug))]
pub fn set_data_saver(state: State<'_, AppState>, on: bool) -> Result<(), UiError> {
    Ok(state.core.set_data_saver(on)?)
}
