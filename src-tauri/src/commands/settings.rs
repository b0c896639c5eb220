//! Commands for the profile's settings: the home commune or ward, the
//! server and API key the app uses, and the room cached images may take.

use crate::{AppState, UiError};
use congdan_core::official::HomeVillage;
use congdan_core::{ConnectionInfo, HomeUnit, MediaUsage};
use tauri::State;

/// The chosen commune/ward, or `null` before onboarding.
#[tauri::command(async)]
#[tracing::instrument(skip(state), err(Debug))]
pub fn get_home_unit(state: State<'_, AppState>) -> Result<Option<HomeUnit>, UiError> {
    Ok(state.core.home_unit()?)
}

/// Chooses the commune/ward whose news and services the app shows (a unit not
/// synced yet is asked of the server).
#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn set_home_unit(state: State<'_, AppState>, code: String) -> Result<HomeUnit, UiError> {
    Ok(state.core.set_home_unit(&code).await?)
}

/// The home commune's villages (thôn, tổ dân phố), asked of the server.
#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn list_villages(state: State<'_, AppState>) -> Result<Vec<HomeVillage>, UiError> {
    Ok(state.core.villages().await?)
}

/// The chosen village, or `null` for the commune alone.
#[tauri::command(async)]
#[tracing::instrument(skip(state), err(Debug))]
pub fn get_home_village(state: State<'_, AppState>) -> Result<Option<HomeVillage>, UiError> {
    Ok(state.core.home_village()?)
}

/// Chooses a village of the home commune (`null`: the commune alone), whose
/// announcements then arrive as well as the commune's.
#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn set_home_village(
    state: State<'_, AppState>,
    code: Option<String>,
) -> Result<Option<HomeVillage>, UiError> {
    match code {
        Some(code) => Ok(Some(state.core.set_home_village(&code).await?)),
        None => {
            state.core.clear_home_village()?;
            Ok(None)
        }
    }
}

/// The cached images: how many, the room they take, the budget.
#[tauri::command(async)]
#[tracing::instrument(skip(state), err(Debug))]
pub fn media_usage(state: State<'_, AppState>) -> Result<MediaUsage, UiError> {
    Ok(state.core.media_usage()?)
}

/// Sets the image budget in MB; the oldest images beyond it go at once.
#[tauri::command(async)]
#[tracing::instrument(skip(state), err(Debug))]
pub fn set_media_budget(state: State<'_, AppState>, megabytes: u32) -> Result<MediaUsage, UiError> {
    Ok(state.core.set_media_budget(megabytes)?)
}

/// Deletes every cached image (the next syncs fetch them again).
#[tauri::command(async)]
#[tracing::instrument(skip(state), err(Debug))]
pub fn clear_media(state: State<'_, AppState>) -> Result<MediaUsage, UiError> {
    Ok(state.core.clear_media()?)
}

/// The server this profile syncs with, for the settings screen.
#[tauri::command(async)]
#[tracing::instrument(skip(state), err(Debug))]
pub fn get_server_url(state: State<'_, AppState>) -> Result<Option<String>, UiError> {
    Ok(state.core.server_url()?)
}

/// The server and the key (its fingerprint, never the key) this profile uses.
#[tauri::command(async)]
#[tracing::instrument(skip(state), err(Debug))]
pub fn get_connection(state: State<'_, AppState>) -> Result<ConnectionInfo, UiError> {
    Ok(state.core.connection()?)
}

/// Points the app at another server after it answered its health check;
/// nothing changes when the check fails (the error says why, in Vietnamese).
#[tauri::command]
#[tracing::instrument(skip(state, url), err(Debug))]
pub async fn set_server_url(
    state: State<'_, AppState>,
    url: String,
) -> Result<ConnectionInfo, UiError> {
    Ok(state.core.check_and_set_server_url(&url).await?)
}
