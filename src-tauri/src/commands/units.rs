//! Commands for the administrative-unit picker.

use crate::{AppState, UiError};
use congdan_core::Unit;
use tauri::State;

/// All provinces and centrally governed cities.
#[tauri::command(async)]
#[tracing::instrument(skip(state), err(Debug))]
pub fn list_provinces(state: State<'_, AppState>) -> Result<Vec<Unit>, UiError> {
    Ok(state.core.provinces()?)
}

/// The communes, wards and special zones of one province.
#[tauri::command(async)]
#[tracing::instrument(skip(state), err(Debug))]
pub fn list_communes(
    state: State<'_, AppState>,
    province_code: String,
) -> Result<Vec<Unit>, UiError> {
    Ok(state.core.communes(&province_code)?)
}
