//! Commands for planned power cuts (lịch cắt điện): the list, the reminders to
//! schedule, and the calendar export.

use crate::{AppState, UiError};
use congdan_core::{OutageList, OutageReminder};
use tauri::{AppHandle, Manager, Runtime, State};

/// The home unit's cuts that have not ended, earliest first.
#[tauri::command(async)]
#[tracing::instrument(skip(state), err(Debug))]
pub fn list_outages(state: State<'_, AppState>) -> Result<OutageList, UiError> {
    Ok(state.core.outages(None)?)
}

/// The reminders still ahead (evening before, hour before) for the UI's timers.
#[tauri::command(async)]
#[tracing::instrument(skip(state), err(Debug))]
pub fn outage_reminders(state: State<'_, AppState>) -> Result<Vec<OutageReminder>, UiError> {
    Ok(state.core.outage_reminders()?)
}

/// Writes the cuts as an .ics file into the user's Downloads folder (the app
/// data folder where there is none) and returns its path.
#[tauri::command(async)]
#[tracing::instrument(skip(app, state), err(Debug))]
pub fn export_outages_ics<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Result<String, UiError> {
    let dir = export_dir(&app)?;
    Ok(state.core.export_outages_ics(&dir)?.display().to_string())
}

/// Where calendar exports go: the user's Downloads folder, or the app data
/// folder where there is none.
pub fn export_dir<R: Runtime>(app: &AppHandle<R>) -> Result<std::path::PathBuf, UiError> {
    Ok(app
        .path()
        .download_dir()
        .or_else(|_| app.path().app_data_dir())
        .map_err(|e| congdan_core::Error::Internal {
            reason: format!("no folder to write to: {e}"),
        })?)
}
