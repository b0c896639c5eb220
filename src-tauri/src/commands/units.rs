//! Commands for the administrative-unit picker.

use crate::{AppState, UiError};
use congdan_core::Unit;
use tauri::State;

/// All provinces and centrally governed cities (asked of the server while the
/// unit list has not been synced yet).
#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn list_provinces(state: State<'_, AppState>) -> Result<Vec<Unit>, UiError> {
    Ok(state.core.provinces().await?)
}

/// The communes, wards and special zones of one province (asked of the server
/// while the unit list has not been synced yet).
#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn list_communes(
    state: State<'_, AppState>,
    province_code: String,
) -> Result<Vec<Unit>, UiError> {
    Ok(state.core.communes(&province_code).await?)
}
