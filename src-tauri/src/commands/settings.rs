//! Commands for the profile's settings: the home commune or ward.

use crate::{AppState, UiError};
use congdan_core::HomeUnit;
use tauri::State;

/// The chosen commune/ward, or `null` before onboarding.
#[tauri::command(async)]
#[tracing::instrument(skip(state), err(Debug))]
pub fn get_home_unit(state: State<'_, AppState>) -> Result<Option<HomeUnit>, UiError> {
    Ok(state.core.home_unit()?)
}

/// Chooses the commune/ward whose news and services the app shows.
#[tauri::command(async)]
#[tracing::instrument(skip(state), err(Debug))]
pub fn set_home_unit(state: State<'_, AppState>, code: String) -> Result<HomeUnit, UiError> {
    Ok(state.core.set_home_unit(&code)?)
}

/// The server this profile syncs with, for the settings screen.
#[tauri::command(async)]
#[tracing::instrument(skip(state), err(Debug))]
pub fn get_server_url(state: State<'_, AppState>) -> Result<Option<String>, UiError> {
    Ok(state.core.server_url()?)
}
