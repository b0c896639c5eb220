//! Commands for the administrative procedure catalogue (thủ tục hành chính).

use crate::{AppState, UiError};
use congdan_core::{
    ProcedureDetail, ProcedureFacets, ProcedureHome, ProcedureQuery, ProcedureResults,
};
use tauri::State;

/// Full-text search, with or without diacritics, filtered by level and field.
#[tauri::command(async)]
#[tracing::instrument(skip(state, query), err(Debug))]
pub fn search_procedures(
    state: State<'_, AppState>,
    query: ProcedureQuery,
) -> Result<ProcedureResults, UiError> {
    Ok(state.core.search_procedures(&query)?)
}

/// The opening screen: most-asked procedures, life events, recent and saved ones.
#[tauri::command(async)]
#[tracing::instrument(skip(state), err(Debug))]
pub fn procedure_home(state: State<'_, AppState>) -> Result<ProcedureHome, UiError> {
    Ok(state.core.procedure_home()?)
}

/// Levels and fields with their counts, for the filters.
#[tauri::command(async)]
#[tracing::instrument(skip(state), err(Debug))]
pub fn procedure_facets(state: State<'_, AppState>) -> Result<ProcedureFacets, UiError> {
    Ok(state.core.procedure_facets()?)
}

/// One procedure with the user's ticked documents and whether it is saved (records the visit).
#[tauri::command(async)]
#[tracing::instrument(skip(state), err(Debug))]
pub fn get_procedure(state: State<'_, AppState>, code: String) -> Result<ProcedureDetail, UiError> {
    Ok(state.core.procedure(&code)?)
}

/// Ticks or unticks one document of a procedure's checklist; returns the ticked indexes.
#[tauri::command(async)]
#[tracing::instrument(skip(state), err(Debug))]
pub fn set_document_checked(
    state: State<'_, AppState>,
    code: String,
    index: u32,
    checked: bool,
) -> Result<Vec<u32>, UiError> {
    Ok(state.core.set_document_checked(&code, index, checked)?)
}

/// Saves or unsaves a procedure for "Đã lưu".
#[tauri::command(async)]
#[tracing::instrument(skip(state), err(Debug))]
pub fn set_procedure_saved(
    state: State<'_, AppState>,
    code: String,
    saved: bool,
) -> Result<(), UiError> {
    Ok(state.core.set_procedure_saved(&code, saved)?)
}
