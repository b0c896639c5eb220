//! Commands for the administrative procedure catalogue (thủ tục hành chính).

use crate::{AppState, UiError};
use congdan_core::{ProcedureDetail, ProcedureFacets, ProcedureQuery, ProcedureResults};
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

/// Levels and fields with their counts, for the filters.
#[tauri::command(async)]
#[tracing::instrument(skip(state), err(Debug))]
pub fn procedure_facets(state: State<'_, AppState>) -> Result<ProcedureFacets, UiError> {
    Ok(state.core.procedure_facets()?)
}

/// One procedure with the user's ticked documents.
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
