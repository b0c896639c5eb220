//! Commands for alerts (cảnh báo): the active ones pinned on home and the history.

use crate::{AppState, UiError};
use congdan_core::AlertList;
use tauri::State;

/// The home unit's alerts: active ones most severe first, then the history.
#[tauri::command(async)]
#[tracing::instrument(skip(state), err(Debug))]
pub fn list_alerts(state: State<'_, AppState>) -> Result<AlertList, UiError> {
    Ok(state.core.alerts(None)?)
}
